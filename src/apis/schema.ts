/**
 * A small, typed subset of the Kubernetes structural OpenAPI v3 schema, with the
 * x-kubernetes-validations extension. The API is written once in this form and becomes the
 * XRD, the API reference in the README and the offline validator's input.
 */
export interface ValidationRule {
  readonly rule: string;
  readonly message: string;
  /** Relative JSONPath of the field the rule is about (reported by the API server). */
  readonly fieldPath?: string;
  readonly reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  default?: unknown;
  enum?: readonly (string | number)[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  required?: readonly string[];
  'x-kubernetes-validations'?: readonly ValidationRule[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  nullable?: boolean;
}

type Opts = Omit<JsonSchema, 'type' | 'description'>;

export const str = (description: string, opts: Opts = {}): JsonSchema => ({ type: 'string', description, ...opts });
export const int = (description: string, opts: Opts = {}): JsonSchema => ({ type: 'integer', description, ...opts });
export const num = (description: string, opts: Opts = {}): JsonSchema => ({ type: 'number', description, ...opts });
export const bool = (description: string, opts: Opts = {}): JsonSchema => ({ type: 'boolean', description, ...opts });
export const arr = (description: string, items: JsonSchema, opts: Opts = {}): JsonSchema => ({
  type: 'array',
  description,
  items,
  ...opts,
});
export const obj = (description: string, properties: Record<string, JsonSchema>, opts: Opts = {}): JsonSchema => ({
  type: 'object',
  description,
  properties,
  ...opts,
});
export const map = (description: string, values: JsonSchema, opts: Opts = {}): JsonSchema => ({
  type: 'object',
  description,
  additionalProperties: values,
  ...opts,
});

/**
 * Gives every object whose children have defaults a default made of those defaults, recursively,
 * so that a claim that omits a whole section still gets every default. A plain `{}` would not
 * do: the API server validates a default against the CEL rules of its object as it is, without
 * applying the nested defaults first.
 */
export function withNestedDefaults(schema: JsonSchema): JsonSchema {
  if (schema.type !== 'object' || !schema.properties) return schema;
  const properties: Record<string, JsonSchema> = {};
  const defaults: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(schema.properties)) {
    const filled = withNestedDefaults(child);
    properties[key] = filled;
    if (filled.default !== undefined) defaults[key] = filled.default;
  }
  const result: JsonSchema = { ...schema, properties };
  if (schema.default === undefined && Object.keys(defaults).length > 0) result.default = defaults;
  return result;
}

/** Walks every field of a schema with its dotted path. */
export function walkSchema(
  schema: JsonSchema,
  visit: (path: string, field: JsonSchema, required: boolean) => void,
  path = '',
  required = false,
): void {
  visit(path, schema, required);
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    walkSchema(child, visit, path ? `${path}.${key}` : key, (schema.required ?? []).includes(key));
  }
  if (schema.items) walkSchema(schema.items, visit, `${path}[]`, false);
  if (typeof schema.additionalProperties === 'object') {
    walkSchema(schema.additionalProperties, visit, `${path}.*`, false);
  }
}
