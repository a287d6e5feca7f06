/**
 * The CLI's V8 startup snapshot (SNAPSHOT_BLOB): `make build` runs this file, bundled, as
 * `node --snapshot-blob dist/cli/cli.blob --build-snapshot dist/cli/snapshot.cjs`. It loads the
 * CLI's bundles, runs the build's warm-up commands (src/cli/warm-up.ts) and lets Node.js save the
 * heap: the modules already evaluated, their functions compiled, the Compositions parsed, the
 * validators and CEL programs compiled. `bin/kubectl-payments` (the shell entry) starts
 * `node --snapshot-blob dist/cli/cli.blob bin/kubectl-payments.js ARGS`, and Node.js starts from
 * that heap instead of loading the CLI.
 *
 * What a snapshot cannot carry, and what is done at its start instead:
 * - its place: the paths in it are this checkout's. Started for another entry (a copied or moved
 *   checkout), it runs that entry as a plain Node.js program;
 * - the module loader: `import()` (the Kubernetes client, for status, report and diff) is
 *   `require` of the ES module (Node.js >= 20.19), through setEsmImporter;
 * - the Node.js version: a blob runs only on the Node.js that made it. Another one exits with
 *   code 14 before running anything, and the shell entry then runs bin/kubectl-payments.js.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startupSnapshot } from 'node:v8';
import { packageRoot } from '../paths.js';
import { loadBundle, setEsmImporter } from '../util/script.js';
import { CLI_BUNDLE, NODE_ENTRY, runCli, SNAPSHOT_FLAGS } from './launch.js';
import { warmUp, type CliMain } from './warm-up.js';

const root = packageRoot();
const entry = realpathSync(join(root, NODE_ENTRY));

const SNAPSHOT_HINT = `this is the startup snapshot of kubectl-payments; run it as bin/kubectl-payments (it starts \`node <the V8 flags in ${SNAPSHOT_FLAGS}> --snapshot-blob <this blob> ${entry} ARGS\`)`;

function start(): void {
  const given = process.argv[1];
  let real: string | undefined;
  try {
    real = given === undefined ? undefined : realpathSync(given);
  } catch {
    real = undefined;
  }
  if (real !== entry) {
    if (real === undefined) {
      process.stderr.write(`kubectl-payments: ${SNAPSHOT_HINT}\n`);
      process.exitCode = 2;
      return;
    }
    createRequire(real)(real);
    return;
  }
  const load = createRequire(join(root, 'package.json'));
  setEsmImporter(async (specifier) => load(specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier) as unknown);
  runCli().catch((e: unknown) => {
    process.exitCode = 1;
    console.error(e);
  });
}

if (!startupSnapshot.isBuildingSnapshot()) throw new Error('the build (src/cli/bundle.ts) runs this file with --build-snapshot');
warmUp(loadBundle<CliMain>(join(root, CLI_BUNDLE)), root).then(
  () => startupSnapshot.setDeserializeMainFunction(start),
  (e: unknown) => {
    // Exiting here writes no blob (and the build fails).
    console.error(e);
    process.exit(1);
  },
);
