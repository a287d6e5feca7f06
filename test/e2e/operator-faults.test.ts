/**
 * Fault tests of the operator on a real API server: SIGKILL in the middle of its work and a
 * restart (no outcome lost, none duplicated), kube-apiserver restarted under it (the watches
 * resume and it keeps reacting), a malformed object (logged, reported, the rest still served),
 * and the hot-loop guard without the opt-in (reports, never annotates).
 */
import { jest } from '@jest/globals';
import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeClient } from '../../src/operator/kube/client.js';
import { METRIC_PREFIX } from '../../src/operator/metrics.js';
import { instantiate, liveTemplate, type LivePlatform, type LiveResource } from '../../src/operator/testing/fixtures.js';
import {
  ensureNamespace,
  patchResourceStatus,
  platformPath,
  pool,
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
  stopAll,
  waitFor,
} from './operator-harness.js';
import { type Obj } from '../../src/apis/obj.js';

jest.setTimeout(240_000);
const m = (name: string): string => `${METRIC_PREFIX}${name}`;

let cp: ControlPlane | undefined;
let client: KubeClient;
let build: { main: string; cleanup: () => void } | undefined;
let template: ReturnType<typeof liveTemplate>;

beforeAll(async () => {
  build = buildOperator();
  cp = ControlPlane.start();
  installPlatformCrd(cp);
  client = await cp.client();
  await ensureNamespace(client, 'crossplane-system');
  template = liveTemplate(yaml.load(readFileSync(join(ROOT, 'examples/claims/minimal.yaml'), 'utf8')) as Obj);
});

afterAll(async () => {
  client?.close();
  await stopAll(cp);
  build?.cleanup();
});

const start = (name: string, extra: string[] = []): OperatorProcess => {
  if (!cp || !build) throw new Error('no control plane');
  // a renew deadline that outlasts an API server restart
  return new OperatorProcess(
    build.main,
    name,
    [...kindFlags(), '--lease-duration=20s', '--renew-deadline=15s', '--retry-period=2s', '--log-level=debug', ...extra],
    cp.kubeconfig,
  );
};

async function events(ns: string): Promise<Obj[]> {
  return (await client.request<{ items: Obj[] }>('GET', `/api/v1/namespaces/${ns}/events`)).items;
}

const health = async (ns: string, name: string): Promise<Obj | undefined> =>
  ((await client.request('GET', platformPath(ns, name))).status as Obj | undefined)?.health as Obj | undefined;

const objName = (r: LiveResource): string => String((r.object.metadata as Obj).name);
const failing = (message: string): Obj => ({
  conditions: [
    { type: 'Ready', status: 'False', reason: 'Creating', lastTransitionTime: '2026-01-02T00:00:00Z' },
    { type: 'Synced', status: 'False', reason: 'ReconcileError', message, lastTransitionTime: '2026-01-02T00:00:00Z' },
  ],
});

test('SIGKILL mid-work, then a restart: every outcome recorded exactly once', async () => {
  const NS = 'faults-kill';
  await ensureNamespace(client, NS);
  const platforms: LivePlatform[] = Array.from({ length: 24 }, (_, i) => instantiate(template, NS, `k${i}`));
  await pool(platforms, 4, async (p) => {
    await seedPlatform(client, p, { concurrency: 8 });
  });
  // every third platform has a failing cluster
  const broken = platforms.filter((_, i) => i % 3 === 0);
  for (const p of broken) {
    const db = p.resources.find((r) => r.name === 'db-cluster') as LiveResource;
    await patchResourceStatus(
      client,
      db,
      NS,
      failing('InvalidParameterCombination: Cannot find version 8.0.mysql_aurora.3.99.0'),
    );
  }
  const first = start('kill-1', ['--workers=1', '--lease-name=faults-kill']);
  // kill it once it has written some outcomes, but not all
  await waitFor(
    () => first.logs.filter((l) => l.msg === 'reconciled' && l.status === 'applied').length >= 3,
    60_000,
    'some outcomes written',
  );
  first.kill('SIGKILL');
  await first.exited;
  const writtenBefore = first.logs.filter((l) => l.msg === 'reconciled' && l.status === 'applied').length;
  expect(first.logs.some((l) => l.msg === 'first evaluation complete')).toBe(false);
  expect(writtenBefore).toBeLessThan(platforms.length);

  // the lease of the killed one must expire (20s) before the second takes over
  const second = start('kill-2', ['--workers=4', '--lease-name=faults-kill']);
  await second.firstEvaluation(90_000);
  for (const p of platforms) {
    const name = String((p.platform.metadata as Obj).name);
    const h = await waitFor(() => health(NS, name), 10_000, `health of ${name}`);
    expect([name, h.state]).toEqual([name, broken.includes(p) ? 'NotReady' : 'Ready']);
  }
  const evs = await events(NS);
  for (const p of platforms) {
    const name = String((p.platform.metadata as Obj).name);
    const mine = evs.filter((e) => (e.involvedObject as Obj).name === name && String(e.reason).startsWith('Platform'));
    const reason = broken.includes(p) ? 'PlatformNotReady' : 'PlatformReady';
    // exactly one event object for the outcome, counted once: none lost, none duplicated
    expect([name, mine.map((e) => [e.reason, e.count])]).toEqual([name, [[reason, 1]]]);
  }
  // what the killed run had written is not written again
  const unchanged = second.logs.filter((l) => l.msg === 'reconciled' && l.status === 'unchanged').length;
  expect(unchanged).toBeGreaterThanOrEqual(writtenBefore);
  expect(second.logs.filter((l) => l.msg === 'reconciled' && l.status === 'applied').length).toBeLessThanOrEqual(
    platforms.length - writtenBefore,
  );
  second.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});

test('kube-apiserver restarted under the operator: watches resume and it keeps reacting', async () => {
  const NS = 'faults-restart';
  await ensureNamespace(client, NS);
  const p = instantiate(template, NS, 'restart');
  await seedPlatform(client, p);
  const op = start('restart-1', ['--lease-name=faults-restart']);
  await op.firstEvaluation();
  await waitFor(async () => (await health(NS, 'restart'))?.state === 'Ready', 20_000, 'Ready');
  const restartsBefore = op.logs.filter((l) => l.msg === 'list/watch failed; restarting').length;

  cp?.restartApiserver();
  // changes made after the restart reach the operator through resumed (or re-listed) watches
  const lb = p.resources.find((r) => r.name === 'load-balancer') as LiveResource;
  await patchResourceStatus(client, lb, NS, failing('api error AccessDenied: elasticloadbalancing:CreateLoadBalancer'));
  const h = await waitFor(
    async () => {
      const v = await health(NS, 'restart');
      return v?.state === 'NotReady' ? v : undefined;
    },
    60_000,
    'NotReady after the restart',
  );
  expect((h.deepestFailing as Obj).message).toBe('api error AccessDenied: elasticloadbalancing:CreateLoadBalancer');
  expect(op.running).toBe(true);
  await waitFor(
    () => op.logs.filter((l) => l.msg === 'list/watch failed; restarting').length > restartsBefore,
    10_000,
    'a watch restart in the log',
  );
  expect(await op.metric(m('leader'))).toBe(1);
  // a change after that is seen too (the watches are steady again)
  await patchResourceStatus(client, lb, NS, lb.status);
  await waitFor(async () => (await health(NS, 'restart'))?.state === 'Ready', 30_000, 'Ready again');
  op.kill('SIGTERM');
  expect(await op.exited).toBe(0);
});

test('a malformed object is logged and reported, and the rest is still served', async () => {
  const NS = 'faults-malformed';
  await ensureNamespace(client, NS);
  const op = start('malformed-1', ['--lease-name=faults-malformed', '--hot-loop-max-updates=5', '--hot-loop-window=20s']);
  await op.firstEvaluation();
  // a platform whose resourceRefs has an entry without a name and one of a kind nobody serves
  const bad = instantiate(template, NS, 'bad');
  const refs = ((bad.platform.spec as Obj).crossplane as Obj).resourceRefs as Obj[];
  refs.push(
    { apiVersion: 'ec2.aws.m.upbound.io/v1beta1', kind: 'VPC' },
    { apiVersion: 'nothing.example.com/v1', kind: 'Ghost', name: 'boo' },
  );
  await client.request('POST', platformPath(NS), { body: bad.platform });
  const ev = await waitFor(
    async () => (await events(NS)).find((e) => e.reason === 'MalformedObject'),
    20_000,
    'MalformedObject event',
  );
  expect(ev.type).toBe('Warning');
  expect(String(ev.message)).toContain('spec.crossplane.resourceRefs[');
  // the operator logs before it records the event, but its stdout reaches this process through a pipe, read on
  // this event loop: under load the event can be listed before the line is read
  await waitFor(
    () => op.logs.some((l) => l.level === 'warn' && l.msg === 'malformed PaymentPlatform: evaluating what can be read'),
    10_000,
    'the malformed-object warning in the log',
  );
  expect(await op.metric(m('malformed_objects_total'), { kind: 'PaymentPlatform' })).toBeGreaterThanOrEqual(1);
  // evaluated as far as it can be: its composed resources do not exist
  const h = await waitFor(() => health(NS, 'bad'), 10_000, 'health of the malformed platform');
  expect(h.state).toBe('NotReady');
  // the operator keeps serving a healthy platform created after it
  const good = instantiate(template, NS, 'good');
  await seedPlatform(client, good);
  await waitFor(async () => (await health(NS, 'good'))?.state === 'Ready', 30_000, 'the good platform evaluated');
  expect(op.running).toBe(true);

  // hot loop without --hot-loop-pause: reported, never annotated
  const bucket = good.resources.find((r) => r.name === 'bucket-assets') as LiveResource;
  for (let i = 0; i < 9; i++) await patchResourceStatus(client, bucket, NS, { atProvider: { id: `churn-${i}` } });
  const hot = await waitFor(
    async () => (await events(NS)).find((e) => e.reason === 'HotLoopDetected'),
    15_000,
    'HotLoopDetected',
  );
  expect(String(hot.message)).toContain('Pause it with the annotation crossplane.io/paused="true"');
  const obj = await client.request('GET', resourcePath(bucket, NS, objName(bucket)));
  expect(((obj.metadata as Obj).annotations as Obj | undefined)?.['crossplane.io/paused']).toBeUndefined();
  expect((await events(NS)).some((e) => e.reason === 'HotLoopPaused')).toBe(false);
  // when the churn stops, the loop is over
  await waitFor(async () => (await events(NS)).find((e) => e.reason === 'HotLoopResolved'), 40_000, 'HotLoopResolved');
  op.kill('SIGTERM');
  expect(await op.exited).toBe(0);
});
