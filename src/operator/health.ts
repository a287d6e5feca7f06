/**
 * The health roll-up of one PaymentPlatform: how many of its composed managed resources are
 * Ready, and the deepest failing one with its full message.
 *
 * "Deepest failing" is the root cause: among the failing resources, those none of whose
 * dependencies fail (a Subnet waiting for a failing VPC is not the cause; the VPC is). Among
 * several root causes, one with an error (Synced=False or a ReconcileError) beats one still
 * being created, then the one that blocks the most failing resources, then the name.
 */
import { ANNOTATION_PAUSED } from '../apis/constants.js';
import { dependencyGraph } from './dependencies.js';
import { conditionOf, type KubeObject } from './kube/objects.js';
import type { ResourceRef } from './platform.js';
import { ANNOTATION_RESOURCE_NAME } from './slim.js';

export type HealthState = 'Ready' | 'NotReady' | 'Pending';

/** One composed resource as the roll-up sees it. */
export interface ResourceStatus {
  readonly ref: ResourceRef;
  /** Composition resource name (annotation), or the object name when absent. */
  readonly resource: string;
  readonly object: KubeObject | undefined;
  readonly ready: boolean;
  readonly failing: boolean;
  /** Failing with an error, not merely in progress. */
  readonly error: boolean;
  readonly reason: string;
  readonly message: string;
}

export interface DeepestFailing {
  /** Composition resource name, e.g. `db-cluster`. */
  readonly resource: string;
  readonly kind: string;
  /** Object name. */
  readonly name: string;
  readonly reason: string;
  /** The condition message, in full. */
  readonly message: string;
  /** Failing resources that depend on it, directly or not. */
  readonly blocking: number;
}

export interface HealthSummary {
  readonly state: HealthState;
  readonly ready: number;
  readonly total: number;
  readonly deepestFailing: DeepestFailing | undefined;
  /** One line for Events and `kubectl describe`. */
  readonly summary: string;
  readonly resources: readonly ResourceStatus[];
}

/** The state of one composed resource. */
export function resourceStatus(ref: ResourceRef, object: KubeObject | undefined): ResourceStatus {
  const resource = object?.metadata?.annotations?.[ANNOTATION_RESOURCE_NAME] ?? ref.name;
  if (!object) {
    return {
      ref,
      resource,
      object,
      ready: false,
      failing: true,
      error: false,
      reason: 'Missing',
      message: `${ref.kind} ${ref.name} is referenced by the platform but does not exist (yet)`,
    };
  }
  const ready = conditionOf(object, 'Ready');
  const synced = conditionOf(object, 'Synced');
  const isReady = ready?.status === 'True';
  const paused = object.metadata?.annotations?.[ANNOTATION_PAUSED] === 'true';
  if (synced && synced.status === 'False') {
    return {
      ref,
      resource,
      object,
      ready: isReady,
      failing: true,
      error: true,
      reason: synced.reason ?? 'NotSynced',
      message: synced.message ?? '',
    };
  }
  if (isReady) return { ref, resource, object, ready: true, failing: false, error: false, reason: 'Available', message: '' };
  if (ready) {
    const reason = ready.reason ?? 'NotReady';
    return {
      ref,
      resource,
      object,
      ready: false,
      failing: true,
      error: /Error|Fail/i.test(reason),
      reason,
      message: ready.message ?? '',
    };
  }
  return {
    ref,
    resource,
    object,
    ready: false,
    failing: true,
    error: false,
    reason: paused ? 'Paused' : 'NoConditions',
    message: paused
      ? `${ANNOTATION_PAUSED} is "true": Crossplane does not reconcile it`
      : 'the provider has not reported on it yet',
  };
}

function pickDeepest(statuses: readonly ResourceStatus[]): DeepestFailing | undefined {
  const failing = statuses.filter((s) => s.failing);
  if (failing.length === 0) return undefined;
  const present = statuses.flatMap((s) => (s.object ? [s.object] : []));
  const graph = dependencyGraph(present);
  const failingNames = new Set(failing.map((s) => s.ref.name));
  // dependents: reverse edges among failing resources
  const dependents = new Map<string, string[]>();
  for (const [name, deps] of graph) {
    if (!failingNames.has(name)) continue;
    for (const d of deps) if (failingNames.has(d)) dependents.set(d, [...(dependents.get(d) ?? []), name]);
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
  const roots = failing.filter((s) => ![...(graph.get(s.ref.name) ?? [])].some((d) => failingNames.has(d)));
  const candidates = (roots.length > 0 ? roots : failing).map((s) => ({ s, blocking: blocking(s.ref.name) }));
  candidates.sort(
    (a, b) => Number(b.s.error) - Number(a.s.error) || b.blocking - a.blocking || a.s.resource.localeCompare(b.s.resource),
  );
  const top = candidates[0];
  return {
    resource: top.s.resource,
    kind: top.s.ref.kind,
    name: top.s.ref.name,
    reason: top.s.reason,
    message: top.s.message,
    blocking: top.blocking,
  };
}

/** Rolls up the composed resources referenced by a platform. */
export function computeHealth(refs: readonly ResourceRef[], lookup: (ref: ResourceRef) => KubeObject | undefined): HealthSummary {
  const resources = refs.map((ref) => resourceStatus(ref, lookup(ref)));
  const total = resources.length;
  const ready = resources.filter((r) => r.ready).length;
  const deepestFailing = pickDeepest(resources);
  const state: HealthState = total === 0 ? 'Pending' : deepestFailing ? 'NotReady' : 'Ready';
  const summary =
    state === 'Pending'
      ? 'no composed resources yet'
      : deepestFailing
        ? `${ready}/${total} ready; deepest failing: ${deepestFailing.resource} (${deepestFailing.kind} ${deepestFailing.name}): ${deepestFailing.reason}${deepestFailing.message ? `: ${deepestFailing.message}` : ''}`
        : `${ready}/${total} ready`;
  return { state, ready, total, deepestFailing, summary, resources };
}
