import type { Environment } from '../../src/apis/payment-platform.js';
import { CONTROLS } from '../../src/policy/controls.js';
import { evaluateControls, failures } from '../../src/policy/evaluate.js';
import { relaxedOutsideProduction } from '../../src/policy/report.js';
import type { Control, Obj } from '../../src/policy/types.js';
import { getField, setField } from '../../src/render/fieldpath.js';
import { renderSteadyState } from '../../src/render/steady-state.js';
import { exampleClaims, validClaims } from '../helpers.js';

const claimNamed = (suffix: string) => exampleClaims().find((c) => c.file.endsWith(suffix))?.claim ?? {};
const envOf = (claim: Record<string, unknown>) => ((claim.spec as Obj).parameters as Obj).environment as Environment;
const rendered = (claim: Record<string, unknown>) =>
  renderSteadyState(claim).final.resources.map((r) => ({ name: r.name, resource: r.resource }));

describe('PCI controls on rendered platforms', () => {
  test.each(validClaims().map((c) => [c.file, c.claim] as const))(
    '%s meets every control its environment requires',
    (_f, claim) => {
      const results = evaluateControls(rendered(claim), envOf(claim));
      expect(
        failures(results).map((r) => `${r.control.id} ${r.resource ?? '(missing)'} ${r.field}=${JSON.stringify(r.actual)}`),
      ).toEqual([]);
    },
  );

  test('production meets every control, relaxed or not', () => {
    const results = evaluateControls(rendered(claimNamed('production.yaml')), 'production');
    expect(results.filter((r) => !r.pass).map((r) => r.control.id)).toEqual([]);
    expect(new Set(results.map((r) => r.control.id))).toEqual(new Set(CONTROLS.map((c) => c.id)));
  });

  test('development relaxes exactly the documented controls, nothing about credentials, encryption or exposure', () => {
    const results = evaluateControls(rendered(claimNamed('minimal.yaml')), 'development');
    const relaxedAndFailing = [...new Set(results.filter((r) => !r.pass).map((r) => r.control.id))].sort();
    const documented = relaxedOutsideProduction().map((c) => c.id);
    for (const id of relaxedAndFailing) expect(documented).toContain(id);
    expect(relaxedAndFailing).toEqual(
      [
        'PP-ALB-DELETION-PROTECTION',
        'PP-ALB-HTTP-REDIRECT',
        'PP-ALB-TLS13',
        'PP-DATA-ORPHANED',
        'PP-LOG-OBJECT-LOCK',
        'PP-NAT-PER-AZ',
        'PP-WAF-ATTACHED',
        'PP-WAF-LOGGING',
        'PP-WAF-LOG-RETENTION',
        'PP-WAF-MANAGED-RULES',
      ].sort(),
    );
    for (const c of relaxedOutsideProduction()) {
      expect([c.id, c.pci.some((p) => /^(3\.5|8\.|1\.4\.4)/.test(p))]).toEqual([c.id, false]);
    }
  });
});

/** Values to try in place of a field: removal first, then changes of the same type. */
function mutations(value: unknown): unknown[] {
  const out: unknown[] = [undefined];
  if (value === undefined) out.push('0.0.0.0/0', 'changed', true, false, 0, []);
  if (typeof value === 'boolean') out.push(!value);
  if (typeof value === 'number') out.push(0, 1);
  if (typeof value === 'string') out.push('', 'changed', '0.0.0.0/0');
  if (Array.isArray(value)) out.push([]);
  if (value && typeof value === 'object' && !Array.isArray(value)) out.push({});
  return out;
}

function setOrDelete(resource: Obj, field: string, value: unknown): Obj {
  const copy = JSON.parse(JSON.stringify(resource)) as Obj;
  if (value === undefined) {
    const i = field.lastIndexOf('.');
    try {
      const parent = getField(copy, field.slice(0, i)) as Record<string, unknown>;
      delete parent[field.slice(i + 1)];
    } catch {
      // already absent
    }
  } else setField(copy, field, value);
  return copy;
}

describe('mutation: every control fails when its field is removed or changed', () => {
  // Rendered once, before the first test that runs (not when the file is only collected).
  let resources: ReturnType<typeof rendered> = [];
  beforeAll(() => {
    resources = rendered(claimNamed('production.yaml'));
  });
  test.each(CONTROLS.map((c) => [c.id, c] as const))('%s', (_id, control: Control) => {
    const results = evaluateControls(resources, 'production', [control]);
    const targets = results.filter((r) => r.resource !== undefined);
    expect(targets.length).toBeGreaterThan(0);
    // Some resource of the control, with its field removed or changed, fails the control.
    const broken = targets.some((target) =>
      mutations(target.actual).some((m) => {
        const mutated = resources.map((r) =>
          r.name === target.resource ? { name: r.name, resource: setOrDelete(r.resource, control.field, m) } : r,
        );
        return evaluateControls(mutated, 'production', [control]).some((r) => r.resource === target.resource && !r.pass);
      }),
    );
    expect([control.id, broken]).toEqual([control.id, true]);
    if (control.mustExist !== false) {
      const without = resources.filter((r) => !results.some((x) => x.resource === r.name));
      expect(failures(evaluateControls(without, 'production', [control])).length).toBeGreaterThan(0);
    }
  });
});
