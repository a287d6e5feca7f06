/**
 * The controller: informers on PaymentPlatforms and on the composed kinds, one work queue keyed
 * by object, and the reconcilers. Every change of a composed resource queues its platform (label
 * `crossplane.io/composite`, same namespace); the queue collapses bursts (45 resources changing
 * at once are one evaluation). Nothing polls: work starts from watch events, and the only timers
 * are backoff retries and the end of a hot-loop window.
 *
 * Runs only on the leader: `start()` lists everything, evaluates every platform once
 * ("first evaluation"), then follows changes; `stop()` stops the informers and drains the queue.
 */
import { ANNOTATION_PAUSED, API_GROUP, API_VERSION, PLURAL } from '../apis/constants.js';
import type { OperatorConfig } from './config.js';
import { EventRecorder } from './events.js';
import type { HealthStatusHotLoop } from '../apis/health.js';
import { HotLoopDetector } from './hotloop.js';
import { HotLoopReconciler } from './hotloop-reconciler.js';
import { Limiter } from './limiter.js';
import type { KubeClient } from './kube/client.js';
import type { ClusterConfig } from './kube/config.js';
import { Informer } from './kube/informer.js';
import { objectKey, splitKey, type KubeObject } from './kube/objects.js';
import type { WatchedKind } from './kinds.js';
import type { Logger } from './logger.js';
import { errorFields } from './logger.js';
import type { OperatorMetrics } from './metrics.js';
import { PlatformReconciler, type Resolved } from './platform-reconciler.js';
import type { ResourceRef } from './platform.js';
import { WorkQueue } from './queue.js';
import {
  ANNOTATION_RESOURCE_NAME,
  LABEL_COMPOSITE,
  slimComposite,
  slimManaged,
  slimPlatform,
  unchangedForOperator,
} from './slim.js';
import { HealthStatusWriter } from './status.js';

export interface ControllerOptions {
  readonly config: OperatorConfig;
  readonly kinds: readonly WatchedKind[];
  readonly client: KubeClient;
  readonly cluster: ClusterConfig;
  readonly log: Logger;
  readonly metrics: OperatorMetrics;
}

const PLATFORM_PREFIX = 'pp|';
const RESOURCE_PREFIX = 'mr|';
const INFORMER_BACKOFF = { baseMs: 250, maxMs: 10_000 };

/** Watches, queues and reconciles. */
export class Controller {
  private readonly platforms: Informer;
  /** `apiVersion|Kind` -> informer of that kind. */
  private readonly composed = new Map<string, { kind: WatchedKind; informer: Informer }>();
  private readonly queue: WorkQueue;
  private readonly detector: HotLoopDetector;
  private readonly hotLoops: HotLoopReconciler;
  private readonly platformReconciler: PlatformReconciler;
  private readonly hotTimers = new Map<string, NodeJS.Timeout>();
  private firstPending: Set<string> | undefined;
  private startedAt = 0;
  private firstDone = false;
  private running = false;
  private readonly log: Logger;

  constructor(private readonly options: ControllerOptions) {
    const { config, client, cluster, metrics } = options;
    this.log = options.log;
    const recorder = new EventRecorder(client, 'payment-platform-operator', config.identity, this.log, (reason, type, result) => {
      if (result === 'deduplicated') metrics.eventsDeduplicated.inc({ reason });
      else metrics.events.inc({ reason, type });
    });
    this.detector = new HotLoopDetector({ maxUpdates: config.hotLoopMaxUpdates, windowMs: config.hotLoopWindowMs });
    this.hotLoops = new HotLoopReconciler(this.detector, client, recorder, metrics, this.log, {
      pause: config.hotLoopPause,
      maxUpdates: config.hotLoopMaxUpdates,
    });
    this.platformReconciler = new PlatformReconciler(
      {
        platform: (ns, name) => this.platforms.get(ns, name),
        resolve: (ns, ref) => this.resolve(ns, ref),
        hotLoops: (objects) => this.hotLoopsOf(objects),
      },
      recorder,
      new HealthStatusWriter(client, this.log),
      metrics,
      this.log,
    );
    this.queue = new WorkQueue((key) => this.process(key), {
      workers: config.workers,
      baseMs: config.backoffBaseMs,
      maxMs: config.backoffMaxMs,
      hooks: {
        onDepth: (d) => metrics.queueDepth.set(d),
        onDone: (key, seconds, error, retryInMs) => this.done(key, seconds, error, retryInMs),
      },
    });

    const listLimiter = new Limiter(config.listConcurrency);
    const informer = (resource: string, path: string, slim: (o: KubeObject) => KubeObject, labelSelector?: string): Informer =>
      new Informer({
        resource,
        path,
        labelSelector,
        pageSize: config.listPageSize,
        slim,
        client,
        cluster,
        log: this.log,
        backoff: INFORMER_BACKOFF,
        listLimiter,
        onList: () => metrics.informerLists.inc({ resource }),
        onRestart: () => metrics.informerRestarts.inc({ resource }),
      });

    this.platforms = informer(`${PLURAL}.${API_GROUP}`, `/apis/${API_GROUP}/${API_VERSION}/${PLURAL}`, slimPlatform);
    const queuePlatform = (o: KubeObject): void => {
      const md = o.metadata;
      if (md) this.queue.add(PLATFORM_PREFIX + objectKey(md.namespace, md.name));
    };
    this.platforms.on('add', queuePlatform);
    // The operator's own status.health writes come back as updates: nothing to re-evaluate.
    this.platforms.on('update', (o, previous) => {
      if (!unchangedForOperator(previous, o, true)) queuePlatform(o);
    });
    this.platforms.on('delete', queuePlatform);

    for (const kind of options.kinds) {
      const resource = `${kind.plural}.${kind.group}`;
      // Only composed resources: the label selector keeps every other object out of the cache.
      // Crossplane labels everything under a PaymentPlatform, internal XRs and what they compose
      // included, with the PaymentPlatform's name.
      const slim = kind.composite ? slimComposite : slimManaged;
      const inf = informer(resource, `/apis/${kind.group}/${kind.version}/${kind.plural}`, slim, LABEL_COMPOSITE);
      const queueOwner = (o: KubeObject): void => {
        const md = o.metadata;
        const owner = md?.labels?.[LABEL_COMPOSITE];
        if (md && owner) this.queue.add(PLATFORM_PREFIX + objectKey(md.namespace, owner));
      };
      inf.on('add', (o) => {
        if (!kind.composite) this.observeChange(kind, o, false);
        queueOwner(o);
      });
      inf.on('update', (o, previous) => {
        if (!kind.composite) this.observeChange(kind, o, true);
        // A status update that changes nothing the operator reads (a provider re-sync moving a
        // condition's lastTransitionTime) cannot change the platform's outcome.
        if (!unchangedForOperator(previous, o)) queueOwner(o);
      });
      inf.on('delete', (o) => {
        const uid = o.metadata?.uid;
        if (uid) {
          this.detector.forget(uid);
          this.hotLoops.forget(uid);
          const t = this.hotTimers.get(uid);
          if (t) clearTimeout(t);
          this.hotTimers.delete(uid);
        }
        queueOwner(o);
      });
      this.composed.set(`${kind.group}/${kind.version}|${kind.kind}`, { kind, informer: inf });
    }
  }

  /** True once every platform was evaluated after the caches synced. */
  get firstEvaluationDone(): boolean {
    return this.firstDone;
  }

  /** Lists and watches everything, then evaluates every platform once and follows changes. */
  async start(): Promise<void> {
    this.running = true;
    this.startedAt = Date.now();
    const informers = [this.platforms, ...[...this.composed.values()].map((c) => c.informer)];
    this.log.info({ informers: informers.length }, 'starting informers');
    await Promise.all(informers.map((i) => i.start()));
    if (!this.running) return;
    for (const i of informers) this.options.metrics.informerObjects.set({ resource: i.resource }, i.list().length);
    const platforms = this.platforms.list();
    const composed = informers.slice(1).reduce((n, i) => n + i.list().length, 0);
    this.log.info({ platforms: platforms.length, composed, ms: Date.now() - this.startedAt }, 'caches synced');
    this.firstPending = new Set(platforms.map((o) => PLATFORM_PREFIX + objectKey(o.metadata?.namespace, o.metadata?.name ?? '')));
    if (this.firstPending.size === 0) this.finishFirstEvaluation();
    this.queue.start();
  }

  /** Stops the informers, then lets the queue finish (bounded by the timeout). */
  async stop(timeoutMs: number): Promise<boolean> {
    this.running = false;
    const informers = [this.platforms, ...[...this.composed.values()].map((c) => c.informer)];
    await Promise.all(informers.map((i) => i.stop()));
    for (const t of this.hotTimers.values()) clearTimeout(t);
    this.hotTimers.clear();
    const drained = await this.queue.drain(timeoutMs);
    this.log.info({ drained, left: this.queue.depth }, drained ? 'queue drained' : 'queue not drained in time');
    return drained;
  }

  private finishFirstEvaluation(): void {
    if (this.firstDone) return;
    this.firstDone = true;
    const seconds = (Date.now() - this.startedAt) / 1000;
    this.options.metrics.firstEvaluationSeconds.set(seconds);
    this.log.info({ seconds, platforms: this.platforms.list().length }, 'first evaluation complete');
  }

  private done(key: string, seconds: number, error: unknown, retryInMs: number | undefined): void {
    const isPlatform = key.startsWith(PLATFORM_PREFIX);
    if (isPlatform) {
      this.options.metrics.reconcileDuration.observe(seconds);
      this.options.metrics.reconciles.inc({
        result: error === undefined ? 'success' : retryInMs === undefined ? 'permanent_error' : 'error',
      });
    }
    if (error !== undefined) {
      if (retryInMs !== undefined) this.options.metrics.queueRetries.inc();
      this.log.warn({ key: key.slice(3), retryInMs: retryInMs ?? null, ...errorFields(error) }, 'reconcile failed');
    }
    // A platform counts as evaluated once processed, even on error (it is reported, and retried).
    if (this.firstPending?.delete(key) && this.firstPending.size === 0) this.finishFirstEvaluation();
  }

  private async process(key: string): Promise<void> {
    if (key.startsWith(PLATFORM_PREFIX)) {
      const { namespace, name } = splitKey(key.slice(PLATFORM_PREFIX.length));
      await this.platformReconciler.reconcile(namespace ?? '', name);
      return;
    }
    if (key.startsWith(RESOURCE_PREFIX)) {
      const [, kindKey, objKey] = key.split('|');
      const entry = this.composed.get(kindKey.replace('#', '|'));
      const { namespace, name } = splitKey(objKey);
      const obj = entry?.informer.get(namespace, name);
      if (!entry || !obj) return;
      await this.hotLoops.reconcile(entry.kind, obj);
      const owner = obj.metadata?.labels?.[LABEL_COMPOSITE];
      if (owner) this.queue.add(PLATFORM_PREFIX + objectKey(namespace, owner));
    }
  }

  /** Feeds the hot-loop detector; queues the resource when it starts or stops looping. */
  private observeChange(kind: WatchedKind, o: KubeObject, update: boolean): void {
    const md = o.metadata;
    if (!md?.uid) return;
    const now = Date.now();
    const transition = this.detector.observe(md.uid, md.resourceVersion ?? '', md.generation ?? 0, now);
    if (!update) return;
    const key = `${RESOURCE_PREFIX}${kind.group}/${kind.version}#${kind.kind}|${objectKey(md.namespace, md.name)}`;
    if (transition !== undefined) this.queue.add(key);
    if (this.detector.isHot(md.uid) && !this.hotTimers.has(md.uid)) this.scheduleHotCheck(md.uid, key);
  }

  /** While a resource is hot, re-checks it when the window moves on (it may have gone quiet). */
  private scheduleHotCheck(uid: string, key: string): void {
    const timer = setTimeout(
      () => {
        this.hotTimers.delete(uid);
        if (!this.running) return;
        const transition = this.detector.check(uid, Date.now());
        if (transition !== undefined) this.queue.add(key);
        if (this.detector.isHot(uid)) this.scheduleHotCheck(uid, key);
      },
      Math.max(1000, Math.floor(this.options.config.hotLoopWindowMs / 4)),
    );
    timer.unref();
    this.hotTimers.set(uid, timer);
  }

  private resolve(namespace: string, ref: ResourceRef): Resolved {
    const entry = this.composed.get(`${ref.apiVersion}|${ref.kind}`);
    if (!entry) return { watched: false, managed: false, composite: false, object: undefined };
    return {
      watched: true,
      managed: entry.kind.managed,
      composite: entry.kind.composite === true,
      object: entry.informer.get(namespace, ref.name),
    };
  }

  private hotLoopsOf(objects: readonly KubeObject[]): HealthStatusHotLoop[] {
    const out: HealthStatusHotLoop[] = [];
    for (const o of objects) {
      const md = o.metadata;
      if (!md?.uid || !this.hotLoops.isReported(md.uid)) continue;
      out.push({
        resource: md.annotations?.[ANNOTATION_RESOURCE_NAME] ?? md.name,
        kind: o.kind ?? '',
        name: md.name,
        updates: this.hotLoops.updatesAtDetection(md.uid),
        windowSeconds: Math.round(this.options.config.hotLoopWindowMs / 1000),
        paused: md.annotations?.[ANNOTATION_PAUSED] === 'true',
      });
    }
    return out;
  }
}
