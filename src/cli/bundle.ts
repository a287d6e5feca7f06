/**
 * `make build` (after tsc): bundles `kubectl payments` with esbuild into dist/cli/, writes the
 * Compositions as JSON (src/render/package-compositions.ts), makes the bundles' V8 code caches,
 * saves the help and makes the CLI's startup snapshot (src/cli/snapshot.ts). Run as
 * `node dist/src/cli/bundle.js`.
 *
 * Why a bundle: a Node.js process pays per module it resolves and loads; the CLI's own modules,
 * js-yaml, commander and the CEL library are ~100 files. The CLI is one CommonJS file
 * (CLI_BUNDLE), run by a small entry (dist/cli/main.cjs, src/cli/launch.ts) through
 * src/util/script.ts, which gives V8 the bytecode this build compiled for it: without it, parsing
 * and compiling the bundle's functions was a quarter of a command's CPU. A command's code runs
 * only when that command does (the dynamic imports of src/cli/program.ts). The Kubernetes client
 * (an ES module only: status, report and diff import it at run time) and the provider models stay
 * outside the CLI's file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { type Obj } from '../apis/obj.js';
import { packageRoot } from '../paths.js';
import { isAwsManaged, PROVIDER_MODELS, PROVIDER_MODELS_BUNDLE } from '../render/provider-checks.js';
import { COMPOSITION_FILES, compileCompositions } from '../render/package-compositions.js';
import { type Io } from './io.js';
import { loadBundle, writeCodeCaches } from '../util/script.js';
import {
  CLI_BUNDLE,
  HELP_FILE,
  helpCommandLines,
  helpKey,
  SNAPSHOT_BLOB,
  SNAPSHOT_FLAGS,
  snapshotV8Flags,
  type CannedOutput,
  type HelpFile,
} from './launch.js';
import { quietIo, warmUp, type CliMain } from './warm-up.js';

/** JavaScript source with every UTF-16 unit above 0x7f written as its \\uXXXX escape. */
function asciiOnly(source: string): string {
  return source.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const root = packageRoot();
const outdir = join(root, 'dist', 'cli');
// What earlier builds left (the ES module chunks of the previous layout, stale caches).
rmSync(outdir, { recursive: true, force: true });

/** CommonJS for Node.js 20; `import.meta.url` (src/paths.ts) is the bundle's own file. */
const commonJs: BuildOptions = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  define: { 'import.meta.url': '__ppImportMetaUrl' },
  banner: { js: "const __ppImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  legalComments: 'linked',
};

await build({
  ...commonJs,
  entryPoints: ['src/cli/main.ts'],
  outfile: join(root, CLI_BUNDLE),
  sourcemap: true,
  external: ['@kubernetes/client-node', '@crossplane-models/*', '@kubernetes-models/*'],
});
/*
 * ASCII only: esbuild escapes the strings, not comments or regular expressions (a `µs` in the CEL
 * library's duration pattern), and one character outside Latin-1 makes V8 hold the whole 600 KB
 * source as two bytes per character, in every process and in the startup snapshot. Each such
 * character becomes its \u escape, which means the same in a comment, a regular expression, an
 * identifier and a string (the source map's columns after it on that line shift by a few).
 */
const toAscii = (file: string) => writeFileSync(file, asciiOnly(readFileSync(file, 'utf8')));
toAscii(join(root, CLI_BUNDLE));
await build({ ...commonJs, entryPoints: ['src/cli/launch.ts'], outfile: join(outdir, 'main.cjs') });

const compiled = COMPOSITION_FILES.map((f) => {
  const c = compileCompositions(readFileSync(join(root, f.yaml), 'utf8'));
  mkdirSync(dirname(join(root, f.json)), { recursive: true });
  writeFileSync(join(root, f.json), JSON.stringify(c));
  return c;
});

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
for (const step of compiled
  .flatMap((c) => c.documents)
  .flatMap((d) => (d.spec as { pipeline?: { input?: Obj }[] }).pipeline ?? [])) {
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
  ...commonJs,
  stdin: {
    contents:
      sorted.map((k, i) => `import { ${k.split('/').pop()} as m${i} } from '${PROVIDER_MODELS}/${k}';`).join('\n') +
      `\nexport const MODELS = {\n${sorted.map((k, i) => `  ${JSON.stringify(k)}: m${i},`).join('\n')}\n};\n`,
    resolveDir: root,
    sourcefile: 'provider-models.cjs',
    loader: 'js',
  },
  outfile: join(root, PROVIDER_MODELS_BUNDLE),
  minify: true,
  plugins: [englishOnly],
});

/*
 * The code caches: the commands a user runs most, run through the bundles (in this process, with
 * their output discarded: src/cli/warm-up.ts), then the bytecode V8 compiled for them saved next
 * to each bundle. A command that fails here fails the build.
 */
interface CliBundle extends CliMain {
  readonly COMMANDS: readonly { readonly name: string }[];
  writeCodeCaches(): string[];
}
const cli = loadBundle<CliBundle>(join(root, CLI_BUNDLE));
await warmUp(cli, root);
const caches = [...writeCodeCaches(), ...cli.writeCodeCaches()];

/*
 * Help and version, as the program prints them (dist/cli/main.cjs prints these without loading
 * the bundle: src/cli/launch.ts). Run after the code caches, so that they hold only the commands.
 */
const outputs: Record<string, CannedOutput> = {};
for (const argv of helpCommandLines(cli.COMMANDS.map((c) => c.name))) {
  let out = '';
  let err = '';
  const io: Io = { ...quietIo(''), out: (t) => void (out += t), err: (t) => void (err += t) };
  const code = await cli.main(argv, { io });
  if (!out && !err) throw new Error(`kubectl payments ${argv.join(' ')} printed nothing while saving the help`);
  outputs[helpKey(argv)] = { out, err, code };
}
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
writeFileSync(join(root, HELP_FILE), JSON.stringify({ version, outputs } satisfies HelpFile));

/*
 * The startup snapshot (src/cli/snapshot.ts), made last: it loads the bundles, their code caches
 * and the saved help as they are now. Written under another name and renamed, so that a build
 * that fails leaves no blob (the shell entry then runs without one); Node.js's own warnings
 * about building a snapshot are shown only when it fails.
 */
const snapshotEntry = join(outdir, 'snapshot.cjs');
await build({ ...commonJs, entryPoints: ['src/cli/snapshot.ts'], outfile: snapshotEntry });
toAscii(snapshotEntry);
const blob = join(root, SNAPSHOT_BLOB);
const v8Options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
if (v8Options.status !== 0) throw new Error(`node --v8-options exited with ${v8Options.status ?? v8Options.signal}`);
const v8Flags = snapshotV8Flags(v8Options.stdout);
rmSync(join(root, SNAPSHOT_FLAGS), { force: true });
const made = spawnSync(process.execPath, [...v8Flags, '--snapshot-blob', `${blob}.partial`, '--build-snapshot', snapshotEntry], {
  encoding: 'utf8',
});
if (made.status !== 0) {
  throw new Error(
    `node --build-snapshot ${snapshotEntry} exited with ${made.status ?? made.signal}:\n${made.stderr}${made.stdout}`,
  );
}
writeFileSync(join(root, SNAPSHOT_FLAGS), `${v8Flags.join(' ')}\n`);
renameSync(`${blob}.partial`, blob);

console.log(
  `bundled kubectl payments into ${outdir} (with ${COMPOSITION_FILES.map((f) => f.json).join(', ')}, the provider models of ${sorted.length} kinds, ${PROVIDER_MODELS_BUNDLE}, ${caches.length} code caches, ${HELP_FILE}: ${Object.keys(outputs).length} help and version outputs, and the startup snapshot ${SNAPSHOT_BLOB} for Node.js ${process.version}, V8 flags ${v8Flags.join(' ') || '(none)'} in ${SNAPSHOT_FLAGS})`,
);
