/**
 * An informer: client-node's `ListWatch` (list, then watch from the list's resourceVersion;
 * re-list when the server answers 410 Gone) with what a controller needs around it:
 * - paginated lists (`limit`/`continue`), so one huge list does not hold the server or memory;
 * - a `slim` transform applied to every object before it is cached (managedFields and fields the
 *   operator never reads are dropped; at 45,000 objects this is most of the memory);
 * - a `synced` promise (the first list is in the cache);
 * - restart with exponential backoff after an error (ListWatch stops on any error but 410);
 * - watch bookmarks and a randomized watch timeout, as client-go's reflector uses.
 * No polling: between events nothing runs.
 */
import { backoffDelay, type BackoffOptions } from '../backoff.js';
import type { Limiter } from '../limiter.js';
import type { Logger } from '../logger.js';
import { errorFields } from '../logger.js';
import { ApiError, isStatus, type KubeClient } from './client.js';
import { createListWatch, type ListWatchCache, type WatchCallback, type WatchDone, type WatchQuery } from './client-node.js';
import type { ClusterConfig } from './config.js';
import { isObj, type KubeList, type KubeObject } from './objects.js';
import { watchStream } from './watch.js';

/** `previous` is the cached object a watch MODIFIED event replaced (undefined on adds, deletes and re-lists). */
export type ObjectHandler = (obj: KubeObject, previous?: KubeObject) => void;

export interface InformerOptions {
  /** Name for logs and metrics, e.g. `vpcs.ec2.aws.m.upbound.io`. */
  readonly resource: string;
  /** Collection path, e.g. `/apis/ec2.aws.m.upbound.io/v1beta1/vpcs` (all namespaces). */
  readonly path: string;
  readonly labelSelector?: string;
  readonly pageSize: number;
  /** Applied to every object before it is cached and handed to handlers. */
  readonly slim: (obj: KubeObject) => KubeObject;
  readonly client: KubeClient;
  readonly cluster: ClusterConfig;
  readonly log: Logger;
  readonly backoff: BackoffOptions;
  /** Shared by the informers: bounds how many full lists run at once (memory of pages in flight). */
  readonly listLimiter?: Limiter;
  /** Called on every full list (first and re-lists) and restart, for metrics. */
  readonly onList?: () => void;
  readonly onRestart?: () => void;
}

/**
 * ListWatch's watch function (client-node.ts): streams through `watchStream` (the operator's
 * credentials), slims objects, asks for bookmarks and a timeout, and reports the first watch.
 */
class SlimWatch {
  private readonly controllers = new Set<AbortController>();
  /** Watches in a row that ended at once without an event (e.g. an ERROR other than 410). */
  private quickEnds = 0;
  stopped = false;

  constructor(
    private readonly cluster: ClusterConfig,
    private readonly informer: Informer,
  ) {}

  async watch(path: string, queryParams: WatchQuery, callback: WatchCallback, done: WatchDone): Promise<AbortController> {
    // ListWatch watches right after it cached a list: from here on the cache is synced.
    this.informer.markSynced();
    if (this.quickEnds > 0) {
      // ListWatch re-watches at once when a watch ends; back off when they keep ending empty.
      await new Promise((r) => setTimeout(r, this.informer.quickEndDelay(this.quickEnds)));
    }
    const startedAt = Date.now();
    let sawObject = false;
    const params = {
      ...queryParams,
      allowWatchBookmarks: true,
      // 5-10 minutes, like client-go, so that a silently dead connection is replaced.
      timeoutSeconds: 300 + Math.floor(Math.random() * 300),
    };
    // Declared before the callbacks that read it: watchStream may call done before it returns.
    // eslint-disable-next-line prefer-const -- assigned once, after the closures that use it exist
    let controller: AbortController | undefined;
    const wrapped = (phase: string, apiObj: unknown, watchObj?: unknown): void => {
      if (this.stopped) return;
      this.informer.watchEvent();
      if (phase === 'ERROR') {
        if (isObj(apiObj) && apiObj.code === 410) this.informer.expired();
        callback(phase, apiObj, watchObj);
        return;
      }
      sawObject = true;
      if (phase === 'BOOKMARK' || !isObj(apiObj)) {
        callback(phase, apiObj, watchObj);
        return;
      }
      const slim = this.informer.slimObject(apiObj as KubeObject);
      // ListWatch replaces the cached object and calls the update handlers synchronously in here.
      if (phase === 'MODIFIED') this.informer.previous = this.informer.get(slim.metadata?.namespace, slim.metadata?.name ?? '');
      try {
        callback(phase, slim, watchObj);
      } finally {
        this.informer.previous = undefined;
      }
    };
    const wrappedDone = (err: unknown): void => {
      if (controller) this.controllers.delete(controller);
      this.quickEnds = !sawObject && Date.now() - startedAt < 1000 ? this.quickEnds + 1 : 0;
      if (isStatus410(err)) this.informer.expired();
      done(err);
    };
    controller = await watchStream(this.cluster, path, params, wrapped, wrappedDone);
    if (this.stopped) controller.abort();
    else this.controllers.add(controller);
    return controller;
  }

  abortAll(): void {
    this.stopped = true;
    for (const c of this.controllers) c.abort();
    this.controllers.clear();
  }
}

const isStatus410 = (err: unknown): boolean => isObj(err) && (err.statusCode === 410 || err.code === 410);

/** One resource's cache, kept current by list and watch. */
export class Informer {
  private readonly lw: ListWatchCache<KubeObject>;
  private readonly watcher: SlimWatch;
  private readonly handlers: { add: ObjectHandler[]; update: ObjectHandler[]; delete: ObjectHandler[] } = {
    add: [],
    update: [],
    delete: [],
  };
  /** @internal the cached object the MODIFIED event being handled replaces. */
  previous: KubeObject | undefined;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private isSynced = false;
  private resolveSynced: () => void = () => undefined;
  /** Resolves when the first list is cached. */
  readonly synced: Promise<void>;

  constructor(private readonly options: InformerOptions) {
    this.synced = new Promise((resolve) => {
      this.resolveSynced = resolve;
    });
    this.watcher = new SlimWatch(options.cluster, this);
    this.lw = createListWatch<KubeObject>({
      path: options.path,
      watch: (path, query, callback, done) => this.watcher.watch(path, query, callback, done),
      list: () => this.listAll(),
      ...(options.labelSelector !== undefined ? { labelSelector: options.labelSelector } : {}),
    });
    this.lw.on('add', (o) => this.handlers.add.forEach((h) => h(o)));
    this.lw.on('update', (o) => {
      const previous = this.previous;
      this.handlers.update.forEach((h) => h(o, previous));
    });
    this.lw.on('delete', (o) => this.handlers.delete.forEach((h) => h(o)));
    this.lw.on('error', (err) => this.onError(err));
  }

  get resource(): string {
    return this.options.resource;
  }

  get hasSynced(): boolean {
    return this.isSynced;
  }

  on(verb: 'add' | 'update' | 'delete', handler: ObjectHandler): void {
    this.handlers[verb].push(handler);
  }

  /** Starts listing and watching; resolves when the first list is cached. */
  async start(): Promise<void> {
    this.stopped = false;
    this.watcher.stopped = false;
    void this.lw.start();
    await this.synced;
  }

  /** Stops the watch and any pending restart; the cache stays readable. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.watcher.abortAll();
    await this.lw.stop();
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.lw.get(name, namespace);
  }

  list(namespace?: string): readonly KubeObject[] {
    return this.lw.list(namespace);
  }

  /** @internal the first watch started after a list. */
  markSynced(): void {
    if (!this.isSynced) {
      this.isSynced = true;
      this.options.log.debug({ resource: this.options.resource, objects: this.lw.list().length }, 'informer synced');
      this.resolveSynced();
    }
  }

  /** @internal a watch event arrived: the connection works. */
  watchEvent(): void {
    this.failures = 0;
  }

  /** @internal the server answered 410 Gone: ListWatch re-lists. */
  expired(): void {
    this.options.log.info({ resource: this.options.resource }, 'watch resourceVersion expired (410 Gone): re-listing');
  }

  /** @internal delay before the next watch after `n` watches in a row ended empty at once. */
  quickEndDelay(n: number): number {
    return backoffDelay(n, this.options.backoff);
  }

  /** @internal */
  slimObject(o: KubeObject): KubeObject {
    return this.options.slim(o);
  }

  private async listAll(): Promise<KubeList & { items: KubeObject[]; metadata: { resourceVersion: string } }> {
    this.options.onList?.();
    const started = Date.now();
    try {
      const limiter = this.options.listLimiter;
      const list = limiter
        ? await limiter.run(() => this.listPages(this.options.pageSize))
        : await this.listPages(this.options.pageSize);
      this.failures = 0;
      return list;
    } catch (err) {
      // An expired continue token (410) means the snapshot is gone: list again without pages.
      if (isStatus(err, 410)) return await this.listPages(undefined);
      throw new Error(`cannot list ${this.options.resource}`, { cause: err });
    } finally {
      this.options.log.debug({ resource: this.options.resource, ms: Date.now() - started }, 'listed');
    }
  }

  private async listPages(
    limit: number | undefined,
  ): Promise<KubeList & { items: KubeObject[]; metadata: { resourceVersion: string } }> {
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.options.client.request<KubeList>('GET', this.options.path, {
        query: { limit, continue: cont, labelSelector: this.options.labelSelector },
        timeoutMs: 120_000,
      });
      for (const item of page.items ?? []) items.push(this.options.slim(item));
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      cont = page.metadata?.continue || undefined;
    } while (cont !== undefined);
    return { metadata: { resourceVersion }, items };
  }

  private onError(err: unknown): void {
    if (this.stopped) return;
    this.failures++;
    const cause = err instanceof Error && err.cause instanceof ApiError ? err.cause : err;
    if (!this.isSynced && cause instanceof ApiError && cause.status === 404) {
      // The kind is not served (its CRD is not installed yet): count it as synced and empty so the
      // rest is evaluated; keep retrying, and its objects arrive when the CRD does.
      this.options.log.warn(
        { resource: this.options.resource },
        'resource not served (CRD not installed?): treating it as empty until it is',
      );
      this.markSynced();
    }
    const delay = backoffDelay(this.failures, this.options.backoff);
    this.options.log.warn(
      {
        resource: this.options.resource,
        retryInMs: delay,
        ...errorFields(err),
        status: err instanceof ApiError ? err.status : undefined,
      },
      'list/watch failed; restarting',
    );
    this.options.onRestart?.();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopped) void this.lw.start();
    }, delay);
  }
}
