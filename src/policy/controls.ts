/**
 * The PCI-DSS v4.0.1 controls of a PaymentPlatform, one per requirement of the platform on one
 * kind of composed resource, with the AWS Security Hub (FSBP) controls and the checkov checks that
 * test the same thing. A checkov id is listed only if checkov really evaluates it on the
 * production example (test/integration/scan-controls.test.ts), so the README's table and `make scan`
 * agree; controls no checkov check covers (the managed master password, TLS-only bucket
 * policies, Object Lock through its own resource) have none. Recheck Security Hub ids before
 * quoting them to an assessor.
 *
 * `environments` says where a control is required: development may relax the cost-heavy ones
 * (WAF, NAT per AZ, Object Lock, deletion protection, orphaning), never credentials, encryption
 * or network exposure.
 */
import { ENVIRONMENTS, type Environment } from '../apis/payment-platform.js';
import type { Control } from './types.js';

const ALL: readonly Environment[] = ENVIRONMENTS;
const PRODUCTION: readonly Environment[] = ['production'];

const isTrue = (v: unknown) => v === true;
const isFalse = (v: unknown) => v === false;
const nonEmpty = (v: unknown) =>
  Array.isArray(v) ? v.length > 0 : typeof v === 'string' ? v.length > 0 : v !== undefined && v !== null;
const forProvider = (r: Record<string, unknown>) =>
  ((r.spec as Record<string, unknown> | undefined)?.forProvider ?? {}) as Record<string, unknown>;
const hasSelectorOrValue = (field: string) => (v: unknown, r: Record<string, unknown>) => {
  if (nonEmpty(v)) return true;
  const fp = ((r.spec as Record<string, unknown> | undefined)?.forProvider ?? {}) as Record<string, unknown>;
  const sel = fp[`${field}Selector`] as { matchLabels?: Record<string, string> } | undefined;
  return sel !== undefined && Object.keys(sel.matchLabels ?? {}).length > 0;
};
/**
 * A reference checked on its selector (rendered resources) or, once the provider resolved it, on
 * the value (live resources): `field` is `<name>Selector.matchLabels`, `role` the selected one.
 */
const selects = (role: string) => (v: unknown, r: Record<string, unknown>, name: string) => {
  if (Object.values((v ?? {}) as Record<string, string>).includes(role)) return true;
  const fp = ((r.spec as Record<string, unknown> | undefined)?.forProvider ?? {}) as Record<string, unknown>;
  return nonEmpty(fp[name]);
};
const policyStatements = (v: unknown): Record<string, unknown>[] => {
  if (typeof v !== 'string') return [];
  try {
    const doc = JSON.parse(v) as { Statement?: unknown };
    return Array.isArray(doc.Statement) ? (doc.Statement as Record<string, unknown>[]) : [];
  } catch {
    return [];
  }
};
const deniesInsecureTransport = (v: unknown) =>
  policyStatements(v).some(
    (s) =>
      s.Effect === 'Deny' && JSON.stringify(s.Condition ?? {}) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
  );

/** A control on a field of spec.forProvider. */
function control(c: Omit<Control, 'field'> & { field: string }): Control {
  return {
    ...c,
    field: c.field.startsWith('spec.') || c.field.startsWith('metadata.') ? c.field : `spec.forProvider.${c.field}`,
  };
}

export const CONTROLS: readonly Control[] = [
  // 1.3.1 / 1.4.2: restrict inbound traffic
  control({
    id: 'PP-NET-INTERNET-INGRESS',
    title: 'Only the ALB admits traffic from the internet, and only on 80 and 443',
    pci: ['1.3.1', '1.4.2'],
    securityHub: ['EC2.13', 'EC2.18'],
    checkov: ['CKV_AWS_24', 'CKV_AWS_25', 'CKV_AWS_260'],
    kind: 'SecurityGroupIngressRule',
    field: 'cidrIpv4',
    expected: 'no 0.0.0.0/0 except ALB 80/443',
    environments: ALL,
    test: (v, r) => {
      if (v !== '0.0.0.0/0') return true;
      const fp = (r.spec as { forProvider: Record<string, unknown> }).forProvider;
      const group = (fp.securityGroupIdSelector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
      return (
        Object.values(group).includes('security-group-alb') &&
        [80, 443].includes(Number(fp.fromPort)) &&
        fp.fromPort === fp.toPort
      );
    },
  }),
  control({
    id: 'PP-NET-DB-FROM-APP',
    title: 'The database admits MySQL only from the application security group',
    pci: ['1.3.1', '1.4.4'],
    securityHub: ['EC2.18'],
    checkov: ['CKV_AWS_277'],
    kind: 'SecurityGroupIngressRule',
    resources: 'security-group-rule-db-.*',
    field: 'referencedSecurityGroupIdSelector.matchLabels',
    expected: 'source = app security group, no CIDR',
    environments: ALL,
    test: (v, r) =>
      Object.values((v ?? {}) as Record<string, string>).includes('security-group-app') &&
      (r.spec as { forProvider: Record<string, unknown> }).forProvider.cidrIpv4 === undefined,
  }),
  control({
    id: 'PP-NET-DEFAULT-SG-CLOSED',
    title: 'The default security group of the VPC has no rules',
    pci: ['1.3.1'],
    securityHub: ['EC2.2'],
    checkov: ['CKV2_AWS_12'],
    kind: 'DefaultSecurityGroup',
    field: 'ingress',
    expected: 'ingress = [] and egress = []',
    environments: ALL,
    test: (v, r) =>
      Array.isArray(v) &&
      v.length === 0 &&
      JSON.stringify((r.spec as { forProvider: { egress?: unknown } }).forProvider.egress) === '[]',
  }),
  control({
    id: 'PP-NET-NO-PUBLIC-IP',
    title: 'Subnets do not assign public IPs on launch',
    pci: ['1.4.4'],
    securityHub: ['EC2.15'],
    checkov: ['CKV_AWS_130'],
    kind: 'Subnet',
    field: 'mapPublicIpOnLaunch',
    expected: 'false',
    environments: ALL,
    test: isFalse,
  }),
  // 1.4.4: data stores unreachable from untrusted networks
  control({
    id: 'PP-DB-NOT-PUBLIC',
    title: 'Aurora instances are not publicly accessible',
    pci: ['1.4.4'],
    securityHub: ['RDS.2'],
    checkov: ['CKV_AWS_17'],
    kind: 'ClusterInstance',
    field: 'publiclyAccessible',
    expected: 'false',
    environments: ALL,
    test: isFalse,
  }),
  control({
    id: 'PP-DB-PRIVATE-SUBNETS',
    title: 'The DB subnet group uses the private subnets only',
    pci: ['1.4.4'],
    securityHub: ['RDS.2'],
    checkov: [],
    kind: 'SubnetGroup',
    field: 'subnetIdSelector.matchLabels',
    expected: 'selects subnet-private',
    environments: ALL,
    test: (v) => Object.values((v ?? {}) as Record<string, string>).includes('subnet-private'),
  }),
  ...(['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'] as const).map((f) =>
    control({
      id: `PP-S3-PAB-${f.replace(/[A-Z]/g, (c) => `-${c}`).toUpperCase()}`,
      title: `S3 public access block: ${f}`,
      pci: ['1.4.4'],
      securityHub: ['S3.1', 'S3.8'],
      checkov: ['CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56', 'CKV2_AWS_6'],
      kind: 'BucketPublicAccessBlock',
      field: f,
      expected: 'true',
      environments: ALL,
      test: isTrue,
    }),
  ),
  // 8.6.2 / 8.6.3 / 8.3.9: no hard-coded secrets, protected and rotated
  control({
    id: 'PP-DB-MANAGED-PASSWORD',
    title: 'The master password is generated and rotated by Secrets Manager; none is in Git or the cluster',
    pci: ['8.6.2', '8.6.3', '8.3.9'],
    securityHub: ['SecretsManager.1', 'RDS.24'],
    checkov: [],
    kind: 'Cluster',
    field: 'manageMasterUserPassword',
    expected: 'true, no masterPassword',
    environments: ALL,
    test: (v, r) => {
      const fp = (r.spec as { forProvider: Record<string, unknown> }).forProvider;
      return v === true && fp.masterPasswordSecretRef === undefined && fp.masterPassword === undefined;
    },
  }),
  control({
    id: 'PP-DB-SECRET-CMK',
    title: 'The master-user secret is encrypted with the platform CMK',
    pci: ['8.6.3', '3.6.1'],
    securityHub: ['SecretsManager.3'],
    checkov: [],
    kind: 'Cluster',
    field: 'masterUserSecretKmsKeyIdSelector.matchLabels',
    expected: 'the data CMK',
    environments: ALL,
    test: (v, r) => selects('kms-key-data')(v, r, 'masterUserSecretKmsKeyId'),
  }),
  control({
    id: 'PP-DB-IAM-AUTH',
    title: 'IAM database authentication is on',
    pci: ['8.3.1'],
    securityHub: ['RDS.12'],
    checkov: ['CKV_AWS_162'],
    kind: 'Cluster',
    field: 'iamDatabaseAuthenticationEnabled',
    expected: 'true',
    environments: ALL,
    test: isTrue,
  }),
  // 3.5.1: stored data unreadable
  control({
    id: 'PP-DB-ENCRYPTED-CMK',
    title: 'Aurora storage is encrypted with a customer-managed key',
    pci: ['3.5.1'],
    securityHub: ['RDS.27'],
    checkov: ['CKV_AWS_96', 'CKV_AWS_327'],
    kind: 'Cluster',
    field: 'kmsKeyIdSelector.matchLabels',
    expected: 'storageEncrypted = true with the data CMK',
    environments: ALL,
    test: (v, r) =>
      (r.spec as { forProvider: Record<string, unknown> }).forProvider.storageEncrypted === true &&
      selects('kms-key-data')(v, r, 'kmsKeyId'),
  }),
  control({
    id: 'PP-S3-SSE-KMS',
    title: 'Data buckets use SSE-KMS with a CMK and bucket keys',
    pci: ['3.5.1'],
    securityHub: ['S3.17'],
    checkov: ['CKV_AWS_145'],
    kind: 'BucketServerSideEncryptionConfiguration',
    resources: 'bucket-(assets|flow-logs)-encryption',
    field: 'rule[0]',
    expected: 'aws:kms, CMK, bucketKeyEnabled',
    environments: ALL,
    test: (v) => {
      const rule = (v ?? {}) as { applyServerSideEncryptionByDefault?: Record<string, unknown>; bucketKeyEnabled?: boolean };
      const sse = rule.applyServerSideEncryptionByDefault ?? {};
      return (
        sse.sseAlgorithm === 'aws:kms' &&
        hasSelectorOrValue('kmsMasterKeyId')(sse.kmsMasterKeyId, { spec: { forProvider: sse } }) &&
        rule.bucketKeyEnabled === true
      );
    },
  }),
  control({
    id: 'PP-S3-ACCESS-LOGS-SSE',
    title: 'The access-log bucket is encrypted (SSE-S3: the only option ALB log delivery supports)',
    pci: ['3.5.1'],
    securityHub: ['S3.17'],
    checkov: ['CKV_AWS_145'],
    kind: 'BucketServerSideEncryptionConfiguration',
    resources: 'bucket-access-logs-encryption',
    field: 'rule[0].applyServerSideEncryptionByDefault.sseAlgorithm',
    expected: 'AES256',
    environments: ALL,
    test: (v) => v === 'AES256',
  }),
  control({
    id: 'PP-SNS-ENCRYPTED',
    title: 'The alarm topic is encrypted with a CMK that CloudWatch may use',
    pci: ['3.5.1', '10.7.2'],
    securityHub: ['SNS.1'],
    checkov: ['CKV_AWS_26'],
    kind: 'Topic',
    field: 'kmsMasterKeyId',
    expected: 'CMK ARN',
    environments: ALL,
    test: (v) => typeof v === 'string' && v.startsWith('arn:'),
  }),
  // 3.6 / 3.7.4: key management
  control({
    id: 'PP-KMS-ROTATION',
    title: 'Every platform KMS key rotates yearly',
    pci: ['3.6.1', '3.7.4'],
    securityHub: ['KMS.4'],
    checkov: ['CKV_AWS_7'],
    kind: 'Key',
    field: 'enableKeyRotation',
    expected: 'true',
    environments: ALL,
    test: isTrue,
  }),
  control({
    id: 'PP-KMS-POLICY',
    title: 'Every platform KMS key has an explicit key policy',
    pci: ['3.6.1'],
    securityHub: [],
    checkov: ['CKV2_AWS_64'],
    kind: 'Key',
    field: 'policy',
    expected: 'a key policy document',
    environments: ALL,
    test: (v) => policyStatements(v).length > 0,
  }),
  // 4.2.1: strong cryptography in transit
  control({
    id: 'PP-ALB-TLS13',
    title: 'HTTPS listener with a TLS 1.3 security policy',
    pci: ['4.2.1'],
    securityHub: ['ELB.17'],
    checkov: ['CKV_AWS_103', 'CKV2_AWS_74'],
    kind: 'LBListener',
    resources: 'listener-https',
    field: 'sslPolicy',
    expected: 'ELBSecurityPolicy-TLS13-*',
    environments: PRODUCTION,
    test: (v, r) =>
      typeof v === 'string' &&
      v.startsWith('ELBSecurityPolicy-TLS13-') &&
      (r.spec as { forProvider: { protocol?: string } }).forProvider.protocol === 'HTTPS',
  }),
  control({
    id: 'PP-ALB-HTTP-REDIRECT',
    title: 'Port 80 only redirects to HTTPS (301)',
    pci: ['4.2.1'],
    securityHub: ['ELB.1'],
    checkov: ['CKV2_AWS_20'],
    kind: 'LBListener',
    resources: 'listener-http-.*',
    field: 'defaultAction[0]',
    expected: 'redirect to HTTPS 443 with HTTP_301',
    environments: PRODUCTION,
    test: (v) =>
      JSON.stringify(v) ===
      JSON.stringify({ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } }),
  }),
  control({
    id: 'PP-S3-TLS-ONLY',
    title: 'Every bucket policy denies requests without TLS',
    pci: ['4.2.1'],
    securityHub: ['S3.5'],
    checkov: [],
    kind: 'BucketPolicy',
    field: 'policy',
    expected: 'Deny when aws:SecureTransport = false',
    environments: ALL,
    test: deniesInsecureTransport,
  }),
  control({
    id: 'PP-DB-TLS-ONLY',
    title: 'Aurora requires TLS from clients',
    pci: ['4.2.1'],
    securityHub: [],
    checkov: [],
    kind: 'ClusterParameterGroup',
    field: 'parameter',
    expected: 'require_secure_transport = ON',
    environments: ALL,
    test: (v) =>
      Array.isArray(v) &&
      v.some((p: { name?: string; value?: string }) => p.name === 'require_secure_transport' && p.value === 'ON'),
  }),
  // 6.2.4 / 6.4.2: web attacks
  control({
    id: 'PP-ALB-DROP-INVALID-HEADERS',
    title: 'The ALB drops invalid HTTP headers',
    pci: ['6.2.4'],
    securityHub: ['ELB.4'],
    checkov: ['CKV_AWS_131'],
    kind: 'LB',
    field: 'dropInvalidHeaderFields',
    expected: 'true',
    environments: ALL,
    test: isTrue,
  }),
  control({
    id: 'PP-ALB-DESYNC',
    title: 'The ALB mitigates HTTP desync (defensive or strictest)',
    pci: ['6.2.4'],
    securityHub: ['ELB.12'],
    checkov: ['CKV_AWS_328'],
    kind: 'LB',
    field: 'desyncMitigationMode',
    expected: 'defensive | strictest',
    environments: ALL,
    test: (v) => v === 'defensive' || v === 'strictest',
  }),
  control({
    id: 'PP-WAF-ATTACHED',
    title: 'A WAF web ACL protects the ALB',
    pci: ['6.4.2'],
    securityHub: ['ELB.16'],
    checkov: ['CKV2_AWS_28'],
    kind: 'WebACLAssociation',
    field: 'webAclArnSelector.matchLabels',
    expected: 'the platform web ACL',
    environments: PRODUCTION,
    test: (v, r) => selects('waf-web-acl')(v, r, 'webAclArn'),
  }),
  control({
    id: 'PP-WAF-MANAGED-RULES',
    title: 'The web ACL runs AWS managed rule groups (common, known bad inputs incl. Log4j, SQL injection)',
    pci: ['6.4.2'],
    securityHub: ['WAF.10'],
    checkov: ['CKV2_AWS_76'],
    kind: 'WebACL',
    field: 'ruleJson',
    expected: 'AWSManagedRulesCommonRuleSet, AWSManagedRulesKnownBadInputsRuleSet, AWSManagedRulesSQLiRuleSet',
    environments: PRODUCTION,
    test: (v) => {
      const names = typeof v === 'string' ? v : '';
      return ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet'].every((n) =>
        names.includes(`"${n}"`),
      );
    },
  }),
  control({
    id: 'PP-WAF-LOGGING',
    title: 'The web ACL logs to an encrypted log group',
    pci: ['10.2.1'],
    securityHub: ['WAF.11'],
    checkov: ['CKV2_AWS_31'],
    kind: 'WebACLLoggingConfiguration',
    field: 'logDestinationConfigsSelector.matchLabels',
    expected: 'the aws-waf-logs log group',
    environments: PRODUCTION,
    test: (v, r) => selects('waf-log-group')(v, r, 'logDestinationConfigs'),
  }),
  // 6.3.3: security patches
  control({
    id: 'PP-DB-MINOR-UPGRADES-CLUSTER',
    title: 'Automatic minor version upgrades on the cluster',
    pci: ['6.3.3'],
    securityHub: ['RDS.35'],
    checkov: ['CKV_AWS_226'],
    kind: 'Cluster',
    field: 'autoMinorVersionUpgrade',
    expected: 'true',
    environments: ALL,
    test: isTrue,
  }),
  control({
    id: 'PP-DB-MINOR-UPGRADES-INSTANCES',
    title: 'Automatic minor version upgrades on every instance',
    pci: ['6.3.3'],
    securityHub: ['RDS.13'],
    checkov: ['CKV_AWS_226'],
    kind: 'ClusterInstance',
    field: 'autoMinorVersionUpgrade',
    expected: 'true',
    environments: ALL,
    test: isTrue,
  }),
  // 10.2.1: audit logs
  control({
    id: 'PP-DB-LOG-EXPORTS',
    title: 'Aurora exports audit, error, general and slow-query logs',
    pci: ['10.2.1'],
    securityHub: ['RDS.34'],
    checkov: ['CKV_AWS_324'],
    kind: 'Cluster',
    field: 'enabledCloudwatchLogsExports',
    expected: 'audit, error, general, slowquery',
    environments: ALL,
    test: (v) => Array.isArray(v) && ['audit', 'error', 'general', 'slowquery'].every((x) => v.includes(x)),
  }),
  control({
    id: 'PP-DB-AUDIT-PARAMETERS',
    title: 'Aurora audit logging is switched on in the cluster parameter group',
    pci: ['10.2.1'],
    securityHub: ['RDS.34'],
    checkov: [],
    kind: 'ClusterParameterGroup',
    field: 'parameter',
    expected: 'server_audit_logging = 1',
    environments: ALL,
    test: (v) =>
      Array.isArray(v) && v.some((p: { name?: string; value?: string }) => p.name === 'server_audit_logging' && p.value === '1'),
  }),
  control({
    id: 'PP-DB-PERFORMANCE-INSIGHTS',
    title: 'Performance Insights on every instance, encrypted with the CMK',
    pci: ['10.2.1'],
    securityHub: [],
    checkov: ['CKV_AWS_353', 'CKV_AWS_354'],
    kind: 'ClusterInstance',
    field: 'performanceInsightsEnabled',
    expected: 'true with a CMK',
    environments: ALL,
    test: (v, r) =>
      v === true && hasSelectorOrValue('performanceInsightsKmsKeyId')(forProvider(r).performanceInsightsKmsKeyId, r),
  }),
  control({
    id: 'PP-ALB-ACCESS-LOGS',
    title: 'ALB access logs go to the access-log bucket',
    pci: ['10.2.1'],
    securityHub: ['ELB.5'],
    checkov: ['CKV_AWS_91'],
    kind: 'LB',
    field: 'accessLogs.enabled',
    expected: 'true',
    environments: ALL,
    test: isTrue,
  }),
  control({
    id: 'PP-S3-SERVER-ACCESS-LOGS',
    title: 'The data buckets log access to the access-log bucket',
    pci: ['10.2.1'],
    securityHub: ['S3.9'],
    checkov: ['CKV_AWS_18'],
    kind: 'BucketLogging',
    field: 'targetBucketSelector.matchLabels',
    expected: 'target = access-log bucket',
    environments: ALL,
    test: (v) => Object.values((v ?? {}) as Record<string, string>).includes('bucket-access-logs'),
  }),
  control({
    id: 'PP-VPC-FLOW-LOGS',
    title: 'VPC flow logs capture all traffic',
    pci: ['10.2.1'],
    securityHub: ['EC2.6'],
    checkov: ['CKV2_AWS_11'],
    kind: 'FlowLog',
    field: 'trafficType',
    expected: 'ALL',
    environments: ALL,
    test: (v) => v === 'ALL',
  }),
  // 10.3.x / 10.5.1: protect logs, keep them 12 months
  control({
    id: 'PP-S3-VERSIONING',
    title: 'Every bucket is versioned',
    pci: ['10.3.3', '10.5.1'],
    securityHub: ['S3.14'],
    checkov: ['CKV_AWS_21'],
    kind: 'BucketVersioning',
    field: 'versioningConfiguration.status',
    expected: 'Enabled',
    environments: ALL,
    test: (v) => v === 'Enabled',
  }),
  control({
    id: 'PP-LOG-RETENTION',
    title: 'Log buckets keep objects at least 365 days',
    pci: ['10.5.1'],
    securityHub: ['S3.13'],
    checkov: ['CKV2_AWS_61'],
    kind: 'BucketLifecycleConfiguration',
    resources: 'bucket-(flow-logs|access-logs)-lifecycle',
    field: 'rule[0].expiration[0].days',
    expected: '>= 365',
    environments: PRODUCTION,
    test: (v) => typeof v === 'number' && v >= 365,
  }),
  control({
    id: 'PP-LOG-OBJECT-LOCK',
    title: 'Object Lock protects flow logs from deletion (365 days, governance)',
    pci: ['10.3.2', '10.3.3'],
    securityHub: ['S3.15'],
    checkov: [],
    kind: 'BucketObjectLockConfiguration',
    field: 'rule.defaultRetention.days',
    expected: '>= 365',
    environments: PRODUCTION,
    test: (v) => typeof v === 'number' && v >= 365,
  }),
  control({
    id: 'PP-WAF-LOG-RETENTION',
    title: 'The WAF log group keeps logs 365 days, encrypted with a CMK',
    pci: ['10.5.1', '10.3.2'],
    securityHub: ['CloudWatch.16'],
    checkov: ['CKV_AWS_66', 'CKV_AWS_158', 'CKV_AWS_338'],
    kind: 'Group',
    field: 'retentionInDays',
    expected: '>= 365 with kmsKeyId',
    environments: PRODUCTION,
    test: (v, r) => typeof v === 'number' && v >= 365 && hasSelectorOrValue('kmsKeyId')(forProvider(r).kmsKeyId, r),
  }),
  // 10.4.1.1 / 10.7.2: alert on failures
  control({
    id: 'PP-ALARM-ACTIONS',
    title: 'Every alarm notifies the SNS topic (alarm and OK)',
    pci: ['10.4.1.1', '10.7.2'],
    securityHub: ['CloudWatch.15'],
    checkov: ['CKV_AWS_319'],
    kind: 'MetricAlarm',
    field: 'alarmActions',
    expected: 'the platform topic ARN',
    environments: ALL,
    test: (v, r) =>
      Array.isArray(v) && v.length > 0 && nonEmpty((r.spec as { forProvider: { okActions?: unknown } }).forProvider.okActions),
  }),
  control({
    id: 'PP-ALARM-RECIPIENT',
    title: 'Someone receives the alarms (e-mail subscription)',
    pci: ['10.7.2', '12.10.1'],
    securityHub: [],
    checkov: [],
    kind: 'TopicSubscription',
    field: 'endpoint',
    expected: 'an e-mail address (or an external topic on the alarms)',
    environments: PRODUCTION,
    mustExist: false,
    test: nonEmpty,
  }),
  // 12.10 (resilience): survive loss and mistakes
  control({
    id: 'PP-DB-DELETION-PROTECTION',
    title: 'Aurora deletion protection',
    pci: ['12.10.1'],
    securityHub: ['RDS.7'],
    checkov: ['CKV_AWS_139'],
    kind: 'Cluster',
    field: 'deletionProtection',
    expected: 'true',
    environments: PRODUCTION,
    test: isTrue,
  }),
  control({
    id: 'PP-DB-FINAL-SNAPSHOT',
    title: 'A final snapshot is taken on deletion',
    pci: ['12.10.1'],
    securityHub: [],
    checkov: [],
    kind: 'Cluster',
    field: 'skipFinalSnapshot',
    expected: 'false with finalSnapshotIdentifier',
    environments: ALL,
    test: (v, r) =>
      v === false &&
      nonEmpty((r.spec as { forProvider: { finalSnapshotIdentifier?: unknown } }).forProvider.finalSnapshotIdentifier),
  }),
  control({
    id: 'PP-DB-BACKUPS',
    title: 'Automated backups kept at least 7 days (35 by default)',
    pci: ['12.10.1'],
    securityHub: ['RDS.11'],
    checkov: ['CKV_AWS_133'],
    kind: 'Cluster',
    field: 'backupRetentionPeriod',
    expected: '>= 7',
    environments: PRODUCTION,
    test: (v) => typeof v === 'number' && v >= 7,
  }),
  control({
    id: 'PP-DB-COPY-TAGS',
    title: 'Snapshots carry the tags',
    pci: ['12.10.1'],
    securityHub: ['RDS.16'],
    checkov: ['CKV_AWS_313'],
    kind: 'Cluster',
    field: 'copyTagsToSnapshot',
    expected: 'true',
    environments: ALL,
    test: isTrue,
  }),
  control({
    id: 'PP-ALB-DELETION-PROTECTION',
    title: 'ALB deletion protection',
    pci: ['12.10.1'],
    securityHub: ['ELB.6'],
    checkov: ['CKV_AWS_150'],
    kind: 'LB',
    field: 'enableDeletionProtection',
    expected: 'true',
    environments: PRODUCTION,
    test: isTrue,
  }),
  control({
    id: 'PP-NAT-PER-AZ',
    title: 'A NAT gateway in every availability zone',
    pci: ['12.10.1'],
    securityHub: [],
    checkov: [],
    kind: 'NATGateway',
    resources: 'nat-gateway-az3',
    field: 'connectivityType',
    expected: 'NAT gateway in az3 exists',
    environments: PRODUCTION,
    test: (v) => v === 'public',
  }),
  control({
    id: 'PP-DATA-ORPHANED',
    title: 'Data stores are orphaned, not deleted, with the platform',
    pci: ['12.10.1', '3.2.1'],
    securityHub: [],
    checkov: [],
    kind: 'Cluster',
    field: 'spec.managementPolicies',
    expected: 'no Delete, no *',
    environments: PRODUCTION,
    test: (v) => Array.isArray(v) && !v.includes('Delete') && !v.includes('*'),
  }),
  control({
    id: 'PP-DELETION-ORDER',
    title: 'Deletion order protected: the database holds its subnets and security group (Usage)',
    pci: ['12.10.1'],
    securityHub: [],
    checkov: [],
    kind: 'Usage',
    resources: 'usage-db-cluster-.*',
    field: 'spec.by.resourceSelector.matchLabels',
    expected: 'by = db-cluster',
    environments: ALL,
    test: (v) => Object.values((v ?? {}) as Record<string, string>).includes('db-cluster'),
  }),
  control({
    id: 'PP-S3-GATEWAY-ENDPOINT',
    title: 'S3 traffic from private subnets stays on the AWS network (gateway endpoint)',
    pci: ['1.3.1', '1.4.4'],
    securityHub: [],
    checkov: [],
    kind: 'VPCEndpoint',
    field: 'vpcEndpointType',
    expected: 'Gateway',
    environments: ALL,
    test: (v) => v === 'Gateway',
  }),
];
