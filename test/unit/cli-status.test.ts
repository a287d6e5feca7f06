import { fetchPlatform } from '../../src/cli/status/cluster.js';
import { renderClaim } from '../../src/render/claim.js';
import { buildStatus, deepestCause, age, isFailing, resourceRefsOf } from '../../src/cli/status/model.js';
import { CliError } from '../../src/cli/errors.js';
import { exampleClaims, singleVariant } from '../helpers.js';
import { ASYNC_CREATE_FAILURE, SYNC_FAILURE, cli, cond, fakeCluster, liveFixture, T0, type LiveFixture } from './cli-harness.js';
import { type Obj } from '../../src/apis/obj.js';

const claim = exampleClaims().find((c) => c.file.endsWith('production.yaml'))?.claim as Obj;
const resources = renderClaim(singleVariant(claim)).resources;
const total = resources.length;

/** db-cluster failing at AWS, the load balancer still creating, the ConfigMap not there yet. */
const mixed = (): LiveFixture =>
  liveFixture(claim, resources, {
    'db-cluster': [
      cond('Ready', 'False', 'Creating'),
      cond('Synced', 'False', 'ReconcileError', SYNC_FAILURE),
      cond('LastAsyncOperation', 'False', 'AsyncCreateFailure', ASYNC_CREATE_FAILURE),
    ],
    'load-balancer': [cond('Ready', 'False', 'Creating'), cond('Synced', 'True', 'ReconcileSuccess')],
    endpoints: 'missing',
  });

const allReady = (): LiveFixture =>
  liveFixture(claim, resources, {}, [cond('Ready', 'True', 'Available'), cond('Synced', 'True', 'ReconcileSuccess')]);

describe('status model', () => {
  test('counts ready resources, keeps every resource and orders problems deepest first', () => {
    const { xr, objects } = mixed();
    const fetched = resourceRefsOf(xr).map((ref) => ({
      ref,
      object: [...objects.values()].find((o) => (o?.metadata as Obj | undefined)?.name === ref.name),
    }));
    const s = buildStatus(xr, fetched);
    expect(s.total).toBe(total);
    expect(s.readyCount).toBe(total - 3);
    expect(s.isReady).toBe(false);
    expect(s.problems.map((p) => [p.resource, p.condition])).toEqual([
      ['db-cluster', 'LastAsyncOperation'],
      ['db-cluster', 'Synced'],
      ['payments-prod-endpoints', 'NotFound'],
    ]);
    expect(s.problems[0]?.message).toBe(ASYNC_CREATE_FAILURE);
    expect(s.problems[0]?.cause).toBe(
      'api error InvalidParameterCombination: Cannot find version 8.0.mysql_aurora.3.10.0 for aurora-mysql',
    );
  });

  test('the deepest cause of a chained message', () => {
    expect(deepestCause('a: b: c')).toBe('c');
    expect(deepestCause('plain message')).toBeUndefined();
    expect(deepestCause(ASYNC_CREATE_FAILURE)).toMatch(/^api error InvalidParameterCombination: /);
  });

  test('creating is progress, not failure; a False condition with a message is a failure', () => {
    expect(isFailing(cond('Ready', 'False', 'Creating', 'Unready resources: a'))).toBe(false);
    expect(isFailing(cond('Ready', 'False', 'Unavailable', 'the cluster is stopped'))).toBe(true);
    expect(isFailing(cond('Synced', 'False', 'ReconcileError'))).toBe(true);
    expect(isFailing(cond('Synced', 'True', 'ReconcileSuccess'))).toBe(false);
  });

  test.each([
    [30, '30s'],
    [150, '2m30s'],
    [600, '10m'],
    [3 * 3600 + 60, '3h1m'],
    [30 * 3600, '30h'],
    [3 * 86400, '3d'],
  ])('age of %d s is %s', (seconds, text) => {
    expect(age(new Date(T0 - seconds * 1000).toISOString(), T0)).toBe(text);
  });
});

describe('status NAME against a fake cluster', () => {
  test('table: header, progress line, every resource, every problem with the full message, exit 1 when not Ready', async () => {
    const r = await cli(['status', 'payments-prod', '-n', 'team-payments'], { connect: fakeCluster(mixed) });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('PaymentPlatform team-payments/payments-prod (production)  Ready: False  Synced: True  Age: 10m');
    expect(lines[1]).toBe(`${total - 3}/${total} ready`);
    expect(r.stdout).toMatch(/RESOURCE\s+KIND\s+NAME\s+READY\s+SYNCED\s+AGE/);
    expect(r.stdout).toMatch(/\nvpc\s+VPC\s+\S+\s+True\s+True\s+9m\n/);
    expect(r.stdout).toMatch(/\npayments-prod-endpoints\s+ConfigMap\s+payments-prod-endpoints \(not found\)\s+-\s+-\s+-\n/);
    expect(r.stdout).toContain(`message: ${ASYNC_CREATE_FAILURE}\n`);
    expect(r.stdout).toContain(`message: ${SYNC_FAILURE}\n`);
    const problems = r.stdout.slice(r.stdout.indexOf('Problems (3, deepest cause first):'));
    expect(problems.indexOf('LastAsyncOperation=False')).toBeLessThan(problems.indexOf('Synced=False'));
    expect(problems).toContain('cause:   api error InvalidParameterCombination');
    expect(r.stdout).not.toContain('\x1b[');
  });

  test('exit 0 when Ready', async () => {
    const r = await cli(['status', 'payments-prod', '-n', 'team-payments'], { connect: fakeCluster(allReady) });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(`${total}/${total} ready`);
    expect(r.stdout).not.toContain('Problems');
  });

  test('-o json has the progress, every resource and the problems', async () => {
    const r = await cli(['status', 'payments-prod', '-n', 'team-payments', '-o', 'json'], { connect: fakeCluster(mixed) });
    const out = JSON.parse(r.stdout) as {
      progress: { ready: number; total: number };
      resources: unknown[];
      problems: { condition: string }[];
    };
    expect(out.progress).toEqual({ ready: total - 3, total });
    expect(out.resources).toHaveLength(total);
    expect(out.problems.map((p) => p.condition)).toEqual(['LastAsyncOperation', 'Synced', 'NotFound']);
  });

  test('an unknown PaymentPlatform exits 2', async () => {
    const r = await cli(['status', 'nope', '-n', 'team-payments'], { connect: fakeCluster(mixed) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: PaymentPlatform "nope" not found in namespace "team-payments"\n');
  });

  test('a cluster error exits 2 with its message', async () => {
    const r = await cli(['status', 'x'], {
      connect: () => {
        throw new CliError('cannot reach the API server at https://127.0.0.1:1: ECONNREFUSED');
      },
    });
    expect([r.code, r.stderr]).toEqual([2, 'error: cannot reach the API server at https://127.0.0.1:1: ECONNREFUSED\n']);
  });

  test('--watch reads again on every change until Ready and exits 0, printing the progress as it changes', async () => {
    let state = mixed();
    let changes = 0;
    const calls = { n: 0 };
    const r = await cli(['status', 'payments-prod', '-n', 'team-payments', '--watch'], {
      connect: fakeCluster(() => state, calls),
      onChange: () => {
        changes++;
        if (changes === 3) state = allReady();
      },
    });
    expect(r.code).toBe(0);
    expect(r.elapsed).toBe(15_000);
    // One reading at the start and one per change: nothing is read without a change.
    expect(calls.n).toBe(4);
    // The watches follow every kind the platform composes, and are closed at the end.
    expect(r.watched.closed).toBe(true);
    expect(r.watched.followed).toEqual(expect.arrayContaining(['VPC', 'Cluster', 'LB', 'ConfigMap']));
    const progress = r.stdout.split('\n').filter((l) => / \d+\/\d+ ready/.test(l) && /^\d{4}-/.test(l));
    expect(progress).toEqual([
      `2026-01-01T00:10:00.000Z ${total - 3}/${total} ready`,
      `2026-01-01T00:10:15.000Z ${total}/${total} ready (Ready)`,
    ]);
    expect(r.stdout).toContain(`\n${total}/${total} ready\n`);
  });

  test('--watch gives up at the timeout and exits 1, saying so', async () => {
    const r = await cli(['status', 'payments-prod', '-n', 'team-payments', '--watch', '--timeout', '1m'], {
      connect: fakeCluster(mixed),
      changeEvery: 7000,
    });
    expect(r.code).toBe(1);
    expect(r.elapsed).toBe(60_000);
    expect(r.watched.closed).toBe(true);
    expect(r.stderr).toBe(
      `timed out after 1m: PaymentPlatform team-payments/payments-prod is not Ready (${total - 3}/${total} ready)\n`,
    );
    expect(r.stdout).toContain('Problems (3, deepest cause first):');
  });

  test('--watch on a terminal redraws the screen', async () => {
    let n = 0;
    const r = await cli(['status', 'payments-prod', '-n', 'team-payments', '--watch'], {
      isTTY: true,
      connect: fakeCluster(() => (n > 0 ? allReady() : mixed())),
      onChange: () => void n++,
    });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\x1b[H\x1b[2J')).toHaveLength(3);
  });
});

describe('the nested layout: status follows internal XRs down to the managed resources', () => {
  const ref = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, name });
  const obj = (
    r: ReturnType<typeof ref>,
    annotationName: string,
    conditions: Obj[],
    refs: ReturnType<typeof ref>[] = [],
  ): Obj => ({
    apiVersion: r.apiVersion,
    kind: r.kind,
    metadata: { name: r.name, namespace: 'team', annotations: { 'crossplane.io/composition-resource-name': annotationName } },
    spec: { crossplane: { resourceRefs: refs } },
    status: { conditions },
  });
  const branch = ref('internal.platform.payments.io/v1alpha1', 'PlatformNetwork', 'p-network');
  const leaf = ref('internal.platform.payments.io/v1alpha1', 'PlatformNetworkCore', 'p-network-core');
  const vpc = ref('ec2.aws.m.upbound.io/v1beta1', 'VPC', 'p-abc12');
  const creating = [
    cond('Ready', 'False', 'Creating', 'Unready resources: network-core'),
    cond('Synced', 'True', 'ReconcileSuccess'),
  ];
  const objects: Obj[] = [
    obj(branch, 'network', creating, [leaf]),
    obj(leaf, 'network-core', creating, [vpc]),
    obj(vpc, 'vpc', [
      cond('Ready', 'False', 'Unavailable'),
      cond(
        'Synced',
        'False',
        'ReconcileError',
        'create failed: api error VpcLimitExceeded: The maximum number of VPCs has been reached.',
      ),
    ]),
  ];
  const xr: Obj = {
    apiVersion: 'platform.payments.io/v1alpha1',
    kind: 'PaymentPlatform',
    metadata: { name: 'p', namespace: 'team' },
    spec: { crossplane: { resourceRefs: [branch] } },
    status: { conditions: creating },
  };
  const cluster = {
    defaultNamespace: 'team',
    getPlatform: async () => xr,
    getResource: async (r: { name: string }) => objects.find((o) => (o.metadata as Obj).name === r.name),
    watch: () => {
      throw new Error('not used');
    },
  };

  test('every level is fetched, and the failing VPC two levels down is the first problem', async () => {
    const got = await fetchPlatform(cluster, 'team', 'p');
    expect(got!.fetched.map((f) => f.ref.kind)).toEqual(['PlatformNetwork', 'PlatformNetworkCore', 'VPC']);
    const s = buildStatus(xr, got!.fetched);
    expect(s.problems[0]).toMatchObject({ resource: 'vpc', condition: 'Synced' });
    expect(s.problems[0]?.cause).toBe('api error VpcLimitExceeded: The maximum number of VPCs has been reached.');
  });
});
