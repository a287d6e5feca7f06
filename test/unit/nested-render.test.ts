/**
 * The offline renderer follows the nested layout's tree (src/render/tree.ts): a claim that names
 * the nested Composition is rendered level by level down to its managed resources, and every
 * consumer of the render (validate, render, diagram, report -f, the PCI controls) sees the same
 * managed resources as with the single Composition. The oracle is the single Composition's render
 * of the same claim: the two layouts must agree on every AWS field and on the status (the
 * README's promise: every AWS name, tag and output is the same).
 */
import { NESTED_COMPOSITION_NAME } from '../../src/apis/constants.js';
import { type Obj } from '../../src/apis/obj.js';
import { evaluateControls, policyResources } from '../../src/policy/evaluate.js';
import { renderClaim } from '../../src/render/claim.js';
import { checkSelectors } from '../../src/render/selectors.js';
import { renderSteadyState } from '../../src/render/steady-state.js';
import { claimToTerraform } from '../../src/scan/scan.js';
import { exampleClaims, nestedVariant, singleVariant, validFixtures } from '../helpers.js';
import { cli } from './cli-harness.js';

const canon = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(canon)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canon((v as Obj)[k])]),
        )
      : v;

/** A selector as the single Composition writes it (matchControllerRef), whichever layout wrote it. */
function unscoped(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(unscoped);
  if (!o || typeof o !== 'object') return o;
  const out: Obj = {};
  for (const [k, v] of Object.entries(o as Obj)) {
    if (k.endsWith('Selector') && v && typeof v === 'object') {
      const { matchControllerRef: _, ...sel } = v as Obj;
      const labels = { ...((sel.matchLabels as Obj | undefined) ?? {}) };
      delete labels['platform.payments.io/platform'];
      out[k] = { ...sel, matchLabels: labels };
    } else out[k] = unscoped(v);
  }
  return out;
}

/** What must be equal in both layouts: the kind, the AWS side (spec) and the external name. */
const awsSide = (r: Obj) =>
  canon({
    apiVersion: r.apiVersion,
    kind: r.kind,
    externalName: ((r.metadata as Obj).annotations as Obj | undefined)?.['crossplane.io/external-name'],
    spec: unscoped(r.spec),
  });

const claims = [...exampleClaims(), ...validFixtures().filter((f) => /every-option|staging-per-az-https/.test(f.file))];

describe.each(claims.map((c) => [c.file, c.claim] as const))('%s in the nested layout', (_file, claim) => {
  const flat = renderSteadyState(singleVariant(claim));
  const nested = renderSteadyState(nestedVariant(claim));

  test('composes the same managed resources, with the same AWS fields, and reports the same status', () => {
    expect(nested.final.resources.map((r) => r.name).sort()).toEqual(flat.final.resources.map((r) => r.name).sort());
    const flatByName = new Map(flat.final.resources.map((r) => [r.name, awsSide(r.resource)]));
    for (const r of nested.final.resources) expect([r.name, awsSide(r.resource)]).toEqual([r.name, flatByName.get(r.name)]);
    expect(canon(nested.status)).toEqual(canon(flat.status));
  });

  test('is a tree of 44 internal XRs, each managed resource owned by the leaf that composes it', () => {
    expect(nested.final.composites).toHaveLength(44);
    expect(flat.final.composites).toEqual([]);
    const vpc = nested.byName.get('vpc') as Obj;
    expect((vpc.metadata as Obj).ownerReferences).toEqual([
      expect.objectContaining({ kind: 'PlatformNetworkVpc', controller: true }),
    ]);
    const leafOf = (name: string) => ((nested.byName.get(name)?.metadata as Obj).ownerReferences as Obj[])[0]?.kind;
    expect(leafOf('db-subnet-group')).toBe('PlatformDatabaseCluster');
    expect(leafOf('subnet-private-az2')).toBe('PlatformNetworkAz2Private');
    // The ConfigMap stays on the PaymentPlatform.
    expect(leafOf('endpoints')).toBe('PaymentPlatform');
  });

  test('every selector resolves, also those that cross internal XRs, and none resolves by a controller it does not share', () => {
    expect(checkSelectors(nested.final.resources).map((f) => f.message)).toEqual([]);
    const sng = (nested.byName.get('db-subnet-group')?.spec as Obj).forProvider as Obj;
    expect(sng.subnetIdSelector).toEqual({
      matchLabels: { 'platform.payments.io/resource': 'subnet-private', 'platform.payments.io/platform': expect.any(String) },
    });
  });

  test("the scanner's Terraform (what checkov judges in `make scan`) is the same document", () => {
    expect(canon(claimToTerraform(nestedVariant(claim)).document)).toEqual(canon(claimToTerraform(claim).document));
  });

  test('the PCI controls give the same results', () => {
    const env = ((nested.xr.spec as Obj).parameters as Obj).environment as 'development';
    const results = (r: typeof flat) =>
      evaluateControls(policyResources(r.final.resources), env ?? 'development').map((c) => [c.control.id, c.resource, c.pass]);
    expect(results(nested)).toEqual(expect.arrayContaining(results(flat)));
    expect(results(nested)).toHaveLength(results(flat).length);
  });
});

describe('the nested layout through the CLI', () => {
  const [minimal] = exampleClaims().filter((c) => c.file.endsWith('minimal.yaml'));
  const nestedYaml = JSON.stringify(nestedVariant(minimal!.claim));

  test('validate checks the managed resources of every level (95, as with the single Composition)', async () => {
    const r = await cli(['validate', '-f', '-', '-o', 'json'], { stdin: nestedYaml });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, resources: 95 });
  });

  test('render shows the internal XRs and what each composes', async () => {
    const r = await cli(['render', '-f', '-', '-o', 'table'], { stdin: nestedYaml });
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').map((l) => l.split(/\s{2,}/));
    expect(rows).toContainEqual([
      'foundation',
      'PlatformFoundation',
      'internal.platform.payments.io/v1alpha1',
      'payments-foundation',
    ]);
    expect(rows).toContainEqual(['vpc', 'VPC', 'ec2.aws.m.upbound.io/v1beta1', 'payments-development-vpc']);
    // Held back until outputs arrive: the key set waits for the account id, the storage and the application for keys.
    expect(r.stderr).toMatch(/more wait for outputs of others \(application, keys, storage\)/);
  });

  test('a compositionRef that is not in the package is an error that names the ones it has', async () => {
    const bad = nestedVariant(minimal!.claim);
    ((bad.spec as Obj).crossplane as Obj).compositionRef = { name: 'paymentplatforms-gcp.platform.payments.io' };
    const r = await cli(['render', '-f', '-'], { stdin: JSON.stringify(bad) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `spec.crossplane.compositionRef.name "paymentplatforms-gcp.platform.payments.io" is not a Composition of this package (it has paymentplatforms-aws.platform.payments.io, ${NESTED_COMPOSITION_NAME})`,
    );
  });

  test('the first reconcile renders the levels that wait for no output, without observed resources', () => {
    const first = renderClaim(nestedVariant(minimal!.claim));
    const kinds = first.levels.map((l) => String(l.xr.kind));
    // The root, the foundation with the network core's two leaves (the key set and the storage
    // wait for the account id), the network with its two branches of three zones; the
    // application waits for the alarms key.
    expect(kinds).toContain('PlatformNetworkVpc');
    expect(kinds).not.toContain('PlatformApplication');
    expect(kinds).not.toContain('PlatformKeySet');
    expect(first.levels).toHaveLength(14);
  });
});
