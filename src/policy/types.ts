/**
 * PCI-DSS v4.0.1 controls as code. One Control is one requirement of the platform, on one kind of
 * composed resource: its PCI requirement(s), the AWS Security Hub control(s) and checkov check(s)
 * that test the same thing, the field path and the expected value. The same controls are evaluated
 * on rendered resources (CLI `validate`/`report`, tests, before apply) and on live ones (the
 * operator: spec.forProvider, falling back to status.atProvider).
 */
import type { Environment } from '../apis/payment-platform.js';
import { type Obj } from '../apis/obj.js';
export type { Obj } from '../apis/obj.js';

/** A composed resource as the policy sees it: rendered, or live from the API server. */
export interface PolicyResource {
  /** Composition resource name (annotation crossplane.io/composition-resource-name). */
  readonly name: string;
  readonly resource: Obj;
}

export interface Control {
  /** Stable id, e.g. `PP-ALB-TLS13`. */
  readonly id: string;
  readonly title: string;
  /** PCI DSS v4.0.1 requirement numbers. */
  readonly pci: readonly string[];
  /** AWS Security Hub (FSBP) control ids. */
  readonly securityHub: readonly string[];
  /** checkov check ids on the equivalent Terraform resources. */
  readonly checkov: readonly string[];
  /** Kind of the composed resource(s) checked. */
  readonly kind: string;
  /** Composition resource names it applies to (regexp, anchored). @default every resource of `kind` */
  readonly resources?: string;
  /** Field path (crossplane fieldpath syntax) inside the resource. */
  readonly field: string;
  /** Human-readable expected value, for reports. */
  readonly expected: string;
  /** Environments in which the control is required (others may relax it). */
  readonly environments: readonly Environment[];
  /**
   * When true, at least one resource must match (a missing resource fails the control).
   * @default true
   */
  readonly mustExist?: boolean;
  /** The check on the field's value (undefined when the field is absent). */
  readonly test: (value: unknown, resource: Obj) => boolean;
}

export interface ControlResult {
  readonly control: Control;
  /** Composition resource name, or undefined when no resource matched. */
  readonly resource?: string;
  readonly field: string;
  /** The value found (spec.forProvider first, then status.atProvider for live resources). */
  readonly actual: unknown;
  readonly pass: boolean;
  /** false when the environment relaxes this control (reported, not failed). */
  readonly required: boolean;
}
