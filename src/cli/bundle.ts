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
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { type Obj } from '../apis/obj.js';
import { packageRoot } from '../paths.js';
import { isAwsManaged, PROVIDER_MODELS, PROVIDER_MODELS_BUNDLE } from '../render/provider-checks.js';
import { COMPOSITION_JSON, COMPOSITION_YAML, compileComposition } from './composition.js';

const root = packageRoot();
const outdir = join(root, 'dist', 'cli');
// Chunk names carry a content hash: without this, every build would leave the previous ones.
rmSync(join(outdir, 'chunks'), { recursive: true, force: true });

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

const compiled = compileComposition(readFileSync(join(root, COMPOSITION_YAML), 'utf8'));
const json = join(root, COMPOSITION_JSON);
mkdirSync(dirname(json), { recursive: true });
writeFileSync(json, JSON.stringify(compiled));

/*
 * The provider models of the kinds the Composition composes, in one file (validate checks every
 * managed resource against its model). Imported one by one from node_modules, each model is
 * three to five modules to resolve in a package with 5,000 exports, and the models' shared
 * runtime (@kubernetes-models/validate) loads ajv-i18n's 30 languages to word error messages in
 * English: together more than half of validate's CPU. Here ajv-i18n is its English locale only
 * (the one the runtime calls). A kind missing from the file (the Composition changed after the
 * build) is imported from node_modules as before (src/render/provider-checks.ts).
 */
const kinds = new Set<string>();
for (const step of (compiled.composition.spec as { pipeline?: { input?: Obj }[] }).pipeline ?? []) {
  for (const t of (step.input?.resources as { base?: Obj }[] | undefined) ?? []) {
    if (t.base && isAwsManaged(t.base)) kinds.add(`${String(t.base.apiVersion)}/${String(t.base.kind)}`);
  }
}
const sorted = [...kinds].sort();
const englishOnly: Plugin = {
  name: 'ajv-i18n-en',
  setup(b) {
    b.onResolve({ filter: /^ajv-i18n$/ }, () => ({ path: 'ajv-i18n', namespace: 'ajv-i18n-en' }));
    b.onLoad({ filter: /.*/, namespace: 'ajv-i18n-en' }, () => ({
      contents: "module.exports = { en: require('ajv-i18n/localize/en') };",
      resolveDir: root,
      loader: 'js',
    }));
  },
};
await build({
  absWorkingDir: root,
  stdin: {
    contents:
      sorted.map((k, i) => `import { ${k.split('/').pop()} as m${i} } from '${PROVIDER_MODELS}/${k}';`).join('\n') +
      `\nexport const MODELS = {\n${sorted.map((k, i) => `  ${JSON.stringify(k)}: m${i},`).join('\n')}\n};\n`,
    resolveDir: root,
    sourcefile: 'provider-models.js',
    loader: 'js',
  },
  outfile: join(root, PROVIDER_MODELS_BUNDLE),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  plugins: [englishOnly],
  banner: {
    js: "import { createRequire as __ppCreateRequire } from 'node:module'; const require = __ppCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'linked',
});
console.log(
  `bundled kubectl payments into ${outdir} (with ${COMPOSITION_JSON} and the provider models of ${sorted.length} kinds, ${PROVIDER_MODELS_BUNDLE})`,
);
