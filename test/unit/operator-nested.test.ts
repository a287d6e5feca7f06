/**
 * The operator's health roll-up follows the nested layout's tree: a PaymentPlatform composes
 * internal XRs, which compose others, down to the managed resources. The live objects here are
 * the offline renderer's steady state of examples/claims/minimal.yaml in the nested layout (the
 * renderer agrees with the real `crossplane render` at every level, test/e2e/render.test.ts),
 * each internal XR with the resourceRefs Crossplane would give it.
 */
import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Obj } from '../../src/apis/obj.js';
import type { HealthStatus } from '../../src/apis/health.js';
import type { EventRecorder } from '../../src/operator/events.js';
import type { KubeObject } from '../../src/operator/kube/objects.js';
import { createLogger } from '../../src/operator/logger.js';
import { OperatorMetrics } from '../../src/operator/metrics.js';
import { PlatformReconciler, type PlatformSources } from '../../src/operator/platform-reconciler.js';
import type { ResourceRef } from '../../src/operator/platform.js';
import type { HealthStatusWriter } from '../../src/operator/status.js';
import { isInternalComposite } from '../../src/render/tree.js';
import { renderSteadyState } from '../../src/render/steady-state.js';
import { nestedVariant, ROOT } from '../helpers.js';

const claim = yaml.load(readFileSync(join(ROOT, 'examples/claims/minimal.yaml'), 'utf8')) as Obj;
const steady = renderSteadyState(nestedVariant(claim));
const NS = String((steady.xr.metadata as Obj).namespace);
const NAME = String((steady.xr.metadata as Obj).name);

const key = (apiVersion: unknown, kind: unknown, name: unknown) => `${String(apiVersion)}|${String(kind)}|${String(name)}`;
const nameOf = (o: Obj) => String((o.metadata as Obj).name);

/** The live tree: every object by apiVersion|kind|name, internal XRs with their resourceRefs. */
function liveTree(): { platform: KubeObject; objects: Map<string, KubeObject> } {
  const objects = new Map<string, KubeObject>();
  const refsOf = (path: readonly string[]): ResourceRef[] => {
    const level = steady.final.levels.find((l) => l.path.join('/') === path.join('/'));
    if (!level) throw new Error(`no level ${path.join('/')}`);
    return level.result.resources.map((r) => {
      const live = isInternalComposite(r.resource) ? steady.observedComposites[r.name] : steady.observed[r.name];
      if (!live) throw new Error(`nothing observed for ${r.name}`);
      return { apiVersion: String(live.apiVersion), kind: String(live.kind), name: nameOf(live) };
    });
  };
  for (const r of Object.values(steady.observed))
    objects.set(key(r.apiVersion, r.kind, nameOf(r)), JSON.parse(JSON.stringify(r)));
  for (const l of steady.final.levels.filter((x) => x.path.length > 0)) {
    const c = JSON.parse(JSON.stringify(steady.observedComposites[l.path[l.path.length - 1]!])) as Obj;
    c.spec = { ...(c.spec as Obj), crossplane: { resourceRefs: refsOf(l.path) } };
    objects.set(key(c.apiVersion, c.kind, nameOf(c)), c as KubeObject);
  }
  const platform = {
    apiVersion: steady.xr.apiVersion,
    kind: steady.xr.kind,
    metadata: { name: NAME, namespace: NS, uid: 'u-1', generation: 1 },
    spec: { parameters: (steady.xr.spec as Obj).parameters, crossplane: { resourceRefs: refsOf([]) } },
  } as KubeObject;
  return { platform, objects };
}

async function evaluate(objects: Map<string, KubeObject>, platform: KubeObject): Promise<HealthStatus> {
  let written: HealthStatus | undefined;
  const sources: PlatformSources = {
    platform: () => platform,
    resolve: (_ns, ref) => {
      const object = objects.get(key(ref.apiVersion, ref.kind, ref.name));
      if (ref.kind === 'ConfigMap') return { watched: false, managed: false, composite: false, object: undefined };
      const composite = ref.apiVersion.startsWith('internal.platform.payments.io/');
      return { watched: true, managed: !composite && ref.kind !== 'Usage', composite, object };
    },
    hotLoops: () => [],
  };
  const recorder = { record: async () => 'created' } as unknown as EventRecorder;
  const status = {
    write: async (_t: unknown, h: HealthStatus) => {
      written = h;
      return 'applied';
    },
    forget: () => undefined,
  } as unknown as HealthStatusWriter;
  await new PlatformReconciler(sources, recorder, status, new OperatorMetrics(), createLogger('error')).reconcile(NS, NAME);
  if (!written) throw new Error('no status.health written');
  return written;
}

const managedCount = Object.values(steady.observed).filter((r) => !['ConfigMap', 'Usage'].includes(String(r.kind))).length;

test('the roll-up counts the managed resources of every level, not the internal XRs', async () => {
  const { platform, objects } = liveTree();
  // The platform itself references only the three branches and the ConfigMap.
  expect(((platform.spec as Obj).crossplane as Obj).resourceRefs).toHaveLength(4);
  const h = await evaluate(objects, platform);
  // 84: the managed resources the README's reconcile table gives for minimal.yaml.
  expect(managedCount).toBe(84);
  expect({ state: h.state, ready: h.ready, total: h.total }).toEqual({ state: 'Ready', ready: 84, total: 84 });
});

test('the deepest failing resource is found three levels down', async () => {
  const { platform, objects } = liveTree();
  const db = [...objects.values()].find((o) => o.kind === 'Cluster')!;
  (db.status as Obj).conditions = [
    { type: 'Ready', status: 'False', reason: 'ReconcileError' },
    { type: 'Synced', status: 'False', reason: 'ReconcileError', message: 'InvalidParameterCombination: no' },
  ];
  const h = await evaluate(objects, platform);
  expect(h.state).toBe('NotReady');
  expect(h.deepestFailing).toMatchObject({ resource: 'db-cluster', kind: 'Cluster' });
  expect(h.deepestFailing?.message).toContain('InvalidParameterCombination');
});

test('a missing internal XR keeps the platform from Ready and is named', async () => {
  const { platform, objects } = liveTree();
  const keys = [...objects.entries()].find(([, o]) => o.kind === 'PlatformKeySet')!;
  objects.delete(keys[0]);
  const h = await evaluate(objects, platform);
  expect(h.state).toBe('NotReady');
  expect(h.deepestFailing).toMatchObject({ kind: 'PlatformKeySet', name: `${NAME}-keys` });
  expect(h.deepestFailing?.message).toContain('does not exist (yet)');
  // The six KMS resources it composes are not counted: they are not known until it exists.
  expect(h.total).toBe(84 - 6 + 1);
});
