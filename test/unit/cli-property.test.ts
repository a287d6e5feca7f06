/**
 * Property-based tests: claims generated from the XRD's own schema (parametersSchema). Every
 * claim the schema and CEL rules accept renders to resources that pass the provider schemas,
 * the CEL-required fields, the selectors and the AWS naming limits; every claim broken at one
 * known field is rejected with a finding that names that field.
 */
import fc from 'fast-check';
import { API_GROUP_VERSION, KIND, MAX_NAME_LENGTH } from '../../src/apis/constants.js';
import { parametersSchema } from '../../src/apis/payment-platform.js';
import type { JsonSchema } from '../../src/apis/schema.js';
import { validateClaim } from '../../src/apis/validate.js';
import { checkClaim } from '../../src/cli/checks.js';
import { cli } from './cli-harness.js';
import { type Obj } from '../../src/apis/obj.js';

const RUNS = Number(process.env.PP_PROPERTY_RUNS ?? 40);

/** An arbitrary of the values a schema admits (bounds, enums, patterns, lengths, sets). */
function arbitraryOf(s: JsonSchema): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string': {
      const max = Math.min(s.maxLength ?? 40, 200);
      const base = s.pattern
        ? fc.stringMatching(new RegExp(s.pattern))
        : fc.string({ minLength: s.minLength ?? 0, maxLength: max });
      return base.filter((v) => v.length <= (s.maxLength ?? Infinity) && v.length >= (s.minLength ?? 0));
    }
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case 'number': {
      const min = s.minimum ?? -1000;
      const max = s.maximum ?? 1000;
      if (s.multipleOf) {
        const step = s.multipleOf;
        return fc.integer({ min: Math.ceil(min / step), max: Math.floor(max / step) }).map((k) => k * step);
      }
      return fc.oneof(
        fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
        fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const item = arbitraryOf(s.items ?? {});
      const constraints = { minLength: s.minItems ?? 0, maxLength: s.maxItems ?? 5 };
      return s['x-kubernetes-list-type'] === 'set'
        ? fc.uniqueArray(item, { ...constraints, selector: (v) => JSON.stringify(v) })
        : fc.array(item, constraints);
    }
    case 'object': {
      if (s.properties) {
        const props = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, arbitraryOf(v)]));
        return fc.record(props, { requiredKeys: [...(s.required ?? [])] });
      }
      if (typeof s.additionalProperties === 'object') {
        const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.:/=+@-]{0,30}$/);
        return fc.dictionary(key, arbitraryOf(s.additionalProperties), { maxKeys: Math.min(s.maxProperties ?? 5, 5) });
      }
      return fc.constant({});
    }
    default:
      return fc.constant(null);
  }
}

const nameArb = fc
  .stringMatching(/^[a-z]([a-z0-9]|-[a-z0-9])*$/)
  .filter((n) => n.length <= MAX_NAME_LENGTH && !n.startsWith('internal-'));

const claimArb = fc.record({
  name: nameArb,
  namespace: fc.stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/),
  parameters: arbitraryOf(parametersSchema),
});

const toClaim = (c: { name: string; namespace: string; parameters: unknown }): Obj => ({
  apiVersion: API_GROUP_VERSION,
  kind: KIND,
  metadata: { name: c.name, namespace: c.namespace },
  spec: { parameters: c.parameters },
});

/**
 * The schema alone cannot say which values fit together (an ARN in the claim's region, zones the
 * region has, non-overlapping Aurora windows, a management-policy set Crossplane supports): an
 * accepted claim takes its ARNs' region and partition from its own region and leaves the
 * combinatorial fields to their defaults, or almost no generated claim would pass. Those rules have
 * their own valid and invalid fixtures (test/fixtures/claims); the rejected and broken claims below
 * still draw every field.
 */
function fitCrossFieldRules(c: { name: string; namespace: string; parameters: unknown }) {
  const p = JSON.parse(JSON.stringify(c.parameters ?? {})) as Obj;
  const region = typeof p.region === 'string' ? p.region : 'us-east-1';
  const inRegion = (arn: unknown) =>
    typeof arn === 'string'
      ? arn
          .split(':')
          .map((part, i) => (i === 1 ? 'aws' : i === 3 ? region : part))
          .join(':')
      : arn;
  const section = (k: string) => (p[k] !== null && typeof p[k] === 'object' ? (p[k] as Obj) : undefined);
  const lb = section('loadBalancer');
  if (lb?.certificateArn !== undefined) lb.certificateArn = inRegion(lb.certificateArn);
  const mon = section('monitoring');
  if (mon?.snsTopicArn !== undefined) mon.snsTopicArn = inRegion(mon.snsTopicArn);
  delete section('network')?.availabilityZones;
  delete section('database')?.backupWindow;
  delete section('database')?.maintenanceWindow;
  delete p.managementPolicies;
  return { ...c, parameters: p };
}

const accepted = claimArb
  .map(fitCrossFieldRules)
  .map(toClaim)
  .filter((c) => validateClaim(c).findings.length === 0);

describe('claims generated from the XRD schema', () => {
  test('every accepted claim renders to resources that pass the provider schemas, CEL-required fields, selectors and AWS naming limits', async () => {
    await fc.assert(
      fc.asyncProperty(accepted, async (claim) => {
        const outcome = await checkClaim(claim);
        const broken = outcome.findings.filter((f) => f.stage !== 'pci' && f.severity === 'error');
        expect(broken).toEqual([]);
        expect(outcome.resourceCount).toBeGreaterThan(50);
      }),
      { numRuns: RUNS },
    );
  });

  test('every claim the rules reject has findings whose field is named in their message', async () => {
    const rejected = claimArb.map(toClaim).filter((c) => validateClaim(c).findings.length > 0);
    await fc.assert(
      fc.asyncProperty(rejected, async (claim) => {
        const outcome = await checkClaim(claim);
        expect(outcome.findings.length).toBeGreaterThan(0);
        expect(outcome.stagesRun).toEqual(['schema']);
        for (const f of outcome.findings) {
          expect(f.field).toMatch(/^(metadata\.name|spec\.parameters(\.|$))/);
          expect(f.message).toContain(f.field);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** A way to break one field so that the schema must reject it. */
interface Mutation {
  /** Path under spec.parameters (`database.instances`). */
  readonly path: string;
  /** The field the finding must name (the path, or path.<unknown key>). */
  readonly field: string;
  readonly what: string;
  readonly value: unknown;
}

function mutationsOf(s: JsonSchema, path: string, out: Mutation[]): void {
  const add = (what: string, value: unknown, field = path) => out.push({ path, field, what, value });
  if (path !== '') {
    if (s.type === 'string') add('wrong type', 12345);
    if (s.type === 'integer') add('wrong type (a fraction)', 1.5);
    if (s.type === 'integer' || s.type === 'number') add('wrong type', 'ten');
    if (s.type === 'boolean') add('wrong type', 'yes');
    if (s.type === 'array' || s.type === 'object') add('wrong type', 'x');
    if (s.enum) add('not in the enum', s.type === 'string' ? 'not-an-option' : 12345);
    if (s.maximum !== undefined) add('above the maximum', s.maximum + (s.multipleOf ?? 1));
    if (s.minimum !== undefined) add('below the minimum', s.minimum - (s.multipleOf ?? 1));
    if (s.maxLength !== undefined && s.type === 'string' && !s.enum) add('too long', 'a'.repeat(s.maxLength + 1));
    if (s.pattern) add('not matching the pattern', '!!');
    if (s.type === 'array' && s.maxItems !== undefined)
      add(
        'too many items',
        Array.from({ length: s.maxItems + 1 }, (_, i) => `${i}`),
      );
  }
  if (s.type === 'object' && s.properties) {
    add('an unknown key', 'surprise', path === '' ? 'spec.parameters.surprise' : `spec.parameters.${path}.surprise`);
    for (const [k, child] of Object.entries(s.properties)) mutationsOf(child, path ? `${path}.${k}` : k, out);
  }
}

const MUTATIONS: Mutation[] = [];
mutationsOf(parametersSchema, '', MUTATIONS);

function mutate(claim: Obj, m: Mutation): Obj {
  const c = JSON.parse(JSON.stringify(claim)) as Obj;
  const spec = c.spec as Obj;
  let cur = (spec.parameters ??= {}) as Obj;
  if (m.what === 'an unknown key') {
    for (const k of m.path.split('.').filter(Boolean)) {
      if (cur[k] === null || typeof cur[k] !== 'object' || Array.isArray(cur[k])) cur[k] = {};
      cur = cur[k] as Obj;
    }
    cur.surprise = m.value;
    return c;
  }
  const keys = m.path.split('.');
  const last = keys.pop() ?? '';
  for (const k of keys) {
    if (cur[k] === null || typeof cur[k] !== 'object' || Array.isArray(cur[k])) cur[k] = {};
    cur = cur[k] as Obj;
  }
  cur[last] = m.value;
  return c;
}

describe('claims broken at one field', () => {
  test(`the mutations cover every field of the schema (${MUTATIONS.length} mutations)`, () => {
    expect(MUTATIONS.length).toBeGreaterThan(60);
  });

  test('every broken claim is rejected with a finding that names the broken field', async () => {
    await fc.assert(
      fc.asyncProperty(accepted, fc.constantFrom(...MUTATIONS), async (claim, m) => {
        const broken = mutate(claim, m);
        const outcome = await checkClaim(broken);
        const fields = outcome.findings.map((f) => f.field);
        const named = outcome.findings.some(
          (f) =>
            (f.field === `spec.parameters.${m.path}` ||
              f.field === m.field ||
              f.field.startsWith(`spec.parameters.${m.path}[`)) &&
            f.message.includes(f.field),
        );
        expect([m.path, m.what, named, fields]).toEqual([m.path, m.what, true, fields]);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test.each(MUTATIONS.map((m) => [m.path || '(parameters)', m.what, m] as const))(
    'validate on a claim with %s %s exits 1 naming it',
    async (_p, _w, m) => {
      const base = {
        apiVersion: API_GROUP_VERSION,
        kind: KIND,
        metadata: { name: 'payments', namespace: 'ns' },
        spec: { parameters: {} },
      };
      const r = await cli(['validate', '-f', '-', '-o', 'json'], { stdin: JSON.stringify(mutate(base, m)) });
      expect(r.code).toBe(1);
      const findings = (JSON.parse(r.stdout) as { findings: { field: string }[] }).findings.map((f) => f.field);
      expect(
        findings.some((f) => f === m.field || f === `spec.parameters.${m.path}` || f.startsWith(`spec.parameters.${m.path}[`)),
      ).toBe(true);
    },
  );
});
