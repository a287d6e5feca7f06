import { getField } from '../../src/render/fieldpath.js';
import { checkSelectors } from '../../src/render/selectors.js';
import { PARITY } from '../../src/composition/parity.js';
import { validClaims, exampleClaims, singleVariant } from '../helpers.js';
import { renderSteadyState } from '../../src/render/steady-state.js';
import {
  checkCelRequired,
  checkNamingLimits,
  checkProviderModels,
  isAwsManaged,
  providerModel,
} from '../../src/render/provider-checks.js';
import { type Obj } from '../../src/apis/obj.js';

const minimal = () => exampleClaims().find((c) => c.file.endsWith('minimal.yaml'))!.claim;
const production = () => exampleClaims().find((c) => c.file.endsWith('production.yaml'))!.claim;
const DEFAULT_PC = { name: 'default', kind: 'ClusterProviderConfig' };
const fp = (r: Obj | undefined) => ((r?.spec as Obj | undefined)?.forProvider ?? {}) as Obj;

/**
 * What each valid claim resolves to after the XRD defaults (environment development, region
 * us-east-1, providerConfigName default, providerConfigKind ClusterProviderConfig), read off the
 * claim files by hand.
 */
const DEFAULTED: Record<string, { region: string; environment: string; providerConfig: { name: string; kind: string } }> = {
  'examples/claims/minimal.yaml': { region: 'us-east-1', environment: 'development', providerConfig: DEFAULT_PC },
  'examples/claims/production.yaml': { region: 'eu-west-1', environment: 'production', providerConfig: DEFAULT_PC },
  'test/fixtures/claims/valid/ap-northeast-1-region-defaults.yaml': {
    region: 'ap-northeast-1',
    environment: 'development',
    providerConfig: DEFAULT_PC,
  },
  'test/fixtures/claims/valid/ca-central-1-zones.yaml': {
    region: 'ca-central-1',
    environment: 'staging',
    providerConfig: DEFAULT_PC,
  },
  'test/fixtures/claims/valid/every-option.yaml': {
    region: 'eu-central-1',
    environment: 'production',
    providerConfig: DEFAULT_PC,
  },
  'test/fixtures/claims/valid/longest-name.yaml': {
    region: 'ap-southeast-2',
    environment: 'development',
    providerConfig: { name: 'aws-team-payments', kind: 'ProviderConfig' },
  },
  'test/fixtures/claims/valid/name-starting-with-sg.yaml': {
    region: 'us-east-1',
    environment: 'development',
    providerConfig: DEFAULT_PC,
  },
  'test/fixtures/claims/valid/production-boundaries.yaml': {
    region: 'us-east-1',
    environment: 'production',
    providerConfig: DEFAULT_PC,
  },
  'test/fixtures/claims/valid/staging-per-az-https.yaml': {
    region: 'us-west-2',
    environment: 'staging',
    providerConfig: DEFAULT_PC,
  },
  // the claim's own tags.environment and managed-by lose to the platform's
  'test/fixtures/claims/valid/tags-colliding-and-unicode.yaml': {
    region: 'eu-central-1',
    environment: 'development',
    providerConfig: DEFAULT_PC,
  },
};

/** IAM is global: its resources take no region. */
const GLOBAL_KINDS = ['Role', 'RolePolicyAttachment'];
/** Kinds whose AWS resource has no tags (Terraform AWS provider: no `tags` argument). */
const UNTAGGED_KINDS = [
  'Alias',
  'BucketLifecycleConfiguration',
  'BucketLogging',
  'BucketObjectLockConfiguration',
  'BucketOwnershipControls',
  'BucketPolicy',
  'BucketPublicAccessBlock',
  'BucketServerSideEncryptionConfiguration',
  'BucketVersioning',
  'RolePolicyAttachment',
  'Route',
  'RouteTableAssociation',
  'TopicSubscription',
  'VPCEndpointRouteTableAssociation',
  'WebACLAssociation',
  'WebACLLoggingConfiguration',
];

test('every valid claim has its defaulted expectations written down', () => {
  expect(validClaims().map((c) => c.file)).toEqual(Object.keys(DEFAULTED).sort());
});

describe.each(validClaims().map((c) => [c.file, c.claim] as const))('rendering %s', (file, claim) => {
  // The single Composition's templates; the nested layout composes the same (nested-render.test.ts).
  const { final, first, status } = renderSteadyState(singleVariant(claim));
  const managed = final.resources.filter((r) => isAwsManaged(r.resource));

  test('every composed resource validates against its provider model', async () => {
    for (const { name, resource } of managed) {
      expect([name, (await providerModel(String(resource.apiVersion), String(resource.kind))) !== undefined]).toEqual([
        name,
        true,
      ]);
    }
    expect((await checkProviderModels(final.resources)).map((f) => f.message)).toEqual([]);
  });

  test('every field that the provider requires only by CEL is set', () => {
    expect(checkCelRequired(final.resources).map((f) => f.message)).toEqual([]);
  });

  test('every single-valued selector matches exactly one composed resource', () => {
    expect(checkSelectors(final.resources).map((f) => f.message)).toEqual([]);
  });

  test('region, provider config, tags and labels reach every managed resource', () => {
    const want = DEFAULTED[file];
    expect(managed.length).toBeGreaterThan(50);
    for (const { name, resource } of managed) {
      const kind = String(resource.kind);
      expect([name, fp(resource).region]).toEqual([name, GLOBAL_KINDS.includes(kind) ? undefined : want.region]);
      expect([name, (resource.spec as Obj).providerConfigRef]).toEqual([name, want.providerConfig]);
      expect([name, ((resource.metadata as Obj).labels as Obj)['platform.payments.io/resource']]).toEqual([
        name,
        expect.any(String),
      ]);
      const tags = fp(resource).tags as Obj | undefined;
      expect([name, tags?.environment, tags?.['managed-by']]).toEqual(
        UNTAGGED_KINDS.includes(kind) ? [name, undefined, undefined] : [name, want.environment, 'crossplane'],
      );
    }
  });

  test('AWS names fit the limits for this claim', () => {
    expect(checkNamingLimits(final.resources).map((f) => f.message)).toEqual([]);
  });

  test('no password or secret value appears anywhere', () => {
    const text = JSON.stringify(final.resources);
    expect(text).not.toMatch(/"masterPassword"|"password"\s*:|ChangeMe/i);
    const cluster = final.resources.find((r) => r.name === 'db-cluster')!.resource;
    expect(fp(cluster).manageMasterUserPassword).toBe(true);
  });

  test('outputs reach the PaymentPlatform status', () => {
    // the simulated AWS response names an id <kind>-<composition resource name> (src/render/steady-state.ts)
    expect(status).toMatchObject({
      vpcId: 'vpc-vpc',
      publicSubnetIds: ['subnet-subnet-public-az1', 'subnet-subnet-public-az2', 'subnet-subnet-public-az3'],
      privateSubnetIds: ['subnet-subnet-private-az1', 'subnet-subnet-private-az2', 'subnet-subnet-private-az3'],
      appSecurityGroupId: 'securitygroup-security-group-app',
      // region left open: the simulation writes us-east-1 for every claim (see cli-render.test.ts)
      albDnsName: expect.stringMatching(/^lb-load-balancer\.[a-z0-9-]+\.elb\.amazonaws\.com$/),
      albArn: expect.stringMatching(/^arn:aws:elbv2:[a-z0-9-]+:123456789012:lb\/lb-load-balancer$/),
      dbPort: 3306,
      dbEndpoint: expect.stringContaining('.cluster-'),
      dbReaderEndpoint: expect.stringContaining('.cluster-ro-'),
      dbMasterUserSecretArn: expect.stringContaining(':secretsmanager:'),
      assetsBucketName: expect.any(String),
      flowLogsBucketName: expect.any(String),
      alarmTopicArn: expect.any(String),
    });
  });

  test('resources that need outputs wait for them, then appear', () => {
    const held = ['flow-log', 'bucket-assets-policy', 'bucket-flow-logs-policy', 'alarm-db-cpu'];
    for (const name of held) {
      expect(first.resources.map((r) => r.name)).not.toContain(name);
      expect(final.resources.map((r) => r.name)).toContain(name);
    }
  });
});

describe('choices the claim makes', () => {
  test('production: a NAT gateway per AZ, each private route to its own zone', () => {
    const { byName } = renderSteadyState(production());
    for (const z of ['az1', 'az2', 'az3']) {
      expect(byName.has(`nat-gateway-${z}`)).toBe(true);
      expect(
        getField(byName.get(`route-private-default-${z}`), 'spec.forProvider.natGatewayIdSelector.matchLabels'),
      ).toMatchObject({
        'platform.payments.io/zone': z,
      });
    }
  });

  test('development: one NAT gateway shared by every private route table', () => {
    const { byName } = renderSteadyState(minimal());
    expect(byName.has('nat-gateway-az2')).toBe(false);
    expect(byName.has('nat-eip-az3')).toBe(false);
    for (const z of ['az1', 'az2', 'az3']) {
      expect(
        getField(byName.get(`route-private-default-${z}`), 'spec.forProvider.natGatewayIdSelector.matchLabels'),
      ).toMatchObject({
        'platform.payments.io/zone': 'az1',
      });
    }
  });

  test('a certificate gives HTTPS with a TLS 1.3 policy and a 301 redirect from HTTP', () => {
    const { byName } = renderSteadyState(production());
    expect(byName.has('listener-http-forward')).toBe(false);
    const https = fp(byName.get('listener-https'));
    expect(https).toMatchObject({ port: 443, protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
    expect(https.certificateArn).toMatch(/^arn:aws:acm:/);
    expect(fp(byName.get('listener-http-redirect')).defaultAction).toEqual([
      { type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } },
    ]);
  });

  test('without a certificate (development only) port 80 forwards', () => {
    const { byName } = renderSteadyState(minimal());
    expect(byName.has('listener-https')).toBe(false);
    expect(byName.has('listener-http-redirect')).toBe(false);
    expect(fp(byName.get('listener-http-forward')).protocol).toBe('HTTP');
  });

  test('production orphans data stores: no Delete in their management policies', () => {
    const { byName } = renderSteadyState(production());
    for (const name of ['db-cluster', 'db-instance-1', 'bucket-assets', 'bucket-flow-logs']) {
      expect([name, (byName.get(name)!.spec as Obj).managementPolicies]).toEqual([
        name,
        ['Observe', 'Create', 'Update', 'LateInitialize'],
      ]);
    }
    expect((byName.get('vpc')!.spec as Obj).managementPolicies).toBeUndefined();
  });

  test('alarms notify the platform topic (and the extra topic when given)', () => {
    const { byName } = renderSteadyState(production());
    for (const a of ['alarm-unhealthy-hosts', 'alarm-db-cpu', 'alarm-db-connections']) {
      expect(fp(byName.get(a)).alarmActions).toEqual([expect.stringContaining(':sns:')]);
      expect(fp(byName.get(a)).okActions).toHaveLength(1);
    }
    expect(fp(byName.get('alarm-topic-email'))).toMatchObject({ protocol: 'email', endpoint: 'payments-oncall@example.com' });
    const staging = validClaims().find((c) => c.file.includes('staging'))!.claim;
    expect(fp(renderSteadyState(staging).byName.get('alarm-db-cpu')).alarmActions).toHaveLength(2);
  });

  test('the instance count picks how many DB instances exist', () => {
    const staging = validClaims().find((c) => c.file.includes('staging'))!.claim;
    expect(renderSteadyState(staging).byName.has('db-instance-3')).toBe(true);
    const longest = validClaims().find((c) => c.file.includes('longest'))!.claim;
    expect(renderSteadyState(longest).byName.has('db-instance-2')).toBe(false);
  });

  test('bucket policies deny plain HTTP; the flow-log bucket admits log delivery for this account only', () => {
    const { byName } = renderSteadyState(minimal());
    const flow = JSON.parse(String(fp(byName.get('bucket-flow-logs-policy')).policy)) as { Statement: Obj[] };
    expect(flow.Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(flow.Statement[1]).toMatchObject({
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
    const assets = JSON.parse(String(fp(byName.get('bucket-assets-policy')).policy)) as { Statement: Obj[] };
    expect(assets.Statement).toHaveLength(1);
    expect(fp(byName.get('flow-log')).logDestination).toMatch(/^arn:aws:s3:::payments-flow-logs-/);
  });
});

describe('parity with the seed design', () => {
  // The single Composition's render: its selectors match by controller reference, which the
  // nested layout rewrites to the platform label where a selector crosses XRs (nested.test.ts).
  const { byName } = renderSteadyState(singleVariant(minimal()));
  test.each(PARITY.map((r) => [r.original, r] as const))('%s', (_o, row) => {
    expect(row.checks.filter((c) => c.field !== 'kind').length).toBeGreaterThan(0);
    for (const c of row.checks) {
      expect([c.resource, c.field, getField(byName.get(c.resource), c.field)]).toEqual([c.resource, c.field, c.equals]);
    }
  });
});
