/**
 * The commands the build runs through the CLI's bundle before it keeps what V8 made of them: the
 * bundles' code caches (src/cli/bundle.ts) and the startup snapshot (src/cli/snapshot.ts).
 *
 * Offline commands only, with their output discarded, on the example claims under another name
 * (read from a fake standard input): what a snapshot keeps is code, compiled schemas and CEL
 * programs, never the result for a claim a user has (the name is part of every result).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { COMPOSITION_NAME } from '../apis/constants.js';
import { type Io } from './io.js';

/** The bundle's entry, as the build calls it (src/cli/main.ts `main`). */
export interface CliMain {
  main(argv: readonly string[], context: { readonly io: Io }): Promise<number>;
}

/** The example claims the build runs the commands on. */
export const WARM_UP_CLAIMS = ['examples/claims/minimal.yaml', 'examples/claims/production.yaml'];

/** The name the claims get (none of the examples has it). */
export const WARM_UP_NAME = 'build-warm-up';

/** The command lines, each on a claim from standard input. */
export const WARM_UP_COMMANDS: readonly (readonly string[])[] = [
  ['validate', '-f', '-'],
  ['render', '-f', '-'],
  ['render', '-f', '-', '--steady-state'],
  ['diagram', '-f', '-'],
  ['report', '-f', '-'],
];

/** An Io that discards the output and reads `stdin` as standard input. */
export const quietIo = (stdin: string): Io => ({
  out: () => undefined,
  err: () => undefined,
  isTTY: false,
  env: {},
  readStdin: () => stdin,
  now: Date.now,
});

/**
 * The Compositions a claim is run through: the one it gets by default (the nested layout) and the
 * single Composition, which platforms created before the nested layout keep.
 */
const LAYOUTS: readonly (string | undefined)[] = [undefined, COMPOSITION_NAME];

/** Runs every command on every claim in both layouts; a command that does not exit 0 fails the build. */
export async function warmUp(cli: CliMain, root: string): Promise<void> {
  for (const file of WARM_UP_CLAIMS)
    for (const composition of LAYOUTS) {
      const claim = yaml.load(readFileSync(join(root, file), 'utf8')) as {
        metadata: { name: string };
        spec: Record<string, unknown>;
      };
      claim.metadata.name = WARM_UP_NAME;
      if (composition) claim.spec.crossplane = { compositionRef: { name: composition } };
      // YAML, as users write claims (the parser compiles what it runs: JSON would leave YAML's paths out).
      const io = quietIo(yaml.dump(claim));
      for (const argv of WARM_UP_COMMANDS) {
        const code = await cli.main(argv, { io });
        if (code !== 0)
          throw new Error(
            `kubectl payments ${argv.join(' ')} < ${file}${composition ? ` (${composition})` : ''} exited with ${code} in the build's warm-up`,
          );
      }
    }
}
