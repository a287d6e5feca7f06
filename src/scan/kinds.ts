/**
 * The provider-upjet-aws kinds the scanner can express as Terraform, one-to-one with the `aws_*`
 * resources they wrap. Each row was read from the source of the provider release the chart
 * installs (PROVIDER_AWS_VERSION): the kind's `GetTerraformResourceType()` in
 * `apis/namespaced/<group>/v1beta1/zz_<kind>_terraformed.go` and its external-name configuration
 * in `config/externalname.go`. test/integration/scan-provider.test.ts checks every row against that
 * source again, and every converted claim against the provider's Terraform schema
 * (`config/schema.json`).
 *
 * A kind that is not here makes the conversion fail: the Composition grows, and a resource the
 * scanner silently left out would be a resource nobody judged.
 */

/** How the `crossplane.io/external-name` annotation reaches the Terraform arguments. */
export interface NameArgument {
  /** The argument that the external name fills (`bucket`, `cluster_identifier`, `name`, ...). */
  readonly argument: string;
  /** A prefix the provider adds when the external name lacks it (kms Alias: `alias/`). */
  readonly prefix?: string;
}

/** One row of the kind table. */
export interface KindMapping {
  /** The Terraform resource type, e.g. `aws_vpc`. */
  readonly type: string;
  /**
   * Set for kinds whose external name is an argument (upjet `ParameterAsIdentifier`,
   * `NameAsIdentifier`, `TemplatedStringAsIdentifier("name", ...)`); absent for kinds whose
   * external name is the identifier AWS assigns (`IdentifierFromProvider`).
   */
  readonly name?: NameArgument;
  /**
   * The Terraform attribute that holds the external name, where it is not `id` (an SNS topic's
   * external name is its name, its Terraform id is its ARN). References that extract the external
   * name read it.
   */
  readonly externalNameAttribute?: string;
}

const name = (argument: string, prefix?: string): NameArgument => (prefix ? { argument, prefix } : { argument });

/**
 * The kind table, keyed by `<API group>/<kind>` (version-independent), e.g.
 * `ec2.aws.m.upbound.io/VPC`. Kinds the Composition uses, plus the ones the production hardening
 * of issue 6 adds (kms, wafv2, cloudwatchlogs, bucket logging and Object Lock, RDS parameter
 * groups, the SNS topic policy, IAM roles for monitoring).
 */
export const AWS_KINDS: Readonly<Record<string, KindMapping>> = {
  // network
  'ec2.aws.m.upbound.io/VPC': { type: 'aws_vpc' },
  'ec2.aws.m.upbound.io/InternetGateway': { type: 'aws_internet_gateway' },
  'ec2.aws.m.upbound.io/Subnet': { type: 'aws_subnet' },
  'ec2.aws.m.upbound.io/EIP': { type: 'aws_eip' },
  'ec2.aws.m.upbound.io/NATGateway': { type: 'aws_nat_gateway' },
  'ec2.aws.m.upbound.io/RouteTable': { type: 'aws_route_table' },
  'ec2.aws.m.upbound.io/Route': { type: 'aws_route' },
  'ec2.aws.m.upbound.io/RouteTableAssociation': { type: 'aws_route_table_association' },
  'ec2.aws.m.upbound.io/DefaultSecurityGroup': { type: 'aws_default_security_group' },
  'ec2.aws.m.upbound.io/VPCEndpoint': { type: 'aws_vpc_endpoint' },
  'ec2.aws.m.upbound.io/VPCEndpointRouteTableAssociation': { type: 'aws_vpc_endpoint_route_table_association' },
  'ec2.aws.m.upbound.io/FlowLog': { type: 'aws_flow_log' },
  // security
  'ec2.aws.m.upbound.io/SecurityGroup': { type: 'aws_security_group' },
  'ec2.aws.m.upbound.io/SecurityGroupIngressRule': { type: 'aws_vpc_security_group_ingress_rule' },
  'ec2.aws.m.upbound.io/SecurityGroupEgressRule': { type: 'aws_vpc_security_group_egress_rule' },
  // storage
  's3.aws.m.upbound.io/Bucket': { type: 'aws_s3_bucket', name: name('bucket') },
  's3.aws.m.upbound.io/BucketVersioning': { type: 'aws_s3_bucket_versioning' },
  's3.aws.m.upbound.io/BucketServerSideEncryptionConfiguration': { type: 'aws_s3_bucket_server_side_encryption_configuration' },
  's3.aws.m.upbound.io/BucketPublicAccessBlock': { type: 'aws_s3_bucket_public_access_block' },
  's3.aws.m.upbound.io/BucketOwnershipControls': { type: 'aws_s3_bucket_ownership_controls' },
  's3.aws.m.upbound.io/BucketPolicy': { type: 'aws_s3_bucket_policy' },
  's3.aws.m.upbound.io/BucketLifecycleConfiguration': { type: 'aws_s3_bucket_lifecycle_configuration' },
  's3.aws.m.upbound.io/BucketLogging': { type: 'aws_s3_bucket_logging' },
  's3.aws.m.upbound.io/BucketObjectLockConfiguration': { type: 'aws_s3_bucket_object_lock_configuration' },
  // data
  'rds.aws.m.upbound.io/SubnetGroup': { type: 'aws_db_subnet_group', name: name('name') },
  'rds.aws.m.upbound.io/Cluster': { type: 'aws_rds_cluster', name: name('cluster_identifier') },
  'rds.aws.m.upbound.io/ClusterInstance': { type: 'aws_rds_cluster_instance', name: name('identifier') },
  'rds.aws.m.upbound.io/ClusterParameterGroup': { type: 'aws_rds_cluster_parameter_group', name: name('name') },
  'rds.aws.m.upbound.io/ParameterGroup': { type: 'aws_db_parameter_group', name: name('name') },
  // edge
  'elbv2.aws.m.upbound.io/LB': { type: 'aws_lb' },
  'elbv2.aws.m.upbound.io/LBTargetGroup': { type: 'aws_lb_target_group' },
  'elbv2.aws.m.upbound.io/LBListener': { type: 'aws_lb_listener' },
  'wafv2.aws.m.upbound.io/WebACL': { type: 'aws_wafv2_web_acl' },
  'wafv2.aws.m.upbound.io/WebACLAssociation': { type: 'aws_wafv2_web_acl_association' },
  'wafv2.aws.m.upbound.io/WebACLLoggingConfiguration': { type: 'aws_wafv2_web_acl_logging_configuration' },
  // observability
  'sns.aws.m.upbound.io/Topic': { type: 'aws_sns_topic', name: name('name'), externalNameAttribute: 'name' },
  'sns.aws.m.upbound.io/TopicSubscription': { type: 'aws_sns_topic_subscription' },
  'sns.aws.m.upbound.io/TopicPolicy': { type: 'aws_sns_topic_policy' },
  'cloudwatch.aws.m.upbound.io/MetricAlarm': { type: 'aws_cloudwatch_metric_alarm', name: name('alarm_name') },
  'cloudwatchlogs.aws.m.upbound.io/Group': { type: 'aws_cloudwatch_log_group', name: name('name') },
  // keys and identities
  'kms.aws.m.upbound.io/Key': { type: 'aws_kms_key' },
  'kms.aws.m.upbound.io/Alias': { type: 'aws_kms_alias', name: name('name', 'alias/') },
  'iam.aws.m.upbound.io/Role': { type: 'aws_iam_role', name: name('name') },
  'iam.aws.m.upbound.io/RolePolicyAttachment': { type: 'aws_iam_role_policy_attachment' },
};

/**
 * Composed kinds that are not AWS resources, each with the reason it has no Terraform
 * counterpart. They are left out of the Terraform scan on purpose (and listed in its output).
 */
export const NON_AWS_KINDS: Readonly<Record<string, string>> = {
  '/ConfigMap': 'a Kubernetes object (the outputs for the application), not an AWS resource',
  'protection.crossplane.io/Usage': 'a Crossplane deletion-ordering object, not an AWS resource',
  'protection.crossplane.io/ClusterUsage': 'a Crossplane deletion-ordering object, not an AWS resource',
  'apiextensions.crossplane.io/Usage': 'a Crossplane deletion-ordering object, not an AWS resource',
};

/** The API group of an apiVersion (`''` for the core group `v1`). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The kind-table key of a resource: `<API group>/<kind>`. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiGroup(apiVersion)}/${kind}`;
}
