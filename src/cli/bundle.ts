/**
 * `make build` (after tsc): bundles `kubectl payments` with esbuild into dist/cli/ and writes the
 * Composition as JSON (src/cli/composition.ts). Run as `node dist/src/cli/bundle.js`.
 *
 * Why a bundle: a Node.js process pays per module it resolves and loads; the CLI's own modules,
 * js-yaml, commander and the CEL library are ~100 files. One entry (main.js, the program's
 * declarations) plus one chunk per command (code splitting: the dynamic imports of
 * src/cli/program.ts) keep `--help` to the entry and a command to its own code. The Kubernetes
 * client and the provider models stay external: only status/report load the former, and
 * validate imports only the models of the kinds it renders (by a computed path).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { packageRoot } from '../paths.js';
import { COMPOSITION_JSON, COMPOSITION_YAML, compileComposition } from './composition.js';

const root = packageRoot();
const outdir = join(root, 'dist', 'cli');

await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  external: ['@kubernetes/client-node', '@crossplane-models/*', '@kubernetes-models/*'],
  // CommonJS dependencies bundled into ES modules call require() for Node.js built-ins.
  banner: {
    js: "import { createRequire as __ppCreateRequire } from 'node:module'; const require = __ppCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'linked',
});

const json = join(root, COMPOSITION_JSON);
mkdirSync(dirname(json), { recursive: true });
writeFileSync(json, JSON.stringify(compileComposition(readFileSync(join(root, COMPOSITION_YAML), 'utf8'))));
console.log(`bundled kubectl payments into ${outdir} (with ${COMPOSITION_JSON})`);
