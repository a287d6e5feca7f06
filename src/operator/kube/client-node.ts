/**
 * The one module of the operator that touches `@kubernetes/client-node` (1.4.x, ESM-only): what
 * the project relies on from it is named here, and test/unit/client-node-contract.test.ts fails
 * when an upgrade changes it.
 *
 * - `ListWatch` (list, then watch from the list's resourceVersion; re-list on 410 Gone; stop on any
 *   other error) runs on a watch function of ours (`WatchFn`, the operator's own credentials and
 *   connection): client-node's `Watch` is only the type ListWatch asks for, its KubeConfig is never
 *   used.
 * - `KubeConfig`, only for kubeconfig users that need an exec plugin or an auth provider, loaded
 *   on first use: the package root loads client-node's whole generated API (about 45 MB of
 *   resident memory the operator otherwise does not need), so everything else is a deep import.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ListWatch } from '@kubernetes/client-node/dist/cache.js';
import { Watch } from '@kubernetes/client-node/dist/watch.js';
import type https from 'node:https';
import { importEsm } from '../../util/esm-import.js';

/** A watch event: `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`, the object, the raw event. */
export type WatchCallback = (phase: string, apiObj: unknown, watchObj?: unknown) => void;
/** Called exactly once when a watch ends: `null` when the server closed it, else the error. */
export type WatchDone = (err: unknown) => void;
export type WatchQuery = Record<string, string | number | boolean | undefined>;
/** Client-node's `Watch.watch` contract, implemented by the operator (watch.ts). */
export type WatchFn = (path: string, query: WatchQuery, callback: WatchCallback, done: WatchDone) => Promise<AbortController>;

/** What ListWatch lists: items and the list's resourceVersion. */
export interface ListResult<T> {
  readonly metadata: { readonly resourceVersion: string };
  readonly items: T[];
}

/** The object shape ListWatch caches (by metadata.namespace and metadata.name). */
export interface CachedObject {
  metadata?: { readonly name?: string; readonly namespace?: string; readonly resourceVersion?: string };
}

/** A list-and-watch cache: client-node's ListWatch, as the operator uses it. */
export interface ListWatchCache<T> {
  on(verb: 'add' | 'update' | 'delete', handler: (obj: T) => void): void;
  on(verb: 'error', handler: (err: unknown) => void): void;
  /** Lists (when it has no resourceVersion) and watches; resolves once the watch is started. */
  start(): Promise<void>;
  stop(): Promise<void>;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
}

/** A client-node `Watch` whose `watch()` is ours: ListWatch calls nothing else on it. */
class DelegatingWatch extends Watch {
  constructor(private readonly fn: WatchFn) {
    // Watch's only constructor argument is the KubeConfig its own watch() would use; ours never does.
    super(undefined as unknown as KubeConfig);
  }

  override watch(path: string, query: WatchQuery, callback: WatchCallback, done: WatchDone): Promise<AbortController> {
    return this.fn(path, query, callback, done);
  }
}

/** client-node's ListWatch over `watch` and `list`, not started (`start()` starts it). */
export function createListWatch<T extends CachedObject>(options: {
  readonly path: string;
  readonly watch: WatchFn;
  readonly list: () => Promise<ListResult<T>>;
  readonly labelSelector?: string;
}): ListWatchCache<T> {
  return new ListWatch<T & { metadata?: object }>(
    options.path,
    new DelegatingWatch(options.watch),
    options.list,
    false,
    options.labelSelector,
  ) as ListWatchCache<T>;
}

/** Credentials of a kubeconfig user with an exec plugin or an auth provider: client-node's KubeConfig does the work. */
export interface KubeConfigAuth {
  /** Sets the CA, client certificate and Authorization header (runs the exec plugin when due). */
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

/** Loads client-node's KubeConfig (and the package root) on first use, from a kubeconfig document in YAML. */
export async function kubeConfigFromYaml(kubeconfig: string): Promise<KubeConfigAuth> {
  const { KubeConfig: Config } = await importEsm<typeof import('@kubernetes/client-node')>('@kubernetes/client-node');
  const kc = new Config();
  kc.loadFromString(kubeconfig);
  return {
    async applyToHTTPSOptions(opts) {
      await kc.applyToHTTPSOptions(opts);
      // client-node sets an agent per call; the operator's requests bring their own.
      delete opts.agent;
    },
  };
}
