/**
 * The entry of the built CLI (dist/cli/main.cjs; bin/kubectl-payments.js requires it): runs the
 * CLI's CommonJS bundle (CLI_BUNDLE) with its code cache (src/util/script.ts). It imports nothing
 * else, so that a command pays only for the bundle.
 *
 * Help and the version are printed without the bundle: the build runs each of those command
 * lines through the real program and saves what it printed (HELP_FILE, src/cli/bundle.ts); the
 * help is the same on any terminal (a fixed width, no colour). The saved output is used only for
 * the exact command line it was made from and only while package.json has the version it was
 * made with; anything else runs the program.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { loadBundle } from '../util/script.js';

/** The CLI's bundle, relative to the package root (src/cli/main.ts and everything it imports). */
export const CLI_BUNDLE = join('dist', 'cli', 'cli.cjs');

/** The Node.js entry of the plugin (bin/kubectl-payments, the shell entry, runs it). */
export const NODE_ENTRY = join('bin', 'kubectl-payments.js');

/** The CLI's V8 startup snapshot, made by the build (src/cli/snapshot.ts). */
export const SNAPSHOT_BLOB = join('dist', 'cli', 'cli.blob');

/**
 * The V8 flags the snapshot was made with, one line beside it (`cli.blob.flags`): Node.js starts
 * from a snapshot only with the flags it was made with, so the shell entry reads this file and
 * passes them. Written by the build (src/cli/bundle.ts, snapshotV8Flags).
 */
export const SNAPSHOT_FLAGS = `${SNAPSHOT_BLOB}.flags`;

/**
 * V8 flags for a `kubectl payments` process, for the V8 of the Node.js that runs the build
 * (`node --v8-options`, its flag list): optimize later. A command on one claim is over in a
 * tenth of a second, and V8's optimizing compilers, which start on functions a few thousand
 * calls in, spent about a fifth of its CPU on code it then barely ran (`make bench-render`);
 * raised thresholds leave that code to the baseline compiler, and code that stays hot (a
 * command on tens of claims) is still optimized. V8 11 (Node.js 20) counts bytecode executed
 * (`--interrupt-budget`, 4x its default of 67,584); V8 12 and later count calls
 * (`--invocation-count-for-*`, 10x their defaults of 400, 100 and 3,000). A V8 that has neither
 * gets none.
 */
export function snapshotV8Flags(v8Options: string): string[] {
  const has = (flag: string): boolean => new RegExp(`^\\s*--${flag}\\s`, 'm').test(v8Options);
  const counts = ['invocation-count-for-maglev', 'invocation-count-for-maglev-osr', 'invocation-count-for-turbofan'];
  if (counts.every(has))
    return [
      '--invocation-count-for-maglev=4000',
      '--invocation-count-for-maglev-osr=1000',
      '--invocation-count-for-turbofan=30000',
    ];
  if (has('interrupt-budget')) return ['--interrupt-budget=270336'];
  return [];
}

/** What the program printed for its help and version command lines, made by the build. */
export const HELP_FILE = join('dist', 'cli', 'help.json');

/** One command line's output: stdout, stderr and the exit code. */
export interface CannedOutput {
  readonly out: string;
  readonly err: string;
  readonly code: number;
}

export interface HelpFile {
  /** package.json's version when the build ran. */
  readonly version: string;
  /** By command line (JSON of the arguments after the program name). */
  readonly outputs: Readonly<Record<string, CannedOutput>>;
}

/** The command lines the build saves: the program's help and version, and each command's help. */
export function helpCommandLines(commands: readonly string[]): string[][] {
  return [
    [],
    ['--help'],
    ['-h'],
    ['help'],
    ['--version'],
    ['-V'],
    ...commands.flatMap((c) => [
      [c, '--help'],
      [c, '-h'],
      ['help', c],
    ]),
  ];
}

export const helpKey = (argv: readonly string[]): string => JSON.stringify(argv);

const packageVersion = (root: string): string | undefined => {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
};

/** The saved output of `argv`, if the build saved it for this version; otherwise undefined. */
export function cannedOutput(root: string, argv: readonly string[]): CannedOutput | undefined {
  let file: HelpFile;
  try {
    file = JSON.parse(readFileSync(join(root, HELP_FILE), 'utf8')) as HelpFile;
  } catch {
    return undefined;
  }
  const saved = file.outputs?.[helpKey(argv)];
  return saved && file.version === packageVersion(root) ? saved : undefined;
}

/** Runs the CLI on the process's arguments (src/cli/main.ts `runCli`, from the bundle). */
export async function runCli(): Promise<void> {
  const root = packageRoot();
  const argv = process.argv.slice(2);
  const canned = argv.length <= 2 ? cannedOutput(root, argv) : undefined;
  if (canned) {
    if (canned.out) process.stdout.write(canned.out);
    if (canned.err) process.stderr.write(canned.err);
    process.exitCode = canned.code;
    return;
  }
  await loadBundle<{ runCli(): Promise<void> }>(join(root, CLI_BUNDLE)).runCli();
}
