/**
 * Parity with the seed CDKTF design ("TapStack"): every resource it had, where it lives in the
 * Composition, and the settings that must match. Each row is asserted by
 * test/unit/composition.test.ts on the rendered minimal claim, and the README's parity table is
 * generated from these rows, so the table cannot claim what the tests do not check.
 */
export interface ParityCheck {
  /** Composition resource name. */
  readonly resource: string;
  /** Field path in the rendered resource. */
  readonly field: string;
  /** Expected value (deep equality). */
  readonly equals: unknown;
}

export interface ParityRow {
  /** What the seed design had. */
  readonly original: string;
  readonly checks: readonly ParityCheck[];
  /** How this product differs, if it does. */
  readonly change?: string;
}

const c = (resource: string, field: string, equals: unknown): ParityCheck => ({ resource, field, equals });

export const PARITY: readonly ParityRow[] = [
  {
    original: 'VPC 10.0.0.0/16, DNS hostnames and DNS support on',
    checks: [
      c('vpc', 'spec.forProvider.cidrBlock', '10.0.0.0/16'),
      c('vpc', 'spec.forProvider.enableDnsHostnames', true),
      c('vpc', 'spec.forProvider.enableDnsSupport', true),
    ],
  },
  {
    original: 'Internet gateway attached to the VPC',
    checks: [
      c('internet-gateway', 'kind', 'InternetGateway'),
      c('internet-gateway', 'spec.forProvider.vpcIdSelector', {
        matchControllerRef: true,
        matchLabels: { 'platform.payments.io/resource': 'vpc' },
      }),
    ],
  },
  {
    original: 'Public subnets 10.0.1.0/24, 10.0.2.0/24, 10.0.3.0/24 in three AZs',
    checks: [
      c('subnet-public-az1', 'spec.forProvider.cidrBlock', '10.0.1.0/24'),
      c('subnet-public-az2', 'spec.forProvider.cidrBlock', '10.0.2.0/24'),
      c('subnet-public-az3', 'spec.forProvider.cidrBlock', '10.0.3.0/24'),
      c('subnet-public-az1', 'spec.forProvider.availabilityZone', 'us-east-1a'),
      c('subnet-public-az2', 'spec.forProvider.availabilityZone', 'us-east-1b'),
      c('subnet-public-az3', 'spec.forProvider.availabilityZone', 'us-east-1c'),
    ],
    change: 'no public IPs auto-assigned (EC2.15); nothing in them needs one',
  },
  {
    original: 'Private subnets 10.0.11.0/24, 10.0.12.0/24, 10.0.13.0/24 in three AZs',
    checks: [
      c('subnet-private-az1', 'spec.forProvider.cidrBlock', '10.0.11.0/24'),
      c('subnet-private-az2', 'spec.forProvider.cidrBlock', '10.0.12.0/24'),
      c('subnet-private-az3', 'spec.forProvider.cidrBlock', '10.0.13.0/24'),
    ],
  },
  {
    original: 'Elastic IP and NAT gateway in the first public subnet',
    checks: [
      c('nat-eip-az1', 'spec.forProvider.domain', 'vpc'),
      c('nat-gateway-az1', 'spec.forProvider.connectivityType', 'public'),
    ],
    change: 'production gets one NAT gateway per AZ (natGateways: OnePerAz)',
  },
  {
    original: 'Public route table with 0.0.0.0/0 to the internet gateway, associated with the public subnets',
    checks: [
      c('route-public-default', 'spec.forProvider.destinationCidrBlock', '0.0.0.0/0'),
      c('route-public-default', 'spec.forProvider.gatewayIdSelector.matchLabels', {
        'platform.payments.io/resource': 'internet-gateway',
      }),
      c('route-table-association-public-az1', 'spec.forProvider.routeTableIdSelector.matchLabels', {
        'platform.payments.io/resource': 'route-table-public',
      }),
      c('route-table-association-public-az1', 'spec.forProvider.subnetIdSelector.matchLabels', {
        'platform.payments.io/resource': 'subnet-public',
        'platform.payments.io/zone': 'az1',
      }),
      c('route-table-association-public-az3', 'spec.forProvider.subnetIdSelector.matchLabels', {
        'platform.payments.io/resource': 'subnet-public',
        'platform.payments.io/zone': 'az3',
      }),
    ],
  },
  {
    original: 'Private route table(s) with 0.0.0.0/0 to the NAT gateway, associated with the private subnets',
    checks: [
      c('route-private-default-az1', 'spec.forProvider.destinationCidrBlock', '0.0.0.0/0'),
      c('route-private-default-az1', 'spec.forProvider.natGatewayIdSelector.matchLabels', {
        'platform.payments.io/resource': 'nat-gateway',
        'platform.payments.io/zone': 'az1',
      }),
      c('route-table-association-private-az2', 'spec.forProvider.routeTableIdSelector.matchLabels', {
        'platform.payments.io/resource': 'route-table-private',
        'platform.payments.io/zone': 'az2',
      }),
      c('route-table-association-private-az2', 'spec.forProvider.subnetIdSelector.matchLabels', {
        'platform.payments.io/resource': 'subnet-private',
        'platform.payments.io/zone': 'az2',
      }),
    ],
    change: 'one private route table per AZ, so that OnePerAz can route each zone to its own NAT gateway',
  },
  {
    original: 'ALB security group: 80 and 443 from 0.0.0.0/0',
    checks: [
      c('security-group-rule-alb-in-https', 'spec.forProvider.fromPort', 443),
      c('security-group-rule-alb-in-http', 'spec.forProvider.fromPort', 80),
      c('security-group-rule-alb-in-http', 'spec.forProvider.cidrIpv4', '0.0.0.0/0'),
    ],
    change: 'egress limited to the app group on the target port (the original allowed all egress)',
  },
  {
    original: 'App security group: 80 and 8080 from the ALB group',
    checks: [
      c('security-group-rule-app-in-http', 'spec.forProvider.fromPort', 80),
      c('security-group-rule-app-in-http-alt', 'spec.forProvider.fromPort', 8080),
    ],
    change: 'egress limited to HTTPS and MySQL to the DB group',
  },
  {
    original: 'DB security group: 3306 from the app group',
    checks: [
      c('security-group-rule-db-in-mysql', 'spec.forProvider.fromPort', 3306),
      c('security-group-rule-db-in-mysql', 'spec.forProvider.ipProtocol', 'tcp'),
    ],
    change: 'no egress at all',
  },
  {
    original: 'S3 bucket for static assets: versioning, encryption, public access block',
    checks: [
      c('bucket-assets-versioning', 'spec.forProvider.versioningConfiguration.status', 'Enabled'),
      c('bucket-assets-encryption', 'spec.forProvider.rule[0].applyServerSideEncryptionByDefault.sseAlgorithm', 'aws:kms'),
      c('bucket-assets-public-access-block', 'spec.forProvider.blockPublicPolicy', true),
    ],
    change: 'SSE-KMS with bucket keys instead of AES256; TLS-only bucket policy; ACLs disabled',
  },
  {
    original: 'S3 bucket for VPC flow logs with a delivery bucket policy',
    checks: [
      c('bucket-flow-logs-versioning', 'spec.forProvider.versioningConfiguration.status', 'Enabled'),
      c('bucket-flow-logs-public-access-block', 'spec.forProvider.restrictPublicBuckets', true),
      c('bucket-flow-logs-policy', 'spec.forProvider.bucketSelector.matchLabels', {
        'platform.payments.io/resource': 'bucket-flow-logs',
      }),
    ],
    change: 'the policy also denies plain HTTP and scopes delivery to the account; logs expire after 365 days',
  },
  {
    original: 'VPC flow log (ALL traffic) to the S3 bucket',
    checks: [c('flow-log', 'spec.forProvider.logDestinationType', 's3'), c('flow-log', 'spec.forProvider.trafficType', 'ALL')],
    change: 'the unused IAM role and policy are dropped: S3 delivery does not use them',
  },
  {
    original: 'DB subnet group on the private subnets',
    checks: [
      c('db-subnet-group', 'spec.forProvider.subnetIdSelector.matchLabels', {
        'platform.payments.io/resource': 'subnet-private',
      }),
    ],
  },
  {
    original: 'Aurora MySQL Serverless v2 cluster: 0.5-2 ACU, encrypted, 35-day backups, windows, 4 log exports',
    checks: [
      c('db-cluster', 'spec.forProvider.engine', 'aurora-mysql'),
      c('db-cluster', 'spec.forProvider.serverlessv2ScalingConfiguration', { minCapacity: 0.5, maxCapacity: 2 }),
      c('db-cluster', 'spec.forProvider.storageEncrypted', true),
      c('db-cluster', 'spec.forProvider.backupRetentionPeriod', 35),
      c('db-cluster', 'spec.forProvider.preferredBackupWindow', '03:00-04:00'),
      c('db-cluster', 'spec.forProvider.preferredMaintenanceWindow', 'sun:04:00-sun:05:00'),
      c('db-cluster', 'spec.forProvider.enabledCloudwatchLogsExports', ['audit', 'error', 'general', 'slowquery']),
    ],
    change:
      'engine 3.10 LTS (not 3.04.0); password managed by Secrets Manager (the original hard-coded one); deletion protection and a final snapshot',
  },
  {
    original: 'Two db.serverless cluster instances',
    checks: [
      c('db-instance-1', 'spec.forProvider.instanceClass', 'db.serverless'),
      c('db-instance-2', 'spec.forProvider.instanceClass', 'db.serverless'),
    ],
  },
  {
    original: 'Internet-facing ALB on the public subnets',
    checks: [
      c('load-balancer', 'spec.forProvider.internal', false),
      c('load-balancer', 'spec.forProvider.loadBalancerType', 'application'),
    ],
    change: 'drops invalid headers, defensive desync mitigation; deletion protection in production',
  },
  {
    original: 'Target group: type ip, health check /health',
    checks: [
      c('target-group', 'spec.forProvider.targetType', 'ip'),
      c('target-group', 'spec.forProvider.healthCheck.path', '/health'),
    ],
  },
  {
    original: 'HTTP listener on 80 forwarding to the target group',
    checks: [c('listener-http-forward', 'spec.forProvider.port', 80)],
    change: 'with a certificate (required in production): HTTPS on 443 with a TLS 1.3 policy and 80 -> 443 redirect',
  },
  {
    original: 'Alarm: unhealthy hosts',
    checks: [c('alarm-unhealthy-hosts', 'spec.forProvider.metricName', 'UnHealthyHostCount')],
    change: 'notifies the SNS topic (the original notified nobody)',
  },
  {
    original: 'Alarm: RDS CPU > 80 %',
    checks: [
      c('alarm-db-cpu', 'spec.forProvider.threshold', 80),
      c('alarm-db-cpu', 'spec.forProvider.comparisonOperator', 'GreaterThanThreshold'),
    ],
  },
  { original: 'Alarm: DB connections > 100', checks: [c('alarm-db-connections', 'spec.forProvider.threshold', 100)] },
  {
    original: 'Outputs: VPC id, subnet ids, ALB DNS/ARN, DB endpoints, bucket names',
    checks: [
      c('endpoints', 'kind', 'ConfigMap'),
      c('endpoints', 'metadata.name', 'payments-endpoints'),
      c('endpoints', 'data.VPC_ID', 'vpc-vpc'),
      c('endpoints', 'data.ALB_DNS_NAME', 'lb-load-balancer.us-east-1.elb.amazonaws.com'),
      c('endpoints', 'data.DB_ENDPOINT', 'payments-db-00000000.cluster-abc.us-east-1.rds.amazonaws.com'),
      c('endpoints', 'data.DB_READER_ENDPOINT', 'payments-db-00000000.cluster-ro-abc.us-east-1.rds.amazonaws.com'),
      c('endpoints', 'data.DB_PORT', '3306'),
      c('endpoints', 'data.ASSETS_BUCKET', 'payments-assets-00000000'),
    ],
    change:
      'on the PaymentPlatform status and in the <name>-endpoints ConfigMap (the values checked are those of the simulated AWS response)',
  },
];

/** The README table. */
export function parityTable(): string {
  const rows = ['| Seed design | Composition resources | Checked settings | Change |', '| --- | --- | --- | --- |'];
  for (const r of PARITY) {
    const resources = [...new Set(r.checks.map((x) => `\`${x.resource}\``))].join(', ');
    const settings = r.checks
      .filter((x) => x.field !== 'kind')
      .map((x) => `${x.field.replace('spec.forProvider.', '')} = ${JSON.stringify(x.equals)}`)
      .join('; ')
      .replaceAll('|', '\\|');
    rows.push(`| ${r.original} | ${resources} | ${settings} | ${r.change ?? ''} |`);
  }
  return rows.join('\n');
}
