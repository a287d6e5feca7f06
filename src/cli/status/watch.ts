/**
 * `status --watch`'s change feed: watches (the API server's watch API, no polling) on the
 * PaymentPlatform and on every kind it composes, restricted to its composed objects by the label
 * Crossplane puts on them (`crossplane.io/composite=NAME`). The status loop re-reads the platform
 * when the feed says something changed.
 *
 * A watch that ends (the server's watch timeout, a dropped connection, an error such as 403) is
 * restarted with a growing delay, and its end counts as a change: events may have been missed, so
 * the loop reads again and the reading surfaces any error that persists.
 */
import type * as K8s from '@kubernetes/client-node';
import { API_GROUP_VERSION, LABEL_COMPOSITE, PLURAL } from '../../apis/constants.js';
import type { ResourceRef } from './model.js';

/** Bursts of events (a watch's initial list, providers writing status) are read once. */
const COALESCE_MS = 100;
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 10_000;

export interface ChangeFeed {
  /** Also watches the kinds of these composed resources (call after every reading). */
  follow(refs: readonly ResourceRef[]): void;
  /**
   * Resolves true at the first change since the previous call (at once when one came meanwhile),
   * false when `ms` pass without one.
   */
  next(ms: number): Promise<boolean>;
  /** Stops every watch. */
  close(): void;
}

interface DiscoveryApi {
  collection(apiVersion: string, kind: string): Promise<{ plural: string; namespaced: boolean } | undefined>;
}

/** client-node's object API with its (cached) discovery exposed: a kind's plural and scope. */
function discoveryApi(k8s: typeof K8s, kc: K8s.KubeConfig): DiscoveryApi {
  class Discovery extends k8s.KubernetesObjectApi implements DiscoveryApi {
    async collection(apiVersion: string, kind: string): Promise<{ plural: string; namespaced: boolean } | undefined> {
      const r = await this.resource(apiVersion, kind);
      return r ? { plural: r.name, namespaced: r.namespaced } : undefined;
    }
  }
  return kc.makeApiClient(Discovery);
}

/** The collection path of a resource (`/api/v1/...` for the core group). */
export function collectionPath(apiVersion: string, plural: string, namespace: string | undefined): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return namespace === undefined ? `${base}/${plural}` : `${base}/namespaces/${namespace}/${plural}`;
}

/** One watch request: its controller once started, and whether it has ended. */
interface Attempt {
  controller?: AbortController;
  ended: boolean;
}

/** Watches of one PaymentPlatform and what it composes, on the cluster of a kubeconfig. */
export class WatchFeed implements ChangeFeed {
  private readonly watch: K8s.Watch;
  private readonly discovery: DiscoveryApi;
  private readonly attempts = new Set<Attempt>();
  /** apiVersion/kind already followed (or being resolved). */
  private readonly kinds = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private dirty = false;
  private wake: (() => void) | undefined;
  private closed = false;

  /** `k8s` is client-node, which the caller has loaded (an ES module only). */
  constructor(
    k8s: typeof K8s,
    kc: K8s.KubeConfig,
    private readonly namespace: string,
    private readonly name: string,
  ) {
    this.watch = new k8s.Watch(kc);
    this.discovery = discoveryApi(k8s, kc);
    this.start(collectionPath(API_GROUP_VERSION, PLURAL, namespace), { fieldSelector: `metadata.name=${name}` });
  }

  follow(refs: readonly ResourceRef[]): void {
    for (const ref of refs) {
      const key = `${ref.apiVersion}/${ref.kind}`;
      if (this.closed || this.kinds.has(key)) continue;
      this.kinds.add(key);
      this.discovery.collection(ref.apiVersion, ref.kind).then(
        (c) => {
          // A kind the server does not serve: the reading reports it; nothing to watch.
          if (!c || this.closed) return;
          this.start(collectionPath(ref.apiVersion, c.plural, c.namespaced ? (ref.namespace ?? this.namespace) : undefined), {
            labelSelector: `${LABEL_COMPOSITE}=${this.name}`,
          });
        },
        () => {
          // Discovery failed (connection, RBAC): try again after the next reading.
          this.kinds.delete(key);
          this.changed();
        },
      );
    }
  }

  async next(ms: number): Promise<boolean> {
    if (!this.dirty) {
      const woke = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        this.wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.wake = undefined;
      if (!woke || this.closed) return false;
    }
    await new Promise((r) => setTimeout(r, COALESCE_MS));
    this.dirty = false;
    return true;
  }

  close(): void {
    this.closed = true;
    for (const a of this.attempts) a.controller?.abort();
    this.attempts.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.wake?.();
  }

  private changed(): void {
    this.dirty = true;
    this.wake?.();
  }

  /** Starts a watch; when it ends, counts that as a change and starts it again after a delay. */
  private start(path: string, query: Record<string, string>, failures = 0): void {
    const attempt: Attempt = { ended: false };
    this.attempts.add(attempt);
    let events = 0;
    const end = (): void => {
      if (attempt.ended) return;
      attempt.ended = true;
      this.attempts.delete(attempt);
      if (this.closed) return;
      this.changed();
      // A watch that delivered events ended normally (the server's timeout): restart at once.
      const delay = events > 0 ? 0 : Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** failures);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.closed) this.start(path, query, events > 0 ? 0 : failures + 1);
      }, delay);
      this.timers.add(timer);
    };
    this.watch
      .watch(
        path,
        query,
        () => {
          events++;
          this.changed();
        },
        end,
      )
      .then((controller) => {
        if (attempt.ended) return;
        if (this.closed) controller.abort();
        else attempt.controller = controller;
      }, end);
  }
}
