/**
 * Minimal typed views of the Kubernetes objects the operator reads: only the fields it uses,
 * read defensively (a live object may be malformed), never trusted to match a schema.
 */
import { isObj, type Condition } from '../../apis/obj.js';

/** A JSON object as it comes from the API server (one definition: src/apis/obj.ts). */
export { isObj, type Obj } from '../../apis/obj.js';

/** Metadata the operator reads. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Any Kubernetes object with metadata; the rest is read through the helpers below. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

/** A list response. */
export interface KubeList {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items?: KubeObject[];
}

/** A status condition (one definition: src/apis/obj.ts). */
export type { Condition } from '../../apis/obj.js';

/** The value at a dotted path of plain keys, or undefined. */
export function pathValue(o: unknown, path: readonly string[]): unknown {
  let cur: unknown = o;
  for (const k of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** `namespace/name` (or `name` for cluster-scoped objects): the key of the work queue and caches. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key made by `objectKey`. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The object's conditions, skipping entries that are not conditions (malformed input). */
export function conditionsOf(o: KubeObject): Condition[] {
  const list = pathValue(o, ['status', 'conditions']);
  if (!Array.isArray(list)) return [];
  return list.filter((c): c is Condition => isObj(c) && typeof c.type === 'string' && typeof c.status === 'string');
}

/** The condition of the given type, if any. */
export function conditionOf(o: KubeObject, type: string): Condition | undefined {
  return conditionsOf(o).find((c) => c.type === type);
}

/** `group` of an `apiVersion` (`''` for the core group). */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}
