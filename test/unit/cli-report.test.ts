import { compareRequirements, type EvidenceReport } from '../../src/cli/evidence.js';
import { renderSteadyState } from '../../src/render/steady-state.js';
import { exampleClaims, invalidFixtures, validClaims } from '../helpers.js';
import { cli, cond, fakeCluster, liveFixture } from './cli-harness.js';
import { type Obj } from '../../src/apis/obj.js';

const production = exampleClaims().find((c) => c.file.endsWith('production.yaml'))?.claim as Obj;

describe.each(validClaims().map((c) => [c.file] as const))('report -f %s (simulation)', (file) => {
  test('json: per requirement, each control with resource, field, value and verdict; exit 0', async () => {
    const r = await cli(['report', '-f', file, '-o', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as EvidenceReport;
    expect(report.source.mode).toBe('simulation');
    // every requirement the controls of src/policy/controls.ts cite, in numeric order
    expect(report.requirements.map((q) => q.requirement)).toEqual([
      '1.3.1',
      '1.4.2',
      '1.4.4',
      '3.2.1',
      '3.5.1',
      '3.6.1',
      '3.7.4',
      '4.2.1',
      '6.2.4',
      '6.3.3',
      '6.4.2',
      '8.3.1',
      '8.3.9',
      '8.6.2',
      '8.6.3',
      '10.2.1',
      '10.3.2',
      '10.3.3',
      '10.4.1.1',
      '10.5.1',
      '10.7.2',
      '12.10.1',
    ]);
    for (const q of report.requirements)
      for (const row of q.rows) {
        expect(Object.keys(row).sort()).toEqual(
          [
            'checkov',
            'control',
            'expected',
            'field',
            'kind',
            'pass',
            'required',
            'resource',
            'securityHub',
            'title',
            'value',
          ].sort(),
        );
        expect(row.pass || !row.required).toBe(true);
      }
    expect(report.summary.failed).toBe(0);
    expect(report.summary.checks).toBe(report.summary.passed + report.summary.relaxed);
  });

  test('markdown: a summary, the simulation warning and a table per requirement', async () => {
    const r = await cli(['report', '-f', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# PCI DSS v4\.0\.1 evidence: PaymentPlatform \S+\/\S+\n/);
    expect(r.stdout).toContain('> This is a SIMULATION');
    expect(r.stdout).toContain('## Requirement 3.5.1');
    expect(r.stdout).toContain('| Control | Resource | Field | Value | Expected | Result | Security Hub / checkov |');
    for (const line of r.stdout.split('\n').filter((l) => l.startsWith('| PP-'))) expect(line.split(/(?<!\\)\|/)).toHaveLength(9);
  });
});

test('the production example passes every control, the evidence names the encrypted Aurora cluster', async () => {
  const report = JSON.parse(
    (await cli(['report', '-f', 'examples/claims/production.yaml', '-o', 'json'])).stdout,
  ) as EvidenceReport;
  expect(report.environment).toBe('production');
  expect(report.summary.relaxed).toBe(0);
  const rows = report.requirements.find((q) => q.requirement === '3.5.1')?.rows ?? [];
  expect(rows.some((x) => x.resource === 'db-cluster')).toBe(true);
});

test.each(
  invalidFixtures()
    .slice(0, 3)
    .map((c) => [c.file, c.field] as const),
)('report -f %s (invalid) exits 1 naming the field', async (file, field) => {
  const r = await cli(['report', '-f', file]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(field as string);
});

describe('report NAME (live, fake cluster)', () => {
  const resources = renderSteadyState(production).final.resources;

  test('reads the composed resources of the named platform, exit 0', async () => {
    const r = await cli(['report', 'payments-prod', '-n', 'team-payments', '-o', 'json'], {
      connect: fakeCluster(() => liveFixture(production, resources)),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as EvidenceReport;
    expect(report.source.mode).toBe('live');
    expect(report.platform).toEqual({ namespace: 'team-payments', name: 'payments-prod' });
    expect(report.summary.failed).toBe(0);
  });

  /**
   * The load balancer as AWS reports it: `dropInvalidHeaderFields` set in the spec or not
   * (undefined: deleted), and in status.atProvider.
   */
  const reportWithAlb = async (spec: boolean | undefined, atProvider: boolean) => {
    const fixture = () => {
      const f = liveFixture(production, resources);
      const lb = f.objects.get('load-balancer') as Obj;
      const fp = (lb.spec as Obj).forProvider as Obj;
      if (spec === undefined) delete fp.dropInvalidHeaderFields;
      else fp.dropInvalidHeaderFields = spec;
      (lb.status as Obj).atProvider = { dropInvalidHeaderFields: atProvider };
      return f;
    };
    const r = await cli(['report', 'payments-prod', '-n', 'team-payments', '-o', 'json'], { connect: fakeCluster(fixture) });
    const report = JSON.parse(r.stdout) as EvidenceReport;
    const rows = report.requirements
      .flatMap((q) => q.rows)
      .filter((x) => x.control === 'PP-ALB-DROP-INVALID-HEADERS')
      .map((x) => ({ resource: x.resource, value: x.value, pass: x.pass }));
    return { code: r.code, failed: report.summary.failed, rows };
  };

  test('judges status.atProvider where the spec is silent: AWS reporting false fails PP-ALB-DROP-INVALID-HEADERS', async () => {
    expect(await reportWithAlb(undefined, false)).toEqual({
      code: 1,
      failed: 1,
      rows: [{ resource: 'load-balancer', value: false, pass: false }],
    });
  });

  test('judges status.atProvider where the spec is silent: AWS reporting true passes', async () => {
    expect(await reportWithAlb(undefined, true)).toEqual({
      code: 0,
      failed: 0,
      rows: [{ resource: 'load-balancer', value: true, pass: true }],
    });
  });

  test('the spec comes first: spec true passes even though atProvider says false', async () => {
    expect(await reportWithAlb(true, false)).toEqual({
      code: 0,
      failed: 0,
      rows: [{ resource: 'load-balancer', value: true, pass: true }],
    });
  });

  test('a control that fails live exits 1 and is marked FAIL', async () => {
    const broken = resources.map((x) => {
      if (x.name !== 'db-cluster') return x;
      const r = JSON.parse(JSON.stringify(x.resource)) as Obj;
      ((r.spec as Obj).forProvider as Obj).storageEncrypted = false;
      return { name: x.name, resource: r };
    });
    const r = await cli(['report', 'payments-prod', '-n', 'team-payments'], {
      connect: fakeCluster(() => liveFixture(production, broken)),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\| db-cluster \(Cluster\) \| `spec\.forProvider\.[A-Za-z.]+` \| .* \| \*\*FAIL\*\* \|/);
    expect(r.stdout).toMatch(/Result \| \d+ of \d+ checks pass, [1-9]\d* fail/);
  });

  test('a missing composed resource fails the controls on it', async () => {
    const fixture = () =>
      liveFixture(production, resources, { 'db-cluster': 'missing' }, [
        cond('Ready', 'False', 'Creating', 'Unready resources: db-cluster'),
      ]);
    const r = await cli(['report', 'payments-prod', '-n', 'team-payments', '-o', 'json'], { connect: fakeCluster(fixture) });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as EvidenceReport;
    expect(report.source.description).toContain('1 referenced resources not found');
  });

  test('-n is refused with -f', async () => {
    const r = await cli(['report', '-f', 'examples/claims/minimal.yaml', '-n', 'x']);
    expect(r.code).toBe(2);
  });
});

test('requirements sort numerically', () => {
  expect(['10.5.1', '1.4.2', '1.3.1', '3.5.1', '10.4.1.1'].sort(compareRequirements)).toEqual([
    '1.3.1',
    '1.4.2',
    '3.5.1',
    '10.4.1.1',
    '10.5.1',
  ]);
});
