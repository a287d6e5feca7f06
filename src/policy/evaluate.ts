/**
 * Evaluates the controls on composed resources, rendered or live. A live resource is judged on
 * `spec.forProvider` first and on `status.atProvider` when the field is not in the spec (what AWS
 * reports, for example a value the provider late-initialized).
 */
import type { Environment } from '../apis/payment-platform.js';
import { findField, MISSING } from '../render/fieldpath.js';
import { CONTROLS } from './controls.js';
import type { Control, ControlResult, Obj, PolicyResource } from './types.js';

function lookup(resource: Obj, field: string): unknown {
  const paths = field.startsWith('spec.forProvider.')
    ? [field, `status.atProvider.${field.slice('spec.forProvider.'.length)}`]
    : [field];
  for (const path of paths) {
    const value = findField(resource, path);
    if (value !== MISSING) return value;
  }
  return undefined;
}

function applies(control: Control, r: PolicyResource): boolean {
  return (
    r.resource.kind === control.kind && (control.resources === undefined || new RegExp(`^(?:${control.resources})$`).test(r.name))
  );
}

/** Every control on every resource it applies to; a control with no resource is one failing result. */
export function evaluateControls(
  resources: readonly PolicyResource[],
  environment: Environment,
  controls: readonly Control[] = CONTROLS,
): ControlResult[] {
  const results: ControlResult[] = [];
  for (const control of controls) {
    const required = control.environments.includes(environment);
    const matching = resources.filter((r) => applies(control, r));
    if (matching.length === 0) {
      results.push({ control, field: control.field, actual: undefined, pass: control.mustExist === false, required });
      continue;
    }
    for (const r of matching) {
      const actual = lookup(r.resource, control.field);
      let pass: boolean;
      try {
        pass = control.test(actual, r.resource);
      } catch {
        pass = false;
      }
      results.push({ control, resource: r.name, field: control.field, actual, pass, required });
    }
  }
  return results;
}

/** The results that fail a control the environment requires. */
export const failures = (results: readonly ControlResult[]): ControlResult[] => results.filter((r) => r.required && !r.pass);

/** Composed resources of a render as policy input. */
export const policyResources = (rendered: readonly { name: string; resource: Obj }[]): PolicyResource[] =>
  rendered.map(({ name, resource }) => ({ name, resource }));
