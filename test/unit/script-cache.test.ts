/**
 * src/util/script.ts, the loader of the CLI's CommonJS bundles with V8's code cache: a cache is
 * used only for the text it was made from, a stale or foreign one is ignored (the script compiles
 * as usual and runs its own code), and the caches `make build` writes are accepted by a new
 * Node.js process running the built CLI.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeCacheFile, codeCacheUse, loadBundle, writeCodeCaches } from '../../src/util/script.js';
import { ROOT } from '../helpers.js';

const TMP = mkdtempSync(join(tmpdir(), 'pp-script-cache-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** A CommonJS module with enough functions for V8 to cache, returning `answer` from `run`. */
const source = (answer: string): string =>
  `'use strict';\n` +
  Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n') +
  `\nmodule.exports.run = () => ${answer} + String(f0(0) + f49(0) - 49);\nmodule.exports.dir = __dirname;\nmodule.exports.req = typeof require('node:path').join;\n`;

describe('loadBundle and its code cache', () => {
  const original = join(TMP, 'original.cjs');
  writeFileSync(original, source('"A1"'));

  test('a bundle without a cache runs as a CommonJS module (module.exports, require, __dirname)', () => {
    const m = loadBundle<{ run(): string; dir: string; req: string }>(original);
    expect([m.run(), m.dir, m.req]).toEqual(['A10', TMP, 'function']);
    expect(codeCacheUse()[original]).toBe('none');
    expect(loadBundle(original)).toBe(m); // once per process
  });

  test('the cache written for it is used for the same text', () => {
    expect(writeCodeCaches()).toContain(codeCacheFile(original));
    const copy = join(TMP, 'copy.cjs');
    copyFileSync(original, copy);
    copyFileSync(codeCacheFile(original), codeCacheFile(copy));
    expect(loadBundle<{ run(): string }>(copy).run()).toBe('A10');
    expect(codeCacheUse()[copy]).toBe('used');
  });

  test('a cache of other text of the same length is not used: the new text runs', () => {
    const edited = join(TMP, 'edited.cjs');
    writeFileSync(edited, source('"B2"'));
    expect(readFileSync(edited).length).toBe(readFileSync(original).length);
    copyFileSync(codeCacheFile(original), codeCacheFile(edited));
    expect(loadBundle<{ run(): string }>(edited).run()).toBe('B20');
    expect(codeCacheUse()[edited]).toBe('stale');
  });

  test('data V8 refuses (right text hash, not V8 bytecode) is rejected, and the script still runs', () => {
    const foreign = join(TMP, 'foreign.cjs');
    copyFileSync(original, foreign);
    const cache = readFileSync(codeCacheFile(original));
    writeFileSync(codeCacheFile(foreign), Buffer.concat([cache.subarray(0, 32), Buffer.from('not a V8 code cache')]));
    expect(loadBundle<{ run(): string }>(foreign).run()).toBe('A10');
    expect(codeCacheUse()[foreign]).toBe('rejected');
  });
});

describe('the built CLI', () => {
  test("a new process accepts the build's code caches of the CLI and of the provider models", () => {
    const script = `
      import { loadBundle, codeCacheUse } from ${JSON.stringify(join(ROOT, 'dist/src/util/script.js'))};
      const cli = loadBundle(${JSON.stringify(join(ROOT, 'dist/cli/cli.cjs'))});
      const io = { out: () => {}, err: () => {}, isTTY: false, env: {}, readStdin: () => '', now: Date.now };
      const code = await cli.main(['validate', '-f', ${JSON.stringify(join(ROOT, 'examples/claims/minimal.yaml'))}], { io });
      console.log(JSON.stringify({ code, use: { ...codeCacheUse(), ...cli.codeCacheUse() } }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      code: 0,
      use: { [join(ROOT, 'dist/cli/cli.cjs')]: 'used', [join(ROOT, 'dist/cli/provider-models.cjs')]: 'used' },
    });
  });
});
