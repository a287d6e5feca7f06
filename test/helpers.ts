import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { packageRoot } from '../src/paths.js';
import { COMPOSITION_NAME, NESTED_COMPOSITION_NAME } from '../src/apis/constants.js';

export const ROOT = packageRoot();

export interface ClaimFile {
  readonly file: string;
  readonly claim: Record<string, unknown>;
  /** For invalid fixtures: the field the rejection must name (first-line `# field:` comment). */
  readonly field?: string;
}

function load(dir: string): ClaimFile[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(ROOT, dir, f), 'utf8');
      const field = /^# field: (\S+)/m.exec(text)?.[1];
      return { file: `${dir}/${f}`, claim: yaml.load(text) as Record<string, unknown>, ...(field ? { field } : {}) };
    });
}

export const exampleClaims = (): ClaimFile[] => load('examples/claims');
export const validFixtures = (): ClaimFile[] => load('test/fixtures/claims/valid');
export const invalidFixtures = (): ClaimFile[] => load('test/fixtures/claims/invalid');
export const validClaims = (): ClaimFile[] => [...exampleClaims(), ...validFixtures()];

/** The same claim composed through the nested layout (it names the nested Composition). */
export function nestedVariant(claim: unknown): Record<string, unknown> {
  const c = JSON.parse(JSON.stringify(claim)) as { spec?: Record<string, unknown> };
  c.spec ??= {};
  c.spec.crossplane = { compositionRef: { name: NESTED_COMPOSITION_NAME } };
  return c as Record<string, unknown>;
}

/** The same claim composed through the single Composition (it names it; the default is the nested layout). */
export function singleVariant(claim: unknown): Record<string, unknown> {
  const c = JSON.parse(JSON.stringify(claim)) as { spec?: Record<string, unknown> };
  c.spec ??= {};
  c.spec.crossplane = { compositionRef: { name: COMPOSITION_NAME } };
  return c as Record<string, unknown>;
}
