/**
 * Acts on the hot-loop guard's findings for one managed resource: a Warning Event and metrics
 * when it starts looping, and, only with the explicit opt-in `--hot-loop-pause`, the annotation
 * `crossplane.io/paused: "true"` (server-side apply with the operator's field manager, without
 * force: if someone else owns that annotation, the operator leaves it alone and says so).
 */
import { ANNOTATION_PAUSED } from '../apis/constants.js';
import type { EventRecorder, InvolvedObject } from './events.js';
import { FIELD_MANAGER } from '../apis/health.js';
import type { HotLoopDetector, HotLoopStats } from './hotloop.js';
import { isStatus, PATCH, type KubeClient } from './kube/client.js';
import type { KubeObject } from './kube/objects.js';
import type { WatchedKind } from './kinds.js';
import type { Logger } from './logger.js';
import type { OperatorMetrics } from './metrics.js';
import { LABEL_COMPOSITE } from './slim.js';

export interface HotLoopReconcilerOptions {
  readonly pause: boolean;
  readonly maxUpdates: number;
}

/** Publishes hot-loop transitions of managed resources. */
export class HotLoopReconciler {
  /** uid -> labels of the gauge series set while it loops. */
  private readonly reported = new Map<string, { namespace: string; kind: string; name: string; platform: string }>();
  /** uid -> changes counted when the loop was detected (status.health shows this fixed number). */
  private readonly detectedUpdates = new Map<string, number>();
  /** uids this operator annotated paused. */
  private readonly paused = new Set<string>();

  constructor(
    private readonly detector: HotLoopDetector,
    private readonly client: KubeClient,
    private readonly recorder: EventRecorder,
    private readonly metrics: OperatorMetrics,
    private readonly log: Logger,
    private readonly options: HotLoopReconcilerOptions,
  ) {}

  /** Whether this resource is reported as looping (for status.health). */
  isReported(uid: string): boolean {
    return this.reported.has(uid);
  }

  /** Changes within the window when the loop was detected. */
  updatesAtDetection(uid: string): number {
    return this.detectedUpdates.get(uid) ?? 0;
  }

  /** Brings Events, metrics and the pause annotation in line with the detector's state. */
  async reconcile(kind: WatchedKind, obj: KubeObject): Promise<void> {
    const md = obj.metadata;
    const uid = md?.uid;
    if (!md || !uid || !md.namespace) return;
    const hot = this.detector.isHot(uid);
    const wasReported = this.reported.has(uid);
    const labels = { namespace: md.namespace, kind: kind.kind, name: md.name, platform: md.labels?.[LABEL_COMPOSITE] ?? '' };
    const involved: InvolvedObject = {
      apiVersion: `${kind.group}/${kind.version}`,
      kind: kind.kind,
      name: md.name,
      namespace: md.namespace,
      uid,
    };
    const stats = this.detector.stats(uid, Date.now());
    const paused = md.annotations?.[ANNOTATION_PAUSED] === 'true';
    if (hot) {
      if (!wasReported) await this.report(kind, involved, labels, stats);
      // Separate from the report so that a failed pause is retried (with backoff) on its own.
      if (this.options.pause && !paused && !this.paused.has(uid)) {
        await this.pause(kind, obj, involved);
        this.paused.add(uid);
      }
    } else if (wasReported) {
      this.log.info({ resource: `${kind.kind}/${md.namespace}/${md.name}`, paused }, 'hot loop over');
      await this.recorder.record({
        involved,
        type: 'Normal',
        reason: 'HotLoopResolved',
        message: `changes fell to ${stats.updates} in ${Math.round(stats.windowMs / 1000)}s${paused ? `; it is still paused: remove ${ANNOTATION_PAUSED} to resume reconciling` : ''}`,
        dedupKey: 'resolved',
      });
      this.forget(uid);
    }
  }

  /** Drops the series of a deleted resource. */
  forget(uid: string): void {
    const labels = this.reported.get(uid);
    if (labels) this.metrics.hotLoopResources.remove(labels);
    this.reported.delete(uid);
    this.detectedUpdates.delete(uid);
    this.paused.delete(uid);
  }

  private async report(
    kind: WatchedKind,
    involved: InvolvedObject,
    labels: { namespace: string; kind: string; name: string; platform: string },
    stats: HotLoopStats,
  ): Promise<void> {
    const uid = involved.uid;
    const where = `${kind.kind}/${involved.namespace}/${involved.name}`;
    const seconds = Math.round(stats.windowMs / 1000);
    const message = `changed ${stats.updates} times (spec ${stats.generations} times) in ${seconds}s without converging (limit ${this.options.maxUpdates}): the provider may be calling AWS in a loop. ${
      this.options.pause
        ? 'Pausing it (--hot-loop-pause).'
        : `Pause it with the annotation ${ANNOTATION_PAUSED}="true" (or run the operator with --hot-loop-pause).`
    }`;
    this.log.warn(
      { resource: where, updates: stats.updates, generations: stats.generations, windowSeconds: seconds },
      'hot loop detected',
    );
    await this.recorder.record({ involved, type: 'Warning', reason: 'HotLoopDetected', message, dedupKey: 'hot' });
    this.metrics.hotLoopDetections.inc({ kind: kind.kind });
    this.metrics.hotLoopResources.set(labels, 1);
    this.reported.set(uid, labels);
    this.detectedUpdates.set(uid, Math.max(stats.updates, stats.generations));
  }

  private async pause(kind: WatchedKind, obj: KubeObject, involved: InvolvedObject): Promise<void> {
    const md = obj.metadata;
    if (!md?.namespace) return;
    const path = `/apis/${kind.group}/${kind.version}/namespaces/${md.namespace}/${kind.plural}/${md.name}`;
    try {
      await this.client.request('PATCH', path, {
        contentType: PATCH.apply,
        query: { fieldManager: FIELD_MANAGER },
        body: {
          apiVersion: `${kind.group}/${kind.version}`,
          kind: kind.kind,
          metadata: { name: md.name, namespace: md.namespace, annotations: { [ANNOTATION_PAUSED]: 'true' } },
        },
      });
    } catch (err) {
      if (isStatus(err, 409)) {
        this.log.warn(
          { resource: `${kind.kind}/${md.namespace}/${md.name}` },
          `not pausing: another manager owns ${ANNOTATION_PAUSED}`,
        );
        await this.recorder.record({
          involved,
          type: 'Warning',
          reason: 'HotLoopNotPaused',
          message: `not annotated ${ANNOTATION_PAUSED}="true": another field manager owns that annotation`,
          dedupKey: 'not-paused',
        });
        return;
      }
      if (isStatus(err, 404)) return;
      throw new Error(`cannot pause ${kind.kind} ${md.namespace}/${md.name}`, { cause: err });
    }
    this.metrics.hotLoopPaused.inc({ kind: kind.kind });
    this.log.warn({ resource: `${kind.kind}/${md.namespace}/${md.name}` }, `paused: annotated ${ANNOTATION_PAUSED}="true"`);
    await this.recorder.record({
      involved,
      type: 'Warning',
      reason: 'HotLoopPaused',
      message: `annotated ${ANNOTATION_PAUSED}="true" by ${FIELD_MANAGER} (--hot-loop-pause): Crossplane stops reconciling it; remove the annotation to resume`,
      dedupKey: 'paused',
    });
  }
}
