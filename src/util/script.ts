/**
 * Runs the CLI's build (CommonJS bundles under dist/cli/, src/cli/bundle.ts) as Node.js runs a
 * CommonJS module, plus V8's code cache: `make build` runs one command through the bundles and
 * saves, next to each, the bytecode V8 compiled for it (`<file>.cache`). A later process
 * deserializes that instead of parsing and compiling the same functions again (Node.js 20 has no
 * compile cache of its own; `module.enableCompileCache` is Node.js >= 22.1).
 *
 * A cache is used only for the exact text it was made from: it starts with the SHA-256 of that
 * text, and V8 itself refuses data of another V8 version or other flags (the script then compiles
 * as usual). Nothing is written at run time; only `writeCodeCaches` (the build) writes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { Script } from 'node:vm';
import { importEsm } from './esm-import.js';

const HASH_BYTES = 32;

/** How a bundle was loaded: `used` when V8 accepted its code cache. */
export type CacheUse = 'used' | 'none' | 'stale' | 'rejected';

interface Loaded {
  /** Undefined in a startup snapshot's build (V8 cannot serialize a Script): no code cache. */
  readonly script?: Script;
  readonly hash: Buffer;
  readonly exports: unknown;
  readonly cache: CacheUse;
}

const loaded = new Map<string, Loaded>();

/*
 * What a bundle's `import()` runs (`__ppImportEsm`), looked up at each call: a startup snapshot
 * (src/cli/snapshot.ts) replaces it when it starts, because the module loader of the process that
 * built the snapshot does not survive into the process that runs it.
 */
let esmImporter: (specifier: string) => Promise<unknown> = importEsm;
const importThrough = (specifier: string): Promise<unknown> => esmImporter(specifier);

/** Sets what the bundles' `import()` runs from now on (src/cli/snapshot.ts). */
export function setEsmImporter(importer: (specifier: string) => Promise<unknown>): void {
  esmImporter = importer;
}

export const codeCacheFile = (file: string): string => `${file}.cache`;

function readCache(file: string, hash: Buffer): { data?: Buffer; use: CacheUse } {
  let raw: Buffer;
  try {
    raw = readFileSync(codeCacheFile(file));
  } catch {
    return { use: 'none' };
  }
  if (raw.length <= HASH_BYTES || !raw.subarray(0, HASH_BYTES).equals(hash)) return { use: 'stale' };
  return { data: raw.subarray(HASH_BYTES), use: 'used' };
}

/** The exports of a CommonJS bundle, run once per process (with its code cache when valid). */
export function loadBundle<T>(file: string): T {
  const done = loaded.get(file);
  if (done) return done.exports as T;
  const source = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(source).digest();
  const cache = readCache(file, hash);
  // The same wrapper as Node.js's CommonJS loader, plus the module loader for import().
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __ppImportEsm) {${source}\n})`, {
    filename: file,
    cachedData: cache.data,
  });
  const use: CacheUse = cache.data && script.cachedDataRejected ? 'rejected' : cache.use;
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(file), module, file, dirname(file), importThrough);
  const snapshot = startupSnapshot.isBuildingSnapshot();
  loaded.set(file, { script: snapshot ? undefined : script, hash, exports: module.exports, cache: use });
  return module.exports as T;
}

/** How each bundle loaded so far used its code cache. */
export function codeCacheUse(): Record<string, CacheUse> {
  return Object.fromEntries([...loaded].map(([file, l]) => [file, l.cache]));
}

/**
 * Writes the code cache of every bundle loaded so far (the build calls this after running a
 * command through them: the cache then holds the functions that command compiled). Returns the
 * files written.
 */
export function writeCodeCaches(): string[] {
  return [...loaded].flatMap(([file, l]) => {
    if (!l.script) return [];
    writeFileSync(codeCacheFile(file), Buffer.concat([l.hash, l.script.createCachedData()]));
    return [codeCacheFile(file)];
  });
}
