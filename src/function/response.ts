/**
 * function-payments-readiness's response to one RunFunctionRequest (the rules are in
 * ./readiness.ts): the request's desired state, with the composite's readiness set and the held
 * outputs left out. A bad input is a Fatal result, as Crossplane's functions report one.
 */
import { fatal, Resource, to, type RunFunctionRequest } from '@crossplane-org/function-sdk-typescript';
import { compositeReady, parseInput, READY_FALSE, READY_TRUE, releasedStatus } from './readiness.js';

export function runFunction(req: RunFunctionRequest): ReturnType<typeof to> {
  const rsp = to(req);
  let input;
  try {
    input = parseInput(req.input);
  } catch (err) {
    fatal(rsp, `invalid input: ${err instanceof Error ? err.message : String(err)}`);
    return rsp;
  }
  const desired = rsp.desired!;
  const resources = new Map(Object.entries(desired.resources).map(([name, r]) => [name, { ready: r.ready === READY_TRUE }]));
  const ready = compositeReady(resources, input.expectedResources);
  const composite = desired.composite ?? Resource.fromJSON({});
  const status = (composite.resource as { status?: Record<string, unknown> } | undefined)?.status;
  if (status && input.holdUntilReady.length > 0) {
    const observed = (req.observed?.composite?.resource as { status?: Record<string, unknown> } | undefined)?.status;
    composite.resource = { ...composite.resource, status: releasedStatus(status, observed, input.holdUntilReady, ready) };
  }
  composite.ready = ready ? READY_TRUE : READY_FALSE;
  desired.composite = composite;
  return rsp;
}
