/**
 * Each PCI control on hand-written composed resources: the kind and the field it reads, values
 * that meet the requirement and values that do not (as the PCI requirement and the AWS field
 * define them). Also the evaluation rules (which resources a control applies to, the live
 * status.atProvider fallback, required vs relaxed) and the compliance table.
 */
import type { Environment } from '../../src/apis/payment-platform.js';
import { CONTROLS } from '../../src/policy/controls.js';
import { evaluateControls, failures, policyResources } from '../../src/policy/evaluate.js';
import { complianceTable, relaxedOutsideProduction } from '../../src/policy/report.js';
import type { Control, Obj } from '../../src/policy/types.js';

const byId = (id: string): Control => {
  const c = CONTROLS.find((x) => x.id === id);
  if (!c) throw new Error(`no control ${id}`);
  return c;
};

/** A composed resource of `kind` with the given spec.forProvider (or a whole spec with `spec`). */
type Spec = Obj;
const fp = (forProvider: Obj): Spec => ({ forProvider });

function passes(id: string, kind: string, name: string, spec: Spec, environment: Environment = 'production'): boolean {
  const results = evaluateControls([{ name, resource: { kind, metadata: { name }, spec } }], environment, [byId(id)]);
  expect(results).toHaveLength(1);
  return results[0].pass;
}

const sel = (role: string) => ({ matchLabels: { 'payments.example.org/role': role } });
const otherSel = { matchLabels: { 'payments.example.org/role': 'something-else' } };

type Case = [id: string, kind: string, name: string, good: Spec[], bad: Spec[]];

const CASES: Case[] = [
  [
    'PP-NET-INTERNET-INGRESS',
    'SecurityGroupIngressRule',
    'security-group-rule-alb-https',
    [
      fp({ cidrIpv4: '10.0.0.0/16', fromPort: 22, toPort: 22 }),
      fp({ cidrIpv4: '0.0.0.0/0', securityGroupIdSelector: sel('security-group-alb'), fromPort: 443, toPort: 443 }),
      fp({ cidrIpv4: '0.0.0.0/0', securityGroupIdSelector: sel('security-group-alb'), fromPort: 80, toPort: 80 }),
    ],
    [
      fp({ cidrIpv4: '0.0.0.0/0', securityGroupIdSelector: sel('security-group-app'), fromPort: 443, toPort: 443 }),
      fp({ cidrIpv4: '0.0.0.0/0', securityGroupIdSelector: sel('security-group-alb'), fromPort: 22, toPort: 22 }),
      fp({ cidrIpv4: '0.0.0.0/0', securityGroupIdSelector: sel('security-group-alb'), fromPort: 80, toPort: 443 }),
      fp({ cidrIpv4: '0.0.0.0/0', securityGroupIdSelector: {}, fromPort: 443, toPort: 443 }),
      fp({ cidrIpv4: '0.0.0.0/0', fromPort: 443, toPort: 443 }),
    ],
  ],
  [
    'PP-NET-DB-FROM-APP',
    'SecurityGroupIngressRule',
    'security-group-rule-db-mysql',
    [fp({ referencedSecurityGroupIdSelector: sel('security-group-app') })],
    [
      fp({ referencedSecurityGroupIdSelector: sel('security-group-app'), cidrIpv4: '10.0.0.0/16' }),
      fp({ referencedSecurityGroupIdSelector: otherSel }),
      fp({ cidrIpv4: '10.0.0.0/16' }),
    ],
  ],
  [
    'PP-NET-DEFAULT-SG-CLOSED',
    'DefaultSecurityGroup',
    'default-security-group',
    [fp({ ingress: [], egress: [] })],
    [
      fp({ ingress: [{ protocol: '-1' }], egress: [] }),
      fp({ ingress: [] }),
      fp({ ingress: [], egress: [{}] }),
      fp({ egress: [] }),
    ],
  ],
  [
    'PP-NET-NO-PUBLIC-IP',
    'Subnet',
    'subnet-public-az1',
    [fp({ mapPublicIpOnLaunch: false })],
    [fp({ mapPublicIpOnLaunch: true }), fp({})],
  ],
  [
    'PP-DB-NOT-PUBLIC',
    'ClusterInstance',
    'db-instance-1',
    [fp({ publiclyAccessible: false })],
    [fp({ publiclyAccessible: true }), fp({})],
  ],
  [
    'PP-DB-PRIVATE-SUBNETS',
    'SubnetGroup',
    'db-subnet-group',
    [fp({ subnetIdSelector: sel('subnet-private') })],
    [fp({ subnetIdSelector: sel('subnet-public') }), fp({})],
  ],
  ...(['BLOCK-PUBLIC-ACLS', 'BLOCK-PUBLIC-POLICY', 'IGNORE-PUBLIC-ACLS', 'RESTRICT-PUBLIC-BUCKETS'] as const).map(
    (suffix): Case => {
      const field = {
        'BLOCK-PUBLIC-ACLS': 'blockPublicAcls',
        'BLOCK-PUBLIC-POLICY': 'blockPublicPolicy',
        'IGNORE-PUBLIC-ACLS': 'ignorePublicAcls',
        'RESTRICT-PUBLIC-BUCKETS': 'restrictPublicBuckets',
      }[suffix];
      const all = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
      return [
        `PP-S3-PAB-${suffix}`,
        'BucketPublicAccessBlock',
        'bucket-assets-public-access-block',
        [fp(all)],
        [fp({ ...all, [field]: false }), fp({ ...all, [field]: 'true' }), fp({ ...all, [field]: undefined })],
      ];
    },
  ),
  [
    'PP-DB-MANAGED-PASSWORD',
    'Cluster',
    'db-cluster',
    [fp({ manageMasterUserPassword: true })],
    [
      fp({ manageMasterUserPassword: false }),
      fp({ manageMasterUserPassword: true, masterPassword: 'hunter2' }),
      fp({ manageMasterUserPassword: true, masterPasswordSecretRef: { name: 's', key: 'password' } }),
      fp({}),
    ],
  ],
  [
    'PP-DB-SECRET-CMK',
    'Cluster',
    'db-cluster',
    [
      fp({ masterUserSecretKmsKeyIdSelector: sel('kms-key-data') }),
      fp({ masterUserSecretKmsKeyId: 'arn:aws:kms:us-east-1:1:key/k' }),
    ],
    [fp({ masterUserSecretKmsKeyIdSelector: otherSel }), fp({ masterUserSecretKmsKeyId: '' }), fp({})],
  ],
  [
    'PP-DB-IAM-AUTH',
    'Cluster',
    'db-cluster',
    [fp({ iamDatabaseAuthenticationEnabled: true })],
    [fp({ iamDatabaseAuthenticationEnabled: false })],
  ],
  [
    'PP-DB-ENCRYPTED-CMK',
    'Cluster',
    'db-cluster',
    [
      fp({ storageEncrypted: true, kmsKeyIdSelector: sel('kms-key-data') }),
      fp({ storageEncrypted: true, kmsKeyId: 'arn:aws:kms:k' }),
    ],
    [
      fp({ storageEncrypted: false, kmsKeyIdSelector: sel('kms-key-data') }),
      fp({ kmsKeyIdSelector: sel('kms-key-data') }),
      fp({ storageEncrypted: true, kmsKeyIdSelector: otherSel }),
      fp({ storageEncrypted: true }),
    ],
  ],
  [
    'PP-S3-SSE-KMS',
    'BucketServerSideEncryptionConfiguration',
    'bucket-assets-encryption',
    [
      fp({
        rule: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyIdSelector: sel('kms-key-data') },
            bucketKeyEnabled: true,
          },
        ],
      }),
      fp({
        rule: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: 'arn:aws:kms:k' },
            bucketKeyEnabled: true,
          },
        ],
      }),
    ],
    [
      fp({ rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }] }),
      // A key id does not make SSE-S3 a KMS encryption.
      fp({
        rule: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256', kmsMasterKeyId: 'arn:aws:kms:k' },
            bucketKeyEnabled: true,
          },
        ],
      }),
      fp({
        rule: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: 'arn:aws:kms:k' },
            bucketKeyEnabled: false,
          },
        ],
      }),
      fp({ rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: 'arn:aws:kms:k' } }] }),
      fp({ rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }] }),
      fp({
        rule: [
          { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyIdSelector: {} }, bucketKeyEnabled: true },
        ],
      }),
      fp({
        rule: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyIdSelector: { matchLabels: {} } },
            bucketKeyEnabled: true,
          },
        ],
      }),
      fp({ rule: [{ bucketKeyEnabled: true }] }),
      fp({}),
    ],
  ],
  [
    'PP-S3-ACCESS-LOGS-SSE',
    'BucketServerSideEncryptionConfiguration',
    'bucket-access-logs-encryption',
    [fp({ rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] })],
    [fp({ rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' } }] }), fp({})],
  ],
  [
    'PP-SNS-ENCRYPTED',
    'Topic',
    'alarm-topic',
    [fp({ kmsMasterKeyId: 'arn:aws:kms:us-east-1:1:key/k' })],
    [fp({ kmsMasterKeyId: 'alias/aws/sns' }), fp({ kmsMasterKeyId: 7 }), fp({})],
  ],
  ['PP-KMS-ROTATION', 'Key', 'kms-key-data', [fp({ enableKeyRotation: true })], [fp({ enableKeyRotation: false })]],
  [
    'PP-KMS-POLICY',
    'Key',
    'kms-key-data',
    [fp({ policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}' })],
    [
      fp({ policy: '{"Statement":[]}' }),
      fp({ policy: '{"Statement":{"Effect":"Allow"}}' }),
      fp({ policy: '{}' }),
      fp({ policy: 'not json' }),
      fp({ policy: {} }),
      fp({}),
    ],
  ],
  [
    'PP-ALB-TLS13',
    'LBListener',
    'listener-https',
    [fp({ sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', protocol: 'HTTPS' })],
    [
      fp({ sslPolicy: 'ELBSecurityPolicy-2016-08', protocol: 'HTTPS' }),
      fp({ sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', protocol: 'HTTP' }),
      fp({ sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }),
      fp({ protocol: 'HTTPS' }),
    ],
  ],
  [
    'PP-ALB-HTTP-REDIRECT',
    'LBListener',
    'listener-http-redirect',
    [fp({ defaultAction: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } }] })],
    [
      fp({ defaultAction: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_302' } }] }),
      fp({ defaultAction: [{ type: 'forward' }] }),
      fp({}),
    ],
  ],
  [
    'PP-S3-TLS-ONLY',
    'BucketPolicy',
    'bucket-assets-policy',
    [
      fp({
        policy: JSON.stringify({
          Statement: [{ Effect: 'Allow' }, { Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
        }),
      }),
    ],
    [
      fp({
        policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] }),
      }),
      fp({ policy: JSON.stringify({ Statement: [{ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }] }) }),
      fp({ policy: JSON.stringify({ Statement: [{ Effect: 'Deny' }] }) }),
      fp({}),
    ],
  ],
  [
    'PP-DB-TLS-ONLY',
    'ClusterParameterGroup',
    'db-cluster-parameter-group',
    [
      fp({
        parameter: [
          { name: 'time_zone', value: 'UTC' },
          { name: 'require_secure_transport', value: 'ON' },
        ],
      }),
    ],
    [
      fp({ parameter: [{ name: 'require_secure_transport', value: 'OFF' }] }),
      fp({ parameter: [{ name: 'tls_version', value: 'ON' }] }),
      fp({ parameter: 'ON' }),
      fp({}),
    ],
  ],
  ['PP-ALB-DROP-INVALID-HEADERS', 'LB', 'alb', [fp({ dropInvalidHeaderFields: true })], [fp({ dropInvalidHeaderFields: false })]],
  [
    'PP-ALB-DESYNC',
    'LB',
    'alb',
    [fp({ desyncMitigationMode: 'defensive' }), fp({ desyncMitigationMode: 'strictest' })],
    [fp({ desyncMitigationMode: 'monitor' }), fp({})],
  ],
  [
    'PP-WAF-ATTACHED',
    'WebACLAssociation',
    'waf-association',
    [fp({ webAclArnSelector: sel('waf-web-acl') }), fp({ webAclArn: 'arn:aws:wafv2:acl' })],
    [fp({ webAclArnSelector: otherSel }), fp({})],
  ],
  [
    'PP-WAF-MANAGED-RULES',
    'WebACL',
    'waf-web-acl',
    [
      fp({
        ruleJson: JSON.stringify([
          { Name: 'AWSManagedRulesCommonRuleSet' },
          { Name: 'AWSManagedRulesKnownBadInputsRuleSet' },
          { Name: 'AWSManagedRulesSQLiRuleSet' },
        ]),
      }),
    ],
    [
      fp({
        ruleJson: JSON.stringify([{ Name: 'AWSManagedRulesCommonRuleSet' }, { Name: 'AWSManagedRulesKnownBadInputsRuleSet' }]),
      }),
      fp({ ruleJson: 'AWSManagedRulesCommonRuleSet AWSManagedRulesKnownBadInputsRuleSet AWSManagedRulesSQLiRuleSet' }),
      fp({}),
    ],
  ],
  [
    'PP-WAF-LOGGING',
    'WebACLLoggingConfiguration',
    'waf-logging',
    [fp({ logDestinationConfigsSelector: sel('waf-log-group') }), fp({ logDestinationConfigs: ['arn:aws:logs:g'] })],
    [fp({ logDestinationConfigsSelector: otherSel }), fp({ logDestinationConfigs: [] }), fp({})],
  ],
  [
    'PP-DB-MINOR-UPGRADES-CLUSTER',
    'Cluster',
    'db-cluster',
    [fp({ autoMinorVersionUpgrade: true })],
    [fp({ autoMinorVersionUpgrade: false })],
  ],
  [
    'PP-DB-MINOR-UPGRADES-INSTANCES',
    'ClusterInstance',
    'db-instance-1',
    [fp({ autoMinorVersionUpgrade: true })],
    [fp({ autoMinorVersionUpgrade: false })],
  ],
  [
    'PP-DB-LOG-EXPORTS',
    'Cluster',
    'db-cluster',
    [fp({ enabledCloudwatchLogsExports: ['slowquery', 'general', 'error', 'audit'] })],
    [
      fp({ enabledCloudwatchLogsExports: ['audit', 'error', 'general'] }),
      fp({ enabledCloudwatchLogsExports: 'audit,error,general,slowquery' }),
      fp({}),
    ],
  ],
  [
    'PP-DB-AUDIT-PARAMETERS',
    'ClusterParameterGroup',
    'db-cluster-parameter-group',
    [
      fp({
        parameter: [
          { name: 'require_secure_transport', value: 'ON' },
          { name: 'server_audit_logging', value: '1' },
        ],
      }),
    ],
    [
      fp({ parameter: [{ name: 'server_audit_logging', value: '0' }] }),
      fp({ parameter: [{ name: 'server_audit_events', value: '1' }] }),
      fp({ parameter: {} }),
      fp({}),
    ],
  ],
  [
    'PP-DB-PERFORMANCE-INSIGHTS',
    'ClusterInstance',
    'db-instance-1',
    [
      fp({ performanceInsightsEnabled: true, performanceInsightsKmsKeyIdSelector: sel('kms-key-data') }),
      fp({ performanceInsightsEnabled: true, performanceInsightsKmsKeyId: 'arn:aws:kms:k' }),
    ],
    [
      fp({ performanceInsightsEnabled: false, performanceInsightsKmsKeyIdSelector: sel('kms-key-data') }),
      fp({ performanceInsightsEnabled: true }),
      fp({ performanceInsightsEnabled: true, performanceInsightsKmsKeyIdSelector: {} }),
    ],
  ],
  ['PP-ALB-ACCESS-LOGS', 'LB', 'alb', [fp({ accessLogs: { enabled: true } })], [fp({ accessLogs: { enabled: false } }), fp({})]],
  [
    'PP-S3-SERVER-ACCESS-LOGS',
    'BucketLogging',
    'bucket-assets-logging',
    [fp({ targetBucketSelector: sel('bucket-access-logs') })],
    [fp({ targetBucketSelector: otherSel }), fp({})],
  ],
  ['PP-VPC-FLOW-LOGS', 'FlowLog', 'flow-log', [fp({ trafficType: 'ALL' })], [fp({ trafficType: 'REJECT' }), fp({})]],
  [
    'PP-S3-VERSIONING',
    'BucketVersioning',
    'bucket-assets-versioning',
    [fp({ versioningConfiguration: { status: 'Enabled' } })],
    [fp({ versioningConfiguration: { status: 'Suspended' } }), fp({})],
  ],
  [
    'PP-LOG-RETENTION',
    'BucketLifecycleConfiguration',
    'bucket-flow-logs-lifecycle',
    [fp({ rule: [{ expiration: [{ days: 365 }] }] }), fp({ rule: [{ expiration: [{ days: 400 }] }] })],
    [fp({ rule: [{ expiration: [{ days: 364 }] }] }), fp({ rule: [{ expiration: [{ days: '365' }] }] }), fp({})],
  ],
  [
    'PP-LOG-OBJECT-LOCK',
    'BucketObjectLockConfiguration',
    'bucket-flow-logs-object-lock',
    [fp({ rule: { defaultRetention: { days: 365 } } })],
    [fp({ rule: { defaultRetention: { days: 364 } } }), fp({ rule: { defaultRetention: { days: '365' } } }), fp({})],
  ],
  [
    'PP-WAF-LOG-RETENTION',
    'Group',
    'waf-log-group',
    [
      fp({ retentionInDays: 365, kmsKeyIdSelector: sel('kms-key-data') }),
      fp({ retentionInDays: 400, kmsKeyId: 'arn:aws:kms:k' }),
    ],
    [
      fp({ retentionInDays: 364, kmsKeyId: 'arn:aws:kms:k' }),
      fp({ retentionInDays: 365 }),
      fp({ retentionInDays: '365', kmsKeyId: 'arn:aws:kms:k' }),
    ],
  ],
  [
    'PP-ALARM-ACTIONS',
    'MetricAlarm',
    'alarm-db-cpu',
    [fp({ alarmActions: ['arn:aws:sns:t'], okActions: ['arn:aws:sns:t'] })],
    [
      fp({ alarmActions: [], okActions: ['arn:aws:sns:t'] }),
      fp({ alarmActions: ['arn:aws:sns:t'] }),
      fp({ alarmActions: ['arn:aws:sns:t'], okActions: [] }),
      fp({ alarmActions: 'arn:aws:sns:t', okActions: ['x'] }),
    ],
  ],
  [
    'PP-ALARM-RECIPIENT',
    'TopicSubscription',
    'alarm-subscription',
    [fp({ endpoint: 'oncall@example.org' })],
    [fp({ endpoint: '' }), fp({ endpoint: null }), fp({})],
  ],
  ['PP-DB-DELETION-PROTECTION', 'Cluster', 'db-cluster', [fp({ deletionProtection: true })], [fp({ deletionProtection: false })]],
  [
    'PP-DB-FINAL-SNAPSHOT',
    'Cluster',
    'db-cluster',
    [fp({ skipFinalSnapshot: false, finalSnapshotIdentifier: 'payments-final' })],
    [
      fp({ skipFinalSnapshot: true, finalSnapshotIdentifier: 'payments-final' }),
      fp({ skipFinalSnapshot: false }),
      fp({ skipFinalSnapshot: false, finalSnapshotIdentifier: '' }),
    ],
  ],
  [
    'PP-DB-BACKUPS',
    'Cluster',
    'db-cluster',
    [fp({ backupRetentionPeriod: 7 }), fp({ backupRetentionPeriod: 35 })],
    [fp({ backupRetentionPeriod: 6 }), fp({ backupRetentionPeriod: '7' }), fp({})],
  ],
  ['PP-DB-COPY-TAGS', 'Cluster', 'db-cluster', [fp({ copyTagsToSnapshot: true })], [fp({ copyTagsToSnapshot: false })]],
  [
    'PP-ALB-DELETION-PROTECTION',
    'LB',
    'alb',
    [fp({ enableDeletionProtection: true })],
    [fp({ enableDeletionProtection: false })],
  ],
  [
    'PP-NAT-PER-AZ',
    'NATGateway',
    'nat-gateway-az3',
    [fp({ connectivityType: 'public' })],
    [fp({ connectivityType: 'private' }), fp({})],
  ],
  [
    'PP-DATA-ORPHANED',
    'Cluster',
    'db-cluster',
    [{ managementPolicies: ['Observe', 'Create', 'Update', 'LateInitialize'], forProvider: {} }],
    [
      { managementPolicies: ['*'], forProvider: {} },
      { managementPolicies: ['Observe', 'Delete'], forProvider: {} },
      { managementPolicies: 'Observe', forProvider: {} },
      { forProvider: {} },
    ],
  ],
  [
    'PP-DELETION-ORDER',
    'Usage',
    'usage-db-cluster-kms',
    [{ by: { resourceSelector: sel('db-cluster') } }],
    [{ by: { resourceSelector: sel('db-instance-1') } }, {}],
  ],
  [
    'PP-S3-GATEWAY-ENDPOINT',
    'VPCEndpoint',
    'vpc-endpoint-s3',
    [fp({ vpcEndpointType: 'Gateway' })],
    [fp({ vpcEndpointType: 'Interface' }), fp({})],
  ],
];

describe('every control, on hand-written resources', () => {
  test('the cases cover every control', () => {
    expect(CASES.map((c) => c[0]).sort()).toEqual(CONTROLS.map((c) => c.id).sort());
  });

  test.each(CASES)('%s on %s %s', (id, kind, name, good, bad) => {
    for (const spec of good) expect([JSON.stringify(spec), passes(id, kind, name, spec)]).toEqual([JSON.stringify(spec), true]);
    for (const spec of bad) expect([JSON.stringify(spec), passes(id, kind, name, spec)]).toEqual([JSON.stringify(spec), false]);
  });
});

describe('evaluateControls', () => {
  const custom = (over: Partial<Control>): Control => ({
    id: 'T-1',
    title: 't',
    pci: ['1.1'],
    securityHub: [],
    checkov: [],
    kind: 'Bucket',
    field: 'spec.forProvider.x',
    expected: 'x is true',
    environments: ['production'],
    test: (v) => v === true,
    ...over,
  });
  const bucket = (name: string, spec: Obj, status?: Obj) => ({
    name,
    resource: { kind: 'Bucket', spec, ...(status ? { status } : {}) },
  });

  test('a control applies to resources of its kind whose name matches the whole pattern', () => {
    const c = custom({ resources: 'bucket-(a|b)' });
    const results = evaluateControls(
      [
        bucket('bucket-a', { forProvider: { x: true } }),
        bucket('bucket-b', { forProvider: { x: false } }),
        bucket('bucket-ab', { forProvider: { x: true } }),
        bucket('my-bucket-a', { forProvider: { x: true } }),
        { name: 'bucket-a', resource: { kind: 'Key', spec: { forProvider: { x: true } } } },
      ],
      'production',
      [c],
    );
    expect(results.map((r) => [r.resource, r.actual, r.pass, r.required])).toEqual([
      ['bucket-a', true, true, true],
      ['bucket-b', false, false, true],
    ]);
    expect(results[0].field).toBe('spec.forProvider.x');
    expect(results[0].control).toBe(c);
  });

  test('without a pattern every resource of the kind is checked', () => {
    const results = evaluateControls(
      [bucket('one', { forProvider: { x: true } }), bucket('two', { forProvider: {} })],
      'production',
      [custom({})],
    );
    expect(results.map((r) => [r.resource, r.actual, r.pass])).toEqual([
      ['one', true, true],
      ['two', undefined, false],
    ]);
  });

  test('a live resource is judged on status.atProvider when spec.forProvider lacks the field', () => {
    const results = evaluateControls(
      [
        bucket('late', { forProvider: {} }, { atProvider: { x: true } }),
        bucket('spec-wins', { forProvider: { x: false } }, { atProvider: { x: true } }),
        bucket('nowhere', { forProvider: {} }, { atProvider: {} }),
      ],
      'production',
      [custom({})],
    );
    expect(results.map((r) => [r.resource, r.actual, r.pass])).toEqual([
      ['late', true, true],
      ['spec-wins', false, false],
      ['nowhere', undefined, false],
    ]);
  });

  test('only spec.forProvider fields fall back to status.atProvider', () => {
    const c = custom({ field: 'spec.managementPolicies', test: (v) => v !== undefined });
    const results = evaluateControls(
      [bucket('b', {}, { atProvider: { managementPolicies: ['*'] }, managementPolicies: ['*'] })],
      'production',
      [c],
    );
    expect(results.map((r) => [r.actual, r.pass])).toEqual([[undefined, false]]);
  });

  test('fields outside spec.forProvider have no status.atProvider fallback, however short', () => {
    const c = custom({ field: 'metadata.labels', test: (v) => v === undefined });
    const results = evaluateControls([bucket('b', {}, { atProvider: { x: 1 } })], 'production', [c]);
    expect(results.map((r) => [r.actual, r.pass])).toEqual([[undefined, true]]);
  });

  test('a missing resource fails the control unless mustExist is false; environments say what is required', () => {
    expect(evaluateControls([], 'production', [custom({})])).toEqual([
      {
        control: expect.objectContaining({ id: 'T-1' }),
        field: 'spec.forProvider.x',
        actual: undefined,
        pass: false,
        required: true,
      },
    ]);
    const optional = evaluateControls([], 'development', [custom({ mustExist: false })]);
    expect(optional.map((r) => [r.resource, r.pass, r.required])).toEqual([[undefined, true, false]]);
    expect(evaluateControls([], 'development', [custom({ mustExist: true })]).map((r) => r.pass)).toEqual([false]);
  });

  test('a test that throws is a failure', () => {
    const c = custom({
      test: () => {
        throw new Error('boom');
      },
    });
    expect(evaluateControls([bucket('b', { forProvider: { x: true } })], 'production', [c]).map((r) => r.pass)).toEqual([false]);
  });

  test('an invalid field path is an error, not a missing field', () => {
    expect(() =>
      evaluateControls([bucket('b', { forProvider: {} })], 'production', [custom({ field: 'spec.forProvider.x[' })]),
    ).toThrow("invalid field path 'spec.forProvider.x[': unterminated '['");
    expect(() => evaluateControls([bucket('b', {})], 'production', [custom({ field: 'spec[' })])).toThrow(
      "invalid field path 'spec['",
    );
  });

  test('failures are the required results that do not pass', () => {
    const results = [
      { control: custom({}), field: 'f', actual: 1, pass: false, required: true },
      { control: custom({}), field: 'f', actual: 1, pass: false, required: false },
      { control: custom({}), field: 'f', actual: 1, pass: true, required: true },
    ];
    expect(failures(results)).toEqual([results[0]]);
  });

  test('policyResources keeps the name and the resource of each rendered resource', () => {
    const resource = { kind: 'Bucket' };
    expect(policyResources([{ name: 'b', resource, ready: true } as { name: string; resource: Obj }])).toEqual([
      { name: 'b', resource },
    ]);
  });

  test('the default control set is CONTROLS', () => {
    expect(evaluateControls([], 'production').map((r) => r.control.id)).toEqual(CONTROLS.map((c) => c.id));
  });
});

describe('report', () => {
  const c = (id: string, environments: Environment[], resources?: string): Control => ({
    id,
    title: `title of ${id}`,
    pci: ['1.2.3', '4.5'],
    securityHub: ['S3.1', 'S3.8'],
    checkov: ['CKV_AWS_1', 'CKV_AWS_2'],
    kind: 'Bucket',
    ...(resources ? { resources } : {}),
    field: 'spec.forProvider.x',
    expected: 'a | b',
    environments,
    test: () => true,
  });

  test('relaxedOutsideProduction lists the controls some environment does not require', () => {
    const all = c('ALL', ['development', 'staging', 'production']);
    const prod = c('PROD', ['production']);
    const notDev = c('NOT-DEV', ['staging', 'production']);
    expect(relaxedOutsideProduction([all, prod, notDev]).map((x) => x.id)).toEqual(['PROD', 'NOT-DEV']);
    expect(relaxedOutsideProduction().length).toBeGreaterThan(0);
    expect(relaxedOutsideProduction().every((x) => !x.environments.includes('development'))).toBe(true);
  });

  test('complianceTable: one row per control, pipes in the expected value escaped', () => {
    const table = complianceTable([
      c('A', ['development', 'staging', 'production']),
      c('B', ['staging', 'production'], 'bucket-.*'),
    ]);
    expect(table.split('\n')).toEqual([
      '| Control | PCI DSS v4.0.1 | Security Hub | checkov | Resource | Field | Expected | Required in |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      '| `A` title of A | 1.2.3, 4.5 | S3.1, S3.8 | CKV_AWS_1, CKV_AWS_2 | Bucket | `spec.forProvider.x` | a \\| b | all |',
      '| `B` title of B | 1.2.3, 4.5 | S3.1, S3.8 | CKV_AWS_1, CKV_AWS_2 | Bucket `bucket-.*` | `spec.forProvider.x` | a \\| b | staging, production |',
    ]);
    expect(complianceTable().split('\n')).toHaveLength(CONTROLS.length + 2);
  });
});

describe('the control catalogue', () => {
  test('ids are unique; every control names a title, PCI requirements, an expected value and where it is required', () => {
    expect(new Set(CONTROLS.map((c) => c.id)).size).toBe(CONTROLS.length);
    for (const c of CONTROLS) {
      expect([c.id, c.title.length > 0, c.expected.length > 0, c.environments.length > 0]).toEqual([c.id, true, true, true]);
      expect([c.id, c.pci.length > 0 && c.pci.every((p) => /^\d+(\.\d+)+$/.test(p))]).toEqual([c.id, true]);
      expect([c.id, c.securityHub.every((s) => /^[A-Za-z][A-Za-z0-9]*\.\d+$/.test(s))]).toEqual([c.id, true]);
      expect([c.id, c.checkov.every((s) => /^CKV2?_AWS_\d+$/.test(s))]).toEqual([c.id, true]);
      expect([c.id, c.field.startsWith('spec.') || c.field.startsWith('metadata.')]).toEqual([c.id, true]);
    }
  });
});
