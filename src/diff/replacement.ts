/**
 * Which `spec.forProvider` fields cannot change in place, per kind, and where each fact comes from.
 *
 * What happens when one changes: provider-upjet-aws never replaces a resource. Its update path
 * (upjet's Terraform plugin SDK client, `assertNoForceNew`) refuses a plan that requires a new
 * resource, with "refuse to update the external resource because the following update requires
 * replacing it", and the managed resource stays Synced=False, retried forever, while AWS keeps
 * the old resource. So a change here is an upgrade that never completes, not a silent replacement:
 * the way through is a new managed resource (and a plan for the data in the old one).
 *
 * Two sources, named on every row, because neither is complete:
 *  - `provider-docs`: the argument documentation the provider release carries
 *    (`config/provider-metadata.yaml` of PROVIDER_AWS_VERSION) says "Forces new resource".
 *    test/integration/replacement-provider.test.ts checks every such row against that file, and
 *    that no documented one is missing for the kinds of src/scan/kinds.ts.
 *  - `terraform-schema`: hand-kept, for arguments whose docs do not say it (a VPC's `cidr_block`,
 *    for one). They are `ForceNew` in the Terraform AWS provider's schema, which is the fact the
 *    provider acts on; that source (the provider's terraform-provider-aws fork) is not on the Go
 *    module proxy this project builds from (hack/PROBE.md), so these rows are not machine-checked.
 *
 * A field in neither list is reported as an in-place change "not known to force replacement",
 * never as safe.
 */
import { kindKey } from '../scan/kinds.js';

export type ReplacementSource = 'provider-docs' | 'terraform-schema';

/** field (as in the CRD's spec.forProvider) -> source, keyed by `<API group>/<kind>`. */
type Table = Readonly<Record<string, Readonly<Record<string, ReplacementSource>>>>;

const docs = (...fields: string[]): Record<string, ReplacementSource> =>
  Object.fromEntries(fields.map((f) => [f, 'provider-docs' as const]));
const schema = (...fields: string[]): Record<string, ReplacementSource> =>
  Object.fromEntries(fields.map((f) => [f, 'terraform-schema' as const]));

export const FORCE_NEW: Table = {
  // network
  'ec2.aws.m.upbound.io/VPC': schema('cidrBlock'),
  'ec2.aws.m.upbound.io/Subnet': schema('availabilityZone', 'availabilityZoneId', 'cidrBlock', 'vpcId'),
  'ec2.aws.m.upbound.io/EIP': schema('domain'),
  'ec2.aws.m.upbound.io/NATGateway': schema('allocationId', 'connectivityType', 'subnetId'),
  'ec2.aws.m.upbound.io/RouteTable': schema('vpcId'),
  'ec2.aws.m.upbound.io/Route': schema('destinationCidrBlock', 'routeTableId'),
  'ec2.aws.m.upbound.io/RouteTableAssociation': schema('gatewayId', 'subnetId'),
  'ec2.aws.m.upbound.io/DefaultSecurityGroup': docs('vpcId'),
  'ec2.aws.m.upbound.io/VPCEndpoint': { ...docs('privateDnsEnabled'), ...schema('serviceName', 'vpcEndpointType', 'vpcId') },
  'ec2.aws.m.upbound.io/VPCEndpointRouteTableAssociation': schema('routeTableId', 'vpcEndpointId'),
  'ec2.aws.m.upbound.io/FlowLog': schema(
    'logDestination',
    'logDestinationType',
    'logFormat',
    'maxAggregationInterval',
    'trafficType',
    'vpcId',
  ),
  // security
  'ec2.aws.m.upbound.io/SecurityGroup': docs('description', 'name', 'vpcId'),
  'ec2.aws.m.upbound.io/SecurityGroupIngressRule': schema('securityGroupId'),
  'ec2.aws.m.upbound.io/SecurityGroupEgressRule': schema('securityGroupId'),
  // storage
  's3.aws.m.upbound.io/Bucket': docs('bucketNamespace', 'objectLockEnabled'),
  's3.aws.m.upbound.io/BucketVersioning': docs('bucket', 'expectedBucketOwner'),
  's3.aws.m.upbound.io/BucketServerSideEncryptionConfiguration': docs('bucket', 'expectedBucketOwner'),
  's3.aws.m.upbound.io/BucketPublicAccessBlock': schema('bucket'),
  's3.aws.m.upbound.io/BucketOwnershipControls': schema('bucket'),
  's3.aws.m.upbound.io/BucketPolicy': schema('bucket'),
  's3.aws.m.upbound.io/BucketLifecycleConfiguration': { ...docs('expectedBucketOwner'), ...schema('bucket') },
  's3.aws.m.upbound.io/BucketLogging': docs('bucket', 'expectedBucketOwner'),
  's3.aws.m.upbound.io/BucketObjectLockConfiguration': docs('bucket', 'expectedBucketOwner', 'objectLockEnabled'),
  // data
  'rds.aws.m.upbound.io/Cluster': {
    ...docs('clusterScalabilityType'),
    ...schema(
      'availabilityZones',
      'databaseName',
      'dbSubnetGroupName',
      'engine',
      'kmsKeyId',
      'masterUsername',
      'storageEncrypted',
    ),
  },
  'rds.aws.m.upbound.io/ClusterInstance': docs('availabilityZone', 'clusterIdentifier', 'dbSubnetGroupName', 'engine'),
  'rds.aws.m.upbound.io/ClusterParameterGroup': schema('description', 'family'),
  'rds.aws.m.upbound.io/ParameterGroup': docs('description', 'family'),
  // edge
  'elbv2.aws.m.upbound.io/LB': schema('internal', 'loadBalancerType', 'name'),
  'elbv2.aws.m.upbound.io/LBTargetGroup': docs(
    'ipAddressType',
    'name',
    'port',
    'protocol',
    'protocolVersion',
    'targetType',
    'vpcId',
  ),
  'elbv2.aws.m.upbound.io/LBListener': docs('loadBalancerArn'),
  'wafv2.aws.m.upbound.io/WebACL': docs('name', 'scope'),
  'wafv2.aws.m.upbound.io/WebACLAssociation': schema('resourceArn', 'webAclArn'),
  'wafv2.aws.m.upbound.io/WebACLLoggingConfiguration': schema('resourceArn'),
  // observability
  'sns.aws.m.upbound.io/Topic': schema('fifoTopic'),
  'sns.aws.m.upbound.io/TopicSubscription': schema('endpoint', 'protocol', 'topicArn'),
  // keys and identities
  'kms.aws.m.upbound.io/Key': schema('customerMasterKeySpec', 'keyUsage', 'multiRegion'),
  'iam.aws.m.upbound.io/Role': schema('path'),
  'iam.aws.m.upbound.io/RolePolicyAttachment': schema('policyArn', 'role'),
};

/** What a source means, for the diff's output. */
export const SOURCE_TEXT: Readonly<Record<ReplacementSource, string>> = {
  'provider-docs': 'the provider docs say "Forces new resource"',
  'terraform-schema': 'ForceNew in the Terraform AWS provider schema (hand-kept, src/diff/replacement.ts)',
};

/**
 * Whether changing the field at `path` (segments from the object's root) forces a new AWS
 * resource, and the source that says so; undefined when neither source lists it.
 */
export function forcesReplacement(apiVersion: string, kind: string, path: readonly string[]): ReplacementSource | undefined {
  if (path[0] !== 'spec' || path[1] !== 'forProvider' || path[2] === undefined) return undefined;
  return FORCE_NEW[kindKey(apiVersion, kind)]?.[path[2]];
}
