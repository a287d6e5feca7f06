/**
 * What function-payments-readiness does to a pipeline's desired state, without the gRPC parts
 * (the offline renderer runs the same rules):
 *
 * 1. The composite's readiness, said explicitly (`desired.composite.ready`): Ready when every
 *    resource the input expects is desired, and every desired composed resource is ready.
 *    Crossplane's own rule (v2.4.0) is the second half only, and it writes the XR's Ready
 *    condition as `Creating` with the message `Unready resources: a, b, and c`: each change of
 *    that list is an update of the XR. Said by a function, the condition is `Creating` with no
 *    message until it is `Available`. The first half is what Crossplane cannot know: a resource
 *    function-patch-and-transform holds back (a Required input not known yet) is not desired, so
 *    by Crossplane's rule its XR is Ready without it, and then not Ready once it appears.
 * 2. Outputs held until Ready: the status fields the input names are left out of the desired
 *    composite until the composite is ready (or once its observed status has them: a field once
 *    written is never withdrawn). They then arrive with the Ready condition, in one update,
 *    instead of one update per resource that reports one.
 *
 * Why: in the nested layout every update of an internal XR is charged 2 tokens to its own
 * watch-event circuit breaker and 2 to its parent's (README, "Crossplane's circuit breaker").
 * Which resource is not ready is what the operator's health roll-up and `kubectl payments status`
 * report, down the tree.
 */

/** The protocol's readiness values (apiextensions.fn.proto.v1 Ready). */
export const READY_UNSPECIFIED = 0;
export const READY_TRUE = 1;
export const READY_FALSE = 2;

/** The function's input (`input:` of its pipeline step). */
export interface ReadinessInput {
  /** Composed resources (composition resource names) that must be desired for the composite to be ready. */
  readonly expectedResources: readonly string[];
  /** Top-level fields of the composite's status written only once it is ready. */
  readonly holdUntilReady: readonly string[];
}

export const INPUT_API_VERSION = 'readiness.fn.platform.payments.io/v1alpha1';
export const INPUT_KIND = 'Readiness';

/** The input from its JSON form; throws with what is wrong. */
export function parseInput(input: unknown): ReadinessInput {
  if (input === undefined || input === null) return { expectedResources: [], holdUntilReady: [] };
  if (typeof input !== 'object' || Array.isArray(input)) throw new Error('input must be an object');
  const o = input as Record<string, unknown>;
  if (o.apiVersion !== INPUT_API_VERSION || o.kind !== INPUT_KIND)
    throw new Error(
      `input must be apiVersion ${INPUT_API_VERSION}, kind ${INPUT_KIND} (got ${String(o.apiVersion)}, ${String(o.kind)})`,
    );
  const strings = (field: string): string[] => {
    const v = o[field];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === ''))
      throw new Error(`input.${field} must be a list of non-empty strings`);
    return v as string[];
  };
  const unknown = Object.keys(o).filter(
    (k) => !['apiVersion', 'kind', 'metadata', 'expectedResources', 'holdUntilReady'].includes(k),
  );
  if (unknown.length > 0) throw new Error(`input has unknown fields: ${unknown.join(', ')}`);
  return { expectedResources: strings('expectedResources'), holdUntilReady: strings('holdUntilReady') };
}

/** Whether the composite is ready: every expected resource is desired, and every desired one is ready. */
export function compositeReady(
  desired: ReadonlyMap<string, { readonly ready: boolean }>,
  expected: readonly string[] = [],
): boolean {
  for (const name of expected) if (!desired.has(name)) return false;
  for (const r of desired.values()) if (!r.ready) return false;
  return true;
}

/**
 * The desired status without the fields held until ready: while the composite is not ready, a
 * held field is left out unless the observed status already has it. Returns a new object.
 */
export function releasedStatus(
  desiredStatus: Readonly<Record<string, unknown>>,
  observedStatus: Readonly<Record<string, unknown>> | undefined,
  held: readonly string[],
  ready: boolean,
): Record<string, unknown> {
  const out = { ...desiredStatus };
  if (ready) return out;
  for (const k of held) if (!(observedStatus && k in observedStatus)) delete out[k];
  return out;
}
