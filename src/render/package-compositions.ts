/**
 * The package's Compositions, as the renderer and the CLI read them, without parsing hundreds of
 * KB of YAML on every command:
 * `make build` writes each Composition file as JSON (dist/cli/, src/cli/bundle.ts) together with
 * the SHA-256 of the YAML it came from. The YAML (compositions/, what `make synth` writes and
 * users read) stays the source: when its hash differs from the JSON's (synth ran after the
 * build), the YAML is parsed as before. The nested layout's file is read only when a claim
 * composes through it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { API_FILES } from '../apis/constants.js';
import { packageRoot } from '../paths.js';
import { compositionSet, type CompositionSet } from './tree.js';
import { type Obj } from '../apis/obj.js';

/** The Composition files and where the build writes their JSON form, relative to the package root. */
export const COMPOSITION_FILES = [
  { yaml: API_FILES.composition, json: join('dist', 'cli', 'composition.json') },
  { yaml: API_FILES.nestedCompositions, json: join('dist', 'cli', 'nested-compositions.json') },
] as const;

/** The JSON form: the YAML's hash and its documents. */
export interface CompiledCompositions {
  readonly sha256: string;
  readonly documents: Obj[];
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const parse = (text: string): Obj[] => (yaml.loadAll(text) as Obj[]).filter(Boolean);

/** The JSON form of a Composition YAML text (what the build writes). */
export const compileCompositions = (text: string): CompiledCompositions => ({ sha256: sha256(text), documents: parse(text) });

/** The documents of one Composition file: the build's JSON when it matches the YAML, else the YAML parsed. */
function load(file: (typeof COMPOSITION_FILES)[number], root: string): Obj[] {
  const text = readFileSync(join(root, file.yaml), 'utf8');
  try {
    const compiled = JSON.parse(readFileSync(join(root, file.json), 'utf8')) as CompiledCompositions;
    if (compiled.sha256 === sha256(text)) return compiled.documents;
  } catch {
    // not built (tests run the sources) or unreadable: parse the YAML
  }
  return parse(text);
}

const cache = new Map<string, Obj[]>();
const cached = (i: 0 | 1, root: string): Obj[] => {
  const key = `${i}:${root}`;
  let docs = cache.get(key);
  if (!docs) cache.set(key, (docs = load(COMPOSITION_FILES[i], root)));
  return docs;
};

/** The package's single Composition, read once. */
export function packageComposition(root = packageRoot()): Record<string, unknown> {
  const [c] = cached(0, root);
  if (!c) throw new Error(`${API_FILES.composition} holds no Composition`);
  return c;
}

/** The package's Compositions: the single one and, when a claim needs them, the nested layout's. */
export const packageCompositions = (root = packageRoot()): CompositionSet =>
  compositionSet(
    () => packageComposition(root),
    () => cached(1, root),
  );
