/**
 * The shared health model (src/apis/health-model.ts): every expected verdict below is written by
 * hand from Crossplane's condition semantics (Synced/Ready/LastAsyncOperation as managed
 * resources and provider-upjet-aws write them), not computed by the code under test.
 */
import { judgeResource, rootCauseOrder, type Judged } from '../../src/apis/health-model.js';
import { buildStatus } from '../../src/cli/status/model.js';
import { computeHealth } from '../../src/operator/health.js';
import { type Obj } from '../../src/apis/obj.js';

type Cond = [type: string, status: string, reason?: string, message?: string];

function mr(
  name: string,
  conds: Cond[],
  extra: { labels?: Record<string, string>; forProvider?: Obj; annotations?: Record<string, string> } = {},
): Obj {
  return {
    apiVersion: 'ec2.aws.m.upbound.io/v1beta1',
    kind: 'Thing',
    metadata: {
      name,
      namespace: 'team',
      labels: extra.labels ?? {},
      annotations: { 'crossplane.io/composition-resource-name': name.replace(/^pp-/, ''), ...extra.annotations },
    },
    spec: { forProvider: extra.forProvider ?? {} },
    status: {
      conditions: conds.map(([type, status, reason, message]) => ({
        type,
        status,
        ...(reason ? { reason } : {}),
        ...(message !== undefined ? { message } : {}),
      })),
    },
  };
}

const READY: Cond[] = [
  ['Synced', 'True', 'ReconcileSuccess'],
  ['Ready', 'True', 'Available'],
];

describe('judgeResource: one resource', () => {
  test.each<[string, Obj | undefined, { verdict: string; ready: boolean; condition: string; reason: string; message: string }]>([
    ['missing object', undefined, { verdict: 'Progressing', ready: false, condition: 'Missing', reason: 'Missing', message: '' }],
    ['Synced and Ready', mr('a', READY), { verdict: 'Ready', ready: true, condition: 'Ready', reason: 'Available', message: '' }],
    [
      'Ready but the last reconcile failed (an update): failing, still counted ready',
      mr('a', [
        ['Synced', 'False', 'ReconcileError', 'update failed: AccessDenied'],
        ['Ready', 'True', 'Available'],
      ]),
      { verdict: 'Failing', ready: true, condition: 'Synced', reason: 'ReconcileError', message: 'update failed: AccessDenied' },
    ],
    [
      'upjet async failure while Synced=True and Ready=Creating: the async error is the verdict',
      mr('a', [
        ['Synced', 'True', 'ReconcileSuccess'],
        ['Ready', 'False', 'Creating', ''],
        ['LastAsyncOperation', 'False', 'AsyncCreateFailure', 'async create failed: api error VpcLimitExceeded: limit'],
      ]),
      {
        verdict: 'Failing',
        ready: false,
        condition: 'LastAsyncOperation',
        reason: 'AsyncCreateFailure',
        message: 'async create failed: api error VpcLimitExceeded: limit',
      },
    ],
    [
      'async failure and Synced=False: the async operation is deeper',
      mr('a', [
        ['Ready', 'False', 'Creating'],
        ['Synced', 'False', 'ReconcileError', 'observe failed'],
        ['LastAsyncOperation', 'False', 'AsyncUpdateFailure', 'update: api error X'],
      ]),
      {
        verdict: 'Failing',
        ready: false,
        condition: 'LastAsyncOperation',
        reason: 'AsyncUpdateFailure',
        message: 'update: api error X',
      },
    ],
    [
      'being created',
      mr('a', [
        ['Synced', 'True', 'ReconcileSuccess'],
        ['Ready', 'False', 'Creating', ''],
      ]),
      { verdict: 'Progressing', ready: false, condition: 'Ready', reason: 'Creating', message: '' },
    ],
    [
      'being deleted, with a message',
      mr('a', [['Ready', 'False', 'Deleting', 'waiting for the instance']]),
      { verdict: 'Progressing', ready: false, condition: 'Ready', reason: 'Deleting', message: 'waiting for the instance' },
    ],
    [
      'Unavailable with a message: failing',
      mr('a', [
        ['Synced', 'True', 'ReconcileSuccess'],
        ['Ready', 'False', 'Unavailable', 'instance is in state failed'],
      ]),
      { verdict: 'Failing', ready: false, condition: 'Ready', reason: 'Unavailable', message: 'instance is in state failed' },
    ],
    [
      'Unavailable without a message: progressing',
      mr('a', [['Ready', 'False', 'Unavailable']]),
      { verdict: 'Progressing', ready: false, condition: 'Ready', reason: 'Unavailable', message: '' },
    ],
    [
      'Ready Unknown',
      mr('a', [['Ready', 'Unknown']]),
      { verdict: 'Progressing', ready: false, condition: 'Ready', reason: 'NotReady', message: '' },
    ],
    [
      'paused (Synced=False ReconcilePaused) while Ready: ready, not failing',
      mr('a', [
        ['Synced', 'False', 'ReconcilePaused', 'Reconciliation is paused via the pause annotation'],
        ['Ready', 'True', 'Available'],
      ]),
      { verdict: 'Ready', ready: true, condition: 'Ready', reason: 'Available', message: '' },
    ],
    [
      'paused before it was ever Ready',
      mr('a', [['Synced', 'False', 'ReconcilePaused', 'Reconciliation is paused via the pause annotation']]),
      {
        verdict: 'Progressing',
        ready: false,
        condition: 'Paused',
        reason: 'ReconcilePaused',
        message: 'Reconciliation is paused via the pause annotation',
      },
    ],
    [
      'paused by annotation, no conditions yet',
      mr('a', [], { annotations: { 'crossplane.io/paused': 'true' } }),
      {
        verdict: 'Progressing',
        ready: false,
        condition: 'Paused',
        reason: 'Paused',
        message: 'crossplane.io/paused is "true": Crossplane does not reconcile it',
      },
    ],
    [
      'a managed resource without conditions',
      mr('a', []),
      {
        verdict: 'Progressing',
        ready: false,
        condition: 'NoConditions',
        reason: 'NoConditions',
        message: 'the provider has not reported on it yet',
      },
    ],
    [
      'a ConfigMap (no forProvider, no conditions): ready once it exists',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } },
      { verdict: 'Ready', ready: true, condition: 'None', reason: 'Exists', message: '' },
    ],
    [
      'Synced=False without reason or message',
      mr('a', [['Synced', 'False']]),
      { verdict: 'Failing', ready: false, condition: 'Synced', reason: 'NotSynced', message: '' },
    ],
    [
      'malformed condition entries are skipped',
      { ...mr('a', READY), status: { conditions: ['junk', { type: 'Ready' }, { type: 'Ready', status: 'True' }] } },
      { verdict: 'Ready', ready: true, condition: 'Ready', reason: 'Available', message: '' },
    ],
  ])('%s', (_title, object, expected) => {
    expect(judgeResource(object)).toEqual(expected);
  });
});

/** vpc <- subnet (selector) <- association (ref), and an unrelated flow log and load balancer. */
function platform(
  conds: Record<'vpc' | 'subnet' | 'assoc' | 'flowlog' | 'lb', Cond[] | undefined>,
): Map<string, Obj | undefined> {
  const objs: [string, Obj | undefined][] = [
    ['pp-vpc', conds.vpc && mr('pp-vpc', conds.vpc, { labels: { res: 'vpc' } })],
    [
      'pp-subnet',
      conds.subnet &&
        mr('pp-subnet', conds.subnet, {
          labels: { res: 'subnet' },
          forProvider: { vpcIdSelector: { matchLabels: { res: 'vpc' } } },
        }),
    ],
    ['pp-assoc', conds.assoc && mr('pp-assoc', conds.assoc, { forProvider: { subnetIdRef: { name: 'pp-subnet' } } })],
    [
      'pp-flowlog',
      conds.flowlog && mr('pp-flowlog', conds.flowlog, { forProvider: { vpcIdSelector: { matchLabels: { res: 'vpc' } } } }),
    ],
    ['pp-lb', conds.lb && mr('pp-lb', conds.lb)],
  ];
  return new Map(objs);
}

const order = (objects: Map<string, Obj | undefined>) =>
  rootCauseOrder<Judged>(
    [...objects].map(([name, object]) => ({ name, resource: name.replace(/^pp-/, ''), object, verdict: judgeResource(object) })),
  ).map((c) => [c.item.resource, c.item.verdict.verdict, c.root, c.blocking]);

const CREATING: Cond[] = [
  ['Synced', 'True', 'ReconcileSuccess'],
  ['Ready', 'False', 'Creating'],
];
const REF_ERROR: Cond[] = [
  ['Synced', 'False', 'ReconcileError', 'cannot resolve references: vpcIdSelector: no resources matched'],
  ['Ready', 'False', 'Creating'],
];

describe('rootCauseOrder: the deepest failing resource', () => {
  test('all healthy: nothing', () => {
    expect(order(platform({ vpc: READY, subnet: READY, assoc: READY, flowlog: READY, lb: READY }))).toEqual([]);
  });

  test('nested: a VPC still being created is the root cause of the subnet whose reference fails, and of what needs the subnet', () => {
    expect(order(platform({ vpc: CREATING, subnet: REF_ERROR, assoc: [], flowlog: READY, lb: READY }))).toEqual([
      ['vpc', 'Progressing', true, 2],
      ['subnet', 'Failing', false, 1],
      ['assoc', 'Progressing', false, 0],
    ]);
  });

  test('a healthy dependency does not hide a failure: the subnet is a root cause when the VPC is Ready', () => {
    expect(order(platform({ vpc: READY, subnet: REF_ERROR, assoc: CREATING, flowlog: READY, lb: READY }))).toEqual([
      ['subnet', 'Failing', true, 1],
      ['assoc', 'Progressing', false, 0],
    ]);
  });

  test('mixed roots: an error beats one being created even if that blocks more', () => {
    expect(
      order(
        platform({
          vpc: CREATING,
          subnet: CREATING,
          assoc: READY,
          flowlog: READY,
          lb: [['Synced', 'False', 'ReconcileError', 'AccessDenied']],
        }),
      ),
    ).toEqual([
      ['lb', 'Failing', true, 0],
      ['vpc', 'Progressing', true, 1],
      ['subnet', 'Progressing', false, 0],
    ]);
  });

  test('roots of equal severity: the one blocking more first, then the name', () => {
    expect(order(platform({ vpc: CREATING, subnet: READY, assoc: READY, flowlog: CREATING, lb: CREATING }))).toEqual([
      ['vpc', 'Progressing', true, 1],
      ['lb', 'Progressing', true, 0],
      ['flowlog', 'Progressing', false, 0],
    ]);
    expect(order(platform({ vpc: READY, subnet: READY, assoc: READY, flowlog: CREATING, lb: CREATING }))).toEqual([
      ['flowlog', 'Progressing', true, 0],
      ['lb', 'Progressing', true, 0],
    ]);
  });

  test('a missing dependency is not in the graph: what references it is a root', () => {
    expect(order(platform({ vpc: READY, subnet: undefined, assoc: CREATING, flowlog: READY, lb: READY }))).toEqual([
      ['assoc', 'Progressing', true, 0],
      ['subnet', 'Progressing', true, 0],
    ]);
  });

  test('a cycle has no root: severity decides', () => {
    const a = mr('pp-a', CREATING, { forProvider: { bRef: { name: 'pp-b' } } });
    const b = mr('pp-b', REF_ERROR, { forProvider: { aRef: { name: 'pp-a' } } });
    expect(
      order(
        new Map([
          ['pp-a', a],
          ['pp-b', b],
        ]),
      ),
    ).toEqual([
      ['b', 'Failing', false, 1],
      ['a', 'Progressing', false, 1],
    ]);
  });
});

describe('the CLI and the operator give the same verdict', () => {
  const refs = ['pp-vpc', 'pp-subnet', 'pp-assoc', 'pp-flowlog', 'pp-lb'].map((name) => ({
    apiVersion: 'ec2.aws.m.upbound.io/v1beta1',
    kind: 'Thing',
    name,
  }));
  const xr: Obj = {
    kind: 'PaymentPlatform',
    metadata: { name: 'pp', namespace: 'team' },
    status: {
      conditions: [{ type: 'Ready', status: 'False', reason: 'Creating', message: 'Unready resources: assoc, subnet, vpc' }],
    },
  };

  test('nested failure: both name the VPC; the CLI lists its problems root cause first', () => {
    const objects = platform({
      vpc: [
        ['Synced', 'True', 'ReconcileSuccess'],
        ['Ready', 'False', 'Creating'],
        ['LastAsyncOperation', 'False', 'AsyncCreateFailure', 'async create failed: api error VpcLimitExceeded: too many VPCs'],
      ],
      subnet: REF_ERROR,
      assoc: CREATING,
      flowlog: READY,
      lb: READY,
    });
    const health = computeHealth(refs, (r) => objects.get(r.name));
    expect(health.deepestFailing).toEqual({
      resource: 'vpc',
      kind: 'Thing',
      name: 'pp-vpc',
      reason: 'AsyncCreateFailure',
      message: 'async create failed: api error VpcLimitExceeded: too many VPCs',
      blocking: 2,
    });
    expect(health.summary).toBe(
      '2/5 ready; deepest failing: vpc (Thing pp-vpc): AsyncCreateFailure: async create failed: api error VpcLimitExceeded: too many VPCs',
    );
    // refs are listed subnet first: the CLI's order is the root-cause order, not the refs' order
    const status = buildStatus(
      xr,
      [refs[1], refs[0], refs[2], refs[3], refs[4]].map((ref) => ({ ref, object: objects.get(ref.name) })),
    );
    expect(status.problems.map((p) => `${p.resource}/${p.condition}`)).toEqual(['vpc/LastAsyncOperation', 'subnet/Synced']); // the PaymentPlatform's Ready=False Creating is progress, not a problem
    expect(status.readyCount).toBe(2);
  });
});
