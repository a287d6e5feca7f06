/**
 * The function-patch-and-transform transforms the Composition uses, with the same results as
 * the Go implementation (pinned by the differential test against `crossplane render`). Anything
 * outside this subset throws an UnsupportedError instead of guessing.
 */
import { jsonClone } from '../paths.js';
import type { Transform } from '../composition/patches.js';
import { goSprintf } from './sprintf.js';

export class UnsupportedError extends Error {}

function toGoRegExp(re: string): RegExp {
  // RE2 and JS agree on the constructs the Composition uses (classes, groups, anchors, {n}).
  if (/\(\?[P<]|\\[pPz]|\(\?[imsU]/.test(re))
    throw new UnsupportedError(`regexp '${re}' uses RE2 syntax the offline renderer does not translate`);
  return new RegExp(re);
}

export function applyTransform(t: Transform, input: unknown): unknown {
  switch (t.type) {
    case 'map': {
      if (typeof input !== 'string') throw new Error(`map transform: input must be a string, got ${typeof input}`);
      if (!Object.hasOwn(t.map, input)) throw new Error(`key ${input} is not found in map`);
      return jsonClone(t.map[input]);
    }
    case 'match': {
      for (const p of t.match.patterns) {
        if (p.type !== 'literal') throw new UnsupportedError(`match pattern type ${String(p.type)} is not supported offline`);
        if (input === p.literal) return jsonClone(p.result);
      }
      return t.match.fallbackTo === 'Input' ? input : jsonClone(t.match.fallbackValue);
    }
    case 'string': {
      const s = t.string;
      switch (s.type) {
        case 'Format':
          return goSprintf(s.fmt, [input]);
        case 'Regexp': {
          if (typeof input !== 'string') throw new Error(`regexp transform: input must be a string`);
          const m = toGoRegExp(s.regexp.match).exec(input);
          const group = s.regexp.group ?? 0;
          if (!m || m[group] === undefined)
            throw new Error(`regexp ${JSON.stringify(s.regexp.match)} had no matches for group ${group}`);
          return m[group];
        }
        case 'Convert': {
          if (s.convert === 'ToJson') return JSON.stringify(input);
          if (typeof input !== 'string') throw new Error(`string convert: input must be a string`);
          return s.convert === 'ToLower' ? input.toLowerCase() : input.toUpperCase();
        }
        default:
          throw new UnsupportedError(`string transform type ${(s as { type: string }).type} is not supported offline`);
      }
    }
    case 'convert':
      return convert(input, t.convert.toType);
    default:
      throw new UnsupportedError(`transform type ${(t as { type: string }).type} is not supported offline`);
  }
}

function convert(input: unknown, toType: string): unknown {
  switch (toType) {
    case 'string':
      if (typeof input === 'string') return input;
      if (typeof input === 'number' || typeof input === 'boolean') return String(input);
      break;
    case 'int64':
      if (typeof input === 'number') return Math.trunc(input);
      if (typeof input === 'string' && /^-?[0-9]+$/.test(input)) return Number(input);
      if (typeof input === 'boolean') return input ? 1 : 0;
      break;
    case 'float64':
      if (typeof input === 'number') return input;
      if (typeof input === 'string' && input.trim() !== '' && !Number.isNaN(Number(input))) return Number(input);
      if (typeof input === 'boolean') return input ? 1 : 0;
      break;
    case 'bool':
      if (typeof input === 'boolean') return input;
      if (input === 'true' || input === 'false') return input === 'true';
      break;
    default:
      throw new UnsupportedError(`convert to ${toType} is not supported offline`);
  }
  throw new Error(`cannot convert ${JSON.stringify(input)} to ${toType}`);
}

export function applyTransforms(transforms: readonly Transform[] | undefined, input: unknown): unknown {
  return (transforms ?? []).reduce<unknown>((v, t) => applyTransform(t, v), input);
}
