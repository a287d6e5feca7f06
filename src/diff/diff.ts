/**
 * What applying a Composition to a live PaymentPlatform would change, resource by resource: the
 * desired composed resources (the offline renderer, fed the live composite and the live composed
 * resources, as Crossplane's function pipeline is) against the live objects.
 *
 * Which fields count, the way Crossplane applies composed resources (server-side apply, field
 * manager `apiextensions.crossplane.io/composed/...`):
 *  - added or changed: every field the desired resource sets under `spec`, `metadata.labels` and
 *    `metadata.annotations` that the live object lacks or holds with another value. Fields other
 *    managers own (the provider's resolved references, late-initialised values, API defaults) are
 *    not desired and so not compared.
 *  - removed: fields Crossplane's field manager owns on the live object (its managedFields entry)
 *    that the desired resource no longer sets; server-side apply removes them.
 * Resources are matched by their `crossplane.io/composition-resource-name` annotation.
 */
import { ANNOTATION_COMPOSITION_RESOURCE_NAME, ANNOTATION_EXTERNAL_NAME } from '../apis/constants.js';
import { isDeepStrictEqual } from 'node:util';
import { isObj, type Obj } from '../apis/obj.js';
import { isAwsManaged } from '../render/provider-checks.js';
import { forcesReplacement, type ReplacementSource } from './replacement.js';

/** The field manager prefix of Crossplane's composed-resource applies (crossplane v2.4.0). */
export const COMPOSED_FIELD_MANAGER_PREFIX = 'apiextensions.crossplane.io/composed';

export type FieldOp = 'add' | 'change' | 'remove';

export interface FieldChange {
  /** Segments from the object's root, e.g. ['spec', 'forProvider', 'tags', 'Team']. */
  readonly path: readonly string[];
  readonly op: FieldOp;
  readonly from?: unknown;
  readonly to?: unknown;
  /** Set when the change cannot be made in place, with the source that says so. */
  readonly replacement?: ReplacementSource | 'external-name' | 'kind';
}

/**
 * create: a new resource; update: changed in place; replace: the change needs a new AWS resource
 * (see src/diff/replacement.ts: the provider refuses it); delete: the managed resource goes and
 * the AWS resource with it; orphan: the managed resource goes, the AWS resource stays;
 * unchanged: nothing to apply.
 */
export type Action = 'create' | 'update' | 'replace' | 'delete' | 'orphan' | 'unchanged';

export interface ResourceDiff {
  /** The composition resource name (the template's name). */
  readonly name: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** metadata.name of the live object, when there is one. */
  readonly object?: string;
  readonly action: Action;
  readonly changes: readonly FieldChange[];
}

const metadataOf = (o: Obj): Obj => (isObj(o.metadata) ? o.metadata : {});
const annotationsOf = (o: Obj): Obj => {
  const a = metadataOf(o).annotations;
  return isObj(a) ? a : {};
};

/** The composition resource name of a composed resource (its template's name). */
export const compositionResourceName = (o: Obj): string | undefined => {
  const v = annotationsOf(o)[ANNOTATION_COMPOSITION_RESOURCE_NAME];
  return typeof v === 'string' ? v : undefined;
};

const get = (o: unknown, path: readonly string[]): unknown => {
  let cur = o;
  for (const seg of path) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObj(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
};

/** The subtrees a composed resource's diff covers. */
const SCOPES: readonly (readonly string[])[] = [['spec'], ['metadata', 'labels'], ['metadata', 'annotations']];

/**
 * Desired fields the live object lacks or holds differently. Objects are compared key by key,
 * lists of the same length item by item (so that a default the API server added inside an item is
 * not a difference), anything else as a value.
 */
function addedOrChanged(desired: unknown, live: unknown, path: string[], out: FieldChange[]): void {
  if (desired === undefined) return;
  if (isObj(desired) && isObj(live)) {
    for (const [k, v] of Object.entries(desired)) addedOrChanged(v, live[k], [...path, k], out);
    return;
  }
  if (Array.isArray(desired) && Array.isArray(live) && desired.length === live.length) {
    desired.forEach((v, i) => addedOrChanged(v, live[i], [...path, String(i)], out));
    return;
  }
  if (live === undefined) {
    if (isObj(desired)) for (const [k, v] of Object.entries(desired)) addedOrChanged(v, undefined, [...path, k], out);
    else out.push({ path, op: 'add', to: desired });
    return;
  }
  if (!isDeepStrictEqual(desired, live)) out.push({ path, op: 'change', from: live, to: desired });
}

/**
 * The leaf paths a managedFields `fieldsV1` tree names, below `f:` keys. A node whose children
 * are list keys (`k:`, `v:`, `i:`) is a leaf: the list as a whole.
 */
export function fieldsV1Leaves(fields: unknown, prefix: string[] = []): string[][] {
  if (!isObj(fields)) return [prefix];
  const named = Object.keys(fields).filter((k) => k.startsWith('f:'));
  const listed = Object.keys(fields).some((k) => /^[kvi]:/.test(k));
  if (named.length === 0 || listed) return [prefix];
  return named.flatMap((k) => fieldsV1Leaves(fields[k], [...prefix, k.slice(2)]));
}

/** The leaf paths Crossplane's composed field manager owns on a live object. */
export function composedOwnedPaths(live: Obj): string[][] {
  const entries = metadataOf(live).managedFields;
  if (!Array.isArray(entries)) return [];
  return entries
    .filter(
      (e): e is Obj =>
        isObj(e) &&
        typeof e.manager === 'string' &&
        e.manager.startsWith(COMPOSED_FIELD_MANAGER_PREFIX) &&
        e.operation === 'Apply',
    )
    .flatMap((e) => fieldsV1Leaves(e.fieldsV1));
}

const within = (path: readonly string[], scope: readonly string[]): boolean => scope.every((s, i) => path[i] === s);

/** The fields of one resource that applying `desired` to `live` changes. */
export function fieldChanges(desired: Obj, live: Obj): FieldChange[] {
  const out: FieldChange[] = [];
  for (const scope of SCOPES) addedOrChanged(get(desired, scope), get(live, scope), [...scope], out);
  for (const path of composedOwnedPaths(live)) {
    if (!SCOPES.some((s) => within(path, s)) || path.length === 0) continue;
    if (get(desired, path) !== undefined) continue;
    // A field of a list item Crossplane owned while the list keeps its length is compared above.
    const from = get(live, path);
    if (from !== undefined) out.push({ path, op: 'remove', from });
  }
  const apiVersion = String(live.apiVersion);
  const kind = String(live.kind);
  return out.map((c) => {
    const replacement =
      c.path[0] === 'metadata' && c.path[2] === ANNOTATION_EXTERNAL_NAME
        ? 'external-name'
        : forcesReplacement(apiVersion, kind, c.path);
    return replacement ? { ...c, replacement } : c;
  });
}

/** True when deleting the managed resource deletes the AWS resource too. */
export function deletesExternal(live: Obj): boolean {
  const spec = isObj(live.spec) ? live.spec : {};
  if (spec.deletionPolicy === 'Orphan') return false;
  const policies = spec.managementPolicies;
  return !Array.isArray(policies) || policies.includes('*') || policies.includes('Delete');
}

/**
 * The diff of a platform: every desired resource against its live counterpart (by composition
 * resource name), then the live composed resources nothing desires any more.
 */
export function diffPlatform(
  desired: readonly { readonly name: string; readonly resource: Obj }[],
  live: readonly Obj[],
): ResourceDiff[] {
  const byName = new Map<string, Obj>();
  for (const o of live) {
    const n = compositionResourceName(o);
    if (n !== undefined) byName.set(n, o);
  }
  const out: ResourceDiff[] = [];
  for (const { name, resource } of desired) {
    const apiVersion = String(resource.apiVersion);
    const kind = String(resource.kind);
    const current = byName.get(name);
    byName.delete(name);
    if (!current) {
      out.push({ name, apiVersion, kind, action: 'create', changes: [] });
      continue;
    }
    const object = String(metadataOf(current).name);
    if (current.apiVersion !== resource.apiVersion || current.kind !== resource.kind) {
      const to = `${apiVersion} ${kind}`;
      const from = `${String(current.apiVersion)} ${String(current.kind)}`;
      out.push({
        name,
        apiVersion,
        kind,
        object,
        action: 'replace',
        changes: [{ path: ['kind'], op: 'change', from, to, replacement: 'kind' }],
      });
      continue;
    }
    const changes = fieldChanges(resource, current);
    const action: Action = changes.some((c) => c.replacement) ? 'replace' : changes.length > 0 ? 'update' : 'unchanged';
    out.push({ name, apiVersion, kind, object, action, changes });
  }
  for (const [name, o] of byName) {
    out.push({
      name,
      apiVersion: String(o.apiVersion),
      kind: String(o.kind),
      object: String(metadataOf(o).name),
      action: isAwsManaged(o) && !deletesExternal(o) ? 'orphan' : 'delete',
      changes: [],
    });
  }
  return out;
}
