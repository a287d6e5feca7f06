/**
 * Crossplane field paths (`spec.forProvider.tags[payment-platform]`, `status.ids[0]`): the
 * syntax of crossplane-runtime's fieldpath package, for reading and writing plain JSON objects.
 */
import { jsonClone } from '../paths.js';

export type Segment = { field: string } | { index: number };

export class FieldPathNotFound extends Error {
  readonly path: string;
  constructor(path: string) {
    // A missing field is an expected outcome (optional patches), thrown often: skip the stack.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${path}: no such field`);
    Error.stackTraceLimit = limit;
    this.path = path;
  }
}

/**
 * Segments written as a field path: an identifier is a dotted segment, anything else (an index, a
 * tag key such as `team.io/owner`) is bracketed: `['spec', 'tags', 'a/b']` -> `spec.tags[a/b]`.
 */
export function formatFieldPath(segments: readonly string[]): string {
  let out = '';
  for (const seg of segments) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${seg}]`;
  }
  return out;
}

export function parseFieldPath(path: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  let current = '';
  const flush = () => {
    if (current !== '') segments.push({ field: current });
    current = '';
  };
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      flush();
      i++;
    } else if (ch === '[') {
      flush();
      const end = path.indexOf(']', i);
      if (end < 0) throw new Error(`invalid field path '${path}': unterminated '['`);
      const inner = path.slice(i + 1, end);
      if (inner === '') throw new Error(`invalid field path '${path}': empty brackets`);
      segments.push(/^[0-9]+$/.test(inner) ? { index: Number(inner) } : { field: inner });
      i = end + 1;
    } else {
      current += ch;
      i++;
    }
  }
  flush();
  if (segments.length === 0) throw new Error(`invalid field path '${path}': empty`);
  return segments;
}

type Json = unknown;

/**
 * A field path compiled once per process: a field is a string, an index a number. Patches,
 * policy controls and the steady-state passes look the same few hundred paths up thousands
 * of times per command.
 */
type Compiled = readonly (string | number)[];
const compiledPaths = new Map<string, Compiled>();

function compile(path: string): Compiled {
  let c = compiledPaths.get(path);
  if (!c) {
    c = parseFieldPath(path).map((seg) => ('index' in seg ? seg.index : seg.field));
    compiledPaths.set(path, c);
  }
  return c;
}

/** What findField returns for a path that does not exist. */
export const MISSING: unique symbol = Symbol('missing field');

function lookup(obj: Json, segs: Compiled): Json | typeof MISSING {
  let cur: Json = obj;
  for (const seg of segs) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur) || seg >= cur.length) return MISSING;
      cur = cur[seg];
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, seg)) return MISSING;
      cur = (cur as Record<string, Json>)[seg];
    }
  }
  return cur;
}

/** The value at a field path, or MISSING (no exception: the renderer reads many absent fields). */
export function findField(obj: Json, path: string): Json | typeof MISSING {
  return lookup(obj, compile(path));
}

export function getField(obj: Json, path: string): Json {
  const v = findField(obj, path);
  if (v === MISSING) throw new FieldPathNotFound(path);
  return v;
}

export function hasField(obj: Json, path: string): boolean {
  return findField(obj, path) !== MISSING;
}

const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

const isEmpty = (v: Json): boolean =>
  v === null || v === undefined || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0);

/**
 * Deep merge of objects as the `MergeObjects` patch policy does it: function-patch-and-transform
 * passes `KeepMapValues: true` to crossplane-runtime's fieldpath merge (mergo without
 * WithOverride), so a key the target already has keeps its value unless that value is empty;
 * the source only adds keys. For tags this means the platform's own tags win over a claim's.
 */
export function mergeObjects(target: Json, source: Json): Json {
  if (!isObject(target) || !isObject(source)) return isEmpty(target) ? jsonClone(source) : target;
  const out: Record<string, Json> = { ...target };
  for (const [k, v] of Object.entries(source)) out[k] = Object.hasOwn(out, k) ? mergeObjects(out[k], v) : jsonClone(v);
  return out;
}

/** Sets a value, creating objects and growing arrays (with nulls) on the way, like fieldpath.SetValue. */
export function setField(obj: Record<string, Json>, path: string, value: Json, merge = false): void {
  const segs = compile(path);
  let cur: Json = obj;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string | number;
    const last = i === segs.length - 1;
    const container = (): Json => (typeof segs[i + 1] === 'number' ? [] : {});
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) throw new Error(`cannot set ${path}: not an array at segment ${i}`);
      while (cur.length <= seg) cur.push(null);
      if (last) cur[seg] = merge ? mergeObjects(cur[seg], value) : value;
      else {
        if (cur[seg] === null || typeof cur[seg] !== 'object') cur[seg] = container();
        cur = cur[seg];
      }
    } else {
      if (!isObject(cur)) throw new Error(`cannot set ${path}: not an object at segment ${i}`);
      if (last) cur[seg] = merge && Object.hasOwn(cur, seg) ? mergeObjects(cur[seg], value) : value;
      else {
        if (cur[seg] === null || typeof cur[seg] !== 'object') cur[seg] = container();
        cur = cur[seg];
      }
    }
  }
}
