/**
 * The offline list of fields provider-upjet-aws requires only through CEL rules
 * (`CEL_REQUIRED`, used by `kubectl payments validate` and the unit suites) against the CRDs the
 * real API server serves, pinned by hack/tools.sh: for every kind the Composition composes, the
 * list names exactly the `forProvider` fields the CRD's `x-kubernetes-validations` require.
 */
import { App, Chart } from 'cdk8s';
import { managedKinds } from '../../src/chart/kinds.js';
import { PaymentPlatformComposition } from '../../src/composition/composition.js';
import { CEL_REQUIRED } from '../../src/render/provider-checks.js';
import { kubectlOk, requireCluster } from './cluster.js';
import { type Obj } from '../../src/apis/obj.js';

/** `forProvider` fields a CRD version's spec-level CEL rules require (`has(self.forProvider.X)`). */
function celRequiredOf(crd: Obj, version: string): string[] {
  const versions = ((crd.spec as Obj).versions ?? []) as Obj[];
  const v = versions.find((x) => x.name === version);
  if (!v) throw new Error(`${String((crd.metadata as Obj).name)} serves no ${version}`);
  const spec = (((v.schema as Obj).openAPIV3Schema as Obj).properties as Obj).spec as Obj;
  const rules = ((spec['x-kubernetes-validations'] ?? []) as Obj[]).map((r) => String(r.rule));
  const fields = rules.flatMap((r) => [...r.matchAll(/has\(self\.forProvider\.(\w+)\)/g)].map((m) => m[1]));
  return [...new Set(fields)].sort();
}

test('CEL_REQUIRED names exactly the fields the served provider CRDs require by CEL, for every composed kind', () => {
  requireCluster();
  const kinds = managedKinds(new PaymentPlatformComposition(new Chart(new App(), 'cel')).resources);
  expect(kinds.length).toBeGreaterThan(30);
  const served: Record<string, string[]> = {};
  const offline: Record<string, string[]> = {};
  for (const k of kinds) {
    const crd = JSON.parse(kubectlOk(['get', 'crd', k.crd, '-o', 'json'])) as Obj;
    served[k.kind] = celRequiredOf(crd, k.version);
    offline[k.kind] = [...(CEL_REQUIRED[k.kind] ?? [])].sort();
  }
  // The rule form did not change under us: some composed kinds do have CEL-required fields.
  expect(Object.values(served).flat().length).toBeGreaterThan(10);
  expect(offline).toEqual(served);
});
