/** What every subcommand is: a name, its help, and a run function returning the exit code. */
import { boolFlag, parseCommandLine, stringFlag, type FlagSpec, type Parsed } from './args.js';
import { UsageError } from './errors.js';
import type { Io, Style } from './io.js';
import type { Cluster } from './status/cluster.js';

/** The program as users type it (kubectl finds `kubectl-payments` on PATH). */
export const PROGRAM = 'kubectl payments';

/** What a command may use: I/O, styling and (for live commands) a cluster. */
export interface Context {
  readonly io: Io;
  readonly style: Style;
  /** Opens the cluster of the current kubeconfig (only live commands call it). */
  readonly connect: () => Cluster;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  run(argv: readonly string[], ctx: Context): Promise<number>;
}

/** The claim-file flags every offline command takes (`-f` as in kubectl; `--file` also works). */
export const FILE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  filename: { type: 'string', short: 'f' },
  file: { type: 'string' },
};

/** The claim file named by -f/--filename/--file, or undefined. */
export function fileFlag(p: Parsed): string | undefined {
  return stringFlag(p, 'filename') ?? stringFlag(p, 'file');
}

/** The claim file, which the command requires. */
export function requireFile(command: string, p: Parsed): string {
  const f = fileFlag(p);
  if (f === undefined) throw new UsageError(`"${command}" needs a claim file: -f FILE (or -f - for standard input)`, command);
  return f;
}

/**
 * Parses a command line; prints the help and returns undefined when --help was given.
 */
export function parseOrHelp(
  cmd: Pick<Command, 'name' | 'help'>,
  argv: readonly string[],
  ctx: Context,
  flags: Readonly<Record<string, FlagSpec>>,
  positionals?: { readonly min: number; readonly max: number; readonly what?: string },
): Parsed | undefined {
  const p = parseCommandLine(cmd.name, argv, flags, positionals);
  if (boolFlag(p, 'help')) {
    ctx.io.out(cmd.help);
    return undefined;
  }
  return p;
}
