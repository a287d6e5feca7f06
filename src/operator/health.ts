/**
 * The health roll-up of one PaymentPlatform: how many of its composed managed resources are
 * Ready, and the deepest failing one with its full message.
 *
 * The verdicts and "deepest failing" (the first root cause) come from the one health model the
 * CLI shares, src/apis/health-model.ts; this module adds the roll-up and its summary line.
 */
import { compositionResourceName, judgeResource, rootCauseOrder } from '../apis/health-model.js';
import type { KubeObject } from './kube/objects.js';
import type { ResourceRef } from './platform.js';

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

/** The state of one composed resource: the shared verdict (src/apis/health-model.ts). */
export function resourceStatus(ref: ResourceRef, object: KubeObject | undefined): ResourceStatus {
  const resource = compositionResourceName(object, ref.name);
  const v = judgeResource(object);
  return {
    ref,
    resource,
    object,
    ready: v.ready,
    failing: v.verdict !== 'Ready',
    error: v.verdict === 'Failing',
    reason: v.reason,
    message: object ? v.message : `${ref.kind} ${ref.name} is referenced by the platform but does not exist (yet)`,
  };
}

function pickDeepest(statuses: readonly ResourceStatus[]): DeepestFailing | undefined {
  const order = rootCauseOrder(
    statuses.map((s) => ({
      s,
      name: s.ref.name,
      resource: s.resource,
      object: s.object,
      verdict: judgeResource(s.object),
    })),
  );
  const top = order[0];
  if (!top) return undefined;
  const s = top.item.s;
  return {
    resource: s.resource,
    kind: s.ref.kind,
    name: s.ref.name,
    reason: s.reason,
    message: s.message,
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
