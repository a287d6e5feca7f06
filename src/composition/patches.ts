/**
 * Typed builders for function-patch-and-transform's `Resources` input: the subset of patches
 * and transforms this Composition uses. The offline renderer (src/render) implements exactly
 * this subset, so anything added here must be added there too (the differential test against
 * the real `crossplane render` catches a mismatch).
 */
import { LABEL_ROLE, LABEL_ZONE } from '../apis/constants.js';

export type Transform =
  | { type: 'map'; map: Record<string, unknown> }
  | {
      type: 'match';
      match: {
        patterns: { type: 'literal'; literal: string; result: unknown }[];
        fallbackTo: 'Value' | 'Input';
        fallbackValue?: unknown;
      };
    }
  | { type: 'string'; string: { type: 'Format'; fmt: string } }
  | { type: 'string'; string: { type: 'Regexp'; regexp: { match: string; group?: number } } }
  | { type: 'string'; string: { type: 'Convert'; convert: 'ToLower' | 'ToUpper' | 'ToJson' } }
  | { type: 'convert'; convert: { toType: 'string' | 'int64' | 'float64' | 'bool' } };

export interface PatchPolicy {
  fromFieldPath?: 'Optional' | 'Required';
  toFieldPath?: 'Replace' | 'MergeObjects';
}

export type Patch =
  | {
      type: 'FromCompositeFieldPath' | 'ToCompositeFieldPath';
      fromFieldPath: string;
      toFieldPath: string;
      transforms?: Transform[];
      policy?: PatchPolicy;
    }
  | {
      type: 'CombineFromComposite' | 'CombineToComposite';
      combine: { strategy: 'string'; variables: { fromFieldPath: string }[]; string: { fmt: string } };
      toFieldPath: string;
      transforms?: Transform[];
      policy?: PatchPolicy;
    }
  | { type: 'PatchSet'; patchSetName: string };

/** A PatchSet of function-patch-and-transform's `Resources` input: patches a template names. */
export interface PatchSet {
  readonly name: string;
  readonly patches: readonly Patch[];
}

/**
 * A template's patches with each `PatchSet` reference replaced by that set's patches, in order,
 * as function-patch-and-transform resolves them; a reference to a set the input does not define
 * fails as it does there.
 */
export function expandPatchSets(patches: readonly Patch[], sets: readonly PatchSet[]): Patch[] {
  return patches.flatMap((p) => {
    if (p.type !== 'PatchSet') return [p];
    const set = sets.find((s) => s.name === p.patchSetName);
    if (!set) throw new Error(`cannot resolve PatchSets: PatchSet ${p.patchSetName} does not exist`);
    return set.patches;
  });
}

export type ReadinessCheck =
  { type: 'None' } | { type: 'MatchCondition'; matchCondition: { type: string; status: 'True' | 'False' | 'Unknown' } };

export const transform = {
  map: (map: Record<string, unknown>): Transform => ({ type: 'map', map }),
  /** Literal lookup with a fallback value (a map transform fails on a missing key). */
  match: (table: Record<string, unknown>, fallbackValue: unknown): Transform => ({
    type: 'match',
    match: {
      patterns: Object.entries(table).map(([literal, result]) => ({ type: 'literal' as const, literal, result })),
      fallbackTo: 'Value',
      fallbackValue,
    },
  }),
  format: (fmt: string): Transform => ({ type: 'string', string: { type: 'Format', fmt } }),
  regexp: (match: string, group?: number): Transform => ({
    type: 'string',
    string: { type: 'Regexp', regexp: group === undefined ? { match } : { match, group } },
  }),
  toInt: (): Transform => ({ type: 'convert', convert: { toType: 'int64' } }),
  toFloat: (): Transform => ({ type: 'convert', convert: { toType: 'float64' } }),
  toString: (): Transform => ({ type: 'convert', convert: { toType: 'string' } }),
};

/** Copies a field of the PaymentPlatform onto the composed resource. */
export function fromXr(from: string, to: string, transforms?: Transform[], policy?: PatchPolicy): Patch {
  return { type: 'FromCompositeFieldPath', fromFieldPath: from, toFieldPath: to, ...opt(transforms, policy) };
}

/** Copies a field of the composed resource (usually `status.atProvider.*`) onto the PaymentPlatform. */
export function toXr(from: string, to: string, transforms?: Transform[]): Patch {
  return { type: 'ToCompositeFieldPath', fromFieldPath: from, toFieldPath: to, ...opt(transforms) };
}

/** Formats several PaymentPlatform fields into one string field of the composed resource. */
export function combineFromXr(
  variables: string[],
  fmt: string,
  to: string,
  transforms?: Transform[],
  policy?: PatchPolicy,
): Patch {
  return {
    type: 'CombineFromComposite',
    combine: { strategy: 'string', variables: variables.map((v) => ({ fromFieldPath: v })), string: { fmt } },
    toFieldPath: to,
    ...opt(transforms, policy),
  };
}

export function patchSet(name: string): Patch {
  return { type: 'PatchSet', patchSetName: name };
}

function opt(transforms?: Transform[], policy?: PatchPolicy): { transforms?: Transform[]; policy?: PatchPolicy } {
  return {
    ...(transforms && transforms.length > 0 ? { transforms } : {}),
    ...(policy ? { policy } : {}),
  };
}

/** The `*Selector` that picks exactly one resource of this Composition by role (and zone slot). */
export function selector(role: string, zone?: string): { matchControllerRef: true; matchLabels: Record<string, string> } {
  return {
    matchControllerRef: true,
    matchLabels: { [LABEL_ROLE]: role, ...(zone ? { [LABEL_ZONE]: zone } : {}) },
  };
}

/** A field path segment for a key that contains dots or slashes. */
export const key = (k: string): string => `[${k}]`;
