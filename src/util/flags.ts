/**
 * The one flag system of the project, shared by `kubectl payments` (src/cli/program.ts) and the
 * operator (src/operator/config.ts): commander, with the value parsers below.
 *
 * Why commander and not node's util.parseArgs: both binaries need things parseArgs does not do
 * (a switch that also takes `=false`, as the chart passes `--hot-loop-pause=false`; a repeatable
 * `-f`; allowed values; subcommands with their own flags), and commander does them, generates
 * the help from the same declarations that parse (no second list of flags to drift), suggests
 * the closest command or flag on a typo, and throws typed errors (exitOverride) instead of
 * exiting, so that both binaries keep their own exit codes. It is small, has no dependencies and
 * loads in a few milliseconds, which matters for a CLI measured per process (issue 13).
 */
import { InvalidArgumentError } from 'commander';
import { DurationError, parseDuration } from './duration.js';

export { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

/** A duration flag's value in milliseconds (see src/util/duration.ts). */
export function durationValue(raw: string): number {
  try {
    return parseDuration(raw);
  } catch (e) {
    if (e instanceof DurationError) throw new InvalidArgumentError(e.message);
    throw e;
  }
}

/** An integer flag within bounds. */
export const integerValue =
  (min: number, max: number) =>
  (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };

/** A switch that also takes a value: `--x`, `--x=true`, `--x=false` (also 1/0, yes/no). */
export function booleanValue(raw: string): boolean {
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new InvalidArgumentError('must be true or false');
}

/** A repeatable flag: every value, in order (`-f a.yaml -f b.yaml`). */
export const collect = (value: string, previous: readonly string[] | undefined): string[] => [...(previous ?? []), value];
