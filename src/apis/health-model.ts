/**
 * The one health model of a PaymentPlatform's composed resources, shared by `kubectl payments
 * status` (src/cli/status/model.ts) and the operator's `status.health` (src/operator/health.ts):
 * which conditions report a failure, the verdict on one resource, and the order of root causes
 * ("the deepest failing resource"). Presentation (tables, Events, summaries) stays with each user.
 *
 * Crossplane's condition semantics, as managed resources and provider-upjet-aws write them:
 * - `Synced`: True `ReconcileSuccess`; False `ReconcileError` (the reconcile failed: an error) or
 *   False `ReconcilePaused` (the `crossplane.io/paused` annotation: deliberate, not an error).
 * - `Ready`: True `Available`; False `Creating` / `Deleting` (in progress), False `Unavailable`
 *   with a message (it exists and is not available: a failure); Unknown (not known yet).
 * - `LastAsyncOperation` (upjet): False `AsyncCreateFailure` / `AsyncUpdateFailure` / ... with
 *   the provider's error: the deepest cause on the object (Synced may still be True then).
 * - An object without conditions is Ready when it is not a managed resource (no
 *   `spec.forProvider`: the Composition's ConfigMap, readiness check None); a managed resource
 *   without conditions has not been reported on yet (or is paused before its first reconcile).
 */
import { ANNOTATION_COMPOSITION_RESOURCE_NAME, ANNOTATION_PAUSED } from './constants.js';
import { isObj, type Condition, type Obj } from './obj.js';
import { dependencyGraph } from '../operator/dependencies.js';
import type { KubeObject } from '../operator/kube/objects.js';

export type { Condition } from './obj.js';

/** The conditions of an object (`status.conditions`), skipping entries that are not conditions. */
export function conditionsOf(o: unknown): Condition[] {
  const status = isObj(o) ? o.status : undefined;
  const list = isObj(status) ? status.conditions : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter((c): c is Condition => isObj(c) && typeof c.type === 'string' && typeof c.status === 'string');
}

/** The condition of the given type, if any. */
export function conditionOf(o: unknown, type: string): Condition | undefined {
  return conditionsOf(o).find((c) => c.type === type);
}

/**
 * Whether a condition reports a problem worth showing: any False condition with a message,
 * Synced=False always, but not Ready=False while the resource is being created or deleted.
 */
export function isFailing(c: Condition): boolean {
  if (c.status !== 'False') return false;
  if (c.type === 'Ready') return c.reason !== 'Creating' && c.reason !== 'Deleting' && (c.message ?? '') !== '';
  return c.type === 'Synced' || (c.message ?? '') !== '';
}

/** Synced=False because the resource is paused: reported, but not a failure. */
export const isPause = (c: Condition): boolean => c.type === 'Synced' && c.reason === 'ReconcilePaused';

/** Order of conditions within one object, deepest first: the provider's async operation first. */
export const CONDITION_RANK: Readonly<Record<string, number>> = { LastAsyncOperation: 0, Synced: 1, Ready: 3 };
const rank = (c: Condition): number => CONDITION_RANK[c.type] ?? 2;

/** An object's failing conditions, deepest first. */
export function failingConditions(o: unknown): Condition[] {
  return conditionsOf(o)
    .filter(isFailing)
    .sort((a, b) => rank(a) - rank(b));
}

/**
 * - `Ready`: healthy.
 * - `Progressing`: not ready, without an error (missing yet, being created, paused, no report yet).
 * - `Failing`: a condition reports an error.
 */
export type Verdict = 'Ready' | 'Progressing' | 'Failing';

export interface ResourceVerdict {
  readonly verdict: Verdict;
  /** The Ready condition is True (or a non-managed object exists): counts towards `N/M ready`. */
  readonly ready: boolean;
  /** The condition that decided (`LastAsyncOperation`, `Synced`, `Ready`, ...), or `Missing` / `NoConditions` / `Paused`. */
  readonly condition: string;
  readonly reason: string;
  /** The message exactly as written, never shortened (empty when there is none). */
  readonly message: string;
}

/** The verdict on one composed resource (`undefined`: it does not exist). */
export function judgeResource(object: Obj | undefined): ResourceVerdict {
  if (!object) return { verdict: 'Progressing', ready: false, condition: 'Missing', reason: 'Missing', message: '' };
  const conds = conditionsOf(object);
  const readyCond = conds.find((c) => c.type === 'Ready');
  const ready = readyCond?.status === 'True';
  const failure = failingConditions(object).find((c) => !isPause(c));
  if (failure) {
    return {
      verdict: 'Failing',
      ready,
      condition: failure.type,
      reason: failure.reason ?? (failure.type === 'Synced' ? 'NotSynced' : `${failure.type}False`),
      message: failure.message ?? '',
    };
  }
  if (ready) return { verdict: 'Ready', ready: true, condition: 'Ready', reason: readyCond.reason ?? 'Available', message: '' };
  const pause = conds.find(isPause);
  if (readyCond) {
    return {
      verdict: 'Progressing',
      ready: false,
      condition: 'Ready',
      reason: readyCond.reason ?? 'NotReady',
      message: readyCond.message ?? '',
    };
  }
  const spec = object.spec;
  const annotations = isObj(object.metadata) && isObj(object.metadata.annotations) ? object.metadata.annotations : {};
  if (conds.length === 0 && !(isObj(spec) && spec.forProvider !== undefined)) {
    return { verdict: 'Ready', ready: true, condition: 'None', reason: 'Exists', message: '' };
  }
  if (pause || annotations[ANNOTATION_PAUSED] === 'true') {
    return {
      verdict: 'Progressing',
      ready: false,
      condition: 'Paused',
      reason: pause?.reason ?? 'Paused',
      message: pause?.message ?? `${ANNOTATION_PAUSED} is "true": Crossplane does not reconcile it`,
    };
  }
  return {
    verdict: 'Progressing',
    ready: false,
    condition: 'NoConditions',
    reason: 'NoConditions',
    message: 'the provider has not reported on it yet',
  };
}

/** The Composition resource name of a composed object (annotation), else `fallback`. */
export function compositionResourceName(object: Obj | undefined, fallback: string): string {
  const md = object?.metadata;
  const name = isObj(md) && isObj(md.annotations) ? md.annotations[ANNOTATION_COMPOSITION_RESOURCE_NAME] : undefined;
  return typeof name === 'string' ? name : fallback;
}

/** One composed resource as the root-cause order sees it. */
export interface Judged {
  /** The object name (what references and selectors resolve to). */
  readonly name: string;
  /** Composition resource name: the tie-breaker. */
  readonly resource: string;
  readonly object: Obj | undefined;
  readonly verdict: ResourceVerdict;
}

export interface RootCause<T extends Judged> {
  readonly item: T;
  /** Is none of its dependencies unhealthy. */
  readonly root: boolean;
  /** Unhealthy resources that depend on it, directly or not. */
  readonly blocking: number;
}

/**
 * The unhealthy resources (verdict not Ready), deepest first: root causes (none of whose
 * dependencies is unhealthy; a Subnet waiting for a failing VPC is not one, the VPC is) before the
 * rest; then Failing before Progressing, then the one blocking the most, then the resource name.
 * The first is "the deepest failing resource". Dependencies are the references and label
 * selectors in `spec.forProvider` among the composed objects.
 */
export function rootCauseOrder<T extends Judged>(items: readonly T[]): RootCause<T>[] {
  const unhealthy = items.filter((i) => i.verdict.verdict !== 'Ready');
  if (unhealthy.length === 0) return [];
  const present = items.flatMap((i) => (i.object ? [i.object as KubeObject] : []));
  const graph = dependencyGraph(present);
  const names = new Set(unhealthy.map((i) => i.name));
  const dependents = new Map<string, string[]>();
  for (const [name, deps] of graph) {
    if (!names.has(name)) continue;
    for (const d of deps) if (names.has(d)) dependents.set(d, [...(dependents.get(d) ?? []), name]);
  }
  const blocking = (name: string): number => {
    const seen = new Set<string>();
    const stack = [...(dependents.get(name) ?? [])];
    while (stack.length > 0) {
      const n = stack.pop() as string;
      if (seen.has(n) || n === name) continue;
      seen.add(n);
      stack.push(...(dependents.get(n) ?? []));
    }
    return seen.size;
  };
  const severity = (v: ResourceVerdict): number => (v.verdict === 'Failing' ? 1 : 0);
  return unhealthy
    .map((item) => ({
      item,
      root: ![...(graph.get(item.name) ?? [])].some((d) => names.has(d)),
      blocking: blocking(item.name),
    }))
    .sort(
      (a, b) =>
        Number(b.root) - Number(a.root) ||
        severity(b.item.verdict) - severity(a.item.verdict) ||
        b.blocking - a.blocking ||
        a.item.resource.localeCompare(b.item.resource),
    );
}
