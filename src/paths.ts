import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder with package.json), from source (tests) or from dist/ alike. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the payment-platform package root');
    dir = parent;
  }
  return dir;
}

/**
 * Deep copy of JSON data, with the result of `JSON.parse(JSON.stringify(value))`: keys whose
 * value is undefined, a function or a symbol are dropped (null in arrays), non-finite numbers
 * become null, -0 becomes 0. Plain objects and arrays are copied directly (several times faster
 * than the round trip; the renderer copies every template on every pass); anything else (a
 * Date, an object with toJSON, an object of another realm) takes the round trip itself. Used
 * instead of structuredClone, which creates objects of the main realm (jest runs modules in a
 * vm context, and the CEL library checks object prototypes).
 */
export function jsonClone<T>(value: T): T {
  return value === undefined ? value : (copyJson(value) as T);
}

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

function copyJson(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value + 0 : null;
    case 'object':
      break;
    default:
      return roundTrip(value);
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return roundTrip(value);
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      out[i] = v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : copyJson(v);
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return roundTrip(value);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v: unknown = (value as Record<string, unknown>)[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: copyJson(v), enumerable: true, writable: true, configurable: true });
    else out[k] = copyJson(v);
  }
  return out;
}
