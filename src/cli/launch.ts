/**
 * The entry of the built CLI (dist/cli/main.cjs; bin/kubectl-payments.js requires it): runs the
 * CLI's CommonJS bundle (CLI_BUNDLE) with its code cache (src/util/script.ts). It imports nothing
 * else, so that a command pays only for the bundle.
 */
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { loadBundle } from '../util/script.js';

/** The CLI's bundle, relative to the package root (src/cli/main.ts and everything it imports). */
export const CLI_BUNDLE = join('dist', 'cli', 'cli.cjs');

/** Runs the CLI on the process's arguments (src/cli/main.ts `runCli`, from the bundle). */
export async function runCli(): Promise<void> {
  await loadBundle<{ runCli(): Promise<void> }>(join(packageRoot(), CLI_BUNDLE)).runCli();
}
