import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HelpRequested, envName, loadConfig, usage } from '../../src/operator/config.js';
import { complianceTransitions, evaluateLive } from '../../src/operator/compliance.js';
import { dependencyGraph, referencesOf } from '../../src/operator/dependencies.js';
import { eventName } from '../../src/operator/events.js';
import { computeHealth } from '../../src/operator/health.js';
import { HotLoopDetector } from '../../src/operator/hotloop.js';
import { composedKinds, formatKind, parseKind } from '../../src/operator/kinds.js';
import type { KubeObject, Obj } from '../../src/operator/kube/objects.js';
import { parsePlatform, type ResourceRef } from '../../src/operator/platform.js';
import { slimManaged, slimPlatform, unchangedForOperator } from '../../src/operator/slim.js';
import { canonicalJson, HealthStatusWriter } from '../../src/operator/status.js';
import type { KubeClient } from '../../src/operator/kube/client.js';
import { createLogger } from '../../src/operator/logger.js';
import type { HealthStatus } from '../../src/apis/health.js';
import { instantiate, liveTemplate } from '../../src/operator/testing/fixtures.js';
import { synth } from '../../src/synth.js';
import { MANAGED_KIND_FLAGS } from '../expected-kinds.js';
import { ROOT } from '../helpers.js';

const claim = (file: string): Obj => yaml.load(readFileSync(join(ROOT, 'examples/claims', file), 'utf8')) as Obj;
const minimal = liveTemplate(claim('minimal.yaml'));

/** A live platform with statuses applied, as the informer caches hold it. */
function live(name = 'payments') {
  const p = instantiate(minimal, 'team-payments', name);
  const objects = new Map<string, KubeObject>();
  for (const r of p.resources) {
    const o = slimManaged({ ...r.object, status: r.status } as KubeObject);
    objects.set(String((r.object.metadata as Obj).name), o);
  }
  const platform = slimPlatform({ ...p.platform, metadata: { ...(p.platform.metadata as Obj), uid: 'u-1' } } as KubeObject);
  return { p, objects, platform };
}

const setCondition = (o: KubeObject, type: string, status: string, reason: string, message: string): void => {
  const st = o.status as Obj;
  const conds = (st.conditions as Obj[]).filter((c) => c.type !== type);
  st.conditions = [...conds, { type, status, reason, message }];
};

describe('configuration: flags, environment, defaults', () => {
  test('a flag wins over the environment, the environment over the default', () => {
    const c = loadConfig(['--workers=8', '--log-level', 'debug', '--hot-loop-pause'], {
      [envName('workers')]: '2',
      [envName('lease-duration')]: '30s',
      POD_NAMESPACE: 'ops',
      POD_NAME: 'op-0',
    });
    expect(c.workers).toBe(8);
    expect(c.logLevel).toBe('debug');
    expect(c.hotLoopPause).toBe(true);
    expect(c.leaseDurationMs).toBe(30_000);
    expect(c.leaseNamespace).toBe('ops');
    expect(c.identity).toBe('op-0');
    expect(c.leaderElect).toBe(true);
  });

  test('invalid values fail with the setting named', () => {
    expect(() => loadConfig(['--workers=0'], {})).toThrow(
      "option '--workers <n>' argument '0' is invalid. must be an integer from 1 to 64",
    );
    expect(() => loadConfig(['--log-level=loud'], {})).toThrow(
      "option '--log-level <level>' argument 'loud' is invalid. must be one of fatal, error",
    );
    expect(() => loadConfig([], { [envName('workers')]: 'many' })).toThrow(
      "PP_OPERATOR_WORKERS='many' is invalid: must be an integer from 1 to 64",
    );
    expect(() => loadConfig(['--renew-deadline=20s'], {})).toThrow(
      "'--renew-deadline' (20000 ms) must be < '--lease-duration' (15000 ms)",
    );
    expect(() => loadConfig(['--list-concurrency=0'], {})).toThrow(
      "option '--list-concurrency <n>' argument '0' is invalid. must be an integer from 1 to 64",
    );
    expect(() => loadConfig(['--bogus'], {})).toThrow("unknown option '--bogus'");
    expect(() => loadConfig(['--help'], {})).toThrow(HelpRequested);
    expect(usage()).toContain('PP_OPERATOR_HOT_LOOP_PAUSE');
  });
});

describe('watched kinds', () => {
  test('the managed kinds of the Composition, plus the non-managed kinds the controls read, never core kinds', () => {
    const resources = synth().compositionConstruct.resources;
    const { managed, policy } = composedKinds(resources);
    expect(managed.map(formatKind)).toEqual(MANAGED_KIND_FLAGS);
    expect(managed.every((k) => k.managed)).toBe(true);
    expect(policy).toEqual([
      { group: 'protection.crossplane.io', version: 'v1beta1', kind: 'Usage', plural: 'usages', managed: false },
    ]);
    expect(parseKind('ec2.aws.m.upbound.io/v1beta1/VPC/vpcs', true)).toEqual({
      group: 'ec2.aws.m.upbound.io',
      version: 'v1beta1',
      kind: 'VPC',
      plural: 'vpcs',
      managed: true,
    });
    expect(() => parseKind('ec2.aws.m.upbound.io/VPC', true)).toThrow(/group\/version\/Kind\/plural/);
  });
});

describe('parsing a live PaymentPlatform', () => {
  test('well-formed: environment and resourceRefs', () => {
    const { platform } = live();
    const p = parsePlatform(platform);
    expect(p?.environment).toBe('development');
    expect(p?.problems).toEqual([]);
    expect(p?.refs.length).toBeGreaterThan(40);
  });

  test('malformed: problems are listed and what can be read is kept', () => {
    const p = parsePlatform({
      metadata: { name: 'bad', namespace: 'ns' },
      spec: {
        parameters: { environment: 'prod' },
        crossplane: {
          resourceRefs: [{ apiVersion: 'v1', kind: 'ConfigMap' }, { apiVersion: 'a/v1', kind: 'K', name: 'n' }, 'junk'],
        },
      },
    });
    expect(p?.environment).toBeUndefined();
    expect(p?.refs).toEqual([{ apiVersion: 'a/v1', kind: 'K', name: 'n' }]);
    expect(p?.problems).toHaveLength(3);
    expect(p?.problems[0]).toMatch(/environment is "prod"/);
    expect(parsePlatform({ metadata: undefined })).toBeUndefined();
    expect(
      parsePlatform({ metadata: { name: 'x', namespace: 'y' }, spec: { crossplane: { resourceRefs: 'x' } } })?.problems,
    ).toContain('spec.crossplane.resourceRefs is not a list');
  });
});

describe('health roll-up', () => {
  const lookup = (objects: Map<string, KubeObject>) => (ref: ResourceRef) => objects.get(ref.name);

  test('every resource Ready: Ready, n/n', () => {
    const { objects, platform } = live();
    const p = parsePlatform(platform);
    const h = computeHealth(p?.refs ?? [], lookup(objects));
    expect(h.state).toBe('Ready');
    expect(h.ready).toBe(h.total);
    expect(h.summary).toBe(`${h.total}/${h.total} ready`);
    expect(computeHealth([], lookup(objects)).state).toBe('Pending');
  });

  test('the deepest failing resource is the root cause, with its full message', () => {
    const { objects, platform } = live();
    const refs = parsePlatform(platform)?.refs ?? [];
    const vpc = objects.get('payments-vpc') as KubeObject;
    const subnet = objects.get('payments-subnet-private-az1') as KubeObject;
    const long = `create failed: ${'x'.repeat(3000)} VpcLimitExceeded`;
    setCondition(vpc, 'Synced', 'False', 'ReconcileError', long);
    setCondition(vpc, 'Ready', 'False', 'Creating', '');
    setCondition(subnet, 'Synced', 'False', 'ReconcileError', 'cannot resolve references: vpcIdSelector: no resources matched');
    setCondition(subnet, 'Ready', 'False', 'Creating', '');
    const h = computeHealth(refs, lookup(objects));
    expect(h.state).toBe('NotReady');
    expect(h.ready).toBe(h.total - 2);
    expect(h.deepestFailing).toMatchObject({
      resource: 'vpc',
      kind: 'VPC',
      name: 'payments-vpc',
      reason: 'ReconcileError',
      message: long,
      blocking: 1,
    });
    expect(h.summary).toContain('deepest failing: vpc (VPC payments-vpc): ReconcileError: create failed');
  });

  test('an error beats a resource still being created; a missing resource counts as failing', () => {
    const { objects, platform } = live();
    const refs = parsePlatform(platform)?.refs ?? [];
    setCondition(objects.get('payments-flow-log') as KubeObject, 'Ready', 'False', 'Creating', '');
    setCondition(objects.get('payments-load-balancer') as KubeObject, 'Synced', 'False', 'ReconcileError', 'AccessDenied');
    expect(computeHealth(refs, lookup(objects)).deepestFailing?.resource).toBe('load-balancer');
    const victim = [...objects.keys()].find((k) => k.includes('topic')) as string;
    objects.delete(victim);
    const h = computeHealth(refs, lookup(objects));
    expect(h.resources.find((r) => r.ref.name === victim)?.reason).toBe('Missing');
  });

  test('dependencies come from selectors and refs among the composed resources', () => {
    const { objects } = live();
    const graph = dependencyGraph([...objects.values()]);
    expect([...(graph.get('payments-subnet-private-az1') ?? [])]).toEqual(['payments-vpc']);
    expect(graph.get('payments-vpc')?.size).toBe(0);
  });
});

describe('live compliance', () => {
  test('the same controls as the CLI, on forProvider with atProvider as fallback; transitions', () => {
    const { objects } = live();
    const all = [...objects.values()];
    const before = evaluateLive(all, 'development');
    expect(before.passed).toBeGreaterThan(20);
    const endpoint = all.find((o) => o.kind === 'VPCEndpoint') as KubeObject;
    const fp = (endpoint.spec as Obj).forProvider as Obj;
    expect(fp.vpcEndpointType).toBe('Gateway');
    fp.vpcEndpointType = 'Interface';
    const after = evaluateLive(all, 'development');
    const failingBefore = new Set(before.failing.map((f) => f.key));
    const { regressed, recovered } = complianceTransitions(failingBefore, after);
    expect(regressed.map((f) => f.key)).toEqual(['PP-S3-GATEWAY-ENDPOINT/s3-gateway-endpoint']);
    expect(regressed[0].actual).toBe('"Interface"');
    expect(recovered).toEqual([]);
    // fallback: a field only in status.atProvider (what AWS reports) counts
    delete fp.vpcEndpointType;
    ((endpoint.status as Obj).atProvider as Obj).vpcEndpointType = 'Gateway';
    const back = evaluateLive(all, 'development');
    expect(complianceTransitions(new Set(after.failing.map((f) => f.key)), back).recovered).toEqual([
      'PP-S3-GATEWAY-ENDPOINT/s3-gateway-endpoint',
    ]);
    expect(complianceTransitions(undefined, { state: 'Pending', passed: 0, failing: [] })).toEqual({
      regressed: [],
      recovered: [],
    });
  });
});

describe('hot-loop guard', () => {
  test('more changes than the limit within the window start a loop; quiet stops it (with hysteresis)', () => {
    const d = new HotLoopDetector({ maxUpdates: 5, windowMs: 10_000 });
    expect(d.observe('u', '1', 1, 0)).toBeUndefined();
    const transitions = [];
    for (let i = 1; i <= 6; i++) transitions.push(d.observe('u', String(1 + i), 1, i * 100));
    expect(transitions).toEqual([undefined, undefined, undefined, undefined, undefined, 'started']);
    expect(d.isHot('u')).toBe(true);
    expect(d.stats('u', 700)).toEqual({ updates: 6, generations: 0, windowMs: 10_000 });
    expect(d.check('u', 5_000)).toBeUndefined();
    expect(d.check('u', 20_000)).toBe('stopped');
    expect(d.forget('u')).toBe(false);
  });

  test('the same resourceVersion seen again (a re-list) is not a change; generation churn counts', () => {
    const d = new HotLoopDetector({ maxUpdates: 2, windowMs: 1000 });
    d.observe('u', '1', 1, 0);
    for (let i = 0; i < 10; i++) expect(d.observe('u', '1', 1, i)).toBeUndefined();
    d.observe('u', '2', 2, 10);
    d.observe('u', '3', 3, 20);
    expect(d.observe('u', '4', 4, 30)).toBe('started');
  });
});

describe('events', () => {
  test('names are stable per outcome and differ between outcomes', () => {
    const involved = { apiVersion: 'v', kind: 'K', name: 'payments', namespace: 'ns', uid: 'u1' };
    const a = eventName({
      involved,
      type: 'Warning',
      reason: 'PlatformNotReady',
      message: '1/2 ready',
      dedupKey: 'NotReady/vpc',
    });
    const b = eventName({
      involved,
      type: 'Warning',
      reason: 'PlatformNotReady',
      message: '0/2 ready',
      dedupKey: 'NotReady/vpc',
    });
    const c = eventName({
      involved: { ...involved, uid: 'u2' },
      type: 'Warning',
      reason: 'PlatformNotReady',
      message: '1/2 ready',
      dedupKey: 'NotReady/vpc',
    });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^payments\.[0-9a-f]{16}$/);
  });
});

describe('slimming objects for the cache', () => {
  test('keeps what the operator reads, drops managedFields and provider plumbing', () => {
    const o = slimManaged({
      apiVersion: 'a/v1',
      kind: 'VPCEndpoint',
      metadata: {
        name: 'n',
        namespace: 'ns',
        uid: 'u',
        resourceVersion: '7',
        generation: 2,
        labels: { 'crossplane.io/composite': 'p' },
        annotations: {
          'crossplane.io/composition-resource-name': 'vpc',
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
        },
        managedFields: [{ manager: 'x' }],
      } as unknown as KubeObject['metadata'],
      spec: { forProvider: { a: 1 }, managementPolicies: ['*'], providerConfigRef: { name: 'default' }, initProvider: { b: 2 } },
      status: { atProvider: { id: 'i' }, conditions: [{ type: 'Ready', status: 'True', reason: 'Available', extra: 1 }] },
    });
    expect(o).toEqual({
      apiVersion: 'a/v1',
      kind: 'VPCEndpoint',
      metadata: {
        name: 'n',
        namespace: 'ns',
        uid: 'u',
        resourceVersion: '7',
        generation: 2,
        labels: { 'crossplane.io/composite': 'p' },
        annotations: { 'crossplane.io/composition-resource-name': 'vpc' },
      },
      spec: { forProvider: { a: 1 }, managementPolicies: ['*'] },
      status: {
        atProvider: { id: 'i' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: undefined, lastTransitionTime: undefined }],
      },
    });
  });
});

test("an update that changes nothing the operator reads is recognised (resourceVersion, a condition's lastTransitionTime, the own status.health)", () => {
  const mr = (rv: string, lastTransitionTime: string, reason = 'Available'): KubeObject =>
    slimManaged({
      apiVersion: 'ec2.aws.m.upbound.io/v1beta1',
      kind: 'Route',
      metadata: { name: 'r', namespace: 'ns', uid: 'u', resourceVersion: rv, labels: { a: 'b' } },
      spec: { forProvider: {} },
      status: { conditions: [{ type: 'Ready', status: 'True', reason, lastTransitionTime }] },
    });
  expect(unchangedForOperator(undefined, mr('1', 't1'))).toBe(false);
  expect(unchangedForOperator(mr('1', 't1'), mr('2', 't2'))).toBe(true);
  expect(unchangedForOperator(mr('1', 't1'), mr('2', 't1', 'Creating'))).toBe(false);
  const platform = (rv: string, health: unknown, generation = 1): KubeObject =>
    slimPlatform({
      apiVersion: 'platform.payments.io/v1alpha1',
      kind: 'PaymentPlatform',
      metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: rv, generation },
      spec: { parameters: { environment: 'production' }, crossplane: { resourceRefs: [] } },
      status: { health, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 't' }] },
    });
  expect(unchangedForOperator(platform('1', undefined), platform('2', { state: 'Ready' }), true)).toBe(true);
  expect(unchangedForOperator(platform('1', undefined), platform('2', { state: 'Ready' }))).toBe(false);
  expect(unchangedForOperator(platform('1', undefined), platform('2', undefined, 2), true)).toBe(false);
});

test('a kind no control inspects keeps only its references and conditions; the graph and the controls see no difference', () => {
  const route = slimManaged({
    apiVersion: 'ec2.aws.m.upbound.io/v1beta1',
    kind: 'Route',
    metadata: { name: 'r', namespace: 'ns', labels: { a: 'b' } },
    spec: {
      forProvider: {
        region: 'eu-west-1',
        destinationCidrBlock: '0.0.0.0/0',
        routeTableIdSelector: { matchControllerRef: true, matchLabels: { role: 'rt' } },
        natGatewayIdRef: { name: 'nat-1' },
        nested: [{ plain: 1 }, { targetRefs: [{ name: 'x' }] }],
      },
      managementPolicies: ['*'],
    },
    status: { atProvider: { id: 'r-1', state: 'active' }, conditions: [{ type: 'Ready', status: 'True', reason: 'Available' }] },
  });
  expect(route.spec).toEqual({
    forProvider: {
      routeTableIdSelector: { matchControllerRef: true, matchLabels: { role: 'rt' } },
      natGatewayIdRef: { name: 'nat-1' },
      nested: [{ targetRefs: [{ name: 'x' }] }],
    },
  });
  expect(route.status).toEqual({
    conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: undefined, lastTransitionTime: undefined }],
  });
  expect(referencesOf(route)).toEqual({ selectors: [{ role: 'rt' }], names: ['nat-1', 'x'] });

  // On a whole platform: the same dependency graph, health and compliance as from the full objects.
  const p = instantiate(minimal, 'team-payments', 'graph');
  const full = p.resources.map((r) => ({ ...r.object, status: r.status }) as KubeObject);
  const slim = full.map(slimManaged);
  expect(slim.some((o) => !((o.status as Obj).atProvider ?? false))).toBe(true);
  expect(dependencyGraph(slim)).toEqual(dependencyGraph(full));
  expect(evaluateLive(slim, 'development')).toEqual(evaluateLive(full, 'development'));
  expect(evaluateLive(slim, 'production')).toEqual(evaluateLive(full, 'production'));
});

describe('status.health writer', () => {
  const health: HealthStatus = {
    state: 'Ready',
    ready: 1,
    total: 1,
    summary: '1/1 ready',
    compliance: { state: 'Passing', passed: 3, failed: 0, failing: [] },
    hotLoops: [],
    observedGeneration: 1,
    lastTransitionTime: '2026-01-01T00:00:00Z',
  };
  const target = { group: 'g', version: 'v1', plural: 'ps', kind: 'P', namespace: 'ns', name: 'n', uid: 'u' };

  test('applies when the object has none or a different value, skips when equal in any key order', async () => {
    const calls: unknown[] = [];
    const client = {
      request: async (...args: unknown[]) => {
        calls.push(args);
        return {};
      },
    } as unknown as KubeClient;
    const w = new HealthStatusWriter(client, createLogger('silent'));
    expect(await w.write(target, health, undefined)).toBe('applied');
    expect(await w.write(target, health, undefined)).toBe('unchanged');
    const reordered = JSON.parse(JSON.stringify({ ...health, lastTransitionTime: health.lastTransitionTime, state: 'Ready' }));
    const fresh = new HealthStatusWriter(client, createLogger('silent'));
    expect(await fresh.write(target, health, reordered)).toBe('unchanged');
    expect(calls).toHaveLength(1);
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe(canonicalJson({ a: { c: 2, d: 1 }, b: 1 }));
    expect(canonicalJson(undefined)).toBe('undefined');
  });

  test('an undeclared status.health (SSA: field not declared in schema) is reported once, not retried', async () => {
    const { ApiError } = await import('../../src/operator/kube/client.js');
    let n = 0;
    const client = {
      request: async () => {
        n++;
        throw new ApiError(
          'PATCH x: 500 failed to create typed patch object: .status.health: field not declared in schema',
          500,
          undefined,
        );
      },
    } as unknown as KubeClient;
    const w = new HealthStatusWriter(client, createLogger('silent'));
    expect(await w.write(target, health, undefined)).toBe('undeclared');
    expect(await w.write(target, health, undefined)).toBe('unchanged');
    expect(n).toBe(1);
  });
});
