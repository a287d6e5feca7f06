import yaml from 'js-yaml';
import { checkClaim, checkResources, type CheckFinding } from '../../src/cli/checks.js';
import { renderSteadyState } from '../../src/render/steady-state.js';
import { invalidFixtures, validClaims } from '../helpers.js';
import { cli } from './cli-harness.js';
import { type Obj } from '../../src/apis/obj.js';

interface ValidateJson {
  valid: boolean;
  environment?: string;
  resources: number;
  stages: { stage: string; run: boolean; errors: number; warnings: number }[];
  findings: CheckFinding[];
}

/** The stages of `validate`, in order (docs/cli.md). */
const STAGE_ORDER = ['schema', 'provider', 'selectors', 'pci', 'naming'];
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const fp = (r: Obj) => (r.spec as Obj).forProvider as Obj;

describe.each(validClaims().map((c) => [c.file, c.claim] as const))('validate -f %s', (file) => {
  test('runs every stage and exits 0 (warnings are only the controls the environment relaxes)', async () => {
    const r = await cli(['validate', '-f', file, '-o', 'json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as ValidateJson;
    expect(out.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(out.findings.every((f) => f.stage === 'pci' && f.message.endsWith('(relaxed in this environment)'))).toBe(true);
    expect([r.code, out.valid]).toEqual([0, true]);
    expect(out.stages.map((s) => [s.stage, s.run])).toEqual(STAGE_ORDER.map((s) => [s, true]));
    expect(out.resources).toBeGreaterThan(50);
  });

  test('table output lists every stage with a mark and ends with the verdict', async () => {
    const r = await cli(['validate', '-f', file]);
    expect(r.code).toBe(0);
    for (const s of STAGE_ORDER) expect(r.stdout).toMatch(new RegExp(`[✓!] ${s}\\s`));
    expect(r.stdout.trimEnd()).toMatch(/valid( with \d+ warnings?)?$/);
  });
});

test('a production claim passes every PCI control without warnings', async () => {
  const out = JSON.parse((await cli(['validate', '-f', 'examples/claims/production.yaml', '-o', 'json'])).stdout) as ValidateJson;
  expect(out.environment).toBe('production');
  expect(out.findings).toEqual([]);
});

describe.each(invalidFixtures().map((c) => [c.file, c.field] as const))('validate -f %s (invalid)', (file, field) => {
  test('exits 1 with a schema finding that names the field, its rule and message; later stages are skipped', async () => {
    const r = await cli(['validate', '-f', file, '-o', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as ValidateJson;
    expect(out.valid).toBe(false);
    const f = out.findings.find((x) => x.field === field || x.field.startsWith(`${field}.`) || x.field.startsWith(`${field}[`));
    expect(f).toMatchObject({ stage: 'schema', severity: 'error', rule: expect.any(String) });
    expect(f?.message).toContain(field as string);
    expect(out.stages.filter((s) => s.run).map((s) => s.stage)).toEqual(['schema']);
  });

  test('the table shows the field and rule, and the verdict', async () => {
    const r = await cli(['validate', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/SEVERITY\s+STAGE\s+RESOURCE\s+FIELD\s+RULE\s+MESSAGE/);
    expect(r.stdout).toContain(field as string);
    expect(r.stdout).toContain('skipped (the claim is invalid)');
    expect(r.stdout).toMatch(/invalid: \d+ errors?/);
  });
});

test('every finding is reported, not only the first', async () => {
  const claim = {
    apiVersion: 'platform.payments.io/v1alpha1',
    kind: 'PaymentPlatform',
    metadata: { name: 'Bad_Name', namespace: 'x' },
    spec: {
      parameters: {
        environment: 'prod',
        network: { vpcCidr: '10.0.0.0/8', colour: 'red' },
        database: { instances: 9, minCapacity: 'small' },
      },
    },
  };
  const r = await cli(['validate', '-f', '-', '-o', 'json'], { stdin: yaml.dump(claim) });
  expect(r.code).toBe(1);
  const fields = (JSON.parse(r.stdout) as ValidateJson).findings.map((f) => `${f.field} ${f.rule}`);
  expect(fields).toEqual(
    expect.arrayContaining([
      'metadata.name cel',
      'spec.parameters.environment enum',
      'spec.parameters.network.vpcCidr pattern',
      'spec.parameters.network.colour unknown-field',
      'spec.parameters.database.instances maximum',
      'spec.parameters.database.minCapacity type',
    ]),
  );
});

test('-o yaml gives the same data as -o json', async () => {
  const file = 'test/fixtures/claims/invalid/wrong-type.yaml';
  const j = JSON.parse((await cli(['validate', '-f', file, '-o', 'json'])).stdout) as unknown;
  expect(yaml.load((await cli(['validate', '-f', file, '-o', 'yaml'])).stdout)).toEqual(j);
});

describe('checks after rendering catch broken resources (what a Composition bug would produce)', () => {
  const minimal = validClaims()[0]?.claim;
  const rendered = () => clone(renderSteadyState(minimal).final.resources);
  const find = (rs: { name: string; resource: Obj }[], name: string) => {
    const r = rs.find((x) => x.name === name);
    if (!r) throw new Error(`no ${name}`);
    return r.resource;
  };
  const errors = async (rs: ReturnType<typeof rendered>) =>
    (await checkResources(rs, 'development')).findings.filter((f) => f.severity === 'error');

  test('the unbroken render has no errors', async () => {
    expect(await errors(rendered())).toEqual([]);
  });

  test('provider schema: a wrong type, with the resource and field path', async () => {
    const rs = rendered();
    fp(find(rs, 'vpc')).enableDnsSupport = 'yes';
    expect(await errors(rs)).toEqual([
      expect.objectContaining({
        stage: 'provider',
        resource: 'vpc',
        field: 'spec.forProvider.enableDnsSupport',
        rule: 'provider-schema/type',
      }),
    ]);
  });

  test('provider schema: a missing required field', async () => {
    const rs = rendered();
    delete fp(find(rs, 'vpc')).region;
    const found = await errors(rs);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stage: 'provider',
          resource: 'vpc',
          field: 'spec.forProvider.region',
          rule: 'provider-schema/required',
        }),
        expect.objectContaining({ stage: 'provider', resource: 'vpc', field: 'spec.forProvider.region', rule: 'cel-required' }),
      ]),
    );
  });

  test('CEL-required: a field only the provider CEL rules require', async () => {
    const rs = rendered();
    delete fp(find(rs, 'db-cluster')).engine;
    expect(await errors(rs)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stage: 'provider',
          resource: 'db-cluster',
          field: 'spec.forProvider.engine',
          rule: 'cel-required',
        }),
      ]),
    );
  });

  test('selectors: a selector that matches nothing', async () => {
    const rs = rendered();
    ((fp(find(rs, 'internet-gateway')).vpcIdSelector as Obj).matchLabels as Obj)['platform.payments.io/resource'] = 'nope';
    expect(await errors(rs)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stage: 'selectors',
          resource: 'internet-gateway',
          field: 'spec.forProvider.vpcIdSelector',
          rule: 'selector',
        }),
      ]),
    );
  });

  test('naming: an ALB name over 32 characters and a bucket name with capitals', async () => {
    const rs = rendered();
    fp(find(rs, 'load-balancer')).name = 'a'.repeat(33);
    ((find(rs, 'bucket-assets').metadata as Obj).annotations as Obj)['crossplane.io/external-name'] = 'Assets';
    const found = (await errors(rs)).filter((f) => f.stage === 'naming');
    expect(found.map((f) => [f.resource, f.field, f.rule])).toEqual([
      ['bucket-assets', 'metadata.annotations[crossplane.io/external-name]', 'naming/pattern'],
      ['load-balancer', 'spec.forProvider.name', 'naming/length'],
    ]);
    expect(found.find((f) => f.resource === 'load-balancer')?.message).toContain('is 33 characters; AWS allows at most 32');
  });

  test('pci: a required control that fails is an error naming the control and requirement', async () => {
    const rs = rendered();
    fp(find(rs, 'db-cluster')).storageEncrypted = false;
    expect(await errors(rs)).toEqual([
      expect.objectContaining({
        stage: 'pci',
        resource: 'db-cluster',
        field: 'spec.forProvider.kmsKeyIdSelector.matchLabels',
        rule: 'PP-DB-ENCRYPTED-CMK (PCI DSS 3.5.1)',
      }),
    ]);
    expect((await errors(rs))[0]?.message).toContain('expected storageEncrypted = true with the data CMK, got ');
  });

  test('stages run in order: provider, selectors, pci, naming', async () => {
    const rs = rendered();
    fp(find(rs, 'load-balancer')).name = 'a'.repeat(33);
    fp(find(rs, 'vpc')).enableDnsSupport = 'yes';
    // listed in the order the stages run, not in the order the resources were broken
    expect((await errors(rs)).map((f) => [f.stage, f.resource])).toEqual([
      ['provider', 'vpc'],
      ['naming', 'load-balancer'],
    ]);
  });
});

test('checkClaim on a valid claim returns the control results for the report', async () => {
  const outcome = await checkClaim(validClaims()[0]?.claim);
  expect(outcome.controls.length).toBeGreaterThan(10);
  expect(outcome.stagesRun).toEqual(STAGE_ORDER);
});
