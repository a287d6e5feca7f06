/** Structural-schema defaulting as the API server does it: top-down, a default only where the parent exists. */
import { jsonClone } from '../paths.js';
import type { JsonSchema } from '../apis/schema.js';

export function applyDefaults(value: unknown, schema: JsonSchema): unknown {
  if (schema.type === 'object' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (obj[key] === undefined && child.default !== undefined) obj[key] = jsonClone(child.default);
      if (obj[key] !== undefined) obj[key] = applyDefaults(obj[key], child);
    }
    if (typeof schema.additionalProperties === 'object') {
      for (const key of Object.keys(obj)) obj[key] = applyDefaults(obj[key], schema.additionalProperties);
    }
    return obj;
  }
  if (schema.type === 'array' && Array.isArray(value) && schema.items) {
    return value.map((v) => applyDefaults(v, schema.items as JsonSchema));
  }
  return value;
}
