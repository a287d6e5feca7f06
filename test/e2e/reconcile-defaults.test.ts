/**
 * Crossplane's DEFAULT flags (watch-event circuit breaker: burst 100, refill 1 event/s per XR)
 * against a PaymentPlatform in both layouts: the single Composition (every managed resource
 * composed by the PaymentPlatform) and the nested layout (src/composition/nested.ts: a tree of
 * internal XRs of at most 9 resources each). The stand-in provider produces the events upjet
 * produces per managed resource (finalizer, reference resolution, create-pending, external name,
 * Creating, Available) at upjet's default concurrency of 10. Prints, per claim and layout: time to
 * Ready, managed resources, the largest number any one XR composes, watch events until Ready
 * and which XRs' Responsive condition went False. These are measurements, reported in the
 * README; the test fails only if a platform never becomes Ready.
 *
 * With PP_BREAKER=widened (`make bench-breaker` runs both) Crossplane starts with the breaker
 * effectively off (burst 1000, refill 50/s) and the same stand-in: the time to Ready the defaults
 * are compared with.
 *
 * Per XR it also prints the events charged to its breaker (test/reconcile/measure.ts) for the XRs
 * that received the most. PP_EVENT_LOG=FILE writes every counted watch event as a JSON line (time,
 * type, object, controller, and which parts of the object changed), to see where they come from.
 *
 * Knobs for the benchmark, not for CI: PP_CREATE_MS (the stand-in's base creation time, default
 * 1000; slow kinds take a multiple, test/reconcile/provider.ts), PP_OBSERVE_MS (the time each of
 * its Observes of AWS takes, default 0) and PP_LAYOUTS (a comma-separated subset of
 * `single,nested`).
 */
import { jest } from '@jest/globals';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import {
  API_GROUP,
  API_VERSION,
  LABEL_PLATFORM,
  NESTED_API_GROUP,
  NESTED_API_VERSION,
  COMPOSITION_NAME,
  NESTED_COMPOSITION_NAME,
  PLURAL,
} from '../../src/apis/constants.js';
import { type Obj } from '../../src/apis/obj.js';
import { ROOT } from '../helpers.js';
import { measureReconcile, type ReconcileFigures } from '../reconcile/measure.js';
import { CrossplaneCluster, isTrue, resourceRefs, until } from './reconcile-harness.js';

jest.setTimeout(1_800_000);

const CLAIMS = ['examples/claims/minimal.yaml', 'examples/claims/production.yaml'];
const ALL_LAYOUTS = ['single', 'nested'] as const;
type Layout = (typeof ALL_LAYOUTS)[number];
function layoutsFromEnv(v: string | undefined): readonly Layout[] {
  if (!v) return ALL_LAYOUTS;
  const wanted = v.split(',').map((x) => x.trim());
  const bad = wanted.filter((x) => !(ALL_LAYOUTS as readonly string[]).includes(x));
  if (bad.length > 0) throw new Error(`PP_LAYOUTS=${v}: expected a list of ${ALL_LAYOUTS.join(', ')}`);
  return wanted as Layout[];
}
const LAYOUTS = layoutsFromEnv(process.env.PP_LAYOUTS);
function msFromEnv(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  if (!/^[0-9]+$/.test(v)) throw new Error(`${name}=${v}: expected a number of milliseconds`);
  return Number(v);
}
const CREATE_MS = msFromEnv('PP_CREATE_MS', 1000);
const OBSERVE_MS = msFromEnv('PP_OBSERVE_MS', 0);
interface Row extends ReconcileFigures {
  readonly file: string;
  readonly layout: Layout;
  readonly managed: number;
  readonly xrs: number;
  readonly largestXr: number;
}
const rows: Row[] = [];
let cp: CrossplaneCluster;
const WIDENED = process.env.PP_BREAKER === 'widened';
const XP_ARGS = WIDENED ? ['--circuit-breaker-burst=1000', '--circuit-breaker-refill-rate=50'] : [];
const EVENT_LOG = process.env.PP_EVENT_LOG;

/** What changed between two versions of an object, as a few coarse paths (for PP_EVENT_LOG). */
function changedParts(before: Obj | undefined, after: Obj): string[] {
  if (!before) return ['created'];
  const out: string[] = [];
  const b = before.metadata as Obj;
  const a = after.metadata as Obj;
  for (const k of ['finalizers', 'annotations', 'labels', 'ownerReferences', 'deletionTimestamp'])
    if (JSON.stringify(b[k]) !== JSON.stringify(a[k])) out.push(`metadata.${k}`);
  const bs = (before.spec ?? {}) as Obj;
  const as = (after.spec ?? {}) as Obj;
  for (const k of new Set([...Object.keys(bs), ...Object.keys(as)]))
    if (JSON.stringify(bs[k]) !== JSON.stringify(as[k])) out.push(`spec.${k}`);
  const bst = (before.status ?? {}) as Obj;
  const ast = (after.status ?? {}) as Obj;
  for (const k of new Set([...Object.keys(bst), ...Object.keys(ast)])) {
    if (k === 'conditions') {
      const key = (c: Obj): string => `${String(c.status)}/${String(c.reason)}/${String(c.message ?? '')}`;
      const bc = new Map(((bst.conditions as Obj[] | undefined) ?? []).map((c) => [String(c.type), key(c)]));
      for (const c of (ast.conditions as Obj[] | undefined) ?? [])
        if (bc.get(String(c.type)) !== key(c)) out.push(`condition.${String(c.type)}=${key(c)}`);
    } else if (JSON.stringify(bst[k]) !== JSON.stringify(ast[k])) out.push(`status.${k}`);
  }
  return out;
}
const FLAGS = WIDENED ? 'circuit breaker widened (burst 1000, refill 50/s)' : 'Crossplane default circuit-breaker flags';

beforeAll(async () => {
  cp = CrossplaneCluster.start(XP_ARGS); // Crossplane's defaults unless PP_BREAKER=widened
  cp.startStandIns([`--create-ms=${CREATE_MS}`, '--concurrency=10', `--observe-ms=${OBSERVE_MS}`]);
  cp.installChart();
  await until('Functions and Providers Installed and Healthy', 300_000, () => cp.unhealthyPackages().length === 0);
  await until('the activation policy has activated its kinds', 300_000, () => {
    const active = cp
      .list('managedresourcedefinitions.apiextensions.crossplane.io')
      .filter((m) => (m.spec as Obj).state === 'Active');
    return active.length >= 42 && active.every((m) => isTrue(cp.get('crd', String((m.metadata as Obj).name)), 'Established'));
  });
  await until('every XRD is Established', 300_000, () =>
    cp.list('compositeresourcedefinitions.apiextensions.crossplane.io').every((x) => isTrue(x, 'Established')),
  );
});

afterAll(async () => {
  if (rows.length > 0) {
    console.log(
      [
        `${FLAGS}, stand-in provider (create ${CREATE_MS / 1000} s base, concurrency 10, Observe ${OBSERVE_MS} ms):`,
        '| claim | layout | XRs | managed resources | most in one XR | Ready after | watch events to Ready | XRs whose Responsive went False |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        ...rows.map(
          (f) =>
            `| ${f.file} | ${f.layout} | ${f.xrs} | ${f.managed} | ${f.largestXr} | ${f.readySeconds === undefined ? 'not Ready' : `${f.readySeconds.toFixed(0)} s`} | ${f.watchEvents} | ${f.responsiveFalse ? f.responsiveMessages.map((m) => m.replace(/ WatchCircuitOpen.*$|^WatchCircuitOpen.*$/, '') || 'PaymentPlatform').join(', ') : 'none'} |`,
        ),
        '',
        "Watch events charged to each XR's breaker until Ready (of what it composes + of itself), for the five XRs with the most, and when those events, replayed through the DEFAULT breaker's token bucket, would open it:",
        ...rows.map(
          (f) =>
            `- ${f.file} (${f.layout}): ${f.perXr
              .slice(0, 5)
              .map(
                (x) =>
                  `${x.xr.split('/')[0]} ${x.composedEvents}+${x.selfEvents} (${x.opensAfterMs === undefined ? 'stays closed' : `opens after ${(x.opensAfterMs / 1000).toFixed(0)} s`})`,
              )
              .join(', ')}`,
        ),
      ].join('\n'),
    );
  }
  await cp?.stop();
});

function logEvent(run: string): (e: { readonly t: number; readonly type: string; readonly object: Obj }) => void {
  const last = new Map<string, Obj>();
  return ({ t, type, object }) => {
    const md = object.metadata as Obj;
    const owner = (md.ownerReferences as Obj[] | undefined)?.find((r) => r.controller === true);
    const uid = String(md.uid);
    appendFileSync(
      EVENT_LOG!,
      `${JSON.stringify({ run, t, type, object: `${String(object.kind)}/${String(md.name)}`, owner: owner ? `${String(owner.kind)}/${String(owner.name)}` : undefined, changed: changedParts(last.get(uid), object) })}\n`,
    );
    last.set(uid, object);
  };
}

const cases = CLAIMS.flatMap((file) => LAYOUTS.map((layout) => [file, layout] as const));

test.each(cases)(
  `${WIDENED ? 'breaker widened' : 'with default flags'}, %s (%s layout) becomes Ready; the figures are printed`,
  async (file, layout) => {
    const doc = yaml.load(readFileSync(join(ROOT, file), 'utf8')) as Obj;
    const md = doc.metadata as Obj;
    const ns = `${String(md.namespace)}-${layout}`;
    md.namespace = ns;
    // Named either way (the XRD's default is the nested layout).
    (doc.spec as Obj).crossplane = { compositionRef: { name: layout === 'nested' ? NESTED_COMPOSITION_NAME : COMPOSITION_NAME } };
    cp.namespace(ns);
    const crds = cp.list('crd');
    const paths = crds
      .filter((c) => /\.aws\.m\.upbound\.io$/.test(String((c.spec as Obj).group)) && isTrue(c, 'Established'))
      .map((c) => {
        const spec = c.spec as Obj;
        const version = (spec.versions as Obj[]).find((v) => v.storage === true)!.name;
        return `/apis/${String(spec.group)}/${String(version)}/namespaces/${ns}/${String((spec.names as Obj).plural)}`;
      });
    const treePaths = crds
      .filter((c) => String((c.spec as Obj).group) === NESTED_API_GROUP)
      .map(
        (c) =>
          `/apis/${NESTED_API_GROUP}/${NESTED_API_VERSION}/namespaces/${ns}/${String(((c.spec as Obj).names as Obj).plural)}`,
      );
    paths.push(`/api/v1/namespaces/${ns}/configmaps`, `/apis/protection.crossplane.io/v1beta1/namespaces/${ns}/usages`);
    // Watch events of every composed object of the tree (Crossplane labels them all with the root).
    if (layout === 'nested') paths.push(...treePaths);
    const f = await measureReconcile({
      kubeconfig: cp.kubeconfig,
      xrPath: `/apis/${API_GROUP}/${API_VERSION}/namespaces/${ns}/${PLURAL}/${String(md.name)}`,
      name: String(md.name),
      paths,
      ...(layout === 'nested' ? { treePaths } : {}),
      rootCollectionPath: `/apis/${API_GROUP}/${API_VERSION}/namespaces/${ns}/${PLURAL}`,
      apply: () => cp.apply([doc]),
      timeoutMs: 1_200_000,
      ...(EVENT_LOG ? { onEvent: logEvent(`${file} (${layout})`) } : {}),
    });
    const managed = cp.list('managed', ns, `crossplane.io/composite=${String(md.name)}`).length;
    const internal = layout === 'nested' ? cp.list('payments-internal', ns, `${LABEL_PLATFORM}=${String(md.name)}`) : [];
    const root = cp.get(`${PLURAL}.${API_GROUP}`, String(md.name), ns)!;
    const largestXr = Math.max(resourceRefs(root).length, ...internal.map((x) => resourceRefs(x).length));
    rows.push({ ...f, file, layout, managed, xrs: 1 + internal.length, largestXr });
    console.log(JSON.stringify({ file, layout, managed, xrs: 1 + internal.length, largestXr, ...f }));
    if (f.readySeconds === undefined) console.log(`not ready in ${ns}:\n${cp.notReady(ns)}`);
    expect(f.readySeconds).toBeDefined();
    expect(managed).toBeGreaterThan(75);
  },
);
