/**
 * The Composition the CLI renders with, without parsing 200 KB of YAML on every command: `make
 * build` writes it as JSON (dist/cli/composition.json, src/cli/bundle.ts) together with the
 * SHA-256 of the YAML it came from. The YAML (compositions/, what `make synth` writes and
 * users read) stays the source: when its hash differs from the JSON's (synth ran after the
 * build), the YAML is parsed as before.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { COMPOSITION_NAME } from '../apis/constants.js';
import { packageRoot } from '../paths.js';

/** Where the build writes the JSON form, relative to the package root. */
export const COMPOSITION_JSON = join('dist', 'cli', 'composition.json');

/** The YAML file, relative to the package root. */
export const COMPOSITION_YAML = join('compositions', `${COMPOSITION_NAME}.yaml`);

/** The JSON form: the YAML's hash and the parsed object. */
export interface CompiledComposition {
  readonly sha256: string;
  readonly composition: Record<string, unknown>;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The JSON form of a Composition YAML text (what the build writes). */
export const compileComposition = (text: string): CompiledComposition => ({
  sha256: sha256(text),
  composition: yaml.load(text) as Record<string, unknown>,
});

let cached: Record<string, unknown> | undefined;

/** The package's Composition: the build's JSON when it matches the YAML, else the YAML parsed. */
export function cliComposition(root = packageRoot()): Record<string, unknown> {
  if (cached) return cached;
  const text = readFileSync(join(root, COMPOSITION_YAML), 'utf8');
  const hash = sha256(text);
  try {
    const compiled = JSON.parse(readFileSync(join(root, COMPOSITION_JSON), 'utf8')) as CompiledComposition;
    if (compiled.sha256 === hash) return (cached = compiled.composition);
  } catch {
    // not built (tests run the sources) or unreadable: parse the YAML
  }
  return (cached = yaml.load(text) as Record<string, unknown>);
}
