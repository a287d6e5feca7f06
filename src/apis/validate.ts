/**
 * Validates a PaymentPlatform the way the API server does at admission, offline: the structural
 * schema (types, enums, patterns, bounds, unknown fields) and every CEL rule of the XRD, reporting
 * every finding with its field path, not only the first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonClone, packageRoot } from '../paths.js';
import { Environment } from '@marcbachmann/cel-js';
import { API_GROUP_VERSION, KIND } from './constants.js';
import type { JsonSchema, ValidationRule } from './schema.js';
import type { Obj } from './obj.js';
import { applyDefaults } from '../render/defaults.js';
import { evaluateCached } from '../util/cel.js';

/**
 * The XRD's openAPIV3Schema as JSON, written by `make synth` from the XRD (src/synth.ts) and
 * checked by the drift check, so that validating does not build the XRD (cdk8s, the Crossplane
 * models) at run time; a rule added to the XRD reaches the validator with the next synth.
 */
/** How the API server words a failed rule's `reason` (k8s.io/apimachinery field.ErrorType). */
const REASON_TEXT: Record<NonNullable<ValidationRule['reason']>, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
};

export const SCHEMA_JSON = 'src/apis/generated/openapi-v3-schema.json';

/** The openAPIV3Schema of an XRD manifest's first version. */
export const xrdSchema = (xrd: Record<string, unknown>): JsonSchema =>
  (xrd as { spec: { versions: { schema: { openAPIV3Schema: JsonSchema } }[] } }).spec.versions[0]?.schema
    .openAPIV3Schema as JsonSchema;

let schemaCache: JsonSchema | undefined;
const openApiSchema = (): JsonSchema =>
  (schemaCache ??= JSON.parse(readFileSync(join(packageRoot(), SCHEMA_JSON), 'utf8')) as JsonSchema);

export interface Finding {
  /** Dotted path of the offending field (`spec.parameters.database.minCapacity`). */
  readonly field: string;
  /** The rule: an OpenAPI keyword (`enum`, `maximum`, ...), `unknown-field` or `cel`. */
  readonly rule: string;
  readonly message: string;
}

const cel = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });

const typeOf = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? 'integer'
          : 'number'
        : typeof v;

/** The schema's patterns, compiled once each. */
const patterns = new Map<string, RegExp>();
const pattern = (source: string): RegExp => {
  let re = patterns.get(source);
  if (!re) patterns.set(source, (re = new RegExp(source)));
  return re;
};

function checkType(s: JsonSchema, v: unknown): boolean {
  const t = typeOf(v);
  if (s.type === 'number') return t === 'number' || t === 'integer';
  return s.type === undefined || s.type === t;
}

function walk(value: unknown, s: JsonSchema, path: string, out: Finding[]): void {
  const add = (rule: string, message: string) => out.push({ field: path, rule, message: `${path}: ${message}` });
  if (!checkType(s, value)) {
    add('type', `must be of type ${s.type}, got ${typeOf(value)} (${JSON.stringify(value)})`);
    return;
  }
  if (s.enum && !s.enum.includes(value as string | number))
    add('enum', `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}`);
  if (typeof value === 'string') {
    if (s.maxLength !== undefined && value.length > s.maxLength)
      add('maxLength', `must be at most ${s.maxLength} characters, got ${value.length}`);
    if (s.minLength !== undefined && value.length < s.minLength) add('minLength', `must be at least ${s.minLength} characters`);
    if (s.pattern && !pattern(s.pattern).test(value)) add('pattern', `must match ${s.pattern}, got ${JSON.stringify(value)}`);
  }
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) add('minimum', `must be >= ${s.minimum}, got ${value}`);
    if (s.maximum !== undefined && value > s.maximum) add('maximum', `must be <= ${s.maximum}, got ${value}`);
    if (s.multipleOf !== undefined && Math.abs(value / s.multipleOf - Math.round(value / s.multipleOf)) > 1e-9) {
      add('multipleOf', `must be a multiple of ${s.multipleOf}, got ${value}`);
    }
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems)
      add('minItems', `must have at least ${s.minItems} items, got ${value.length}`);
    if (s.maxItems !== undefined && value.length > s.maxItems)
      add('maxItems', `must have at most ${s.maxItems} items, got ${value.length}`);
    if (s['x-kubernetes-list-type'] === 'set' && new Set(value.map((v) => JSON.stringify(v))).size !== value.length)
      add('set', 'must not contain duplicates');
    if (s.items) value.forEach((v, i) => walk(v, s.items as JsonSchema, `${path}[${i}]`, out));
  }
  if (typeOf(value) === 'object' && (s.properties || s.additionalProperties !== undefined)) {
    const obj = value as Record<string, unknown>;
    if (s.maxProperties !== undefined && Object.keys(obj).length > s.maxProperties)
      add('maxProperties', `must have at most ${s.maxProperties} entries`);
    for (const req of s.required ?? [])
      if (!(req in obj)) out.push({ field: `${path}.${req}`, rule: 'required', message: `${path}.${req}: Required value` });
    for (const [k, v] of Object.entries(obj)) {
      const child = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (child) walk(v, child, `${path}.${k}`, out);
      else if (!s['x-kubernetes-preserve-unknown-fields']) {
        out.push({ field: `${path}.${k}`, rule: 'unknown-field', message: `${path}.${k}: unknown field "${k}"` });
      }
    }
  }
  for (const r of s['x-kubernetes-validations'] ?? []) {
    let ok: unknown;
    try {
      ok = evaluateCached(cel, r.rule, { self: value });
    } catch (e) {
      // The API server reports an evaluation error as a failed rule; so do we.
      ok = `error: ${(e as Error).message}`;
    }
    if (ok !== true) {
      const field = r.fieldPath ? `${path}${r.fieldPath}` : path;
      out.push({
        field,
        rule: 'cel',
        message: `${field}: ${REASON_TEXT[r.reason ?? 'FieldValueInvalid']}: ${r.message}${ok === false ? '' : ` (${String(ok)})`}`,
      });
    }
  }
}

/**
 * Validates a claim as the API server would: defaults applied first (so that rules see the same
 * object), then schema and CEL. Returns the defaulted object and every finding.
 */
export function validateClaim(claim: unknown): { defaulted: Record<string, unknown>; findings: Finding[] } {
  if (typeOf(claim) !== 'object') {
    return { defaulted: {}, findings: [{ field: '', rule: 'type', message: 'a PaymentPlatform must be a YAML/JSON object' }] };
  }
  // The same claim is validated more than once per command (validate's own stage, then the
  // steady state's first render): the last outcome is kept.
  const json = JSON.stringify(claim);
  if (last?.json !== json) last = { json, ...validateJson(json) };
  return { defaulted: jsonClone(last.defaulted), findings: [...last.findings] };
}

let last: { json: string; defaulted: Record<string, unknown>; findings: Finding[] } | undefined;

function validateJson(json: string): { defaulted: Record<string, unknown>; findings: Finding[] } {
  const findings: Finding[] = [];
  const obj = JSON.parse(json) as Record<string, unknown>;
  if (obj.apiVersion !== API_GROUP_VERSION)
    findings.push({
      field: 'apiVersion',
      rule: 'apiVersion',
      message: `apiVersion: must be ${API_GROUP_VERSION}, got ${JSON.stringify(obj.apiVersion)}`,
    });
  if (obj.kind !== KIND)
    findings.push({ field: 'kind', rule: 'kind', message: `kind: must be ${KIND}, got ${JSON.stringify(obj.kind)}` });
  const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
  if (typeof metadata.name !== 'string' || metadata.name === '')
    findings.push({ field: 'metadata.name', rule: 'required', message: 'metadata.name: Required value' });
  const schema = openApiSchema();
  if (obj.spec === undefined) obj.spec = {};
  applyDefaults(obj, schema);
  const props = schema.properties ?? {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
    if (k === 'status') continue;
    const s = props[k];
    if (k === 'spec' && s && typeOf(v) === 'object' && 'crossplane' in (v as Obj)) {
      // spec.crossplane is Crossplane's (composition selection, resource references): its CRD
      // adds it and the API server judges it; here it is only checked to be an object.
      const { crossplane, ...rest } = v as Obj;
      if (typeOf(crossplane) !== 'object')
        findings.push({ field: 'spec.crossplane', rule: 'type', message: 'spec.crossplane: must be an object' });
      walk(rest, s, k, findings);
      continue;
    }
    if (!s) findings.push({ field: k, rule: 'unknown-field', message: `${k}: unknown field "${k}"` });
    else walk(v, s, k, findings);
  }
  if (typeof metadata.name === 'string') {
    for (const r of schema['x-kubernetes-validations'] ?? []) {
      // A rule that reads oldSelf judges an update; a claim validated offline has no old object.
      if (r.rule.includes('oldSelf')) continue;
      let ok: unknown;
      try {
        ok = evaluateCached(cel, r.rule, { self: obj });
      } catch (e) {
        ok = `error: ${(e as Error).message}`;
      }
      if (ok !== true) findings.push({ field: 'metadata.name', rule: 'cel', message: `Invalid value: ${r.message}` });
    }
  }
  return { defaulted: obj, findings };
}
