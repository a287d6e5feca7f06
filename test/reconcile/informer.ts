/**
 * A minimal list-then-watch loop over one resource, for the stand-ins of the reconcile suite
 * (the stand-in provider, the External package runtime). It calls `onObject` for every object
 * the list returns and for every watch event after it, relists when the watch ends or expires
 * (410), and stops when its signal aborts. The operator has a full informer with a cache; the
 * stand-ins only need "tell me every object, again whenever it changes".
 */
import { setMaxListeners } from 'node:events';
import { isObj, type Obj } from '../../src/apis/obj.js';
import type { KubeClient } from '../../src/operator/kube/client.js';
import type { ClusterConfig } from '../../src/operator/kube/config.js';
import { watchStream } from '../../src/operator/kube/watch.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'LISTED';

export interface ListWatchOptions {
  readonly client: KubeClient;
  readonly cluster: ClusterConfig;
  /** The collection path, e.g. `/apis/ec2.aws.m.upbound.io/v1beta1/vpcs`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly onObject: (type: WatchEventType, obj: Obj) => void;
  readonly onError?: (err: unknown) => void;
  readonly signal: AbortSignal;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Runs until `signal` aborts; never rejects. Many loops may share one signal (one per kind). */
export async function listWatch(o: ListWatchOptions): Promise<void> {
  setMaxListeners(0, o.signal);
  while (!o.signal.aborted) {
    try {
      const list = await o.client.request<{ metadata?: { resourceVersion?: string }; items?: Obj[] }>('GET', o.path, {
        query: o.query,
      });
      for (const item of list.items ?? []) o.onObject('LISTED', item);
      await new Promise<void>((resolve) => {
        let controller: AbortController | undefined;
        const stop = (): void => controller?.abort();
        o.signal.addEventListener('abort', stop, { once: true });
        void watchStream(
          o.cluster,
          o.path,
          { ...o.query, resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: false, timeoutSeconds: 300 },
          (type, object) => {
            if (isObj(object) && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) o.onObject(type, object);
          },
          (err) => {
            o.signal.removeEventListener('abort', stop);
            if (err && !o.signal.aborted) o.onError?.(err);
            resolve();
          },
        ).then((c) => {
          controller = c;
          if (o.signal.aborted) c.abort();
        });
      });
    } catch (err) {
      if (!o.signal.aborted) o.onError?.(err);
      await sleep(1000, o.signal);
    }
  }
}
