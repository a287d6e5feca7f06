import yaml from 'js-yaml';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { API_FILES, COMPOSITION_NAME, XRD_NAME } from '../../src/apis/constants.js';
import { isInternalComposite, type RenderedLevel } from '../../src/render/tree.js';
import { renderClaim } from '../../src/render/claim.js';
import { checkSelectors } from '../../src/render/selectors.js';
import { exampleClaims, nestedVariant, ROOT, singleVariant, validClaims } from '../helpers.js';
import { observe, renderSteadyState } from '../../src/render/steady-state.js';
import { run, toolBin } from '../support/tools.js';
import { dumpAll, ensureNamespace, kubectl, startFunctions, writeTmp, type RunningFunctions } from './cluster.js';
import { type Obj } from '../../src/apis/obj.js';

const UID = '0a1b2c3d-1111-4222-8333-444455556666';

let fns: RunningFunctions;
beforeAll(async () => {
  fns = await startFunctions(true);
});
afterAll(() => fns?.stop());

/** The Composition and XRD files `crossplane render` reads: the single Composition's by default. */
interface RenderFiles {
  readonly composition: string;
  readonly xrd: string;
}
const SINGLE: RenderFiles = {
  composition: join(ROOT, 'compositions', `${COMPOSITION_NAME}.yaml`),
  xrd: join(ROOT, 'crds', `${XRD_NAME}.yaml`),
};

/** `crossplane render` with the real functions; returns composed resources by composition resource name. */
function crossplaneRender(
  xr: Obj,
  observed?: Record<string, Obj>,
  tag = 'r',
  files: RenderFiles = SINGLE,
): { xr: Obj; byName: Map<string, Obj> } {
  const args = [
    'render',
    writeTmp(`${tag}-xr.yaml`, dumpAll([xr])),
    files.composition,
    fns.file,
    '--xrd',
    files.xrd,
    '--crossplane-binary',
    toolBin('crossplane-core'),
  ];
  if (observed) args.push('--observed-resources', writeTmp(`${tag}-observed.yaml`, dumpAll(Object.values(observed))));
  const r = run(toolBin('crossplane'), args);
  if (r.code !== 0) throw new Error(`crossplane render failed: ${r.stderr}`);
  const docs = (yaml.loadAll(r.stdout) as Obj[]).filter(Boolean);
  const byName = new Map<string, Obj>();
  let out: Obj = {};
  for (const d of docs) {
    const name = (((d.metadata as Obj | undefined)?.annotations ?? {}) as Obj)['crossplane.io/composition-resource-name'];
    if (typeof name === 'string') byName.set(name, d);
    else if (d.kind === xr.kind) out = d;
  }
  return { xr: out, byName };
}

/** What the comparison ignores: names Crossplane generates at random. */
function normalize(o: Obj): Obj {
  const c = JSON.parse(JSON.stringify(o)) as Obj;
  const md = c.metadata as Obj;
  delete md.name;
  delete md.generateName;
  return c;
}

describe.each(validClaims().map((c) => [c.file, c.claim] as const))('%s through the real renderer', (_file, claim) => {
  // The single Composition (the files crossplane render is given here); the nested layout's
  // levels are compared below.
  const withUid = singleVariant(claim);
  (withUid.metadata as Obj).uid = UID;
  const converged = renderSteadyState(withUid);

  test('first reconcile: offline and real renders compose the same resources', () => {
    const real = crossplaneRender(withUid, undefined, 'first');
    const offline = renderClaim(withUid);
    expect([...real.byName.keys()].sort()).toEqual(offline.resources.map((r) => r.name).sort());
    for (const r of offline.resources)
      expect([r.name, normalize(real.byName.get(r.name) as Obj)]).toEqual([r.name, normalize(r.resource)]);
  });

  test('steady state: same resources, same status, and the server accepts every one (dry run)', () => {
    const observed = observe(converged.final.resources);
    const xr = JSON.parse(JSON.stringify(converged.xr)) as Obj;
    (xr.metadata as Obj).uid = UID;
    const real = crossplaneRender(xr, observed, 'steady');
    const offline = renderClaim(xr, { observed });
    expect([...real.byName.keys()].sort()).toEqual(offline.resources.map((r) => r.name).sort());
    for (const r of offline.resources)
      expect([r.name, normalize(real.byName.get(r.name) as Obj)]).toEqual([r.name, normalize(r.resource)]);
    expect((real.xr.status as Obj | undefined) ?? {}).toMatchObject((offline.composite.status as Obj | undefined) ?? {});

    const resources = [...real.byName.entries()].map(([name, resource]) => ({ name, resource }));
    expect(checkSelectors(resources).map((f) => f.message)).toEqual([]);
    ensureNamespace(String((xr.metadata as Obj).namespace));
    const failures: string[] = [];
    for (const { name, resource } of resources) {
      const r = kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], dumpAll([resource]));
      if (r.code !== 0) failures.push(`${name}: ${r.stderr.trim()}`);
    }
    expect(failures).toEqual([]);
  });
});

describe("tags that collide with the platform's own", () => {
  test("the real function-patch-and-transform keeps the platform's values (as the offline renderer does)", () => {
    const fixture = validClaims().find((c) => c.file.endsWith('/tags-colliding-and-unicode.yaml'));
    expect(fixture).toBeDefined();
    const xr = JSON.parse(JSON.stringify(fixture?.claim)) as Obj;
    (xr.metadata as Obj).uid = UID;
    const real = crossplaneRender(xr, undefined, 'tags');
    const tags = ((real.byName.get('vpc')?.spec as Obj).forProvider as Obj).tags as Obj;
    expect(tags).toMatchObject({
      environment: 'development',
      Name: 'tagged-development-vpc',
      'managed-by': 'crossplane',
      'payment-platform': 'tagged',
      'cost-center': 'CC-42 / payments',
      Größe: 'groß = 1.5',
    });
    const bucket = ((real.byName.get('bucket-assets')?.spec as Obj).forProvider as Obj).tags as Obj;
    expect(bucket).toMatchObject({ purpose: 'assets', tier: 'gold' });
  });
});

/**
 * The nested layout, level by level: every composite of the tree (the PaymentPlatform, its
 * branches and leaves) rendered by the real `crossplane render` with its own Composition and XRD,
 * against the offline renderer's level, on the first reconcile and in the steady state.
 */
describe.each(exampleClaims().map((c) => [c.file, c.claim] as const))(
  '%s in the nested layout, every level through the real renderer',
  (file, claim) => {
    const withUid = nestedVariant(claim);
    (withUid.metadata as Obj).uid = UID;
    const xrds = (yaml.loadAll(readFileSync(join(ROOT, API_FILES.nestedXrds), 'utf8')) as Obj[]).filter(Boolean);
    const filesFor = (level: RenderedLevel, tag: string): RenderFiles => {
      const kind = String(level.xr.kind);
      const xrd = xrds.find((x) => ((x.spec as Obj).names as Obj).kind === kind);
      return {
        composition: writeTmp(`${tag}-composition.yaml`, dumpAll([level.composition])),
        xrd: xrd ? writeTmp(`${tag}-xrd.yaml`, dumpAll([xrd])) : SINGLE.xrd,
      };
    };
    const compare = (level: RenderedLevel, observed: Record<string, Obj> | undefined, tag: string) => {
      const real = crossplaneRender(level.xr, observed, tag, filesFor(level, tag));
      const offline = level.result;
      const where = `${String(level.xr.kind)} ${level.path.join('/') || '(root)'}`;
      expect([where, [...real.byName.keys()].sort()]).toEqual([where, offline.resources.map((r) => r.name).sort()]);
      for (const r of offline.resources)
        expect([where, r.name, normalize(real.byName.get(r.name) as Obj)]).toEqual([where, r.name, normalize(r.resource)]);
      expect([where, (real.xr.status as Obj | undefined) ?? {}]).toMatchObject([
        where,
        (offline.composite.status as Obj | undefined) ?? {},
      ]);
      // function-payments-readiness said the readiness: the real Crossplane wrote it without a
      // message, and the offline renderer says the same.
      const readyCondition = (((real.xr.status as Obj | undefined)?.conditions as Obj[] | undefined) ?? []).find(
        (c) => c.type === 'Ready',
      );
      expect([where, offline.ready]).not.toEqual([where, undefined]);
      expect([where, readyCondition?.status, readyCondition?.message]).toEqual([
        where,
        offline.ready ? 'True' : 'False',
        undefined,
      ]);
    };

    test('first reconcile: each of the 14 levels composed at once composes what the real renderer composes', () => {
      const first = renderClaim(withUid);
      // The root, the foundation with the network core's two leaves, the network with its two
      // branches of three zones: the key set, the storage and the application wait for outputs.
      expect(first.levels).toHaveLength(14);
      first.levels.forEach((l, i) => compare(l, undefined, `nested-first-${i}`));
    });

    test('steady state: each level, with what it observes, composes and reports what the real renderer does', () => {
      const steady = renderSteadyState(withUid);
      const observedFor = (level: RenderedLevel): Record<string, Obj> =>
        Object.fromEntries(
          level.result.resources.map((r) => {
            const o = isInternalComposite(r.resource) ? steady.observedComposites[r.name] : steady.observed[r.name];
            if (!o) throw new Error(`${file}: nothing observed for ${r.name}`);
            return [r.name, o];
          }),
        );
      expect(steady.final.levels).toHaveLength(45);
      steady.final.levels.forEach((l, i) => compare(l, observedFor(l), `nested-steady-${i}`));
    });
  },
);
