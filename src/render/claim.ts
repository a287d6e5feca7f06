/**
 * From a PaymentPlatform as a user writes it to the composite the Composition sees: defaults
 * applied, and the metadata the API server would add (namespace, uid) filled in when missing.
 * The composite is rendered through the Composition it names (spec.crossplane.compositionRef),
 * or the single Composition, and through every internal XR of the nested layout (tree.ts).
 */
import { validateClaim, type Finding } from '../apis/validate.js';
import type { Obj } from '../apis/obj.js';
import { packageCompositions } from './package-compositions.js';
import type { RenderMemo } from './render.js';
import { renderTree, type CompositionSet, type ObservedTree, type TreeRender } from './tree.js';

/** The uid an offline render uses when the claim has none (names then end in -00000000). */
export const PLACEHOLDER_UID = '00000000-0000-4000-8000-000000000000';

export interface ClaimRender extends Omit<TreeRender, 'composite'> {
  readonly findings: Finding[];
  readonly composite: Record<string, unknown>;
}

export interface ClaimRenderOptions {
  /** The PaymentPlatform's Composition, instead of the one the claim names. */
  readonly composition?: Record<string, unknown>;
  /** Where Compositions are looked up (default: the package's). */
  readonly compositions?: CompositionSet;
  /** Observed managed resources, by composition resource name. */
  readonly observed?: Readonly<Record<string, Obj>>;
  /** Observed internal XRs of the nested layout, by composition resource name. */
  readonly observedComposites?: Readonly<Record<string, Obj>>;
  /** Each template's last render, kept by a sequence of renders (render.ts, RenderMemo). */
  readonly memo?: RenderMemo;
}

/** Validates and renders a claim. Rendering is skipped (resources empty) when the claim is invalid. */
export function renderClaim(claim: unknown, opts: ClaimRenderOptions = {}): ClaimRender & { xr: Record<string, unknown> } {
  const { defaulted, findings } = validateClaim(claim);
  const md = ((defaulted.metadata as Record<string, unknown> | undefined) ??= {});
  md.namespace ??= 'default';
  md.uid ??= PLACEHOLDER_UID;
  if (findings.length > 0)
    return { findings, composite: {}, resources: [], composites: [], levels: [], warnings: [], xr: defaulted };
  return { ...renderValidated(defaulted, opts), findings, xr: defaulted };
}

/**
 * Renders a composite that renderClaim validated and defaulted (its `xr`), for example again
 * with a new status: the steady state (steady-state.ts) validates the claim once, not per
 * reconcile, as the API server admits it once and Crossplane then only writes its status.
 */
export function renderValidated(xr: Record<string, unknown>, opts: ClaimRenderOptions = {}): TreeRender {
  const compositions = opts.compositions ?? packageCompositions();
  const observed: ObservedTree = { resources: opts.observed ?? {}, composites: opts.observedComposites ?? {} };
  return renderTree(opts.composition ?? compositions.forComposite(xr), xr, compositions, observed, opts.memo);
}
