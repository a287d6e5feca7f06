import { CompositeResourceDefinition } from '@crossplane-models/crossplane/apiextensions.crossplane.io/v2';
import { API_GROUP, API_GROUP_VERSION, KIND, XRD_NAME } from '../../src/apis/constants.js';
import { validateClaim } from '../../src/apis/validate.js';
import { openApiSchema } from '../../src/apis/xrd.js';
import { walkSchema } from '../../src/apis/schema.js';
import { synth } from '../../src/synth.js';
import { invalidFixtures, validClaims } from '../helpers.js';

describe('the PaymentPlatform XRD', () => {
  const { xrd } = synth();

  test('is a valid v2 namespaced XRD in the project API group', () => {
    // GIVEN the synthesized XRD WHEN validated against Crossplane's model THEN it passes
    expect(() => new CompositeResourceDefinition(xrd as never).validate()).not.toThrow();
    expect(xrd).toMatchObject({
      apiVersion: 'apiextensions.crossplane.io/v2',
      metadata: { name: XRD_NAME },
      spec: { scope: 'Namespaced', group: API_GROUP, names: { kind: KIND } },
    });
  });

  test('every input field has a description and a type', () => {
    const missing: string[] = [];
    walkSchema(openApiSchema(), (path, f) => {
      if (path.startsWith('spec.parameters') && !path.endsWith('[]') && !path.endsWith('.*') && (!f.description || !f.type))
        missing.push(path);
    });
    expect(missing).toEqual([]);
  });

  test('printer columns show environment, ALB DNS name and DB endpoint', () => {
    const spec = xrd.spec as { versions: { additionalPrinterColumns: { name: string; jsonPath: string }[] }[] };
    expect(spec.versions[0].additionalPrinterColumns.map((c) => c.jsonPath)).toEqual(
      expect.arrayContaining(['.spec.parameters.environment', '.status.albDnsName', '.status.dbEndpoint']),
    );
  });
});

describe('offline admission (schema + CEL) of claims', () => {
  test.each(validClaims().map((c) => [c.file, c.claim] as const))('%s is accepted', (_file, claim) => {
    expect(validateClaim(claim).findings).toEqual([]);
  });

  test.each(invalidFixtures().map((c) => [c.file, c.claim, c.field] as const))(
    '%s is rejected naming its field',
    (_file, claim, field) => {
      // WHEN the bad claim is validated THEN there is a finding for the named field, with that field in the message
      const { findings } = validateClaim(claim);
      expect(findings.length).toBeGreaterThan(0);
      expect(field).toBeDefined();
      const match = findings.find((f) => f.field === field || f.field.startsWith(`${field}.`) || f.field.startsWith(`${field}[`));
      expect(match).toBeDefined();
      expect(match?.message).toContain(field as string);
    },
  );

  test("a rule's reason words the message as the API server does (Required value, not Invalid value)", () => {
    const claim = {
      apiVersion: API_GROUP_VERSION,
      kind: KIND,
      metadata: { name: 'p' },
      spec: { parameters: { environment: 'production', monitoring: { alarmEmail: 'a@example.com' } } },
    };
    const messages = validateClaim(claim).findings.map((f) => f.message);
    expect(messages).toContain(
      'spec.parameters.loadBalancer.certificateArn: Required value: spec.parameters.loadBalancer.certificateArn is required in production (no HTTP-only production path)',
    );
    // A rule without a reason is an invalid value.
    const bad = { ...claim, spec: { parameters: { ...claim.spec.parameters, database: { deletionProtection: false } } } };
    expect(validateClaim(bad).findings.map((f) => f.message)).toContain(
      'spec.parameters.database.deletionProtection: Invalid value: spec.parameters.database.deletionProtection must be true in production',
    );
  });

  test.each([
    ['database', 'backupWindow', '3am-4am'],
    ['database', 'maintenanceWindow', 'sunday 4am'],
    ['loadBalancer', 'certificateArn', 'not-an-arn'],
    ['monitoring', 'snsTopicArn', 'arn:aws:sns'],
  ])(
    'a %s.%s its pattern refuses (%j) gets that one error, not also the evaluation errors of the rules that read it',
    (section, field, value) => {
      // The rules that cut these values at fixed offsets or split them on ':' would fail to
      // evaluate ("end index out of range", "index out of bounds"); they are guarded by the pattern.
      const claim = {
        apiVersion: API_GROUP_VERSION,
        kind: KIND,
        metadata: { name: 'p' },
        spec: { parameters: { [section]: { [field]: value } } },
      };
      const findings = validateClaim(claim).findings.map((f) => [f.field, f.rule, f.message.slice(0, f.message.indexOf(' ^'))]);
      expect(findings).toEqual([
        [`spec.parameters.${section}.${field}`, 'pattern', `spec.parameters.${section}.${field}: must match`],
      ]);
    },
  );

  test('defaults fill a claim that omits whole sections', () => {
    const { defaulted } = validateClaim({ apiVersion: API_GROUP_VERSION, kind: KIND, metadata: { name: 'p' } });
    expect(defaulted).toMatchObject({
      spec: {
        parameters: {
          environment: 'development',
          region: 'us-east-1',
          network: { vpcCidr: '10.0.0.0/16' },
          database: { minCapacity: 0.5, maxCapacity: 2, instances: 2, backupRetentionDays: 35, deletionProtection: true },
          loadBalancer: { healthCheckPath: '/health', tlsPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' },
          monitoring: { cpuThresholdPercent: 80, connectionsThreshold: 100 },
        },
      },
    });
  });

  test("availability zones have no static default: the Composition picks the region's own", () => {
    // GIVEN a claim without zones WHEN defaulted THEN no zone list is invented (a, b, c is wrong in ap-northeast-1)
    const { defaulted } = validateClaim({ apiVersion: API_GROUP_VERSION, kind: KIND, metadata: { name: 'p' } });
    expect((defaulted.spec as { parameters: { network: Record<string, unknown> } }).parameters.network).not.toHaveProperty(
      'availabilityZones',
    );
  });

  test('root rules name metadata.name with fieldPath, every message names its field first', () => {
    // The API server prints "<fieldPath>: Invalid value: ...": without fieldPath a root rule prints "<nil>".
    const root = openApiSchema()['x-kubernetes-validations'] ?? [];
    expect(root.map((r) => r.fieldPath)).toEqual([
      '.metadata.name',
      '.metadata.name',
      '.metadata.name',
      '.metadata.name',
      '.spec.crossplane.compositionRef',
    ]);
    for (const r of root) expect(r.message.startsWith(`${String(r.fieldPath).slice(1)} `)).toBe(true);
    walkSchema(openApiSchema(), (path, f) => {
      for (const r of f['x-kubernetes-validations'] ?? []) if (path) expect(r.message).toMatch(/^spec\.parameters\.[A-Za-z.]+ /);
    });
  });

  test('reports every finding, not only the first', () => {
    const { findings } = validateClaim({
      apiVersion: API_GROUP_VERSION,
      kind: KIND,
      metadata: { name: 'Bad_Name' },
      spec: { parameters: { environment: 'prod', network: { vpcCidr: '10.0.0.0/8' }, database: { instances: 9 } } },
    });
    expect(findings.map((f) => f.field)).toEqual(
      expect.arrayContaining([
        'metadata.name',
        'spec.parameters.environment',
        'spec.parameters.network.vpcCidr',
        'spec.parameters.database.instances',
      ]),
    );
  });
});
