/**
 * Live compliance: the PCI controls of `src/policy/` (the same `evaluateControls` the CLI's
 * `validate` and `report` run before apply) evaluated on a platform's live composed resources,
 * and the transitions between two evaluations.
 */
import type { Environment } from '../apis/payment-platform.js';
import { evaluateControls, failures } from '../policy/evaluate.js';
import type { ControlResult, PolicyResource } from '../policy/types.js';
import type { KubeObject, Obj } from './kube/objects.js';
import { ANNOTATION_RESOURCE_NAME } from './slim.js';

/** A failing required control on one resource. */
export interface ComplianceFinding {
  /** `<control id>/<composition resource name>` (`-` when no resource exists): stable identity. */
  readonly key: string;
  readonly control: string;
  readonly title: string;
  readonly pci: readonly string[];
  readonly resource: string | undefined;
  readonly field: string;
  readonly expected: string;
  /** The live value, as JSON (truncated). */
  readonly actual: string;
}

export type ComplianceState = 'Passing' | 'Failing' | 'Pending' | 'Error';

export interface ComplianceSummary {
  readonly state: ComplianceState;
  /** Required results that pass. */
  readonly passed: number;
  readonly failing: readonly ComplianceFinding[];
  /** Why it is Pending or Error. */
  readonly detail?: string;
}

const show = (v: unknown): string => {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
};

function finding(r: ControlResult): ComplianceFinding {
  return {
    key: `${r.control.id}/${r.resource ?? '-'}`,
    control: r.control.id,
    title: r.control.title,
    pci: r.control.pci,
    resource: r.resource,
    field: r.field,
    expected: r.control.expected,
    actual: show(r.actual),
  };
}

/** Live composed resources as policy input: named by their composition resource name. */
export function livePolicyResources(objects: readonly KubeObject[]): PolicyResource[] {
  return objects.flatMap((o) => {
    const name = o.metadata?.annotations?.[ANNOTATION_RESOURCE_NAME];
    return name ? [{ name, resource: o as Obj }] : [];
  });
}

/** Evaluates the controls on the live resources of a platform. */
export function evaluateLive(objects: readonly KubeObject[], environment: Environment): ComplianceSummary {
  const results = evaluateControls(livePolicyResources(objects), environment);
  const failed = failures(results);
  const failing = failed.map(finding).sort((a, b) => a.key.localeCompare(b.key));
  const passed = results.filter((r) => r.required && r.pass).length;
  return { state: failing.length > 0 ? 'Failing' : 'Passing', passed, failing };
}

/** Controls that newly fail and controls that newly pass, between two evaluations. */
export function complianceTransitions(
  previousFailing: ReadonlySet<string> | undefined,
  current: ComplianceSummary,
): { regressed: ComplianceFinding[]; recovered: string[] } {
  if (current.state === 'Pending' || current.state === 'Error') return { regressed: [], recovered: [] };
  const now = new Set(current.failing.map((f) => f.key));
  const regressed = current.failing.filter((f) => !previousFailing?.has(f.key));
  const recovered = previousFailing ? [...previousFailing].filter((k) => !now.has(k)) : [];
  return { regressed, recovered };
}
