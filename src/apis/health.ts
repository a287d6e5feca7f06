/**
 * `status.health`: the operator's summary on a PaymentPlatform, and its OpenAPI schema for the
 * XRD (`statusSchema.properties.health`). Crossplane never writes this field; the operator
 * writes only this field, by server-side apply with its own field manager. Until the XRD
 * declares it, the API server prunes it and the operator reports through Events and metrics.
 */
import { arr, bool, int, obj, str, type JsonSchema } from './schema.js';

/** The field manager of every write of the operator. */
export const FIELD_MANAGER = 'payment-platform-operator';

export interface HealthStatusFinding {
  readonly control: string;
  readonly resource: string;
  readonly expected: string;
  readonly actual: string;
}

export interface HealthStatusHotLoop {
  readonly resource: string;
  readonly kind: string;
  readonly name: string;
  readonly updates: number;
  readonly windowSeconds: number;
  readonly paused: boolean;
}

/** The value of `status.health`. */
export interface HealthStatus {
  readonly state: 'Ready' | 'NotReady' | 'Pending';
  readonly ready: number;
  readonly total: number;
  readonly summary: string;
  readonly deepestFailing?: {
    readonly resource: string;
    readonly kind: string;
    readonly name: string;
    readonly reason: string;
    readonly message: string;
    readonly blocking: number;
  };
  readonly compliance: {
    readonly state: 'Passing' | 'Failing' | 'Pending' | 'Error';
    readonly passed: number;
    readonly failed: number;
    readonly failing: readonly HealthStatusFinding[];
    readonly detail?: string;
  };
  readonly hotLoops: readonly HealthStatusHotLoop[];
  readonly observedGeneration: number;
  readonly lastTransitionTime: string;
}

/** Lists in status.health are cut at these lengths (the counts stay exact). */
export const MAX_FINDINGS = 50;
export const MAX_HOT_LOOPS = 20;
/** A failing resource's message is kept whole up to this length. */
export const MAX_MESSAGE = 8192;

/** The OpenAPI schema of `status.health`, for the XRD. */
export const HEALTH_STATUS_SCHEMA: JsonSchema = obj(
  'Written by the payment-platform operator (field manager payment-platform-operator), never by Crossplane: the health roll-up of the composed resources, live PCI compliance and hot-loop findings.',
  {
    state: str(
      'Ready when every composed managed resource is Ready, NotReady when one is not, Pending before Crossplane composed any.',
      {
        enum: ['Ready', 'NotReady', 'Pending'],
      },
    ),
    ready: int('Composed managed resources that are Ready.', { minimum: 0 }),
    total: int('Composed managed resources (spec.crossplane.resourceRefs of managed kinds).', { minimum: 0 }),
    summary: str('One line: ready/total and the deepest failing resource with its message.', { maxLength: 10240 }),
    deepestFailing: obj('The root cause: a failing resource none of whose dependencies fail.', {
      resource: str('Composition resource name.', { maxLength: 253 }),
      kind: str('Kind.', { maxLength: 253 }),
      name: str('Object name.', { maxLength: 253 }),
      reason: str('Reason of its failing condition.', { maxLength: 1024 }),
      message: str('Message of its failing condition, in full.', { maxLength: MAX_MESSAGE }),
      blocking: int('Failing resources that depend on it.', { minimum: 0 }),
    }),
    compliance: obj('The PCI controls of the platform evaluated on the live resources.', {
      state: str('Passing, Failing, Pending (not every composed resource exists yet) or Error.', {
        enum: ['Passing', 'Failing', 'Pending', 'Error'],
      }),
      passed: int('Required control results that pass.', { minimum: 0 }),
      failed: int('Required control results that fail.', { minimum: 0 }),
      failing: arr(
        `The failing ones (at most ${MAX_FINDINGS}).`,
        obj('A failing control on one resource.', {
          control: str('Control id.', { maxLength: 128 }),
          resource: str('Composition resource name (- when the resource is missing).', { maxLength: 253 }),
          expected: str('What the control expects.', { maxLength: 1024 }),
          actual: str('The live value (JSON).', { maxLength: 1024 }),
        }),
        { maxItems: MAX_FINDINGS, 'x-kubernetes-list-type': 'atomic' },
      ),
      detail: str('Why it is Pending or Error.', { maxLength: 1024 }),
    }),
    hotLoops: arr(
      `Composed resources changing faster than the hot-loop limit (at most ${MAX_HOT_LOOPS}).`,
      obj('A hot-looping resource.', {
        resource: str('Composition resource name.', { maxLength: 253 }),
        kind: str('Kind.', { maxLength: 253 }),
        name: str('Object name.', { maxLength: 253 }),
        updates: int('Changes within the window.', { minimum: 0 }),
        windowSeconds: int('The window.', { minimum: 0 }),
        paused: bool('Annotated crossplane.io/paused=true by the operator.'),
      }),
      { maxItems: MAX_HOT_LOOPS, 'x-kubernetes-list-type': 'atomic' },
    ),
    observedGeneration: int('metadata.generation of the platform when evaluated.', { minimum: 0 }),
    lastTransitionTime: str('When state last changed.', { format: 'date-time' }),
  },
);
