/**
 * Reads a live PaymentPlatform defensively: the parts the operator needs (environment, the
 * composed-resource references Crossplane v2 keeps in `spec.crossplane.resourceRefs`, the
 * previous `status.health`), and a list of problems when the object is not what the API
 * promises (a malformed object is reported, never allowed to stop the operator).
 */
import { ENVIRONMENTS, type Environment } from '../apis/payment-platform.js';
import { isObj, pathValue, type KubeObject, type Obj } from './kube/objects.js';

/** One entry of `spec.crossplane.resourceRefs`. */
export interface ResourceRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/** What the operator knows about a PaymentPlatform. */
export interface Platform {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly generation: number;
  /** Undefined when the object has none or an unknown one (then compliance is not evaluated). */
  readonly environment: Environment | undefined;
  readonly refs: readonly ResourceRef[];
  /** The `status.health` the operator wrote before, if the schema keeps it. */
  readonly previousHealth: Obj | undefined;
  /** What is wrong with the object; empty for a well-formed one. */
  readonly problems: readonly string[];
}

const isEnvironment = (v: unknown): v is Environment => typeof v === 'string' && (ENVIRONMENTS as readonly string[]).includes(v);

/**
 * The `spec.crossplane.resourceRefs` of a composite (the PaymentPlatform or an internal XR of
 * the nested layout); what cannot be read is added to `problems`.
 */
export function parseRefs(o: KubeObject, problems: string[], where = 'spec.crossplane.resourceRefs'): ResourceRef[] {
  const rawRefs = pathValue(o, ['spec', 'crossplane', 'resourceRefs']);
  const refs: ResourceRef[] = [];
  if (rawRefs !== undefined && !Array.isArray(rawRefs)) {
    problems.push(`${where} is not a list`);
  } else if (Array.isArray(rawRefs)) {
    rawRefs.forEach((r: unknown, i) => {
      if (
        isObj(r) &&
        typeof r.apiVersion === 'string' &&
        typeof r.kind === 'string' &&
        typeof r.name === 'string' &&
        r.name !== ''
      ) {
        refs.push({ apiVersion: r.apiVersion, kind: r.kind, name: r.name });
      } else {
        problems.push(`${where}[${i}] lacks apiVersion, kind or name: ${JSON.stringify(r)}`);
      }
    });
  }
  return refs;
}

/** Parses a PaymentPlatform; undefined only when it has no usable identity (name/namespace). */
export function parsePlatform(o: KubeObject): Platform | undefined {
  const md = o.metadata;
  if (!md || typeof md.name !== 'string' || typeof md.namespace !== 'string') return undefined;
  const problems: string[] = [];
  const env = pathValue(o, ['spec', 'parameters', 'environment']);
  if (!isEnvironment(env)) {
    problems.push(`spec.parameters.environment is ${JSON.stringify(env) ?? 'missing'}, not one of ${ENVIRONMENTS.join(', ')}`);
  }
  const refs = parseRefs(o, problems);
  const health = pathValue(o, ['status', 'health']);
  return {
    namespace: md.namespace,
    name: md.name,
    uid: typeof md.uid === 'string' ? md.uid : '',
    generation: typeof md.generation === 'number' ? md.generation : 0,
    environment: isEnvironment(env) ? env : undefined,
    refs,
    previousHealth: isObj(health) ? health : undefined,
    problems,
  };
}
