/**
 * Everything `validate` checks, in order, collecting every finding rather than stopping at the
 * first: the claim against the XRD (schema + CEL), then the rendered resources against the
 * provider schemas and CEL-required fields, their selectors, the PCI controls, and AWS naming
 * limits. The resources checked are those of the steady-state simulation, so that resources
 * the Composition holds back until AWS reports outputs (bucket policies, flow log, alarms) are
 * checked too.
 */
import type { Environment } from '../apis/payment-platform.js';
import { validateClaim } from '../apis/validate.js';
import { evaluateControls, policyResources } from '../policy/evaluate.js';
import type { ControlResult } from '../policy/types.js';
import { checkCelRequired, checkNamingLimits, checkProviderModels, type ResourceFinding } from '../render/provider-checks.js';
import type { ComposedOutput } from '../render/render.js';
import { checkSelectors } from '../render/selectors.js';
import { renderSteadyState } from '../render/steady-state.js';
import type { ClaimRenderOptions } from '../render/claim.js';

/** The stages of validation, in the order they run. */
export const STAGES = ['schema', 'provider', 'selectors', 'pci', 'naming'] as const;
export type Stage = (typeof STAGES)[number];

/** One finding: where (resource and field path), which rule, and what is wrong. */
export interface CheckFinding {
  readonly stage: Stage;
  /** `error` fails validation (exit 1); `warning` is reported only (a control the environment relaxes). */
  readonly severity: 'error' | 'warning';
  /** Composition resource name; absent for findings on the claim itself. */
  readonly resource?: string;
  /** Field path: in the claim for `schema`, else in the composed resource. */
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/** The outcome of validating one claim. */
export interface CheckOutcome {
  readonly findings: CheckFinding[];
  /** Stages that ran (later stages are skipped when the claim itself is invalid). */
  readonly stagesRun: Stage[];
  /** How many composed resources were checked (0 when rendering was skipped). */
  readonly resourceCount: number;
  /** Every control result (for `report`); empty when rendering was skipped. */
  readonly controls: ControlResult[];
  readonly environment?: Environment;
}

const fromResource = (stage: Stage, f: ResourceFinding): CheckFinding => ({
  stage,
  severity: 'error',
  resource: f.resource,
  field: f.field,
  rule: f.rule,
  message: f.message,
});

const show = (v: unknown): string => (v === undefined ? '(not set)' : JSON.stringify(v));

/** Control results as findings: failed required controls are errors, failed relaxed ones warnings. */
export function controlFindings(results: readonly ControlResult[]): CheckFinding[] {
  return results
    .filter((r) => !r.pass)
    .map((r) => ({
      stage: 'pci' as const,
      severity: r.required ? ('error' as const) : ('warning' as const),
      ...(r.resource !== undefined ? { resource: r.resource } : {}),
      field: r.field,
      rule: `${r.control.id} (PCI DSS ${r.control.pci.join(', ')})`,
      message:
        (r.resource === undefined
          ? `no ${r.control.kind} is composed: ${r.control.title} (expected ${r.control.expected})`
          : `${r.resource} ${r.field}: ${r.control.title}: expected ${r.control.expected}, got ${show(r.actual)}`) +
        (r.required ? '' : ' (relaxed in this environment)'),
    }));
}

/** Runs the checks after rendering on a set of composed resources. */
export async function checkResources(
  resources: readonly ComposedOutput[],
  environment: Environment,
): Promise<Pick<CheckOutcome, 'findings' | 'controls'>> {
  const findings: CheckFinding[] = [];
  findings.push(...(await checkProviderModels(resources)).map((f) => fromResource('provider', f)));
  findings.push(...checkCelRequired(resources).map((f) => fromResource('provider', f)));
  findings.push(
    ...checkSelectors(resources).map((f): CheckFinding => ({
      stage: 'selectors',
      severity: 'error',
      resource: f.resource,
      field: f.selector,
      rule: 'selector',
      message: f.message,
    })),
  );
  const controls = evaluateControls(policyResources(resources), environment);
  findings.push(...controlFindings(controls));
  findings.push(...checkNamingLimits(resources).map((f) => fromResource('naming', f)));
  return { findings, controls };
}

/**
 * Validates a claim through every stage. Throws only when the renderer cannot render the
 * Composition at all (UnsupportedError, a broken patch): that is an error of the tool or the
 * Composition, not a finding on the claim.
 */
export async function checkClaim(
  claim: unknown,
  opts: Omit<ClaimRenderOptions, 'observed' | 'observedComposites'> = {},
): Promise<CheckOutcome> {
  const { defaulted, findings: schema } = validateClaim(claim);
  const findings: CheckFinding[] = schema.map((f) => ({
    stage: 'schema',
    severity: 'error',
    field: f.field,
    rule: f.rule,
    message: f.message,
  }));
  if (schema.length > 0) return { findings, stagesRun: ['schema'], resourceCount: 0, controls: [] };
  const environment = ((defaulted.spec as { parameters?: { environment?: Environment } }).parameters?.environment ??
    'development') as Environment;
  const { final } = renderSteadyState(claim, opts);
  const rest = await checkResources(final.resources, environment);
  return {
    findings: [...findings, ...rest.findings],
    stagesRun: [...STAGES],
    resourceCount: final.resources.length,
    controls: rest.controls,
    environment,
  };
}
