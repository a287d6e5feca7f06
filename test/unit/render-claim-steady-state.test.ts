/**
 * From a claim to a simulated steady state: the metadata the API server adds, placeholder AWS
 * status the way provider-upjet-aws reports it (account 123456789012, us-east-1), and the
 * reconcile loop, on small hand-written Compositions (the shipped one only where named).
 */
import { PLACEHOLDER_UID, renderClaim } from '../../src/render/claim.js';
import { newRenderMemo } from '../../src/render/render.js';
import { packageComposition } from '../../src/render/package-compositions.js';
import { FAKE_ACCOUNT, fakeArn, fakeAtProvider, observe, renderSteadyState } from '../../src/render/steady-state.js';

type Obj = Record<string, unknown>;

const claim = (metadata: Obj = { name: 'payments', namespace: 'team-payments' }) => ({
  apiVersion: 'platform.payments.io/v1alpha1',
  kind: 'PaymentPlatform',
  metadata,
  spec: { parameters: { environment: 'development' } },
});

const composition = (patches: unknown[]) => ({
  spec: {
    mode: 'Pipeline',
    pipeline: [
      {
        step: 'pt',
        functionRef: { name: 'crossplane-contrib-function-patch-and-transform' },
        input: {
          resources: [
            {
              name: 'vpc',
              base: { apiVersion: 'ec2.aws.m.upbound.io/v1beta1', kind: 'VPC', spec: { forProvider: {} } },
              patches,
            },
          ],
        },
      },
    ],
  },
});

describe("the renderer's reuse of a template's last render (render.ts, RenderMemo)", () => {
  const env = (e: string) => ({ ...claim(), spec: { parameters: { environment: e } } });
  const shared = composition([
    { type: 'FromCompositeFieldPath', fromFieldPath: 'spec.parameters.environment', toFieldPath: 'spec.forProvider.tags.env' },
    { type: 'ToCompositeFieldPath', fromFieldPath: 'status.atProvider.id', toFieldPath: 'status.vpcId' },
  ]);
  const tags = (o: ReturnType<typeof renderClaim>) => ((o.resources[0].resource.spec as Obj).forProvider as Obj).tags;

  test('a field the template reads changes: it is rendered again, also back to an earlier value', () => {
    const memo = newRenderMemo();
    expect(tags(renderClaim(env('development'), { composition: shared, memo }))).toEqual({ env: 'development' });
    expect(tags(renderClaim(env('staging'), { composition: shared, memo }))).toEqual({ env: 'staging' });
    expect(tags(renderClaim(env('development'), { composition: shared, memo }))).toEqual({ env: 'development' });
  });

  test('another observed resource: what it writes to the composite follows it', () => {
    const memo = newRenderMemo();
    const observed = (id: string) => ({ vpc: { metadata: { name: 'payments-vpc' }, status: { atProvider: { id } } } });
    const first = observed('vpc-1');
    const status = (o: Record<string, Obj> | undefined) =>
      renderClaim(env('development'), { composition: shared, observed: o, memo }).composite.status;
    expect(status(first)).toEqual({ vpcId: 'vpc-1' });
    expect(status(observed('vpc-2'))).toEqual({ vpcId: 'vpc-2' });
    expect(status(first)).toEqual({ vpcId: 'vpc-1' });
    expect(status(undefined)).toBeUndefined();
  });

  test('reused: the same resource object while nothing read changed, a new one for another composite', () => {
    const memo = newRenderMemo();
    const a = renderClaim(env('development'), { composition: shared, memo }).resources[0].resource;
    const b = renderClaim(env('development'), { composition: shared, memo }).resources[0].resource;
    expect(b).toBe(a);
    // The metadata Crossplane adds follows the composite: another name is another object.
    const other = { ...env('development'), metadata: { name: 'other', namespace: 'team-payments' } };
    const c = renderClaim(other, { composition: shared, memo }).resources[0].resource;
    expect(c).not.toBe(a);
    expect(((c.metadata as Obj).ownerReferences as Obj[])[0].name).toBe('other');
    expect(((a.metadata as Obj).ownerReferences as Obj[])[0].name).toBe('payments');
    // Without a memo nothing is shared: each render is the caller's own.
    const e = renderClaim(env('development'), { composition: shared }).resources[0].resource;
    const f = renderClaim(env('development'), { composition: shared }).resources[0].resource;
    expect(f.spec).not.toBe(e.spec);
    expect(f).toEqual(e);
  });

  test("renderSteadyState's result is the caller's to change: no error, and no later render sees it", () => {
    const c = packageComposition();
    const s = renderSteadyState(claim(), { composition: c });
    const vpc = (r: typeof s.final) => r.resources.find((x) => x.name === 'vpc')!.resource;
    const fresh = JSON.stringify(vpc(s.final));
    ((vpc(s.final).spec as Obj).forProvider as Obj).cidrBlok = '10.0.0.0/16';
    ((vpc(s.first).spec as Obj).forProvider as Obj).cidrBlock = '10.9.0.0/16';
    // `first` and `final` share no object; a second call is as the first was.
    expect(((vpc(s.final).spec as Obj).forProvider as Obj).cidrBlock).toBe('10.0.0.0/16');
    expect(JSON.stringify(vpc(renderSteadyState(claim(), { composition: c }).final))).toBe(fresh);
  });
});

describe('renderClaim', () => {
  test('fills in the namespace and a placeholder uid the API server would add', () => {
    const out = renderClaim(claim({ name: 'payments' }), { composition: composition([]) });
    expect(out.findings).toEqual([]);
    expect((out.xr.metadata as Obj).namespace).toBe('default');
    expect((out.xr.metadata as Obj).uid).toBe('00000000-0000-4000-8000-000000000000');
    expect(PLACEHOLDER_UID).toBe('00000000-0000-4000-8000-000000000000');
    const md = out.resources[0].resource.metadata as { namespace: string; ownerReferences: Obj[] };
    expect(md.namespace).toBe('default');
    expect(md.ownerReferences[0].uid).toBe('00000000-0000-4000-8000-000000000000');
  });

  test('keeps the namespace and uid a claim has, and applies the schema defaults', () => {
    const out = renderClaim(claim({ name: 'payments', namespace: 'team-a', uid: 'u-1' }), { composition: composition([]) });
    expect(out.xr.metadata).toEqual({ name: 'payments', namespace: 'team-a', uid: 'u-1' });
    expect(Object.keys(out.xr.spec as Obj)).toContain('parameters');
    expect(Object.keys((out.xr.spec as { parameters: Obj }).parameters).length).toBeGreaterThan(1);
  });

  test('an invalid claim is not rendered', () => {
    const bad = claim();
    (bad.spec.parameters as Obj).environment = 'qa';
    const out = renderClaim(bad, { composition: composition([]) });
    expect(out.findings.length).toBeGreaterThan(0);
    expect([out.resources, out.warnings, out.composite]).toEqual([[], [], {}]);
    expect((out.xr.metadata as Obj).uid).toBe('00000000-0000-4000-8000-000000000000');
  });

  test('the shipped Composition is read once', () => {
    const c = packageComposition();
    expect(c.kind).toBe('Composition');
    expect((c.metadata as Obj).name).toBe('paymentplatforms-aws.platform.payments.io');
    expect(packageComposition()).toBe(c);
  });
});

describe('fakeAtProvider and observe', () => {
  const r = (kind: string, apiVersion = 'ec2.aws.m.upbound.io/v1beta1', metadata: Obj = {}) => ({ apiVersion, kind, metadata });

  test.each<[string, Obj, Obj]>([
    ['VPC', r('VPC'), { id: 'vpc-main', arn: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-main', ownerId: '123456789012' }],
    ['Bucket', r('Bucket', 's3.aws.m.upbound.io/v1beta1'), { id: 'bucket-main', arn: 'arn:aws:s3:::bucket-main' }],
    [
      'LB',
      r('LB', 'elbv2.aws.m.upbound.io/v1beta1'),
      {
        id: 'lb-main',
        arn: 'arn:aws:elbv2:us-east-1:123456789012:lb/lb-main',
        dnsName: 'lb-main.us-east-1.elb.amazonaws.com',
        arnSuffix: 'app/lb-main/0123456789abcdef',
      },
    ],
    [
      'LBTargetGroup',
      r('LBTargetGroup', 'elbv2.aws.m.upbound.io/v1beta1'),
      {
        id: 'lbtargetgroup-main',
        arn: 'arn:aws:elbv2:us-east-1:123456789012:lbtargetgroup/lbtargetgroup-main',
        arnSuffix: 'targetgroup/lbtargetgroup-main/fedcba9876543210',
      },
    ],
    [
      'Cluster',
      r('Cluster', 'rds.aws.m.upbound.io/v1beta1', { annotations: { 'crossplane.io/external-name': 'pay-db' } }),
      {
        id: 'pay-db',
        arn: 'arn:aws:rds:us-east-1:123456789012:cluster/pay-db',
        endpoint: 'pay-db.cluster-abc.us-east-1.rds.amazonaws.com',
        readerEndpoint: 'pay-db.cluster-ro-abc.us-east-1.rds.amazonaws.com',
        port: 3306,
        masterUserSecret: [
          { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-pay-db', secretStatus: 'active' },
        ],
      },
    ],
    ['Key', r('Key', 'kms.aws.m.upbound.io/v1beta1'), { id: 'key-main', arn: 'arn:aws:kms:us-east-1:123456789012:key/key-main' }],
  ])('%s', (_kind, resource, expected) => {
    expect(fakeAtProvider(resource, 'main')).toEqual(expected);
    expect(FAKE_ACCOUNT).toBe('123456789012');
  });

  test('ARNs and endpoints are in the resource region (forProvider.region)', () => {
    const cluster = {
      apiVersion: 'rds.aws.m.upbound.io/v1beta1',
      kind: 'Cluster',
      spec: { forProvider: { region: 'eu-west-1' } },
    };
    expect(fakeAtProvider(cluster, 'db')).toMatchObject({
      arn: 'arn:aws:rds:eu-west-1:123456789012:cluster/cluster-db',
      endpoint: 'cluster-db.cluster-abc.eu-west-1.rds.amazonaws.com',
      readerEndpoint: 'cluster-db.cluster-ro-abc.eu-west-1.rds.amazonaws.com',
      masterUserSecret: [{ secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-cluster-db' }],
    });
    const lb = { apiVersion: 'elbv2.aws.m.upbound.io/v1beta1', kind: 'LB', spec: { forProvider: { region: 'ap-south-1' } } };
    expect(fakeAtProvider(lb, 'alb')).toMatchObject({
      arn: 'arn:aws:elbv2:ap-south-1:123456789012:lb/lb-alb',
      dnsName: 'lb-alb.ap-south-1.elb.amazonaws.com',
    });
    expect(
      fakeArn({ apiVersion: 'sns.aws.m.upbound.io/v1beta1', kind: 'Topic', spec: { forProvider: { region: '' } } }, 't'),
    ).toBe('arn:aws:sns:us-east-1:123456789012:topic/t');
  });

  test('a resource without metadata gets an id from its kind', () => {
    expect(fakeAtProvider({ apiVersion: 'sns.aws.m.upbound.io/v1beta1', kind: 'Topic' }, 'alarms')).toEqual({
      id: 'topic-alarms',
      arn: 'arn:aws:sns:us-east-1:123456789012:topic/topic-alarms',
    });
  });

  test('observe names resources from generateName, reports them Ready and Synced, copies them', () => {
    const resource = { apiVersion: 'ec2.aws.m.upbound.io/v1beta1', kind: 'VPC', metadata: { generateName: 'pay-' } };
    const named = { apiVersion: 'ec2.aws.m.upbound.io/v1beta1', kind: 'VPC', metadata: { name: 'given' } };
    const out = observe([
      { name: 'vpc', resource, ready: false },
      { name: 'other', resource: named, ready: false },
    ]);
    expect(out.vpc).toEqual({
      apiVersion: 'ec2.aws.m.upbound.io/v1beta1',
      kind: 'VPC',
      metadata: { generateName: 'pay-', name: 'pay-vpc' },
      status: {
        atProvider: { id: 'vpc-vpc', arn: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-vpc', ownerId: '123456789012' },
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Synced', status: 'True' },
        ],
      },
    });
    expect((out.other.metadata as Obj).name).toBe('given');
    expect(resource).toEqual({ apiVersion: 'ec2.aws.m.upbound.io/v1beta1', kind: 'VPC', metadata: { generateName: 'pay-' } });
  });
});

describe('renderSteadyState', () => {
  test('status flows from the observed resources to the composite until nothing changes', () => {
    const c = composition([
      { type: 'ToCompositeFieldPath', fromFieldPath: 'status.atProvider.arn', toFieldPath: 'status.vpcArn' },
    ]);
    const input = claim();
    const out = renderSteadyState(input, { composition: c });
    expect(out.status).toEqual({ vpcArn: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-vpc' });
    expect((out.xr.status as Obj).vpcArn).toBe('arn:aws:ec2:us-east-1:123456789012:vpc/vpc-vpc');
    expect(out.first.composite.status).toBeUndefined();
    expect(out.final.resources.map((r) => [r.name, r.ready])).toEqual([['vpc', true]]);
    expect([...out.byName.keys()]).toEqual(['vpc']);
    expect(Object.keys(out.observed)).toEqual(['vpc']);
    expect(input).toEqual(claim());
  });

  test('an invalid claim is an error naming the findings', () => {
    const bad = claim();
    (bad.spec.parameters as Obj).environment = 'qa';
    expect(() => renderSteadyState(bad, { composition: composition([]) })).toThrow(/^invalid claim: .*environment/);
  });
});

describe('renderSteadyState: the reconcile loop', () => {
  // Three buckets in a chain: b needs a's ARN, c needs b's, each through the composite's status
  // (ToComposite, then a Required FromComposite). Each link takes one more reconcile.
  const link = (from: string, to: string) => ({
    name: to,
    base: { apiVersion: 's3.aws.m.upbound.io/v1beta1', kind: 'Bucket', spec: { forProvider: {} } },
    patches: [
      {
        type: 'FromCompositeFieldPath',
        fromFieldPath: `status.${from}Arn`,
        toFieldPath: 'spec.forProvider.tags[after]',
        policy: { fromFieldPath: 'Required' },
      },
      { type: 'ToCompositeFieldPath', fromFieldPath: 'status.atProvider.arn', toFieldPath: `status.${to}Arn` },
    ],
  });
  const chain = {
    spec: {
      mode: 'Pipeline',
      pipeline: [
        {
          step: 'pt',
          functionRef: { name: 'crossplane-contrib-function-patch-and-transform' },
          input: {
            resources: [
              {
                name: 'a',
                base: { apiVersion: 's3.aws.m.upbound.io/v1beta1', kind: 'Bucket', spec: { forProvider: {} } },
                patches: [{ type: 'ToCompositeFieldPath', fromFieldPath: 'status.atProvider.arn', toFieldPath: 'status.aArn' }],
              },
              link('a', 'b'),
              link('b', 'c'),
            ],
          },
        },
      ],
    },
  };

  test('a chain of three resources converges: every resource, every output, each waiting for the one before', () => {
    const s = renderSteadyState(claim(), { composition: chain });
    expect(s.first.resources.map((r) => r.name)).toEqual(['a']);
    expect(s.final.resources.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(s.status).toEqual({
      aArn: 'arn:aws:s3:::bucket-a',
      bArn: 'arn:aws:s3:::bucket-b',
      cArn: 'arn:aws:s3:::bucket-c',
    });
    expect(((s.byName.get('c')?.spec as Obj).forProvider as Obj).tags).toEqual({ after: 'arn:aws:s3:::bucket-b' });
  });

  test('a composition that never settles is an error, not a loop', () => {
    // Every reconcile writes a longer value into the status, which the next reconcile reads.
    const growing = {
      spec: {
        mode: 'Pipeline',
        pipeline: [
          {
            step: 'pt',
            functionRef: { name: 'crossplane-contrib-function-patch-and-transform' },
            input: {
              resources: [
                {
                  name: 'a',
                  base: {
                    apiVersion: 's3.aws.m.upbound.io/v1beta1',
                    kind: 'Bucket',
                    spec: { forProvider: { tags: { n: 'x' } } },
                  },
                  patches: [
                    {
                      type: 'CombineFromComposite',
                      combine: { strategy: 'string', variables: [{ fromFieldPath: 'status.n' }], string: { fmt: '%sx' } },
                      toFieldPath: 'spec.forProvider.tags[n]',
                    },
                    { type: 'ToCompositeFieldPath', fromFieldPath: 'spec.forProvider.tags[n]', toFieldPath: 'status.n' },
                  ],
                },
              ],
            },
          },
        ],
      },
    };
    expect(() => renderSteadyState(claim(), { composition: growing })).toThrow('no steady state after 40 reconciles');
  });
});
