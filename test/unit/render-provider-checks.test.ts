/**
 * The checks the provider or AWS would otherwise make after apply: fields required by CEL rules,
 * AWS naming limits (ALB and target group 32 characters, S3 buckets 3-63 lowercase, RDS
 * identifiers 63 starting with a letter), JSON pointers as field paths, the provider models.
 */
import {
  checkCelRequired,
  checkNamingLimits,
  checkProviderModels,
  isAwsManaged,
  isRegional,
  pointerToFieldPath,
} from '../../src/render/provider-checks.js';

type Obj = Record<string, unknown>;
const managed = (kind: string, forProvider: Obj, group = 'ec2', extra: Obj = {}) => ({
  apiVersion: `${group}.aws.m.upbound.io/v1beta1`,
  kind,
  spec: { forProvider },
  ...extra,
});
const named = (kind: string, externalName: string | undefined, forProvider: Obj = {}) =>
  managed(kind, forProvider, 'x', {
    metadata: externalName === undefined ? {} : { annotations: { 'crossplane.io/external-name': externalName } },
  });

describe('isAwsManaged and isRegional', () => {
  test('namespaced provider-upjet-aws groups are managed; IAM is global', () => {
    expect(isAwsManaged({ apiVersion: 's3.aws.m.upbound.io/v1beta1' })).toBe(true);
    expect(isAwsManaged({ apiVersion: 's3.aws.upbound.io/v1beta1' })).toBe(false);
    expect(isAwsManaged({ apiVersion: 'v1' })).toBe(false);
    expect(isRegional({ apiVersion: 'iam.aws.m.upbound.io/v1beta1' })).toBe(false);
    expect(isRegional({ apiVersion: 'ec2.aws.m.upbound.io/v1beta1' })).toBe(true);
  });
});

describe('checkCelRequired', () => {
  test('region and the CEL-required fields of the kind; a Selector or Ref counts as set', () => {
    const findings = checkCelRequired([
      {
        name: 'ok',
        resource: managed('ClusterInstance', { region: 'eu-west-1', engine: 'aurora-mysql', instanceClassRef: { name: 'x' } }),
      },
      {
        name: 'sel',
        resource: managed('ClusterInstance', { regionSelector: {}, engine: 'aurora-mysql', instanceClass: 'db.r6g.large' }),
      },
      { name: 'bad', resource: managed('ClusterInstance', { engine: 'aurora-mysql' }) },
      { name: 'role', resource: managed('Role', {}, 'iam') },
      { name: 'plain', resource: managed('VPC', { region: 'eu-west-1' }) },
      { name: 'cm', resource: { apiVersion: 'v1', kind: 'ConfigMap' } },
      { name: 'nospec', resource: { apiVersion: 'ec2.aws.m.upbound.io/v1beta1', kind: 'VPC' } },
    ]);
    expect(findings).toEqual([
      {
        resource: 'bad',
        field: 'spec.forProvider.region',
        rule: 'cel-required',
        message: 'bad (ClusterInstance) spec.forProvider.region: Required value (provider-upjet-aws requires it by a CEL rule)',
      },
      {
        resource: 'bad',
        field: 'spec.forProvider.instanceClass',
        rule: 'cel-required',
        message:
          'bad (ClusterInstance) spec.forProvider.instanceClass: Required value (provider-upjet-aws requires it by a CEL rule)',
      },
      {
        resource: 'role',
        field: 'spec.forProvider.assumeRolePolicy',
        rule: 'cel-required',
        message: 'role (Role) spec.forProvider.assumeRolePolicy: Required value (provider-upjet-aws requires it by a CEL rule)',
      },
      {
        resource: 'nospec',
        field: 'spec.forProvider.region',
        rule: 'cel-required',
        message: 'nospec (VPC) spec.forProvider.region: Required value (provider-upjet-aws requires it by a CEL rule)',
      },
    ]);
  });
});

describe('checkNamingLimits', () => {
  const rules = (resource: Obj) => checkNamingLimits([{ name: 'r', resource }]).map((f) => f.rule);

  test.each<[string, Obj, string[]]>([
    ['ALB of 32 characters', managed('LB', { name: 'a'.repeat(32) }), []],
    ['ALB of 33 characters', managed('LB', { name: 'a'.repeat(33) }), ['naming/length']],
    ['ALB starting with internal-', managed('LB', { name: 'internal-pay' }), ['naming/pattern']],
    ['ALB ending with a hyphen', managed('LB', { name: 'pay-' }), ['naming/pattern']],
    ['ALB of one character', managed('LB', { name: 'p' }), []],
    ['ALB without a name', managed('LB', {}), ['naming/missing']],
    ['target group with an underscore', managed('LBTargetGroup', { name: 'pay_tg' }), ['naming/pattern']],
    [
      'target group of 33 characters, trailing hyphen',
      managed('LBTargetGroup', { name: `${'a'.repeat(32)}-` }),
      ['naming/length', 'naming/pattern'],
    ],
    ['bucket of 63 lowercase characters', named('Bucket', 'a'.repeat(63)), []],
    ['bucket of 64 characters', named('Bucket', 'a'.repeat(64)), ['naming/length', 'naming/pattern']],
    ['bucket with capitals', named('Bucket', 'Pay-assets'), ['naming/pattern']],
    ['bucket of 2 characters', named('Bucket', 'ab'), ['naming/pattern']],
    ['bucket without external name', named('Bucket', undefined), ['naming/missing']],
    ['RDS cluster starting with a digit', named('Cluster', '1pay'), ['naming/pattern']],
    ['RDS instance with a double hyphen', named('ClusterInstance', 'pay--db'), ['naming/pattern']],
    ['RDS subnet group ok', named('SubnetGroup', 'pay-db-1'), []],
    ['security group starting with sg-', managed('SecurityGroup', { name: 'sg-pay' }), ['naming/pattern']],
    ['security group with spaces', managed('SecurityGroup', { name: 'pay app' }), []],
    ['alarm with a tab', named('MetricAlarm', 'pay\talarm'), ['naming/pattern']],
    ['alarm of 256 characters', named('MetricAlarm', 'a'.repeat(256)), ['naming/length']],
    ['topic with a dot', named('Topic', 'pay.alarms'), ['naming/pattern']],
    ['topic of 256 characters', named('Topic', 'a'.repeat(256)), []],
    ['kind without a naming rule', named('VPC', '!!'), []],
  ])('%s', (_what, resource, expected) => {
    expect(rules(resource)).toEqual(expected);
  });

  test('messages name the resource, the field, the value and the limit', () => {
    expect(checkNamingLimits([{ name: 'alb', resource: managed('LB', { name: `internal-${'a'.repeat(24)}` }) }])).toEqual([
      {
        resource: 'alb',
        field: 'spec.forProvider.name',
        rule: 'naming/length',
        message: `alb (LB) spec.forProvider.name: "internal-${'a'.repeat(24)}" is 33 characters; AWS allows at most 32`,
      },
      {
        resource: 'alb',
        field: 'spec.forProvider.name',
        rule: 'naming/pattern',
        message: `alb (LB) spec.forProvider.name: "internal-${'a'.repeat(24)}" breaks the ALB name: letters, digits and hyphens, no leading/trailing hyphen, not "internal-" rule`,
      },
    ]);
    expect(checkNamingLimits([{ name: 'b', resource: named('Bucket', undefined) }])).toEqual([
      {
        resource: 'b',
        field: 'metadata.annotations[crossplane.io/external-name]',
        rule: 'naming/missing',
        message: 'b (Bucket) metadata.annotations[crossplane.io/external-name]: no AWS name is set',
      },
    ]);
  });
});

describe('pointerToFieldPath', () => {
  test.each([
    ['', ''],
    ['/spec', 'spec'],
    ['/spec/forProvider/tags/a~1b', 'spec.forProvider.tags[a/b]'],
    ['/spec/forProvider/rule/0/days', 'spec.forProvider.rule[0].days'],
    ['/spec/x~0y', 'spec[x~y]'],
    ['/spec/a-b', 'spec[a-b]'],
    ['/spec/_a1', 'spec._a1'],
    ['/spec/1a', 'spec[1a]'],
    ['/10', '[10]'],
  ])('%j is %j', (pointer, path) => {
    expect(pointerToFieldPath(pointer)).toBe(path);
  });
});

describe('checkProviderModels', () => {
  const bucket = (forProvider: Obj) => ({
    apiVersion: 's3.aws.m.upbound.io/v1beta1',
    kind: 'Bucket',
    metadata: { name: 'b' },
    spec: { forProvider },
    status: { atProvider: { id: 'ignored' } },
  });

  test('a resource its provider model accepts has no finding; status is not validated', async () => {
    expect(await checkProviderModels([{ name: 'b', resource: bucket({ region: 'eu-west-1' }) }])).toEqual([]);
  });

  test('schema errors become findings with a field path', async () => {
    const findings = await checkProviderModels([{ name: 'b', resource: bucket({ region: 7 }) }]);
    expect(findings.map((f) => [f.field, f.rule])).toEqual([['spec.forProvider.region', 'provider-schema/type']]);
    // ajv's own wording for a type error (only a missing property reads "Required value").
    expect(findings[0].message).toBe('b (Bucket) spec.forProvider.region: must be string (provider-upjet-aws schema)');
  });

  test('a missing required property is named with its path', async () => {
    const resource = { apiVersion: 's3.aws.m.upbound.io/v1beta1', kind: 'Bucket', metadata: { name: 'b' } };
    const findings = await checkProviderModels([{ name: 'b', resource }]);
    expect(findings).toContainEqual({
      resource: 'b',
      field: 'spec',
      rule: 'provider-schema/required',
      message: 'b (Bucket) spec: Required value (provider-upjet-aws schema)',
    });
  });

  test('kinds without a model are reported; other resources are skipped', async () => {
    const findings = await checkProviderModels([
      { name: 'x', resource: { apiVersion: 's3.aws.m.upbound.io/v1beta1', kind: 'NoSuchKind', spec: {} } },
      { name: 'cm', resource: { apiVersion: 'v1', kind: 'ConfigMap' } },
    ]);
    expect(findings).toEqual([
      {
        resource: 'x',
        field: 'kind',
        rule: 'provider-model',
        message: 'x: provider-upjet-aws has no model for s3.aws.m.upbound.io/v1beta1 NoSuchKind',
      },
    ]);
    // asked twice: the answer is remembered, the same
    expect(
      await checkProviderModels([{ name: 'x', resource: { apiVersion: 's3.aws.m.upbound.io/v1beta1', kind: 'NoSuchKind' } }]),
    ).toHaveLength(1);
  });
});
