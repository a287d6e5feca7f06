/**
 * The nested layout (src/composition/nested.ts), judged on the committed YAML that `make synth`
 * writes (compositions/nested.yaml, crds/nested.yaml; the drift check keeps them fresh). The
 * expected values are written from the design (which leaf holds what, which outputs cross
 * leaves), not computed by the generator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { type Obj } from '../../src/apis/obj.js';
import { ROOT } from '../helpers.js';

const load = (file: string): Obj[] => yaml.loadAll(readFileSync(join(ROOT, file), 'utf8')) as Obj[];
const compositions = load('compositions/nested.yaml');
const xrds = load('crds/nested.yaml');
const flat = load('compositions/paymentplatforms-aws.platform.payments.io.yaml')[0]!;

type Template = { name: string; base: Obj; patches: Obj[] };
const templates = (c: Obj): Template[] => ((((c.spec as Obj).pipeline as Obj[])[0]!.input as Obj).resources as Template[]) ?? [];
const byKind = (kind: string): Obj => {
  const c = compositions.find((x) => ((x.spec as Obj).compositeTypeRef as Obj).kind === kind);
  if (!c) throw new Error(`no nested Composition for ${kind}`);
  return c;
};
const template = (kind: string, name: string): Template => {
  const t = templates(byKind(kind)).find((x) => x.name === name);
  if (!t) throw new Error(`${kind} has no template ${name}`);
  return t;
};
const inputsOf = (kind: string): string[] => {
  const x = xrds.find((d) => ((d.spec as Obj).names as Obj).kind === kind)!;
  const schema = ((((x.spec as Obj).versions as Obj[])[0]!.schema as Obj).openAPIV3Schema as Obj).properties as Obj;
  return Object.keys((((schema.spec as Obj).properties as Obj).inputs as Obj).properties as Obj).sort();
};

const LEAVES: Record<string, number> = {
  PlatformNetworkVpc: 3,
  PlatformNetworkGateway: 3,
  PlatformNetworkAz1Public: 4,
  PlatformNetworkAz2Public: 4,
  PlatformNetworkAz3Public: 4,
  PlatformNetworkAz1Private: 5,
  PlatformNetworkAz2Private: 5,
  PlatformNetworkAz3Private: 5,
  PlatformSecurityGroupSet: 3,
  PlatformAlbRuleSet: 3,
  PlatformTierRuleSet: 5,
  PlatformDataKeySet: 4,
  PlatformStorageKeySet: 4,
  PlatformAssetsBucketCore: 4,
  PlatformAssetsConfig: 4,
  PlatformFlowLogsBucketCore: 5,
  PlatformFlowLogsConfig: 4,
  PlatformAccessLogsBucketCore: 4,
  PlatformAccessLogsConfig: 3,
  PlatformFlowLog: 2,
  PlatformDatabaseCluster: 3,
  // db-instance-1..3: the claim's instance count picks how many are composed.
  PlatformDatabaseInstanceSet: 5,
  // listener-http-forward without a certificate, listener-https and -http-redirect with one: 3 composed at most.
  PlatformLoadBalancer: 5,
  PlatformWebAcl: 4,
  PlatformAlarmSet: 5,
  PlatformDatabaseProtection: 5,
  PlatformEdgeProtection: 4,
};

test('every leaf holds the templates the design gives it, at most 5', () => {
  const counts = Object.fromEntries(Object.keys(LEAVES).map((k) => [k, templates(byKind(k)).length]));
  expect(counts).toEqual(LEAVES);
});

test("the leaves together hold exactly the flat Composition's templates, except the endpoints ConfigMap (kept on the PaymentPlatform)", () => {
  const leafNames = Object.keys(LEAVES)
    .flatMap((k) => templates(byKind(k)).map((t) => t.name))
    .sort();
  const flatNames = templates(flat)
    .map((t) => t.name)
    .filter((n) => n !== 'endpoints')
    .sort();
  expect(leafNames).toEqual(flatNames);
  expect(new Set(leafNames).size).toBe(leafNames.length);
  expect(templates(byKind('PaymentPlatform')).map((t) => t.name)).toEqual(['foundation', 'network', 'application', 'endpoints']);
  expect(templates(byKind('PlatformFoundation')).map((t) => t.name)).toEqual(['network-core', 'keys', 'storage']);
  expect(templates(byKind('PlatformApplication')).map((t) => t.name)).toEqual(['security', 'workload', 'protection']);
});

test('outputs that cross leaves arrive as spec.inputs (and only those)', () => {
  expect(inputsOf('PlatformNetworkVpc')).toEqual([]);
  expect(inputsOf('PlatformNetworkCore')).toEqual([]);
  expect(inputsOf('PlatformFlowLog')).toEqual(['flowLogsBucketArn']);
  expect(inputsOf('PlatformDataKeySet')).toEqual(['accountId']);
  expect(inputsOf('PlatformStorageKeySet')).toEqual(['accountId']);
  expect(inputsOf('PlatformKeySet')).toEqual(['accountId']);
  // A bucket's configuration waits for the bucket (its ARN, from the sibling leaf) and the key.
  expect(inputsOf('PlatformFlowLogsBucketCore')).toEqual([]);
  expect(inputsOf('PlatformFlowLogsConfig')).toEqual(['accountId', 'flowLogsBucketArn', 'storageKeyArn']);
  expect(inputsOf('PlatformFlowLogsBucket')).toEqual(['accountId', 'storageKeyArn']);
  expect(inputsOf('PlatformAccessLogsConfig')).toEqual(['accessLogsBucketArn', 'accountId', 'elbLogDeliveryPrincipal']);
  expect(inputsOf('PlatformAccessLogsBucket')).toEqual(['accountId', 'elbLogDeliveryPrincipal']);
  expect(inputsOf('PlatformAssetsConfig')).toEqual(['assetsBucketArn', 'storageKeyArn']);
  expect(inputsOf('PlatformAssetsBucket')).toEqual(['storageKeyArn']);
  expect(inputsOf('PlatformAlarmSet')).toEqual(['alarmsKeyArn', 'albArnSuffix', 'targetGroupArnSuffix']);
  expect(inputsOf('PlatformDatabase')).toEqual([]);
  // Branches ask their parent only for what their own leaves do not produce.
  // The account id stays inside the foundation; only the alarms key's ARN crosses the platform.
  expect(inputsOf('PlatformLogStorage')).toEqual(['accountId', 'elbLogDeliveryPrincipal', 'storageKeyArn']);
  expect(inputsOf('PlatformStorage')).toEqual(['accountId', 'elbLogDeliveryPrincipal', 'storageKeyArn']);
  expect(inputsOf('PlatformFoundation')).toEqual([]);
  expect(inputsOf('PlatformNetwork')).toEqual([]);
  expect(inputsOf('PlatformWorkload')).toEqual(['alarmsKeyArn']);
  expect(inputsOf('PlatformApplication')).toEqual(['alarmsKeyArn']);
  // The KMS key policy waits for the account id, as in the flat Composition.
  const policy = template('PlatformDataKeySet', 'kms-key-data').patches.find((p) => p.toFieldPath === 'spec.forProvider.policy')!;
  expect(((policy.combine as Obj).variables as Obj[]).map((v) => v.fromFieldPath)).toEqual([
    'spec.inputs.accountId',
    'spec.parameters.region',
  ]);
  expect(policy.policy).toEqual({ fromFieldPath: 'Required' });
});

test('a selector across leaves matches by the platform label; one inside a leaf keeps matchControllerRef', () => {
  const subnetGroup = template('PlatformDatabaseCluster', 'db-subnet-group');
  const fp = (t: Template) => (t.base.spec as Obj).forProvider as Obj;
  expect(fp(subnetGroup).subnetIdSelector).toEqual({ matchLabels: { 'platform.payments.io/resource': 'subnet-private' } });
  expect(subnetGroup.patches).toContainEqual({
    type: 'FromCompositeFieldPath',
    fromFieldPath: 'spec.platform.name',
    toFieldPath: 'spec.forProvider.subnetIdSelector.matchLabels[platform.payments.io/platform]',
  });
  const cluster = template('PlatformDatabaseCluster', 'db-cluster');
  expect(fp(cluster).dbSubnetGroupNameSelector).toEqual({
    matchControllerRef: true,
    matchLabels: { 'platform.payments.io/resource': 'db-subnet-group' },
  });
  // Every leaf resource carries the platform label the selectors match.
  expect(template('PlatformNetworkAz1Private', 'subnet-private-az1').patches).toContainEqual({
    type: 'FromCompositeFieldPath',
    fromFieldPath: 'spec.platform.name',
    toFieldPath: 'metadata.labels[platform.payments.io/platform]',
  });
  // A Usage in the database's protection leaf: both ends live in other leaves.
  const usage = template('PlatformDatabaseProtection', 'usage-db-cluster-subnet-private-az1');
  expect(((usage.base.spec as Obj).of as Obj).resourceSelector).toEqual({
    matchLabels: { 'platform.payments.io/resource': 'subnet-private', 'platform.payments.io/zone': 'az1' },
  });
});

test("AWS names are built from the platform's name and uid, as in the flat Composition", () => {
  const name = template('PlatformLoadBalancer', 'load-balancer').patches.find((p) => p.toFieldPath === 'spec.forProvider.name')!;
  expect(name).toEqual({
    type: 'CombineFromComposite',
    combine: {
      strategy: 'string',
      variables: [{ fromFieldPath: 'spec.platform.name' }, { fromFieldPath: 'spec.platform.uid' }],
      string: { fmt: '%s-%s' },
    },
    toFieldPath: 'spec.forProvider.name',
    transforms: [
      {
        type: 'string',
        string: {
          type: 'Regexp',
          regexp: { match: '^(.+-[0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', group: 1 },
        },
      },
    ],
  });
  // The PaymentPlatform hands its own name and uid down; a branch passes them on.
  const network = template('PaymentPlatform', 'network');
  expect(network.patches.slice(0, 5)).toEqual([
    {
      type: 'FromCompositeFieldPath',
      fromFieldPath: 'metadata.name',
      toFieldPath: 'metadata.name',
      transforms: [{ type: 'string', string: { type: 'Format', fmt: '%s-network' } }],
    },
    {
      type: 'FromCompositeFieldPath',
      fromFieldPath: 'metadata.name',
      toFieldPath: 'metadata.labels[platform.payments.io/platform]',
    },
    { type: 'FromCompositeFieldPath', fromFieldPath: 'metadata.name', toFieldPath: 'spec.platform.name' },
    { type: 'FromCompositeFieldPath', fromFieldPath: 'metadata.uid', toFieldPath: 'spec.platform.uid' },
    { type: 'FromCompositeFieldPath', fromFieldPath: 'spec.parameters', toFieldPath: 'spec.parameters' },
  ]);
  expect(template('PlatformFoundation', 'network-core').patches.slice(2, 4)).toEqual([
    { type: 'FromCompositeFieldPath', fromFieldPath: 'spec.platform.name', toFieldPath: 'spec.platform.name' },
    { type: 'FromCompositeFieldPath', fromFieldPath: 'spec.platform.uid', toFieldPath: 'spec.platform.uid' },
  ]);
});

test('subnet ids travel up by their zone index', () => {
  expect(template('PlatformNetworkPrivate', 'network-az2-private').patches).toContainEqual({
    type: 'ToCompositeFieldPath',
    fromFieldPath: 'status.privateSubnetIds[1]',
    toFieldPath: 'status.privateSubnetIds[1]',
  });
  expect(template('PlatformNetwork', 'network-private').patches).toContainEqual({
    type: 'ToCompositeFieldPath',
    fromFieldPath: 'status.privateSubnetIds[2]',
    toFieldPath: 'status.privateSubnetIds[2]',
  });
  expect(template('PaymentPlatform', 'network').patches).toContainEqual({
    type: 'ToCompositeFieldPath',
    fromFieldPath: 'status.privateSubnetIds[2]',
    toFieldPath: 'status.privateSubnetIds[2]',
  });
});
