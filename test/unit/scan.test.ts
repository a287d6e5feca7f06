/**
 * The scanner's converter (composed resources -> Terraform JSON -> HCL) and its exceptions, without
 * running checkov (scan-checkov.test.ts runs it; scan-provider.test.ts checks the tables against
 * the provider's source).
 */
import { join } from 'node:path';
import { type CheckovReport, type CheckResult, type Framework, parseCheckovJson } from '../../src/scan/checkov.js';
import { judge, loadExceptions, parseExceptions } from '../../src/scan/exceptions.js';
import { toHcl } from '../../src/scan/hcl.js';
import { AWS_KINDS, NON_AWS_KINDS, kindKey } from '../../src/scan/kinds.js';
import { claimToTerraform, formatOutcome, scanPassed, type ScanOutcome } from '../../src/scan/scan.js';
import {
  ConversionError,
  snakeCase,
  terraformName,
  toTerraform,
  type ComposedResource,
  type TfBody,
  type TfValue,
} from '../../src/scan/terraform.js';
import { renderSteadyState } from '../../src/render/steady-state.js';
import { exampleClaims, ROOT, validClaims } from '../helpers.js';
import { type Obj } from '../../src/apis/obj.js';

const production = () => exampleClaims().find((c) => c.file.endsWith('production.yaml'))!.claim;

/** A composed provider-upjet-aws resource for synthetic tests. */
function mr(
  name: string,
  group: string,
  kind: string,
  forProvider: Obj,
  extra: { labels?: Obj; external?: string } = {},
): ComposedResource {
  return {
    name,
    resource: {
      apiVersion: `${group}.aws.m.upbound.io/v1beta1`,
      kind,
      metadata: {
        name: `x-${name}`,
        labels: { 'platform.payments.io/resource': name, ...(extra.labels ?? {}) },
        ...(extra.external ? { annotations: { 'crossplane.io/external-name': extra.external } } : {}),
      },
      spec: { forProvider: { region: 'eu-west-1', ...forProvider } },
    },
  };
}

const sel = (resource: string, more: Obj = {}) => ({
  matchControllerRef: true,
  matchLabels: { 'platform.payments.io/resource': resource, ...more },
});

function body(doc: { resource: Record<string, Record<string, TfBody>> }, address: string): TfBody {
  const [type, name] = address.split('.') as [string, string];
  const b = doc.resource[type]?.[name];
  if (!b) throw new Error(`no ${address} in ${Object.keys(doc.resource).join(', ')}`);
  return b;
}

describe('the kind table', () => {
  test('maps the kinds of the issue one-to-one to aws_* resources', () => {
    const t = (k: string) => AWS_KINDS[k]?.type;
    expect(t('ec2.aws.m.upbound.io/VPC')).toBe('aws_vpc');
    expect(t('s3.aws.m.upbound.io/BucketPolicy')).toBe('aws_s3_bucket_policy');
    expect(t('rds.aws.m.upbound.io/Cluster')).toBe('aws_rds_cluster');
    expect(t('rds.aws.m.upbound.io/ClusterInstance')).toBe('aws_rds_cluster_instance');
    expect(t('elbv2.aws.m.upbound.io/LB')).toBe('aws_lb');
    expect(t('elbv2.aws.m.upbound.io/LBListener')).toBe('aws_lb_listener');
    expect(t('cloudwatch.aws.m.upbound.io/MetricAlarm')).toBe('aws_cloudwatch_metric_alarm');
    expect(t('sns.aws.m.upbound.io/Topic')).toBe('aws_sns_topic');
    expect(t('kms.aws.m.upbound.io/Key')).toBe('aws_kms_key');
    expect(t('wafv2.aws.m.upbound.io/WebACL')).toBe('aws_wafv2_web_acl');
    expect(t('ec2.aws.m.upbound.io/SecurityGroupIngressRule')).toBe('aws_vpc_security_group_ingress_rule');
    expect(kindKey('v1', 'ConfigMap')).toBe('/ConfigMap');
  });

  test.each(validClaims().map((c) => [c.file, c.claim] as const))('covers every kind %s composes', (_file, claim) => {
    const { final } = renderSteadyState(claim);
    const { addresses, skipped } = claimToTerraform(claim);
    for (const { name, resource } of final.resources) {
      const key = kindKey(String(resource.apiVersion), String(resource.kind));
      if (NON_AWS_KINDS[key]) expect(skipped.map((s) => s.name)).toContain(name);
      else expect([name, addresses.get(name)]).toEqual([name, `${AWS_KINDS[key]?.type}.${terraformName(name)}`]);
    }
  });

  test('an unknown kind fails loudly, naming the resource, the kind and the table', () => {
    const resources = [mr('vpc', 'ec2', 'VPC', { cidrBlock: '10.0.0.0/16' }), mr('queue', 'sqs', 'Queue', {})];
    expect(() => toTerraform(resources)).toThrow(ConversionError);
    expect(() => toTerraform(resources)).toThrow(
      /queue: kind sqs\.aws\.m\.upbound\.io\/Queue is not in the scanner's kind table \(src\/scan\/kinds\.ts\)/,
    );
  });
});

describe('fields', () => {
  test('are snake_case, digits staying with their word', () => {
    expect(snakeCase('enableDnsHostnames')).toBe('enable_dns_hostnames');
    expect(snakeCase('cidrIpv4')).toBe('cidr_ipv4');
    expect(snakeCase('serverlessv2ScalingConfiguration')).toBe('serverlessv2_scaling_configuration');
    expect(snakeCase('enableHttp2')).toBe('enable_http2');
    expect(snakeCase('sslPolicy')).toBe('ssl_policy');
    expect(snakeCase('IPSetReferenceStatement')).toBe('ip_set_reference_statement');
    expect(snakeCase('region')).toBe('region');
  });

  test('nested objects become blocks, maps stay maps, the external name names the resource', () => {
    const { document } = toTerraform([
      mr(
        'bucket',
        's3',
        'Bucket',
        { forceDestroy: false, tags: { 'cost-center': 'payments', Name: 'b' } },
        { external: 'pp-assets-1234' },
      ),
      mr('versioning', 's3', 'BucketVersioning', {
        bucketSelector: sel('bucket'),
        versioningConfiguration: { status: 'Enabled' },
      }),
      mr(
        'alarm',
        'cloudwatch',
        'MetricAlarm',
        { dimensions: { DBClusterIdentifier: 'db-1' }, threshold: 80 },
        { external: 'pp-cpu' },
      ),
    ]);
    expect(body(document, 'aws_s3_bucket.bucket')).toEqual({
      region: 'eu-west-1',
      force_destroy: false,
      tags: { 'cost-center': 'payments', Name: 'b' },
      bucket: 'pp-assets-1234',
    });
    expect(body(document, 'aws_s3_bucket_versioning.versioning')).toEqual({
      region: 'eu-west-1',
      bucket: '${aws_s3_bucket.bucket.id}',
      versioning_configuration: [{ status: 'Enabled' }],
    });
    expect(body(document, 'aws_cloudwatch_metric_alarm.alarm')).toMatchObject({
      dimensions: { DBClusterIdentifier: 'db-1' },
      alarm_name: 'pp-cpu',
    });
  });

  test('initProvider fields are arguments too, forProvider wins', () => {
    const r = mr('db', 'rds', 'Cluster', { engine: 'aurora-mysql' }, { external: 'db-1' });
    (r.resource.spec as Obj).initProvider = { engineVersion: '8.0.mysql_aurora.3.10.0', engine: 'ignored' };
    expect(body(toTerraform([r]).document, 'aws_rds_cluster.db')).toEqual({
      engine_version: '8.0.mysql_aurora.3.10.0',
      engine: 'aurora-mysql',
      region: 'eu-west-1',
      cluster_identifier: 'db-1',
    });
  });

  test('literals cannot interpolate: ${ and %{ are escaped; secret references are left out', () => {
    const { document } = toTerraform([
      mr('role', 'iam', 'Role', {
        assumeRolePolicy: '{"Resource":"arn:aws:s3:::${aws:username}/%{x}"}',
        passwordSecretRef: { name: 's', key: 'k' },
      }),
    ]);
    expect(body(document, 'aws_iam_role.role')).toEqual({
      region: 'eu-west-1',
      assume_role_policy: '{"Resource":"arn:aws:s3:::$${aws:username}/%%{x}"}',
    });
  });

  test('WAFv2 rule_json (the provider has no rule blocks) becomes the equivalent rule blocks', () => {
    const rules = [
      {
        Name: 'bad-inputs',
        Priority: 1,
        OverrideAction: { None: {} },
        Statement: {
          ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet', RuleActionOverrides: [] },
        },
        VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'bad', SampledRequestsEnabled: true },
      },
    ];
    const { document } = toTerraform([
      mr('waf', 'wafv2', 'WebACL', { ruleJson: JSON.stringify(rules), defaultAction: { allow: {} } }),
    ]);
    expect(body(document, 'aws_wafv2_web_acl.waf')).toEqual({
      region: 'eu-west-1',
      default_action: [{ allow: [{}] }],
      rule: [
        {
          name: 'bad-inputs',
          priority: 1,
          override_action: [{ none: [{}] }],
          statement: [
            {
              managed_rule_group_statement: [
                { vendor_name: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet', rule_action_override: [] },
              ],
            },
          ],
          visibility_config: [{ cloudwatch_metrics_enabled: true, metric_name: 'bad', sampled_requests_enabled: true }],
        },
      ],
    });
  });
});

describe('references', () => {
  const resources = () => [
    mr('vpc', 'ec2', 'VPC', { cidrBlock: '10.0.0.0/16' }),
    mr(
      'subnet-az1',
      'ec2',
      'Subnet',
      { vpcIdSelector: sel('vpc') },
      { labels: { 'platform.payments.io/resource': 'subnet', zone: 'a' } },
    ),
    mr(
      'subnet-az2',
      'ec2',
      'Subnet',
      { vpcIdSelector: sel('vpc') },
      { labels: { 'platform.payments.io/resource': 'subnet', zone: 'b' } },
    ),
    mr('sg', 'ec2', 'SecurityGroup', { vpcIdSelector: sel('vpc'), description: 'lb' }),
    mr('lb', 'elbv2', 'LB', { subnetSelector: sel('subnet'), securityGroupSelector: sel('sg') }),
    mr('tg', 'elbv2', 'LBTargetGroup', { vpcIdSelector: sel('vpc') }),
    mr('listener', 'elbv2', 'LBListener', {
      loadBalancerArnSelector: sel('lb'),
      defaultAction: [{ type: 'forward', targetGroupArnSelector: sel('tg') }],
    }),
    mr('key', 'kms', 'Key', { enableKeyRotation: true }),
    mr(
      'db',
      'rds',
      'Cluster',
      { kmsKeyIdSelector: sel('key'), masterUserSecretKmsKeyIdSelector: sel('key') },
      { external: 'db-1' },
    ),
    mr('db-instance', 'rds', 'ClusterInstance', { clusterIdentifierSelector: sel('db') }, { external: 'db-1-1' }),
  ];

  test('selectors become Terraform references to the one resource (or the list) they select', () => {
    const { document } = toTerraform(resources());
    expect(body(document, 'aws_subnet.subnet_az1').vpc_id).toBe('${aws_vpc.vpc.id}');
    expect(body(document, 'aws_lb.lb')).toMatchObject({
      subnets: ['${aws_subnet.subnet_az1.id}', '${aws_subnet.subnet_az2.id}'],
      security_groups: ['${aws_security_group.sg.id}'],
    });
    expect(body(document, 'aws_lb_listener.listener')).toMatchObject({
      load_balancer_arn: '${aws_lb.lb.arn}',
      default_action: [{ type: 'forward', target_group_arn: '${aws_lb_target_group.tg.arn}' }],
    });
    expect(body(document, 'aws_rds_cluster.db')).toMatchObject({
      kms_key_id: '${aws_kms_key.key.arn}',
      master_user_secret_kms_key_id: '${aws_kms_key.key.key_id}',
    });
    expect(body(document, 'aws_rds_cluster_instance.db_instance').cluster_identifier).toBe('${aws_rds_cluster.db.id}');
  });

  test('a selector that selects nothing, or several for one value, is an error', () => {
    const r = resources();
    r.push(mr('flow-log', 'ec2', 'FlowLog', { vpcIdSelector: sel('nothing') }));
    r.push(mr('nat', 'ec2', 'NATGateway', { subnetIdSelector: sel('subnet') }));
    const problems = (() => {
      try {
        toTerraform(r);
        return [];
      } catch (e) {
        return (e as ConversionError).problems;
      }
    })();
    expect(problems).toEqual([
      expect.stringMatching(/^flow-log spec\.forProvider\.vpcIdSelector: selects no composed resource$/),
      expect.stringMatching(
        /^nat spec\.forProvider\.subnetIdSelector: selects 2 composed resources \(subnet-az1, subnet-az2\) for a single value/,
      ),
    ]);
  });

  test('an explicit value wins over its selector, as in the provider', () => {
    const { document } = toTerraform([
      mr('vpc', 'ec2', 'VPC', {}),
      mr('sg', 'ec2', 'SecurityGroup', { vpcId: 'vpc-123', vpcIdSelector: sel('vpc') }),
    ]);
    expect(body(document, 'aws_security_group.sg').vpc_id).toBe('vpc-123');
  });

  test('literals patched from another resource status (ARNs) become references', () => {
    const { document } = toTerraform(
      [
        mr('topic', 'sns', 'Topic', {}, { external: 'alarms' }),
        mr('alarm', 'cloudwatch', 'MetricAlarm', { alarmActions: ['arn:aws:sns:eu-west-1:1:alarms'], okActions: ['arn:other'] }),
      ],
      { observed: { topic: { arn: 'arn:aws:sns:eu-west-1:1:alarms', id: 'arn:aws:sns:eu-west-1:1:alarms' } } },
    );
    expect(body(document, 'aws_cloudwatch_metric_alarm.alarm')).toMatchObject({
      alarm_actions: ['${aws_sns_topic.topic.arn}'],
      ok_actions: ['arn:other'],
    });
  });

  test('in the production example, graph connections exist for the controls checkov judges by graph', () => {
    const { document } = claimToTerraform(production());
    const refs = JSON.stringify(document);
    expect(body(document, 'aws_internet_gateway.internet_gateway').vpc_id).toBe('${aws_vpc.vpc.id}');
    expect(body(document, 'aws_flow_log.flow_log').vpc_id).toBe('${aws_vpc.vpc.id}');
    expect(body(document, 'aws_default_security_group.default_security_group').vpc_id).toBe('${aws_vpc.vpc.id}');
    expect(body(document, 'aws_s3_bucket_public_access_block.bucket_assets_public_access_block').bucket).toBe(
      '${aws_s3_bucket.bucket_assets.id}',
    );
    expect(body(document, 'aws_cloudwatch_metric_alarm.alarm_db_cpu').alarm_actions).toEqual([
      '${aws_sns_topic.alarm_topic.arn}',
    ]);
    expect(refs).toContain('"${aws_lb_target_group.target_group.arn}"');
    // every external name of a kind named by it reached its argument
    const { final } = renderSteadyState(production());
    for (const { name, resource } of final.resources) {
      const mapping = AWS_KINDS[kindKey(String(resource.apiVersion), String(resource.kind))];
      const external = ((resource.metadata as Obj).annotations as Record<string, string> | undefined)?.[
        'crossplane.io/external-name'
      ];
      if (!mapping?.name || !external) continue;
      expect([name, body(document, `${mapping.type}.${terraformName(name)}`)[mapping.name.argument]]).toEqual([name, external]);
    }
  });
});

describe('HCL', () => {
  test('renders arguments, maps, lists and nested blocks, escaping strings', () => {
    const doc = {
      resource: {
        aws_s3_bucket_versioning: {
          v: {
            bucket: '${aws_s3_bucket.b.id}',
            versioning_configuration: [{ status: 'Enabled' }],
            tags: { 'cost-center': 'a"b' },
            list: ['x', 1, true, null] as TfValue[],
            empty: [] as TfValue[],
            policy: '{"a":"b\\c"}\n',
          },
        },
      },
    };
    expect(toHcl(doc)).toBe(
      [
        'resource "aws_s3_bucket_versioning" "v" {',
        '  bucket = "${aws_s3_bucket.b.id}"',
        '  versioning_configuration {',
        '    status = "Enabled"',
        '  }',
        '  tags = {',
        '    "cost-center" = "a\\"b"',
        '  }',
        '  list = [',
        '    "x",',
        '    1,',
        '    true,',
        '    null,',
        '  ]',
        '  empty = []',
        '  policy = "{\\"a\\":\\"b\\\\c\\"}\\n"',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('exceptions', () => {
  const failure = (checkId: string, resource: string): CheckResult => ({
    framework: 'terraform',
    checkId,
    checkName: checkId,
    resource,
    file: '/main.tf',
  });

  test('the committed file is valid and gives a reason for each exception', () => {
    const list = loadExceptions(join(ROOT, 'scan', 'exceptions.yaml'));
    for (const e of list) expect(e.reason.length).toBeGreaterThanOrEqual(20);
  });

  test('entries without a reason, with unknown keys or duplicated are rejected', () => {
    expect(() => parseExceptions('exceptions:\n  - {framework: terraform, check: CKV_AWS_1, resource: aws_vpc.vpc}')).toThrow(
      /reason must say why/,
    );
    expect(() =>
      parseExceptions(
        'exceptions:\n  - {framework: terraform, check: CKV_AWS_1, resource: a.b, reason: because it is fine really, why: x}',
      ),
    ).toThrow(/unknown key 'why'/);
    const e = '  - {framework: terraform, check: CKV_AWS_1, resource: a.b, reason: because it does not apply here}\n';
    expect(() => parseExceptions(`exceptions:\n${e}${e}`)).toThrow(/duplicate/);
    expect(() =>
      parseExceptions('exceptions:\n  - {framework: helm, check: CKV_AWS_1, resource: a.b, reason: because it does not apply}'),
    ).toThrow(/framework must be one of/);
  });

  test('cover their failure only; a failure without one fails; one matching nothing is stale', () => {
    const exceptions = parseExceptions(
      [
        'exceptions:',
        '  - {framework: terraform, check: CKV_AWS_145, resource: aws_s3_bucket.logs, reason: S3 server access logging targets only accept SSE-S3}',
        '  - {framework: terraform, check: CKV_AWS_18, resource: aws_s3_bucket.gone, reason: this resource no longer exists at all}',
      ].join('\n'),
    );
    const j = judge([failure('CKV_AWS_145', 'aws_s3_bucket.logs'), failure('CKV_AWS_145', 'aws_s3_bucket.assets')], exceptions);
    expect(j.excepted.map((x) => x.result.resource)).toEqual(['aws_s3_bucket.logs']);
    expect(j.failed.map((x) => x.resource)).toEqual(['aws_s3_bucket.assets']);
    expect(j.stale.map((x) => x.resource)).toEqual(['aws_s3_bucket.gone']);
  });

  test('the verdict: summary line, exceptions used, failures and stale exceptions listed', () => {
    const report = (framework: Framework, passed: number): CheckovReport => ({
      framework,
      version: '3.3.30',
      resourceCount: 3,
      passed: Array.from({ length: passed }, (_, i) => ({ ...failure(`CKV_AWS_${i}`, 'x.y'), framework })),
      failed: [],
      skipped: [],
    });
    const exceptions = parseExceptions(
      'exceptions:\n  - {framework: terraform, check: CKV_AWS_145, resource: aws_s3_bucket.logs, reason: S3 server access logging targets only accept SSE-S3}\n',
    );
    const outcome = (failed: CheckResult[]): ScanOutcome => ({
      claimFile: 'examples/claims/production.yaml',
      exceptionsFile: 'scan/exceptions.yaml',
      chart: { renders: [{ label: 'defaults', yaml: '', objects: [] }], report: report('kubernetes', 2) },
      terraform: {
        conversion: { document: { resource: {} }, addresses: new Map(), skipped: [] },
        report: report('terraform', 5),
      },
      image: { dockerfile: 'Dockerfile', report: report('dockerfile', 3) },
      exceptions,
      judgement: judge(failed, exceptions),
    });
    const ok = outcome([failure('CKV_AWS_145', 'aws_s3_bucket.logs')]);
    expect(scanPassed(ok)).toBe(true);
    const lines = formatOutcome(ok);
    expect(lines).toContain('  CKV_AWS_145 aws_s3_bucket.logs: S3 server access logging targets only accept SSE-S3');
    expect(lines).toContain(
      'checkov 3.3.30 dockerfile: Dockerfile (the operator image): 3 passed, 0 failed, 0 excepted, 0 skipped',
    );
    expect(lines.at(-1)).toBe('checkov: 10 passed, 0 failed, 1 skipped');

    const broken = outcome([failure('CKV_AWS_131', 'aws_lb.load_balancer')]);
    expect(scanPassed(broken)).toBe(false);
    const out = formatOutcome(broken);
    expect(out).toContain('FAILED CKV_AWS_131 aws_lb.load_balancer: CKV_AWS_131 [terraform]');
    expect(out.some((l) => l.startsWith('STALE CKV_AWS_145 aws_s3_bucket.logs'))).toBe(true);
    expect(out.at(-1)).toBe('checkov: 10 passed, 2 failed, 0 skipped');
  });

  test("checkov's JSON report is read for one framework, and an empty scan is a summary only", () => {
    const empty = parseCheckovJson(
      '{"passed":0,"failed":0,"skipped":0,"parsing_errors":0,"resource_count":0,"checkov_version":"3.3.30"}',
      'terraform',
    );
    expect(empty).toMatchObject({ resourceCount: 0, passed: [], failed: [] });
    const one = parseCheckovJson(
      JSON.stringify({
        check_type: 'terraform',
        results: {
          passed_checks: [],
          failed_checks: [{ check_id: 'CKV_AWS_1', check_name: 'n', resource: 'aws_vpc.vpc', file_path: '/main.tf' }],
        },
        summary: { passed: 0, failed: 1, parsing_errors: 0, resource_count: 1, checkov_version: '3.3.30' },
      }),
      'terraform',
    );
    expect(one.failed).toEqual([
      { framework: 'terraform', checkId: 'CKV_AWS_1', checkName: 'n', resource: 'aws_vpc.vpc', file: '/main.tf' },
    ]);
    expect(() =>
      parseCheckovJson(
        '{"summary":{"parsing_errors":1},"check_type":"terraform","results":{"parsing_errors":["/main.tf"]}}',
        'terraform',
      ),
    ).toThrow(/could not parse 1 file/);
  });
});
