/**
 * The operator against a real kube-apiserver: health roll-up, Events, metrics, status.health
 * next to Crossplane's status writes, live compliance, the hot-loop guard, probes, JSON logs,
 * leader election with failover, and graceful SIGTERM.
 */
import { jest } from '@jest/globals';
import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIELD_MANAGER } from '../../src/apis/health.js';
import { PATCH, type KubeClient } from '../../src/operator/kube/client.js';
import { METRIC_PREFIX } from '../../src/operator/metrics.js';
import { instantiate, liveTemplate, type LivePlatform, type LiveResource } from '../../src/operator/testing/fixtures.js';
import {
  applyPlatformStatus,
  CROSSPLANE_XR_MANAGER,
  ensureNamespace,
  patchResourceStatus,
  platformPath,
  resourcePath,
  seedPlatform,
} from '../../src/operator/testing/seed.js';
import { ROOT } from '../helpers.js';
import {
  buildOperator,
  ControlPlane,
  installPlatformCrd,
  kindFlags,
  OperatorProcess,
  sleep,
  stopAll,
  waitFor,
} from './operator-harness.js';
import { type Obj } from '../../src/apis/obj.js';

jest.setTimeout(180_000);
const NS = 'team-payments';
const m = (name: string): string => `${METRIC_PREFIX}${name}`;

let cp: ControlPlane | undefined;
let client: KubeClient;
let build: { main: string; cleanup: () => void } | undefined;
let template: ReturnType<typeof liveTemplate>;
const fast = ['--lease-duration=4s', '--renew-deadline=3s', '--retry-period=1s', '--log-level=debug'];

beforeAll(async () => {
  build = buildOperator();
  cp = ControlPlane.start();
  installPlatformCrd(cp);
  client = await cp.client();
  await ensureNamespace(client, NS);
  await ensureNamespace(client, 'crossplane-system');
  template = liveTemplate(yaml.load(readFileSync(join(ROOT, 'examples/claims/minimal.yaml'), 'utf8')) as Obj);
});

afterAll(async () => {
  if (process.env.PP_E2E_DEBUG)
    for (const p of OperatorProcess.all) console.log(p.name, p.logs.filter((l) => l.level !== 'debug').slice(0, 30), p.stderr);
  client?.close();
  await stopAll(cp);
  build?.cleanup();
});

const start = (name: string, extra: string[] = []): OperatorProcess => {
  if (!cp || !build) throw new Error('no control plane');
  return new OperatorProcess(build.main, name, [...kindFlags(), ...fast, ...extra], cp.kubeconfig);
};

async function getPlatform(name: string): Promise<Obj> {
  return client.request('GET', platformPath(NS, name));
}

const health = async (name: string): Promise<Obj | undefined> =>
  ((await getPlatform(name)).status as Obj | undefined)?.health as Obj | undefined;

async function events(involved: string, reason?: string): Promise<Obj[]> {
  const list = await client.request<{ items: Obj[] }>('GET', `/api/v1/namespaces/${NS}/events`);
  return list.items.filter((e) => (e.involvedObject as Obj).name === involved && (reason === undefined || e.reason === reason));
}

const resourceNamed = (p: LivePlatform, composition: string): LiveResource => {
  const r = p.resources.find((x) => x.name === composition);
  if (!r) throw new Error(`no composed resource ${composition}`);
  return r;
};

const objName = (r: LiveResource): string => String((r.object.metadata as Obj).name);

describe('operator on a real API server', () => {
  let op: OperatorProcess;
  let alpha: LivePlatform;

  beforeAll(async () => {
    alpha = instantiate(template, NS, 'alpha');
    await seedPlatform(client, alpha);
    op = start('op-main', ['--hot-loop-max-updates=10', '--hot-loop-window=20s', '--hot-loop-pause']);
    await op.started();
    await op.firstEvaluation();
  });

  test('health roll-up: Ready with n/n in status.health, an Event and metrics', async () => {
    const h = await waitFor(
      async () => {
        const v = await health('alpha');
        return v?.state === 'Ready' ? v : undefined;
      },
      20_000,
      'status.health Ready',
    );
    const managedCount = alpha.resources.filter((r) => r.kind !== 'Usage').length;
    expect(h).toMatchObject({
      state: 'Ready',
      ready: managedCount,
      total: managedCount,
      summary: `${managedCount}/${managedCount} ready`,
      observedGeneration: 1,
    });
    const ready = await events('alpha', 'PlatformReady');
    expect(ready).toHaveLength(1);
    expect(ready[0]).toMatchObject({ type: 'Normal', count: 1, source: { component: 'payment-platform-operator' } });
    expect(await op.metric(m('platform_ready'), { namespace: NS, platform: 'alpha' })).toBe(1);
    expect(await op.metric(m('platform_resources'), { namespace: NS, platform: 'alpha' })).toBe(managedCount);
  });

  test('a failing resource: the deepest one with its full message in status.health, a Warning Event and kubectl describe', async () => {
    const vpc = resourceNamed(alpha, 'vpc');
    const subnet = resourceNamed(alpha, 'subnet-private-az1');
    const message = `create failed: operation error EC2: CreateVpc, https response error StatusCode: 400, api error VpcLimitExceeded: The maximum number of VPCs has been reached. ${'detail '.repeat(200)}`;
    const failing = (msg: string): Obj => ({
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'Creating',
          lastTransitionTime: new Date().toISOString().replace(/\.\d+Z/, 'Z'),
        },
        {
          type: 'Synced',
          status: 'False',
          reason: 'ReconcileError',
          message: msg,
          lastTransitionTime: new Date().toISOString().replace(/\.\d+Z/, 'Z'),
        },
      ],
    });
    // the VPC fails first, then the subnet that needs it (the order a real failure takes)
    await patchResourceStatus(client, vpc, NS, failing(message));
    await patchResourceStatus(
      client,
      subnet,
      NS,
      failing('cannot resolve references: mg.Spec.ForProvider.VPCID: referenced field was empty'),
    );
    const h = await waitFor(
      async () => {
        const v = await health('alpha');
        const d = v?.deepestFailing as Obj | undefined;
        return v?.state === 'NotReady' && d?.resource === 'vpc' && Number(d.blocking) >= 1 ? v : undefined;
      },
      20_000,
      'NotReady with vpc as the deepest failing resource, blocking the subnet',
    );
    expect(h.deepestFailing).toEqual({
      resource: 'vpc',
      kind: 'VPC',
      name: objName(vpc),
      reason: 'ReconcileError',
      message,
      blocking: expect.any(Number),
    });
    expect((h.deepestFailing as Obj).blocking).toBeGreaterThanOrEqual(1);
    const warn = await waitFor(async () => (await events('alpha', 'PlatformNotReady'))[0], 10_000, 'PlatformNotReady event');
    expect(warn.type).toBe('Warning');
    expect(String(warn.message)).toContain(`deepest failing: vpc (VPC ${objName(vpc)}): ReconcileError: create failed`);
    expect(await op.metric(m('platform_ready'), { namespace: NS, platform: 'alpha' })).toBe(0);
    const describe = cp?.kubectlOk(['describe', 'paymentplatform', 'alpha', '-n', NS]) ?? '';
    expect(describe).toMatch(/Health:/);
    expect(describe).toMatch(/Deepest Failing:/);
    expect(describe).toMatch(/PlatformNotReady/);
    // back to Ready: a Normal event; the same NotReady outcome later counts up, never a new object
    await patchResourceStatus(client, subnet, NS, subnet.status);
    await patchResourceStatus(client, vpc, NS, vpc.status);
    await waitFor(async () => (await health('alpha'))?.state === 'Ready', 20_000, 'Ready again');
    await waitFor(async () => (await events('alpha', 'PlatformReady'))[0]?.count === 2, 10_000, 'PlatformReady counted twice');
    await patchResourceStatus(client, vpc, NS, failing(message));
    await waitFor(async () => (await events('alpha', 'PlatformNotReady'))[0]?.count === 2, 20_000, 'PlatformNotReady counted up');
    expect(await events('alpha', 'PlatformNotReady')).toHaveLength(1);
    // The Event may be out before status.health says NotReady: wait for both, or the Ready read
    // below could be the old one and the NotReady write land after it.
    await waitFor(async () => (await health('alpha'))?.state === 'NotReady', 20_000, 'NotReady again');
    await patchResourceStatus(client, vpc, NS, vpc.status);
    await waitFor(async () => (await health('alpha'))?.state === 'Ready', 20_000, 'Ready again');
  });

  test("Crossplane's status writes and the operator's do not undo each other", async () => {
    const path = platformPath(NS, 'alpha');
    const before = await waitFor(
      async () => {
        const p = await getPlatform('alpha');
        return ((p.status as Obj | undefined)?.health as Obj | undefined)?.state === 'Ready' ? p : undefined;
      },
      20_000,
      'status.health Ready',
    );
    const opHealth = (before.status as Obj).health as Obj;
    expect(opHealth.state).toBe('Ready');
    // 1. Crossplane's composite reconciler applies the XR status with its own manager, forced
    await applyPlatformStatus(client, NS, 'alpha', {
      vpcId: 'vpc-0123456789abcdef0',
      conditions: [
        { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', lastTransitionTime: '2026-02-01T00:00:00Z' },
        { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: '2026-02-01T00:00:00Z' },
      ],
    });
    let now = await getPlatform('alpha');
    expect((now.status as Obj).health).toEqual(opHealth);
    expect((now.status as Obj).vpcId).toBe('vpc-0123456789abcdef0');
    // 2. Crossplane's Status().Update(): a PUT of the whole status as read from its cache
    const read = await getPlatform('alpha');
    const conditions = (read.status as Obj).conditions as Obj[];
    (read.status as Obj).conditions = conditions.map((c) =>
      c.type === 'Synced' ? { ...c, lastTransitionTime: '2026-03-01T00:00:00Z' } : c,
    );
    await client.request('PUT', `${path}/status`, { body: read, query: { fieldManager: 'crossplane' } });
    now = await getPlatform('alpha');
    expect((now.status as Obj).health).toEqual(opHealth);
    // 3. the operator writes status.health again (a resource changes); Crossplane's fields stay
    const lb = resourceNamed(alpha, 'load-balancer');
    await patchResourceStatus(client, lb, NS, {
      conditions: [{ type: 'Ready', status: 'False', reason: 'Creating', lastTransitionTime: '2026-03-01T00:00:00Z' }],
    });
    await waitFor(async () => (await health('alpha'))?.state === 'NotReady', 20_000, 'operator wrote NotReady');
    now = await getPlatform('alpha');
    expect((now.status as Obj).vpcId).toBe('vpc-0123456789abcdef0');
    expect(((now.status as Obj).conditions as Obj[]).find((c) => c.type === 'Synced')?.lastTransitionTime).toBe(
      '2026-03-01T00:00:00Z',
    );
    // ownership: the operator's manager owns status.health only; no Crossplane manager owns health
    const managed = ((now.metadata as Obj).managedFields as Obj[]).map((f) => ({
      manager: f.manager,
      fields: JSON.stringify(f.fieldsV1),
    }));
    const mine = managed.filter((f) => f.manager === FIELD_MANAGER);
    expect(mine).toHaveLength(1);
    const owned = JSON.parse(mine[0].fields) as Record<string, Obj>;
    expect(Object.keys(owned)).toEqual(['f:status']);
    expect(Object.keys(owned['f:status'])).toEqual(['f:health']);
    for (const f of managed.filter((x) => x.manager !== FIELD_MANAGER)) expect(f.fields).not.toContain('"f:health":');
    expect(managed.some((f) => f.manager === CROSSPLANE_XR_MANAGER && f.fields.includes('f:vpcId'))).toBe(true);
    // 4. no ping-pong: once settled, nothing keeps writing the object
    await patchResourceStatus(client, lb, NS, lb.status);
    await waitFor(async () => (await health('alpha'))?.state === 'Ready', 20_000, 'Ready');
    await sleep(1500);
    const rv1 = ((await getPlatform('alpha')).metadata as Obj).resourceVersion;
    await sleep(3000);
    expect(((await getPlatform('alpha')).metadata as Obj).resourceVersion).toBe(rv1);
  });

  test('live compliance: a control going from pass to fail raises a Warning Event and a metric, and recovers', async () => {
    const endpoint = resourceNamed(alpha, 's3-gateway-endpoint');
    const control = 'PP-S3-GATEWAY-ENDPOINT';
    const compliance = (await health('alpha'))?.compliance as Obj;
    expect(['Passing', 'Failing']).toContain(compliance.state);
    expect((compliance.failing as Obj[]).some((f) => f.control === control)).toBe(false);
    const regressions = async (): Promise<number> =>
      (await op.metric(m('compliance_regressions_total'), { control, from: 'pass' })) ?? 0;
    const before = await regressions();
    // someone edits the live resource (drift from the controls)
    await client.request('PATCH', resourcePath(endpoint, NS, objName(endpoint)), {
      contentType: PATCH.merge,
      body: { spec: { forProvider: { vpcEndpointType: 'Interface' } } },
    });
    const ev = await waitFor(
      async () => (await events('alpha', 'ComplianceControlFailed')).find((e) => String(e.message).includes(control)),
      20_000,
      'ComplianceControlFailed',
    );
    expect(ev.type).toBe('Warning');
    expect(String(ev.message)).toContain(
      'fails on s3-gateway-endpoint: spec.forProvider.vpcEndpointType should be Gateway, is "Interface"',
    );
    expect(await regressions()).toBe(before + 1);
    /** The per-control gauge is published (and dropped) after the Event is recorded: wait for it. */
    const gauge = (want: number | undefined, what: string) =>
      waitFor(
        async () =>
          (await op.metric(m('compliance_control_failing'), {
            namespace: NS,
            platform: 'alpha',
            control,
            resource: 's3-gateway-endpoint',
          })) === want,
        10_000,
        what,
      );
    await gauge(1, 'compliance_control_failing = 1');
    const h = await waitFor(
      async () => {
        const c = (await health('alpha'))?.compliance as Obj | undefined;
        return (c?.failing as Obj[] | undefined)?.find((f) => f.control === control);
      },
      10_000,
      'status.health lists the failing control',
    );
    expect(h).toEqual({ control, resource: 's3-gateway-endpoint', expected: 'Gateway', actual: '"Interface"' });
    await client.request('PATCH', resourcePath(endpoint, NS, objName(endpoint)), {
      contentType: PATCH.merge,
      body: { spec: { forProvider: { vpcEndpointType: 'Gateway' } } },
    });
    await waitFor(
      async () => (await events('alpha', 'ComplianceControlPassed')).find((e) => String(e.message).includes(control)),
      20_000,
      'ComplianceControlPassed',
    );
    await gauge(undefined, 'compliance_control_failing gone');
  });

  test('hot-loop guard: churn beyond the limit raises an Event and a metric, and with --hot-loop-pause annotates paused', async () => {
    const bucket = resourceNamed(alpha, 'bucket-assets');
    const name = objName(bucket);
    for (let i = 0; i < 14; i++) {
      await patchResourceStatus(client, bucket, NS, {
        atProvider: { ...(bucket.status.atProvider as Obj), tagsAll: { churn: String(i) } },
      });
    }
    const detected = await waitFor(async () => (await events(name, 'HotLoopDetected'))[0], 15_000, 'HotLoopDetected');
    expect(detected.type).toBe('Warning');
    expect(String(detected.message)).toMatch(/changed 1[1-4] times \(spec 0 times\) in 20s without converging \(limit 10\)/);
    await waitFor(async () => (await events(name, 'HotLoopPaused'))[0], 10_000, 'HotLoopPaused');
    const obj = await client.request('GET', resourcePath(bucket, NS, name));
    expect(((obj.metadata as Obj).annotations as Obj)['crossplane.io/paused']).toBe('true');
    const owners = ((obj.metadata as Obj).managedFields as Obj[]).filter((f) =>
      JSON.stringify(f.fieldsV1).includes('crossplane.io/paused'),
    );
    expect(owners.map((f) => f.manager)).toEqual([FIELD_MANAGER]);
    expect(await op.metric(m('hot_loop_detections_total'), { kind: 'Bucket' })).toBe(1);
    expect(await op.metric(m('hot_loop_paused_total'), { kind: 'Bucket' })).toBe(1);
    expect(await op.metric(m('hot_loop_resources'), { namespace: NS, kind: 'Bucket', name, platform: 'alpha' })).toBe(1);
    const loops = await waitFor(
      async () => ((await health('alpha'))?.hotLoops as Obj[] | undefined)?.[0],
      10_000,
      'status.health.hotLoops',
    );
    expect(loops).toMatchObject({ resource: 'bucket-assets', kind: 'Bucket', name, paused: true, windowSeconds: 20 });
    // its stdout is read through a pipe on this event loop: the line can arrive after the objects were seen
    await waitFor(
      () => op.logs.some((l) => l.msg === 'paused: annotated crossplane.io/paused="true"'),
      10_000,
      'the pause in the log',
    );
  });

  test('probes, metrics and JSON logs', async () => {
    expect(await op.get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect(await op.get('/readyz')).toEqual({ status: 200, body: 'leader; first evaluation complete\n' });
    const metrics = (await op.get('/metrics')).body;
    const names = [
      ...new Set(
        metrics
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .map((l) => l.split(/[{ ]/)[0]),
      ),
    ];
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => !n.startsWith(METRIC_PREFIX))).toEqual([]);
    expect(await op.metric(m('leader'))).toBe(1);
    expect(op.nonJson).toEqual([]);
    expect(op.logs.every((l) => typeof l.level === 'string' && typeof l.time === 'string' && typeof l.msg === 'string')).toBe(
      true,
    );
    expect(op.logs.some((l) => l.level === 'debug')).toBe(true);
  });
});

describe('leader election on a Lease', () => {
  const LEASE = 'pp-operator-ha';
  const lease = async (): Promise<Obj> =>
    client.request('GET', `/apis/coordination.k8s.io/v1/namespaces/crossplane-system/leases/${LEASE}`);
  const holder = async (): Promise<string | undefined> => ((await lease()).spec as Obj).holderIdentity as string | undefined;

  test('two replicas: one active; SIGKILL fails over after the lease expires; SIGTERM releases it for an immediate takeover', async () => {
    const args = [`--lease-name=${LEASE}`];
    const a = start('replica-a', args);
    await a.started();
    await a.waitForLog((l) => l.msg === 'became leader', 15_000, 'leadership');
    const b = start('replica-b', args);
    await b.started();
    await b.waitForLog((l) => l.msg === 'campaigning for leadership', 10_000, 'campaign');
    await sleep(3000);
    expect(await holder()).toBe('replica-a');
    expect(await a.metric(m('leader'))).toBe(1);
    expect(await b.metric(m('leader'))).toBe(0);
    expect(await b.get('/readyz')).toEqual({ status: 200, body: 'standby (not leader)\n' });
    expect(b.logs.some((l) => l.msg === 'starting informers')).toBe(false);
    const transitions = Number(((await lease()).spec as Obj).leaseTransitions);

    // the leader dies without releasing: the standby waits for the lease to expire (4s), no longer
    const killedAt = Date.now();
    a.kill('SIGKILL');
    await b.waitForLog((l) => l.msg === 'became leader', 15_000, 'failover');
    const failoverMs = Date.now() - killedAt;
    expect(failoverMs).toBeGreaterThan(2000);
    expect(failoverMs).toBeLessThan(9000);
    expect(await holder()).toBe('replica-b');
    expect(Number(((await lease()).spec as Obj).leaseTransitions)).toBe(transitions + 1);
    await b.firstEvaluation();

    // graceful: SIGTERM stops informers, drains the queue, releases the lease; c takes over at once
    const c = start('replica-c', args);
    await c.waitForLog((l) => l.msg === 'campaigning for leadership', 10_000, 'campaign');
    const termAt = Date.now();
    b.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    const order = b.logs
      .map((l) => l.msg)
      .filter((x) => ['shutting down', 'queue drained', 'released the Lease', 'stopped'].includes(x));
    expect(order).toEqual(['shutting down', 'queue drained', 'released the Lease', 'stopped']);
    await c.waitForLog((l) => l.msg === 'became leader', 10_000, 'takeover after release');
    expect(Date.now() - termAt).toBeLessThan(2500);
    expect(await holder()).toBe('replica-c');
    c.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(await holder()).toBeUndefined();
  });
});
