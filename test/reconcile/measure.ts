/**
 * Measures one PaymentPlatform's reconcile as Crossplane's circuit breaker sees it: the watch
 * events of its composed resources (every ADDED/MODIFIED/DELETED on objects labelled
 * crossplane.io/composite=NAME, one watch per composed kind, the way Crossplane's watches map
 * events to the XR), whether its Responsive condition ever went False, and the time to Ready.
 *
 * Per XR it counts the events its breaker is charged with: those of the objects it controls
 * (their controller owner reference) and of the XR itself (Crossplane's XR controller watches
 * the XRs too), and replays them through crossplane v2.4.0's token bucket
 * (internal/circuit/token_bucket.go: full at the burst, refilled per second; the MapFunc runs
 * once per ADDED or DELETED and twice per MODIFIED, for the old and the new object). That replay
 * is a model, to tell which XR's budget the events spend; whether a breaker opened is read from
 * the XRs' Responsive condition, not from the model.
 */
import { API_GROUP, isInternalApiVersion } from '../../src/apis/constants.js';
import { type Obj } from '../../src/apis/obj.js';
import { KubeClient } from '../../src/operator/kube/client.js';
import { ClusterConfig } from '../../src/operator/kube/config.js';
import { listWatch } from './informer.js';

export interface ReconcileFigures {
  readonly name: string;
  /** Seconds from apply to Ready=True, or undefined when the deadline passed first. */
  readonly readySeconds: number | undefined;
  readonly composed: number;
  /** Watch events of composed resources from apply to Ready. */
  readonly watchEvents: number;
  /** Peak events in any 1-second window. */
  readonly peakEventsPerSecond: number;
  readonly responsiveFalse: boolean;
  /** The Responsive=False reasons/messages seen (first few). */
  readonly responsiveMessages: string[];
  /** Per XR (`Kind/name`): watch events charged to its breaker until Ready, and when the model's breaker opened. */
  readonly perXr: readonly XrEvents[];
}

export interface XrEvents {
  readonly xr: string;
  /** Events of the objects it controls. */
  readonly composedEvents: number;
  /** Events of the XR itself. */
  readonly selfEvents: number;
  /** When the model's breaker first opened (ms after the first charge), if it did. */
  readonly opensAfterMs: number | undefined;
  /** How many times the model's breaker opened. */
  readonly opens: number;
}

/** Crossplane's defaults (`--circuit-breaker-burst`, `--circuit-breaker-refill-rate`, the 5-minute cooldown). */
export const DEFAULT_BREAKER = { burst: 100, refillPerSecond: 1, cooldownMs: 300_000 } as const;

export interface Charge {
  readonly t: number;
  readonly xr: string;
  readonly self: boolean;
  /** 1 for ADDED and DELETED, 2 for MODIFIED (the MapFunc runs for the old and the new object). */
  readonly tokens: number;
}

/**
 * Replays charges (sorted by time) through one token bucket per XR as crossplane v2.4.0's
 * TokenBucketBreaker.RecordEvent does: refill, then, while open and within the cooldown, no
 * charge; otherwise one token per map call, and the breaker opens when none is left.
 */
export function replayBreaker(charges: readonly Charge[], breaker: typeof DEFAULT_BREAKER = DEFAULT_BREAKER): XrEvents[] {
  interface State {
    tokens: number;
    last: number;
    composed: number;
    self: number;
    openedAt: number | undefined;
    first: number;
    firstOpen: number | undefined;
    opens: number;
  }
  const state = new Map<string, State>();
  for (const c of charges) {
    let s = state.get(c.xr);
    if (!s) {
      s = {
        tokens: breaker.burst,
        last: c.t,
        composed: 0,
        self: 0,
        openedAt: undefined,
        first: c.t,
        firstOpen: undefined,
        opens: 0,
      };
      state.set(c.xr, s);
    }
    if (c.self) s.self++;
    else s.composed++;
    for (let i = 0; i < c.tokens; i++) {
      s.tokens = Math.min(breaker.burst, s.tokens + ((c.t - s.last) / 1000) * breaker.refillPerSecond);
      s.last = c.t;
      if (s.openedAt !== undefined) {
        if (c.t - s.openedAt < breaker.cooldownMs) continue;
        s.openedAt = undefined;
      }
      if (s.tokens >= 1) s.tokens -= 1;
      else {
        s.openedAt = c.t;
        s.firstOpen ??= c.t - s.first;
        s.opens++;
      }
    }
  }
  return [...state.entries()]
    .map(([xr, s]) => ({ xr, composedEvents: s.composed, selfEvents: s.self, opensAfterMs: s.firstOpen, opens: s.opens }))
    .sort((a, b) => b.composedEvents + b.selfEvents - (a.composedEvents + a.selfEvents));
}

const isComposite = (o: Obj): boolean => isInternalApiVersion(o.apiVersion) || String(o.apiVersion).startsWith(`${API_GROUP}/`);
const ref = (o: Obj): string => `${String(o.kind)}/${String((o.metadata as Obj).name)}`;

const conditions = (o: Obj): Obj[] => ((o.status as Obj | undefined)?.conditions as Obj[] | undefined) ?? [];

/** Watches the collections `paths` and the XR until Ready or `timeoutMs`. */
export async function measureReconcile(opts: {
  readonly kubeconfig: string;
  readonly xrPath: string;
  readonly name: string;
  /** Namespaced collection paths of every kind the XR composes (`/apis/G/V/namespaces/NS/PLURAL`). */
  readonly paths: readonly string[];
  /** Applies the claim; the clock starts just before. */
  readonly apply: () => void;
  readonly timeoutMs: number;
  /** Selects the composed resources to count. @default crossplane.io/composite=NAME */
  readonly labelSelector?: string;
  /** Collections of the internal XRs of a nested platform: their Responsive conditions count too. */
  readonly treePaths?: readonly string[];
  /** The root XR's collection (watched for its own events, by name). */
  readonly rootCollectionPath: string;
  /** Called with every counted watch event (for per-XR breakdowns). */
  readonly onEvent?: (e: { readonly t: number; readonly type: string; readonly object: Obj }) => void;
}): Promise<ReconcileFigures> {
  const cluster = await ClusterConfig.fromFile(opts.kubeconfig);
  const client = new KubeClient(cluster, { userAgent: 'payment-platform-measure' });
  const abort = new AbortController();
  const stamps: number[] = [];
  const charges: Charge[] = [];
  const charge = (t: number, type: string, o: Obj): void => {
    const tokens = type === 'MODIFIED' ? 2 : 1;
    const owner = ((o.metadata as Obj).ownerReferences as Obj[] | undefined)?.find((r) => r.controller === true);
    if (owner) charges.push({ t, xr: `${String(owner.kind)}/${String(owner.name)}`, self: false, tokens });
    if (isComposite(o)) charges.push({ t, xr: ref(o), self: true, tokens });
  };
  void listWatch({
    client,
    cluster,
    path: opts.rootCollectionPath,
    query: { fieldSelector: `metadata.name=${opts.name}` },
    signal: abort.signal,
    onObject: (type, o) => {
      if (type !== 'LISTED') charge(Date.now(), type, o);
    },
  });
  const seen = new Set<string>();
  const responsive: string[] = [];
  let ready: number | undefined;
  let composed = 0;
  for (const path of opts.paths) {
    void listWatch({
      client,
      cluster,
      path,
      query: { labelSelector: opts.labelSelector ?? `crossplane.io/composite=${opts.name}` },
      signal: abort.signal,
      onObject: (type, o) => {
        const md = o.metadata as Obj;
        if (type === 'LISTED') {
          // A relist after a dropped watch: count only objects not seen before.
          if (seen.has(String(md.uid))) return;
        }
        seen.add(String(md.uid));
        const t = Date.now();
        stamps.push(t);
        charge(t, type === 'LISTED' ? 'ADDED' : type, o);
        opts.onEvent?.({ t, type, object: o });
      },
    });
  }
  await new Promise((r) => setTimeout(r, 1000)); // let the watches start
  const t0 = Date.now();
  opts.apply();
  let lastTreeCheck = 0;
  const noteResponsive = (o: Obj, who: string) => {
    const r = conditions(o).find((c) => c.type === 'Responsive');
    if (r?.status === 'False' && responsive.length < 5) {
      const m = `${who}${String(r.reason)}: ${String(r.message)}`;
      if (!responsive.includes(m)) responsive.push(m);
    }
  };
  while (Date.now() - t0 < opts.timeoutMs) {
    if (opts.treePaths && Date.now() - lastTreeCheck >= 1000) {
      lastTreeCheck = Date.now();
      for (const path of opts.treePaths) {
        const list = await client.request<Obj>('GET', path).catch(() => ({ items: [] }) as Obj);
        for (const o of ((list.items as Obj[] | undefined) ?? []).filter(
          (x) => ((x.spec as Obj | undefined)?.platform as Obj | undefined)?.name === opts.name,
        ))
          noteResponsive(o, `${String(o.kind)}/${String((o.metadata as Obj).name)} `);
      }
    }
    try {
      const xr = await client.request<Obj>('GET', opts.xrPath);
      noteResponsive(xr, '');
      composed =
        (((xr.spec as Obj | undefined)?.crossplane as Obj | undefined)?.resourceRefs as unknown[] | undefined)?.length ?? 0;
      if (conditions(xr).some((c) => c.type === 'Ready' && c.status === 'True')) {
        ready = Date.now();
        break;
      }
    } catch {
      // not created yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  abort.abort();
  client.close();
  const end = ready ?? Date.now();
  const inWindow = stamps.filter((s) => s >= t0 && s <= end);
  let peak = 0;
  for (let i = 0, j = 0; i < inWindow.length; i++) {
    while ((inWindow[i] as number) - (inWindow[j] as number) >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return {
    name: opts.name,
    readySeconds: ready === undefined ? undefined : (ready - t0) / 1000,
    composed,
    watchEvents: inWindow.length,
    peakEventsPerSecond: peak,
    responsiveFalse: responsive.length > 0,
    responsiveMessages: responsive,
    perXr: replayBreaker(charges.filter((c) => c.t >= t0 && c.t <= end)),
  };
}
