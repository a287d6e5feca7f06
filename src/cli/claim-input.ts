/**
 * Reading claims from files, directories or standard input, as `kubectl apply -f` does, with
 * messages that say what is wrong and where.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { API_GROUP, KIND } from '../apis/constants.js';
import { CliError } from './errors.js';
import type { Io } from './io.js';

/** A claim as read, with where it came from (for messages). */
export interface LoadedClaim {
  /** The file name (with `#N` for the N-th PaymentPlatform of a file that has several), or `<stdin>`. */
  readonly source: string;
  readonly claim: Record<string, unknown>;
}

/** The files of a directory that kubectl would read (not recursive): .yaml, .yml and .json. */
const CLAIM_FILE = /\.(ya?ml|json)$/;

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : `a ${typeof v}`);

function readText(path: string, io: Io): string {
  if (path === '-') return io.readStdin();
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new CliError(`${path}: no such file`);
    if (code === 'EACCES') throw new CliError(`${path}: permission denied`);
    throw new CliError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** The files named by -f: a directory stands for its claim files, sorted by name. */
export function expandPaths(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    if (p === '-') return [p];
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      return [p]; // reported by readText
    }
    if (!isDir) return [p];
    const files = readdirSync(p)
      .filter((f) => CLAIM_FILE.test(f))
      .sort()
      .map((f) => join(p, f));
    if (files.length === 0) throw new CliError(`${p} is a directory with no .yaml, .yml or .json file`);
    return files;
  });
}

/**
 * A document that is meant as a PaymentPlatform: of that kind, of the API group, or an object
 * that names no kind at all (validation then says what it lacks). A ConfigMap is not one.
 */
const isClaimDocument = (d: Record<string, unknown>): boolean =>
  d.kind === KIND ||
  (typeof d.apiVersion === 'string' && d.apiVersion.startsWith(`${API_GROUP}/`)) ||
  (d.kind === undefined && d.apiVersion === undefined);

const kindOf = (d: unknown): string =>
  d !== null && typeof d === 'object' && typeof (d as { kind?: unknown }).kind === 'string'
    ? String((d as { kind: string }).kind)
    : describe(d);

/** Every PaymentPlatform of one file or of standard input. */
function claimsOf(path: string, io: Io): LoadedClaim[] {
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
  const objects = docs.filter((d): d is Record<string, unknown> => d !== null && typeof d === 'object' && !Array.isArray(d));
  if (objects.length === 0)
    throw new CliError(`${source} does not hold a Kubernetes object: its document is ${describe(docs[0])}`);
  const claims = objects.filter(isClaimDocument);
  if (claims.length === 0)
    throw new CliError(
      `${source} has no ${KIND}: ${docs.length === 1 ? 'its document is' : `its ${docs.length} documents are`} ${docs.map(kindOf).join(', ')}`,
    );
  return claims.map((claim, i) => ({ source: claims.length > 1 ? `${source}#${i + 1}` : source, claim }));
}

/**
 * Reads every PaymentPlatform of the files, directories and standard input (`-`) named by -f;
 * other kinds in a file are skipped. A file, directory or input with none is an error.
 */
export function loadClaims(paths: readonly string[], io: Io): LoadedClaim[] {
  return expandPaths(paths).flatMap((p) => claimsOf(p, io));
}

/** Reads exactly one PaymentPlatform (for commands that take one claim). */
export function loadClaim(path: string, io: Io): LoadedClaim {
  const claims = loadClaims([path], io);
  if (claims.length !== 1)
    throw new CliError(
      `${path === '-' ? '<stdin>' : path} holds ${claims.length} ${KIND}s; this command takes one (give one file with one ${KIND})`,
    );
  return claims[0] as LoadedClaim;
}
