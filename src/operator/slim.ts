/**
 * What the informers keep of each object: the fields the operator reads and nothing else.
 * managedFields, last-applied annotations, provider configuration and the rest of the spec are
 * dropped before caching, which at 45,000 managed resources is most of the memory. Kinds that no
 * PCI control inspects keep only the references in their spec (the dependency graph's input) and
 * their conditions: about 40% of a platform's composed resources (routes, associations, aliases).
 */
import { ANNOTATION_COMPOSITION_RESOURCE_NAME, ANNOTATION_PAUSED, LABEL_COMPOSITE } from '../apis/constants.js';
import { CONTROLS } from '../policy/controls.js';
import { isObj, type KubeObject, type Obj } from './kube/objects.js';

export { LABEL_COMPOSITE };

/** The annotation Crossplane v2 puts on every composed resource: its name in the Composition. */
export const ANNOTATION_RESOURCE_NAME = ANNOTATION_COMPOSITION_RESOURCE_NAME;

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
  // JSON.parse gives every object its own copy of the namespace: share one.
  if (typeof out.namespace === 'string') out.namespace = intern(out.namespace);
  if (keepLabels && isObj(md.labels)) out.labels = compact(md.labels);
  if (isObj(md.annotations)) {
    const a: Obj = {};
    for (const k of KEEP_ANNOTATIONS) if (typeof md.annotations[k] === 'string') a[k] = intern(md.annotations[k]);
    if (Object.keys(a).length > 0) out.annotations = a;
  }
  return out;
}

/**
 * Conditions as the operator reads them. A composed resource's lastTransitionTime is read by
 * nothing (the health roll-up and the controls judge type, status, reason and message), so it is
 * not kept: a provider re-sync that only moves it leaves the cached object unchanged.
 */
function slimConditions(status: Obj, keepTransitionTime: boolean): unknown {
  if (!Array.isArray(status.conditions)) return status.conditions;
  const conditions = status.conditions.map((c: unknown) => {
    if (!isObj(c)) return c;
    const out: Obj = {};
    for (const k of keepTransitionTime ? CONDITION_FIELDS_WITH_TIME : CONDITION_FIELDS) if (c[k] !== undefined) out[k] = c[k];
    return compact(out);
  });
  return keepTransitionTime ? conditions : shared(conditions);
}

const CONDITION_FIELDS = ['type', 'status', 'reason', 'message'] as const;
const CONDITION_FIELDS_WITH_TIME = [...CONDITION_FIELDS, 'lastTransitionTime'] as const;

/**
 * One frozen copy of each distinct conditions list of composed resources: without their
 * lastTransitionTime, healthy resources all carry the same few lists (Ready/Available and
 * Synced/ReconcileSuccess), so tens of thousands of objects share a handful of arrays. Nothing
 * in the operator mutates a cached object (frozen, a write would throw). Bounded like `pool`.
 */
const sharedConditions = new Map<string, unknown>();
const SHARED_LIMIT = 20_000;
function shared(conditions: unknown[]): unknown {
  const key = JSON.stringify(conditions);
  const found = sharedConditions.get(key);
  if (found !== undefined) return found;
  if (sharedConditions.size >= SHARED_LIMIT) sharedConditions.clear();
  for (const c of conditions) if (isObj(c)) Object.freeze(c);
  Object.freeze(conditions);
  sharedConditions.set(key, conditions);
  return conditions;
}

/** Spec fields no control or roll-up reads (provider plumbing). */
const DROP_SPEC = new Set([
  'initProvider',
  'providerConfigRef',
  'writeConnectionSecretToRef',
  'publishConnectionDetailsTo',
  'deletionPolicy',
]);

/** The kinds some PCI control inspects (spec.forProvider, status.atProvider, a Usage's `by`). */
const INSPECTED_KINDS: ReadonlySet<string> = new Set(CONTROLS.map((c) => c.kind));

/**
 * Only the references of a forProvider value: `*Selector`, `*Ref` and `*Refs` entries and the
 * objects and arrays that hold them, as `dependencies.ts` reads them; undefined when none.
 */
function referencesOnly(v: unknown, depth = 0): unknown {
  if (depth > 8) return undefined;
  if (Array.isArray(v)) {
    const kept = v.map((x) => referencesOnly(x, depth + 1)).filter((x) => x !== undefined);
    return kept.length > 0 ? kept : undefined;
  }
  if (!isObj(v)) return undefined;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (/(Selector|Ref|Refs)$/.test(k)) out[k] = compact(x);
    else {
      const r = referencesOnly(x, depth + 1);
      if (r !== undefined) out[k] = r;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A composed resource: identity, labels (selectors match them), conditions, and
 * - for a kind a PCI control inspects: the spec without provider plumbing (controls read
 *   forProvider, managementPolicies, a Usage's `by`) and atProvider;
 * - for any other kind: only the references in spec.forProvider.
 */
export function slimManaged(o: KubeObject): KubeObject {
  const spec = isObj(o.spec) ? o.spec : {};
  const status = isObj(o.status) ? o.status : {};
  const inspected = INSPECTED_KINDS.has(String(o.kind));
  const out: KubeObject = {
    apiVersion: typeof o.apiVersion === 'string' ? intern(o.apiVersion) : o.apiVersion,
    kind: typeof o.kind === 'string' ? intern(o.kind) : o.kind,
    metadata: slimMeta(o, true) as unknown as KubeObject['metadata'],
  };
  out.spec = inspected
    ? compact(Object.fromEntries(Object.entries(spec).filter(([k]) => !DROP_SPEC.has(k))))
    : { forProvider: referencesOnly(spec.forProvider) ?? {} };
  const st: Obj = {};
  if (status.conditions !== undefined) st.conditions = slimConditions(status, false);
  if (inspected && status.atProvider !== undefined) st.atProvider = compact(status.atProvider);
  out.status = st;
  return out;
}

/** An internal composite resource (nested layout): identity, labels, resourceRefs and conditions. */
export function slimComposite(o: KubeObject): KubeObject {
  const spec = isObj(o.spec) ? o.spec : {};
  const status = isObj(o.status) ? o.status : {};
  const crossplane = isObj(spec.crossplane) ? spec.crossplane : {};
  return {
    apiVersion: typeof o.apiVersion === 'string' ? intern(o.apiVersion) : o.apiVersion,
    kind: typeof o.kind === 'string' ? intern(o.kind) : o.kind,
    metadata: slimMeta(o, true) as unknown as KubeObject['metadata'],
    spec: { crossplane: { resourceRefs: crossplane.resourceRefs } },
    status: status.conditions !== undefined ? { conditions: slimConditions(status, false) } : {},
  };
}

/** A PaymentPlatform: identity, environment, resourceRefs, conditions and the operator's health. */
export function slimPlatform(o: KubeObject): KubeObject {
  const spec = isObj(o.spec) ? o.spec : {};
  const status = isObj(o.status) ? o.status : {};
  const params = isObj(spec.parameters) ? spec.parameters : {};
  const crossplane = isObj(spec.crossplane) ? spec.crossplane : {};
  const out: KubeObject = {
    apiVersion: typeof o.apiVersion === 'string' ? intern(o.apiVersion) : o.apiVersion,
    kind: typeof o.kind === 'string' ? intern(o.kind) : o.kind,
    metadata: slimMeta(o, false) as unknown as KubeObject['metadata'],
  };
  out.spec = { parameters: { environment: params.environment }, crossplane: { resourceRefs: crossplane.resourceRefs } };
  const st: Obj = {};
  if (status.conditions !== undefined) st.conditions = slimConditions(status, true);
  if (status.health !== undefined) st.health = status.health;
  out.status = st;
  return out;
}

/**
 * True when two slimmed objects differ at most in metadata.resourceVersion and, with
 * `exceptHealth`, in status.health (the operator's own output, which it never re-reads for a
 * platform it has evaluated): nothing the operator reads changed, so there is nothing to
 * re-evaluate. Slimmed objects are built field by field in a fixed order, so one JSON form each.
 */
export function unchangedForOperator(previous: KubeObject | undefined, next: KubeObject, exceptHealth = false): boolean {
  if (!previous) return false;
  return contentOf(previous, exceptHealth) === contentOf(next, exceptHealth);
}

function contentOf(o: KubeObject, exceptHealth: boolean): string {
  const { resourceVersion, ...metadata } = o.metadata ?? {};
  void resourceVersion;
  const status = isObj(o.status) ? o.status : undefined;
  if (!exceptHealth || !status) return JSON.stringify([metadata, o.spec, o.status]);
  const { health, ...rest } = status;
  void health;
  return JSON.stringify([metadata, o.spec, rest]);
}
