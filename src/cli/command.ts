/** What every subcommand gets: its parsed command line, I/O, styling and (live commands) a cluster. */
import { UsageError } from './errors.js';
import type { Io, Style } from './io.js';
import type { Cluster } from './status/cluster.js';

/** The program as users type it (kubectl finds `kubectl-payments` on PATH). */
export const PROGRAM = 'kubectl payments';

/** What a command may use: I/O, styling and (for live commands) a cluster. */
export interface Context {
  readonly io: Io;
  readonly style: Style;
  /**
   * Opens the cluster of the current kubeconfig (only live commands call it). Absent: the real
   * one (src/cli/status/cluster.ts), loaded only by the commands that need it.
   */
  readonly connect?: () => Cluster | Promise<Cluster>;
}

/** A command line as parsed from the command's flag declarations (src/cli/program.ts). */
export interface CommandInput {
  /** The command's name (for messages). */
  readonly command: string;
  /** Flag values, defaults filled in, by commander's attribute name (`steadyState`). */
  readonly opts: Readonly<Record<string, unknown>>;
  /** Positional arguments. */
  readonly args: readonly string[];
  /** Whether the user gave the flag (rather than its default applying). */
  given(attribute: string): boolean;
}

/** The implementation of a command: loaded only when that command runs. */
export interface CommandModule {
  run(input: CommandInput, ctx: Context): Promise<number>;
}

/** A string flag's value. */
export function stringOpt(input: CommandInput, name: string): string | undefined {
  const v = input.opts[name];
  return typeof v === 'string' ? v : undefined;
}

/** The claim files of -f/--filename/--file (repeatable), in the order given. */
export function fileArgs(input: CommandInput): string[] {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  return [...list(input.opts.filename), ...list(input.opts.file)];
}

/** The claim files, which the command requires. */
export function requireFiles(input: CommandInput): string[] {
  const files = fileArgs(input);
  if (files.length === 0)
    throw new UsageError(`"${input.command}" needs a claim file: -f FILE (or -f - for standard input)`, input.command);
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('-f - (standard input) can be given once', input.command);
  return files;
}

/** The one claim file of a command that takes one claim. */
export function requireOneFile(input: CommandInput): string {
  const files = requireFiles(input);
  if (files.length > 1)
    throw new UsageError(
      `"${input.command}" takes one claim file; got ${files.length} (-f ${files.join(' -f ')})`,
      input.command,
    );
  return files[0] as string;
}

/** The cluster: the context's (tests), else the kubeconfig's, loaded on first use. */
export async function clusterOf(ctx: Context): Promise<Cluster> {
  if (ctx.connect) return ctx.connect();
  const { connect } = await import('./status/cluster.js');
  return connect();
}
