/**
 * The chart's operator objects on a real API server, and the operator running with exactly the
 * ServiceAccount's permissions: a token bound to the ServiceAccount through the TokenRequest API
 * (`kubectl create token`), not an admin. The operator is started with the Deployment's own
 * arguments, read back from the installed release.
 */
import { jest } from '@jest/globals';
import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_NAME } from '../../src/apis/constants.js';
import type { KubeClient } from '../../src/operator/kube/client.js';
import { instantiate, liveTemplate, type LiveResource } from '../../src/operator/testing/fixtures.js';
import {
  ensureNamespace,
  patchResourceStatus,
  platformPath,
  resourcePath,
  seedPlatform,
} from '../../src/operator/testing/seed.js';
import { ROOT } from '../helpers.js';
import { run, toolBin } from '../support/tools.js';
import { buildOperator, ControlPlane, installPlatformCrd, OperatorProcess, stopAll, waitFor } from './operator-harness.js';
import { type Obj } from '../../src/apis/obj.js';

jest.setTimeout(240_000);
const RELEASE_NS = 'crossplane-system';
const NS = 'team-rbac';
const SA = 'payment-platform-operator';

let cp: ControlPlane | undefined;
let client: KubeClient;
let build: { main: string; cleanup: () => void } | undefined;

beforeAll(async () => {
  build = buildOperator();
  cp = ControlPlane.start();
  installPlatformCrd(cp);
  client = await cp.client();
  await ensureNamespace(client, RELEASE_NS);
  await ensureNamespace(client, NS);
});

afterAll(async () => {
  client?.close();
  await stopAll(cp);
  build?.cleanup();
});

const helm = (args: string[]): { code: number; stdout: string; stderr: string } =>
  run(toolBin('helm'), [...args, '--kubeconfig', cp?.kubeconfig ?? ''], {});

function canI(kubeconfig: string, ...args: string[]): string {
  const r = cp?.kubectl(['auth', 'can-i', ...args], undefined, kubeconfig);
  return (r?.stdout ?? '').trim();
}

describe('the chart installs the operator; its ServiceAccount is all it needs', () => {
  let saKubeconfig = '';
  let deploymentArgs: string[] = [];

  test('helm install with operator.enabled: every operator object is accepted by the API server', () => {
    const r = helm([
      'install',
      'payment-platform',
      join(ROOT, 'charts', CHART_NAME),
      '--namespace',
      RELEASE_NS,
      '--set',
      'operator.enabled=true',
      '--set',
      'operator.hotLoop.pause=true',
      '--set',
      'operator.hotLoop.maxUpdates=6',
      '--set',
      'operator.hotLoop.window=20s',
    ]);
    expect(r.stderr.replace(/^WARNING:.*$/gm, '').trim()).toBe('');
    expect(r.code).toBe(0);
    const manifest = helm(['get', 'manifest', 'payment-platform', '--namespace', RELEASE_NS]).stdout;
    const objs = (yaml.loadAll(manifest) as Obj[]).filter(
      (o) => o && ((o.metadata as Obj).labels as Obj)['app.kubernetes.io/component'] === 'operator',
    );
    expect(objs.map((o) => o.kind).sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRoleBinding',
        'Deployment',
        'PodDisruptionBudget',
        'Role',
        'RoleBinding',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
    for (const o of objs) {
      const md = o.metadata as Obj;
      const ns = String(o.kind).startsWith('Cluster') ? [] : ['-n', String(md.namespace)];
      expect(cp?.kubectlOk(['get', String(o.kind), String(md.name), ...ns, '-o', 'name'])).toContain(String(md.name));
    }
    const dep = objs.find((o) => o.kind === 'Deployment') as Obj;
    const container = ((((dep.spec as Obj).template as Obj).spec as Obj).containers as Obj[])[0];
    deploymentArgs = container.args as string[];
    expect(deploymentArgs).toContain('--hot-loop-pause=true');
  });

  test('a token bound to the ServiceAccount (TokenRequest API) has exactly the operator permissions', () => {
    const token = cp?.kubectlOk(['create', 'token', SA, '-n', RELEASE_NS, '--duration=1h']).trim() ?? '';
    expect(token.split('.')).toHaveLength(3);
    saKubeconfig = cp?.tokenKubeconfig(token, 'operator-sa') ?? '';
    expect(cp?.kubectlOk(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], undefined).length).toBeGreaterThan(0);
    const who = cp?.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], undefined, saKubeconfig).stdout;
    expect(who).toBe(`system:serviceaccount:${RELEASE_NS}:${SA}`);
    const yes = [
      ['list', 'paymentplatforms.platform.payments.io', '-A'],
      ['watch', 'vpcs.ec2.aws.m.upbound.io', '-A'],
      ['patch', 'paymentplatforms.platform.payments.io', '--subresource=status', '-n', NS],
      ['patch', 'buckets.s3.aws.m.upbound.io', '-n', NS],
      ['create', 'events', '-n', NS],
      ['list', 'usages.protection.crossplane.io', '-A'],
      ['create', 'leases.coordination.k8s.io', '-n', RELEASE_NS],
      ['update', `leases.coordination.k8s.io/${SA}`, '-n', RELEASE_NS],
    ];
    const no = [
      ['get', 'secrets', '-A'],
      ['list', 'secrets', '-n', RELEASE_NS],
      ['list', 'configmaps', '-A'],
      ['patch', 'paymentplatforms.platform.payments.io', '-n', NS],
      ['delete', 'vpcs.ec2.aws.m.upbound.io', '-n', NS],
      ['update', 'leases.coordination.k8s.io/other-lease', '-n', RELEASE_NS],
      ['update', `leases.coordination.k8s.io/${SA}`, '-n', NS],
      ['patch', 'usages.protection.crossplane.io', '-n', NS],
      ['*', '*'],
      ['create', 'pods', '-n', RELEASE_NS],
    ];
    for (const a of yes) expect([a.join(' '), canI(saKubeconfig, ...a)]).toEqual([a.join(' '), 'yes']);
    for (const a of no) expect([a.join(' '), canI(saKubeconfig, ...a)]).toEqual([a.join(' '), 'no']);
  });

  test('the operator runs with the ServiceAccount token and the Deployment arguments: status, Events, Lease, pause', async () => {
    if (!build || !cp) throw new Error('no setup');
    const template = liveTemplate(yaml.load(readFileSync(join(ROOT, 'examples/claims/minimal.yaml'), 'utf8')) as Obj);
    const p = instantiate(template, NS, 'rbac');
    await seedPlatform(client, p);
    const args = deploymentArgs.filter((a) => !a.startsWith('--port='));
    const op = new OperatorProcess(build.main, 'sa-operator', [...args, '--log-level=debug'], saKubeconfig, {
      POD_NAMESPACE: RELEASE_NS,
      POD_NAME: 'sa-operator',
    });
    await op.firstEvaluation(60_000);
    const h = await waitFor(
      async () => ((await client.request('GET', platformPath(NS, 'rbac'))).status as Obj).health as Obj | undefined,
      20_000,
      'status.health',
    );
    expect(h.state).toBe('Ready');
    const events = (await client.request<{ items: Obj[] }>('GET', `/api/v1/namespaces/${NS}/events`)).items;
    expect(events.some((e) => e.reason === 'PlatformReady')).toBe(true);
    const lease = await client.request('GET', `/apis/coordination.k8s.io/v1/namespaces/${RELEASE_NS}/leases/${SA}`);
    expect((lease.spec as Obj).holderIdentity).toBe('sa-operator');
    // the opt-in pause needs (and has) patch on managed resources
    const bucket = p.resources.find((r) => r.name === 'bucket-assets') as LiveResource;
    for (let i = 0; i < 9; i++) await patchResourceStatus(client, bucket, NS, { atProvider: { id: `churn-${i}` } });
    await waitFor(
      async () => {
        const o = await client.request('GET', resourcePath(bucket, NS, String((bucket.object.metadata as Obj).name)));
        return ((o.metadata as Obj).annotations as Obj | undefined)?.['crossplane.io/paused'] === 'true';
      },
      20_000,
      'paused annotation',
    );
    const denied = op.logs.filter(isDenial);
    expect(denied).toEqual([]);
    op.kill('SIGTERM');
    expect(await op.exited).toBe(0);
  });

  test('without those permissions the operator reports the denial and keeps trying, without crashing', async () => {
    if (!build || !cp) throw new Error('no setup');
    const op = new OperatorProcess(
      build.main,
      'no-rbac',
      [
        '--lease-name=no-rbac',
        '--leader-elect=false',
        ...deploymentArgs.filter((a) => a.startsWith('--kinds') || a.startsWith('--policy-kinds')),
      ],
      cp.userKubeconfig,
    );
    await op.started();
    await op.waitForLog((l) => l.msg === 'list/watch failed; restarting' && isDenial(l), 20_000, 'a 403 on list');
    expect(await op.get('/readyz')).toEqual({ status: 503, body: 'leader; first evaluation running\n' });
    expect((await op.get('/healthz')).status).toBe(200);
    expect(op.running).toBe(true);
    op.kill('SIGTERM');
    expect(await op.exited).toBe(0);
  });
});

/**
 * Whether an operator log line reports an RBAC denial: an HTTP status 403 field, or an error
 * text saying forbidden/403. Other numbers (pid, durations) and the timestamp are left out: `"seconds":0.403`
 * once matched a bare /\b403\b/ over the whole line and failed CI.
 */
function isDenial(line: Obj): boolean {
  for (const [key, value] of Object.entries(line)) {
    if (key === 'time') continue;
    if (typeof value === 'number') {
      if (value === 403 && /status|code/i.test(key)) return true;
      continue;
    }
    if (/forbidden|\b403\b/i.test(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))) return true;
  }
  return false;
}
