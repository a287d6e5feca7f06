import yaml from 'js-yaml';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { exampleClaims, invalidFixtures, ROOT, singleVariant, validClaims } from '../helpers.js';
import { cli } from './cli-harness.js';
import { type Obj } from '../../src/apis/obj.js';

const nameOf = (r: Obj) => ((r.metadata as Obj).annotations as Obj)['crossplane.io/composition-resource-name'] as string;

const renderJson = async (file: string, ...args: string[]): Promise<Obj[]> =>
  (JSON.parse((await cli(['render', '-f', file, '-o', 'json', ...args])).stdout) as { items: Obj[] }).items;

/**
 * A copy of a claim file that names the single Composition (the default is the nested layout,
 * whose first reconcile holds back whole subtrees): its first reconcile is the one these counts
 * were read for, by hand, from the Composition. The nested layout composes the same managed
 * resources in the steady state (nested-render.test.ts).
 */
function singleFile(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pp-single-'));
  const out = join(dir, basename(file));
  writeFileSync(out, yaml.dump(singleVariant(yaml.load(readFileSync(join(ROOT, file), 'utf8')))));
  return out;
}

/** The resources that wait for outputs of others (docs/cli.md): absent from the first reconcile. */
const HELD = ['flow-log', 'bucket-assets-policy', 'bucket-flow-logs-policy', 'alarm-db-cpu'];

describe.each(validClaims().map((c) => [c.file] as const))('render -f %s', (file) => {
  test('yaml (default): one document per composed resource, each named once, the same objects as -o json', async () => {
    const r = await cli(['render', '-f', file]);
    expect(r.code).toBe(0);
    const docs = yaml.loadAll(r.stdout) as Obj[];
    const names = docs.map(nameOf);
    expect(names.every((n) => typeof n === 'string' && n !== '')).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('vpc');
    expect(docs).toEqual(await renderJson(file));
  });

  test('json: a List; --steady-state adds the resources that wait for outputs', async () => {
    const first = JSON.parse((await cli(['render', '-f', file, '-o', 'json'])).stdout) as { kind: string; items: Obj[] };
    const steady = await cli(['render', '-f', file, '-o', 'json', '--steady-state']);
    expect(steady.code).toBe(0);
    expect(steady.stderr).toContain('SIMULATED');
    expect(first.kind).toBe('List');
    const firstNames = first.items.map(nameOf);
    const steadyNames = (JSON.parse(steady.stdout) as { items: Obj[] }).items.map(nameOf);
    for (const n of HELD) expect([n, firstNames.includes(n), steadyNames.includes(n)]).toEqual([n, false, true]);
    expect(steadyNames).toEqual(expect.arrayContaining(firstNames));
  });

  test('table: a row per resource with kind and AWS name; stderr names the held-back resources', async () => {
    const r = await cli(['render', '-f', file, '-o', 'table']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RESOURCE\s+KIND\s+API VERSION\s+AWS NAME$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual((await renderJson(file)).map(nameOf));
    expect(r.stdout).toMatch(/\nvpc\s+VPC\s+ec2\.aws\.m\.upbound\.io\/v1beta1\s+\S+-vpc\n/);
    // The nested layout holds back the subtrees that wait (the application, keys, storage).
    expect(r.stderr).toMatch(/more wait for outputs of others \(.*storage.*\); --steady-state shows them/);
  });
});

/** Resources per kind, from the Composition read by hand for each example claim. */
const countKinds = (items: Obj[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const i of items) out[String(i.kind)] = (out[String(i.kind)] ?? 0) + 1;
  return out;
};
const byName = (items: Obj[], name: string): Obj => {
  const found = items.find((i) => nameOf(i) === name);
  if (!found) throw new Error(`no ${name} in the render`);
  return found;
};
const forProvider = (items: Obj[], name: string): Obj => (byName(items, name).spec as Obj).forProvider as Obj;

/** What every claim composes, whatever its environment (three AZs, three buckets). */
const COMMON_KINDS = {
  Bucket: 3,
  BucketLifecycleConfiguration: 3,
  BucketLogging: 2, // assets and flow logs log to the access-log bucket, which does not log to itself
  BucketOwnershipControls: 3,
  BucketPublicAccessBlock: 3,
  BucketServerSideEncryptionConfiguration: 1, // access logs (SSE-S3); the KMS-encrypted two wait for the key's ARN
  BucketVersioning: 3,
  Cluster: 1,
  ClusterInstance: 2,
  ClusterParameterGroup: 1,
  ConfigMap: 1,
  DefaultSecurityGroup: 1,
  InternetGateway: 1,
  LB: 1,
  LBTargetGroup: 1,
  Role: 1,
  RolePolicyAttachment: 1,
  Route: 4,
  RouteTable: 4,
  RouteTableAssociation: 6,
  SecurityGroup: 3,
  SecurityGroupEgressRule: 3,
  SecurityGroupIngressRule: 5,
  Subnet: 6,
  SubnetGroup: 1,
  Usage: 10,
  VPC: 1,
  VPCEndpoint: 1,
  VPCEndpointRouteTableAssociation: 3,
};
/** Added by the steady state: KMS keys, the KMS bucket encryptions, bucket policies, the flow log, the alarm topic and alarms. */
const HELD_KINDS = { BucketPolicy: 3, BucketServerSideEncryptionConfiguration: 3, FlowLog: 1, MetricAlarm: 3, Topic: 1 };

describe('render -f examples/claims/minimal.yaml through the single Composition: what a development claim with every default composes', () => {
  const file = singleFile('examples/claims/minimal.yaml');
  const minimalKinds = { ...COMMON_KINDS, Alias: 3, EIP: 1, NATGateway: 1, LBListener: 1 };

  test('first reconcile: 82 resources; these kinds, these counts', async () => {
    const items = await renderJson(file);
    expect(countKinds(items)).toEqual(minimalKinds);
    expect(items).toHaveLength(82);
  });

  test('steady state: 95 resources, three KMS keys (no log key outside production)', async () => {
    const items = await renderJson(file, '--steady-state');
    expect(countKinds(items)).toEqual({ ...minimalKinds, ...HELD_KINDS, Key: 3 });
    expect(items).toHaveLength(95);
  });

  test('the default network, listener and database', async () => {
    const items = await renderJson(file, '--steady-state');
    expect(forProvider(items, 'vpc')).toMatchObject({ region: 'us-east-1', cidrBlock: '10.0.0.0/16' });
    expect(forProvider(items, 'subnet-private-az3')).toMatchObject({
      cidrBlock: '10.0.13.0/24',
      availabilityZone: 'us-east-1c',
    });
    expect(forProvider(items, 'listener-http-forward')).toMatchObject({ port: 80, protocol: 'HTTP' });
    expect(forProvider(items, 'db-cluster')).toMatchObject({
      engine: 'aurora-mysql',
      serverlessv2ScalingConfiguration: { minCapacity: 0.5, maxCapacity: 2 },
    });
    expect((byName(items, 'db-cluster').spec as Obj).initProvider).toEqual({ engineVersion: '8.0.mysql_aurora.3.10.0' });
  });
});

describe('render -f examples/claims/production.yaml through the single Composition: what the production example composes', () => {
  const file = singleFile('examples/claims/production.yaml');
  const productionKinds = {
    ...COMMON_KINDS,
    Alias: 4,
    EIP: 3,
    NATGateway: 3,
    LBListener: 2,
    BucketObjectLockConfiguration: 1,
    Group: 1,
    TopicSubscription: 1,
    WebACL: 1,
    WebACLAssociation: 1,
    WebACLLoggingConfiguration: 1,
  };

  test('first reconcile: 94 resources; a NAT gateway per AZ, WAF, Object Lock, an e-mail subscription', async () => {
    const items = await renderJson(file);
    expect(countKinds(items)).toEqual(productionKinds);
    expect(items).toHaveLength(94);
  });

  test('steady state: 108 resources, four KMS keys', async () => {
    const items = await renderJson(file, '--steady-state');
    expect(countKinds(items)).toEqual({ ...productionKinds, ...HELD_KINDS, Key: 4 });
    expect(items).toHaveLength(108);
  });

  test('the claimed VPC CIDR and region reach the network', async () => {
    const items = await renderJson(file);
    expect(forProvider(items, 'vpc')).toMatchObject({ region: 'eu-west-1', cidrBlock: '10.20.0.0/16' });
    expect(forProvider(items, 'subnet-public-az1')).toMatchObject({
      cidrBlock: '10.20.1.0/24',
      availabilityZone: 'eu-west-1a',
    });
    expect(forProvider(items, 'subnet-private-az3')).toMatchObject({
      cidrBlock: '10.20.13.0/24',
      availabilityZone: 'eu-west-1c',
    });
  });

  test('the listeners: HTTPS on 443 with the certificate and TLS policy, 80 redirects (301), no plain forward', async () => {
    const items = await renderJson(file);
    expect(items.map(nameOf)).not.toContain('listener-http-forward');
    expect(forProvider(items, 'listener-https')).toMatchObject({
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
    });
    expect(forProvider(items, 'listener-http-redirect')).toMatchObject({
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } }],
    });
    expect(forProvider(items, 'target-group')).toMatchObject({ port: 8080, protocol: 'HTTP', targetType: 'ip' });
  });

  test('the database: Aurora MySQL 3.10, 1-16 ACU, two instances, protected and kept 35 days', async () => {
    const items = await renderJson(file);
    expect(forProvider(items, 'db-cluster')).toMatchObject({
      engine: 'aurora-mysql',
      serverlessv2ScalingConfiguration: { minCapacity: 1, maxCapacity: 16 },
      deletionProtection: true,
      backupRetentionPeriod: 35,
      storageEncrypted: true,
    });
    expect((byName(items, 'db-cluster').spec as Obj).initProvider).toEqual({ engineVersion: '8.0.mysql_aurora.3.10.0' });
    expect(items.map(nameOf).filter((n) => n.startsWith('db-instance-'))).toEqual(['db-instance-1', 'db-instance-2']);
  });

  // A CloudWatch alarm in eu-west-1 can only notify an SNS topic in eu-west-1: the simulation
  // reports each resource in its own forProvider.region.
  test('simulated outputs are in the claim region (eu-west-1)', async () => {
    const items = await renderJson(file, '--steady-state');
    expect(forProvider(items, 'alarm-db-cpu').alarmActions).toEqual([
      expect.stringMatching(/^arn:aws:sns:eu-west-1:123456789012:/),
    ]);
    expect((byName(items, 'endpoints').data as Obj).ALB_DNS_NAME).toMatch(/\.eu-west-1\.elb\.amazonaws\.com$/);
  });

  test('alarms: thresholds 0 / 80 / 100, each notifying (alarm and OK) the platform topic, which e-mails on-call', async () => {
    const items = await renderJson(file, '--steady-state');
    const thresholds = { 'alarm-unhealthy-hosts': 0, 'alarm-db-cpu': 80, 'alarm-db-connections': 100 };
    for (const [alarm, threshold] of Object.entries(thresholds)) {
      const a = forProvider(items, alarm);
      expect([alarm, a.threshold]).toEqual([alarm, threshold]);
      // the topic's ARN as the simulation reports it (account 123456789012, the topic's external name)
      expect([alarm, a.alarmActions]).toEqual([
        alarm,
        [expect.stringMatching(/^arn:aws:sns:.*:123456789012:.*payments-prod-alarms-00000000$/)],
      ]);
      expect([alarm, a.okActions]).toEqual([alarm, a.alarmActions]);
    }
    expect(forProvider(items, 'alarm-topic-email')).toMatchObject({ protocol: 'email', endpoint: 'payments-oncall@example.com' });
  });
});

test('render reads standard input with -f -', async () => {
  const { file } = exampleClaims()[0] ?? { file: '' };
  const text = yaml.dump(exampleClaims()[0]?.claim);
  const viaStdin = await cli(['render', '-f', '-'], { stdin: text });
  const viaFile = await cli(['render', '-f', file]);
  expect(viaStdin.code).toBe(0);
  expect(viaStdin.stdout).toBe(viaFile.stdout);
});

test('a file with a Namespace and a claim renders the claim', async () => {
  const claim = exampleClaims()[0]?.claim;
  const r = await cli(['render', '-f', '-', '-o', 'table'], {
    stdin: `apiVersion: v1\nkind: Namespace\nmetadata: {name: team-payments}\n---\n${yaml.dump(claim)}`,
  });
  expect(r.code).toBe(0);
});

describe.each(invalidFixtures().map((c) => [c.file, c.field] as const))('render -f %s (invalid)', (file, field) => {
  test('exits 1, prints nothing on stdout and names the field on stderr', async () => {
    const r = await cli(['render', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('is not a valid PaymentPlatform');
    expect(r.stderr).toContain(field as string);
    expect(r.stderr).toContain(`kubectl payments validate -f ${file}`);
  });
});

describe('render of broken claims written by hand', () => {
  const base = () => JSON.parse(JSON.stringify(exampleClaims()[0]?.claim)) as Obj;
  const params = (c: Obj) => (c.spec as Obj).parameters as Obj;

  test.each([
    ['missing metadata.name', (c: Obj) => delete (c.metadata as Obj).name, 'metadata.name [required]'],
    ['wrong kind', (c: Obj) => (c.kind = 'Platform'), 'kind [kind]'],
    ['wrong type', (c: Obj) => (params(c).database = { instances: 'two' }), 'spec.parameters.database.instances [type]'],
    [
      'out of bounds',
      (c: Obj) => (params(c).monitoring = { evaluationPeriods: 99 }),
      'spec.parameters.monitoring.evaluationPeriods [maximum]',
    ],
    ['unknown key', (c: Obj) => (params(c).colour = 'blue'), 'spec.parameters.colour [unknown-field]'],
    ['unknown top-level key', (c: Obj) => (c.extra = 1), 'extra [unknown-field]'],
  ])('%s', async (_what, mutate, expected) => {
    const c = base();
    mutate(c);
    const r = await cli(['render', '-f', '-'], { stdin: yaml.dump(c) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(expected);
  });
});
