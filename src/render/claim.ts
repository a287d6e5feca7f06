/**
 * From a PaymentPlatform as a user writes it to the composite the Composition sees: defaults
 * applied, and the metadata the API server would add (namespace, uid) filled in when missing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { COMPOSITION_NAME } from '../apis/constants.js';
import { validateClaim, type Finding } from '../apis/validate.js';
import { packageRoot } from '../paths.js';
import { renderComposition, type RenderOptions, type RenderResult } from './render.js';

/** The uid an offline render uses when the claim has none (names then end in -00000000). */
export const PLACEHOLDER_UID = '00000000-0000-4000-8000-000000000000';

let cachedComposition: Record<string, unknown> | undefined;

/** The generated Composition shipped with the package (compositions/), read once. */
export function loadComposition(): Record<string, unknown> {
  if (!cachedComposition) {
    const file = join(packageRoot(), 'compositions', `${COMPOSITION_NAME}.yaml`);
    cachedComposition = yaml.load(readFileSync(file, 'utf8')) as Record<string, unknown>;
  }
  return cachedComposition;
}

export interface ClaimRender extends RenderResult {
  readonly findings: Finding[];
  readonly composite: Record<string, unknown>;
}

/** Validates and renders a claim. Rendering is skipped (resources empty) when the claim is invalid. */
export function renderClaim(
  claim: unknown,
  opts: RenderOptions & { composition?: Record<string, unknown> } = {},
): ClaimRender & { xr: Record<string, unknown> } {
  const { defaulted, findings } = validateClaim(claim);
  const md = ((defaulted.metadata as Record<string, unknown> | undefined) ??= {});
  md.namespace ??= 'default';
  md.uid ??= PLACEHOLDER_UID;
  if (findings.length > 0) return { findings, composite: {}, resources: [], warnings: [], xr: defaulted };
  const result = renderComposition(opts.composition ?? loadComposition(), defaulted, opts);
  return { ...result, findings, xr: defaulted };
}
