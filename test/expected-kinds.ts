/** Expected values written by hand (not computed by the code under test), shared by several suites. */
/**
 * The managed-resource kinds of compositions/paymentplatforms-aws.platform.payments.io.yaml, read
 * off its `base.apiVersion`/`base.kind` by hand (every one at v1beta1; the ConfigMap and the Usages
 * are not managed resources), as [CRD name, kind], sorted by CRD name. The CRD names are
 * provider-upjet-aws's (package/crds/<group>_<plural>.yaml).
 */
export const MANAGED_KINDS: readonly (readonly [string, string])[] = [
  ['aliases.kms.aws.m.upbound.io', 'Alias'],
  ['bucketlifecycleconfigurations.s3.aws.m.upbound.io', 'BucketLifecycleConfiguration'],
  ['bucketloggings.s3.aws.m.upbound.io', 'BucketLogging'],
  ['bucketobjectlockconfigurations.s3.aws.m.upbound.io', 'BucketObjectLockConfiguration'],
  ['bucketownershipcontrols.s3.aws.m.upbound.io', 'BucketOwnershipControls'],
  ['bucketpolicies.s3.aws.m.upbound.io', 'BucketPolicy'],
  ['bucketpublicaccessblocks.s3.aws.m.upbound.io', 'BucketPublicAccessBlock'],
  ['buckets.s3.aws.m.upbound.io', 'Bucket'],
  ['bucketserversideencryptionconfigurations.s3.aws.m.upbound.io', 'BucketServerSideEncryptionConfiguration'],
  ['bucketversionings.s3.aws.m.upbound.io', 'BucketVersioning'],
  ['clusterinstances.rds.aws.m.upbound.io', 'ClusterInstance'],
  ['clusterparametergroups.rds.aws.m.upbound.io', 'ClusterParameterGroup'],
  ['clusters.rds.aws.m.upbound.io', 'Cluster'],
  ['defaultsecuritygroups.ec2.aws.m.upbound.io', 'DefaultSecurityGroup'],
  ['eips.ec2.aws.m.upbound.io', 'EIP'],
  ['flowlogs.ec2.aws.m.upbound.io', 'FlowLog'],
  ['groups.cloudwatchlogs.aws.m.upbound.io', 'Group'],
  ['internetgateways.ec2.aws.m.upbound.io', 'InternetGateway'],
  ['keys.kms.aws.m.upbound.io', 'Key'],
  ['lblisteners.elbv2.aws.m.upbound.io', 'LBListener'],
  ['lbs.elbv2.aws.m.upbound.io', 'LB'],
  ['lbtargetgroups.elbv2.aws.m.upbound.io', 'LBTargetGroup'],
  ['metricalarms.cloudwatch.aws.m.upbound.io', 'MetricAlarm'],
  ['natgateways.ec2.aws.m.upbound.io', 'NATGateway'],
  ['rolepolicyattachments.iam.aws.m.upbound.io', 'RolePolicyAttachment'],
  ['roles.iam.aws.m.upbound.io', 'Role'],
  ['routes.ec2.aws.m.upbound.io', 'Route'],
  ['routetableassociations.ec2.aws.m.upbound.io', 'RouteTableAssociation'],
  ['routetables.ec2.aws.m.upbound.io', 'RouteTable'],
  ['securitygroupegressrules.ec2.aws.m.upbound.io', 'SecurityGroupEgressRule'],
  ['securitygroupingressrules.ec2.aws.m.upbound.io', 'SecurityGroupIngressRule'],
  ['securitygroups.ec2.aws.m.upbound.io', 'SecurityGroup'],
  ['subnetgroups.rds.aws.m.upbound.io', 'SubnetGroup'],
  ['subnets.ec2.aws.m.upbound.io', 'Subnet'],
  ['topics.sns.aws.m.upbound.io', 'Topic'],
  ['topicsubscriptions.sns.aws.m.upbound.io', 'TopicSubscription'],
  ['vpcendpointroutetableassociations.ec2.aws.m.upbound.io', 'VPCEndpointRouteTableAssociation'],
  ['vpcendpoints.ec2.aws.m.upbound.io', 'VPCEndpoint'],
  ['vpcs.ec2.aws.m.upbound.io', 'VPC'],
  ['webaclassociations.wafv2.aws.m.upbound.io', 'WebACLAssociation'],
  ['webaclloggingconfigurations.wafv2.aws.m.upbound.io', 'WebACLLoggingConfiguration'],
  ['webacls.wafv2.aws.m.upbound.io', 'WebACL'],
];
/** The `--kinds` entries the operator gets: group/version/Kind/plural, in the same order. */
export const MANAGED_KIND_FLAGS = MANAGED_KINDS.map(([crd, kind]) => {
  const [plural, ...group] = crd.split('.');
  return `${group.join('.')}/v1beta1/${kind}/${plural}`;
});
