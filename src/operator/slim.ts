/**
 * What the informers keep of each object: the fields the operator reads and nothing else.
 * managedFields, last-applied annotations, provider configuration and the rest of the spec are
 * dropped before caching, which at 45,000 managed resources is most of the memory.
 */
import { ANNOTATION_PAUSED, LABEL_COMPOSITE } from '../apis/constants.js';
import { isObj, type KubeObject, type Obj } from './kube/objects.js';

export { LABEL_COMPOSITE };

/** The annotation Crossplane v2 puts on every composed resource: its name in the Composition. */
export const ANNOTATION_RESOURCE_NAME = 'crossplane.io/composition-resource-name';

const KEEP_ANNOTATIONS = [ANNOTATION_RESOURCE_NAME, ANNOTATION_PAUSED];

/**
 * One copy of each short string value: thousands of composed resources repeat the same values
 * (regions, condition types and reasons, timestamps, tag values, selector labels), and JSON.parse
 * gives every occurrence its own string. The pool is cleared when it grows past its bound.
 */
const pool = new Map<string, string>();
const POOL_LIMIT = 200_000;
function intern(s: string): string {
  if (s.length > 96) return s;
  const found = pool.get(s);
  if (found !== undefined) return found;
  if (pool.size >= POOL_LIMIT) pool.clear();
  pool.set(s, s);
  return s;
}

/** A deep copy of JSON data with short strings interned. */
function compact(v: unknown): unknown {
  if (typeof v === 'string') return intern(v);
  if (Array.isArray(v)) return v.map(compact);
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = compact(x);
    return out;
  }
  return v;
}

function slimMeta(o: KubeObject, keepLabels: boolean): Obj {
  const md: Obj = isObj(o.metadata) ? (o.metadata as unknown as Obj) : {};
  const out: Obj = {};
  for (const k of ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'deletionTimestamp']) {
    if (md[k] !== undefined) out[k] = md[k];
  }
  if (keepLabels && isObj(md.labels)) out.labels = compact(md.labels);
  if (isObj(md.annotations)) {
    const a: Obj = {};
    for (const k of KEEP_ANNOTATIONS) if (typeof md.annotations[k] === 'string') a[k] = intern(md.annotations[k]);
    if (Object.keys(a).length > 0) out.annotations = a;
  }
  return out;
}

function slimConditions(status: Obj): unknown {
  if (!Array.isArray(status.conditions)) return status.conditions;
  return status.conditions.map((c: unknown) => {
    if (!isObj(c)) return c;
    return compact({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastTransitionTime: c.lastTransitionTime,
    });
  });
}

/** Spec fields no control or roll-up reads (provider plumbing). */
const DROP_SPEC = new Set([
  'initProvider',
  'providerConfigRef',
  'writeConnectionSecretToRef',
  'publishConnectionDetailsTo',
  'deletionPolicy',
]);

/**
 * A composed resource: identity, labels (selectors match them), the spec without provider
 * plumbing (controls read forProvider, managementPolicies, a Usage's `by`), conditions and
 * atProvider.
 */
export function slimManaged(o: KubeObject): KubeObject {
  const spec = isObj(o.spec) ? o.spec : {};
  const status = isObj(o.status) ? o.status : {};
  const out: KubeObject = {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: slimMeta(o, true) as unknown as KubeObject['metadata'],
  };
  out.spec = compact(Object.fromEntries(Object.entries(spec).filter(([k]) => !DROP_SPEC.has(k))));
  const st: Obj = {};
  if (status.conditions !== undefined) st.conditions = slimConditions(status);
  if (status.atProvider !== undefined) st.atProvider = compact(status.atProvider);
  out.status = st;
  return out;
}

/** A PaymentPlatform: identity, environment, resourceRefs, conditions and the operator's health. */
export function slimPlatform(o: KubeObject): KubeObject {
  const spec = isObj(o.spec) ? o.spec : {};
  const status = isObj(o.status) ? o.status : {};
  const params = isObj(spec.parameters) ? spec.parameters : {};
  const crossplane = isObj(spec.crossplane) ? spec.crossplane : {};
  const out: KubeObject = {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: slimMeta(o, false) as unknown as KubeObject['metadata'],
  };
  out.spec = { parameters: { environment: params.environment }, crossplane: { resourceRefs: crossplane.resourceRefs } };
  const st: Obj = {};
  if (status.conditions !== undefined) st.conditions = slimConditions(status);
  if (status.health !== undefined) st.health = status.health;
  out.status = st;
  return out;
}
