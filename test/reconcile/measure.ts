/**
 * Measures one PaymentPlatform's reconcile as Crossplane's circuit breaker sees it: the watch
 * events of its composed resources (every ADDED/MODIFIED/DELETED on objects labelled
 * crossplane.io/composite=NAME, one watch per composed kind, the way Crossplane's watches map
 * events to the XR), whether its Responsive condition ever went False, and the time to Ready.
 */
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
}

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
  /** Called with every counted watch event (for per-XR breakdowns). */
  readonly onEvent?: (e: { readonly t: number; readonly type: string; readonly object: Obj }) => void;
}): Promise<ReconcileFigures> {
  const cluster = await ClusterConfig.fromFile(opts.kubeconfig);
  const client = new KubeClient(cluster, { userAgent: 'payment-platform-measure' });
  const abort = new AbortController();
  const stamps: number[] = [];
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
  };
}
