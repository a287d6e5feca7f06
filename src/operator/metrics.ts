/**
 * Prometheus metrics (prom-client) on a registry of their own, every name prefixed
 * `payment_platform_operator_`. Per-platform series are removed when the platform is deleted,
 * and per-control / per-resource series exist only while the control fails or the loop runs,
 * so cardinality follows what is wrong, not what exists.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The prefix of every metric name. */
export const METRIC_PREFIX = 'payment_platform_operator_';
const p = (name: string): string => `${METRIC_PREFIX}${name}`;

/** Every metric of the operator. */
export class OperatorMetrics {
  readonly registry = new Registry();
  readonly leader: Gauge;
  readonly platformReady: Gauge;
  readonly platformResources: Gauge;
  readonly platformResourcesReady: Gauge;
  readonly complianceFailing: Gauge;
  readonly complianceControlFailing: Gauge;
  readonly complianceRegressions: Counter;
  readonly hotLoopResources: Gauge;
  readonly hotLoopDetections: Counter;
  readonly hotLoopPaused: Counter;
  readonly reconciles: Counter;
  readonly reconcileDuration: Histogram;
  readonly queueDepth: Gauge;
  readonly queueRetries: Counter;
  readonly events: Counter;
  readonly eventsDeduplicated: Counter;
  readonly statusWrites: Counter;
  readonly malformed: Counter;
  readonly informerRestarts: Counter;
  readonly informerLists: Counter;
  readonly informerObjects: Gauge;
  readonly apiRequests: Counter;
  readonly apiDuration: Histogram;
  readonly firstEvaluationSeconds: Gauge;
  readonly leaderTransitions: Counter;

  constructor() {
    const r = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    this.leader = new Gauge({ name: p('leader'), help: '1 when this replica holds the Lease', registers: r });
    this.leaderTransitions = new Counter({
      name: p('leader_transitions_total'),
      help: 'Leadership gained (acquired) or lost by this replica',
      labelNames: ['transition'],
      registers: r,
    });
    this.platformReady = new Gauge({
      name: p('platform_ready'),
      help: '1 when every composed resource of the PaymentPlatform is Ready',
      labelNames: ['namespace', 'platform'],
      registers: r,
    });
    this.platformResources = new Gauge({
      name: p('platform_resources'),
      help: 'Composed managed resources of the PaymentPlatform (spec.crossplane.resourceRefs)',
      labelNames: ['namespace', 'platform'],
      registers: r,
    });
    this.platformResourcesReady = new Gauge({
      name: p('platform_resources_ready'),
      help: 'Composed managed resources of the PaymentPlatform that are Ready',
      labelNames: ['namespace', 'platform'],
      registers: r,
    });
    this.complianceFailing = new Gauge({
      name: p('compliance_failing_controls'),
      help: 'Required PCI controls the PaymentPlatform fails on its live resources',
      labelNames: ['namespace', 'platform'],
      registers: r,
    });
    this.complianceControlFailing = new Gauge({
      name: p('compliance_control_failing'),
      help: '1 while a required PCI control fails on a live resource (series exist only while failing)',
      labelNames: ['namespace', 'platform', 'control', 'resource'],
      registers: r,
    });
    this.complianceRegressions = new Counter({
      name: p('compliance_regressions_total'),
      help: 'Required PCI controls that went to failing (from passing, or failing when first seen)',
      labelNames: ['control', 'from'],
      registers: r,
    });
    this.hotLoopResources = new Gauge({
      name: p('hot_loop_resources'),
      help: '1 while a managed resource changes faster than the hot-loop limit (series exist only while looping)',
      labelNames: ['namespace', 'kind', 'name', 'platform'],
      registers: r,
    });
    this.hotLoopDetections = new Counter({
      name: p('hot_loop_detections_total'),
      help: 'Managed resources detected in a hot loop',
      labelNames: ['kind'],
      registers: r,
    });
    this.hotLoopPaused = new Counter({
      name: p('hot_loop_paused_total'),
      help: 'Hot-looping managed resources annotated crossplane.io/paused=true (only with --hot-loop-pause)',
      labelNames: ['kind'],
      registers: r,
    });
    this.reconciles = new Counter({
      name: p('reconciles_total'),
      help: 'PaymentPlatform reconciles by result',
      labelNames: ['result'],
      registers: r,
    });
    this.reconcileDuration = new Histogram({
      name: p('reconcile_duration_seconds'),
      help: 'Time to evaluate one PaymentPlatform and write its outcome',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: r,
    });
    this.queueDepth = new Gauge({ name: p('queue_depth'), help: 'Keys queued or being processed', registers: r });
    this.queueRetries = new Counter({
      name: p('queue_retries_total'),
      help: 'Keys requeued with backoff after a failure',
      registers: r,
    });
    this.events = new Counter({
      name: p('events_total'),
      help: 'Kubernetes Events written (created or counted up), by reason',
      labelNames: ['reason', 'type'],
      registers: r,
    });
    this.eventsDeduplicated = new Counter({
      name: p('events_deduplicated_total'),
      help: 'Events not written because the same event was already recorded',
      labelNames: ['reason'],
      registers: r,
    });
    this.statusWrites = new Counter({
      name: p('status_writes_total'),
      help: 'Server-side applies of status.health, by result',
      labelNames: ['result'],
      registers: r,
    });
    this.malformed = new Counter({
      name: p('malformed_objects_total'),
      help: 'Objects the operator could not interpret (reported and skipped)',
      labelNames: ['kind'],
      registers: r,
    });
    this.informerRestarts = new Counter({
      name: p('informer_restarts_total'),
      help: 'Informer list/watch restarts after an error, by resource',
      labelNames: ['resource'],
      registers: r,
    });
    this.informerLists = new Counter({
      name: p('informer_lists_total'),
      help: 'Full lists by informers (the first, and re-lists after 410 Gone), by resource',
      labelNames: ['resource'],
      registers: r,
    });
    this.informerObjects = new Gauge({
      name: p('informer_objects'),
      help: 'Objects in the informer caches, by resource',
      labelNames: ['resource'],
      registers: r,
    });
    this.apiRequests = new Counter({
      name: p('api_requests_total'),
      help: 'Requests to the API server (writes and lists; watches excluded), by method and code',
      labelNames: ['method', 'code'],
      registers: r,
    });
    this.apiDuration = new Histogram({
      name: p('api_request_duration_seconds'),
      help: 'Latency of requests to the API server',
      labelNames: ['method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: r,
    });
    this.firstEvaluationSeconds = new Gauge({
      name: p('first_evaluation_seconds'),
      help: 'Seconds from becoming leader to every PaymentPlatform evaluated once',
      registers: r,
    });
  }

  /** Removes the per-platform series of a deleted platform. */
  forgetPlatform(namespace: string, platform: string): void {
    for (const g of [this.platformReady, this.platformResources, this.platformResourcesReady, this.complianceFailing]) {
      g.remove({ namespace, platform });
    }
  }
}
