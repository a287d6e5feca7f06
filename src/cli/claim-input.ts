/** Reading a claim from a file or standard input, with messages that say what is wrong and where. */
import { readFileSync, statSync } from 'node:fs';
import yaml from 'js-yaml';
import { KIND } from '../apis/constants.js';
import { CliError } from './errors.js';
import type { Io } from './io.js';

/** A claim as read, with where it came from (for messages). */
export interface LoadedClaim {
  /** The file name, or `<stdin>`. */
  readonly source: string;
  readonly claim: Record<string, unknown>;
}

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : `a ${typeof v}`);

function readText(path: string, io: Io): string {
  if (path === '-') return io.readStdin();
  try {
    if (statSync(path).isDirectory()) throw new CliError(`${path} is a directory; give a claim file (-f claim.yaml)`);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new CliError(`${path}: no such file`);
    if (code === 'EACCES') throw new CliError(`${path}: permission denied`);
    throw new CliError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Reads one PaymentPlatform from a YAML or JSON file (`-` for standard input). A file with several
 * documents is accepted when exactly one of them is a PaymentPlatform.
 */
export function loadClaim(path: string, io: Io): LoadedClaim {
  const source = path === '-' ? '<stdin>' : path;
  const text = readText(path, io);
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    if (e instanceof yaml.YAMLException) {
      const at = e.mark ? ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
      const snippet = e.mark?.snippet ? `\n${e.mark.snippet}` : '';
      throw new CliError(`${source} is not valid YAML: ${e.reason}${at}${snippet}`, { cause: e });
    }
    throw e;
  }
  if (docs.length === 0) throw new CliError(`${source} is empty: expected a ${KIND}`);
  let doc = docs[0];
  if (docs.length > 1) {
    const platforms = docs.filter((d) => (d as { kind?: unknown } | null)?.kind === KIND);
    if (platforms.length !== 1)
      throw new CliError(
        `${source} has ${docs.length} documents and ${platforms.length} of kind ${KIND}; give exactly one ${KIND}`,
      );
    doc = platforms[0];
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new CliError(`${source} does not hold a Kubernetes object: its document is ${describe(doc)}`);
  return { source, claim: doc as Record<string, unknown> };
}
