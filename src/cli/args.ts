/**
 * Command-line parsing on node:util parseArgs, with messages a user can act on (the flag, what
 * is wrong, where the help is) instead of Node's internal wording.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** One flag: `--name`, optionally `-x`, a string or a switch. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

/** The flags and positional arguments of one command line. */
export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

interface NodeArgError {
  readonly code?: string;
  readonly message: string;
}

function rewrite(e: NodeArgError, command: string): UsageError {
  const where = command ? ` for "${command}"` : '';
  const flag = /'(-[^' ]*)/.exec(e.message)?.[1] ?? /"(-[^"]*)"/.exec(e.message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown flag ${flag ?? e.message}${where}`, command);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(
        /argument missing/.test(e.message)
          ? `flag ${/--[a-z-]+/.exec(e.message)?.[0] ?? flag ?? ''} needs a value${where}`
          : `${e.message}${where}`,
        command,
      );
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${/'([^']*)'/.exec(e.message)?.[1] ?? ''}${where}`.trim(), command);
    default:
      return new UsageError(`${e.message}${where}`, command);
  }
}

/**
 * Parses a command's arguments (`--help`/`-h` is always accepted) and checks the number of
 * positional arguments.
 */
export function parseCommandLine(
  command: string,
  argv: readonly string[],
  flags: Readonly<Record<string, FlagSpec>>,
  positionals: { readonly min: number; readonly max: number; readonly what?: string } = { min: 0, max: 0 },
): Parsed {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...flags, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as { values: Record<string, string | boolean | undefined>; positionals: string[] };
  } catch (e) {
    throw rewrite(e as NodeArgError, command);
  }
  if (parsed.values.help === true) return parsed;
  const n = parsed.positionals.length;
  if (n > positionals.max) {
    const extra = parsed.positionals.slice(positionals.max).join(' ');
    throw new UsageError(`unexpected argument${n - positionals.max > 1 ? 's' : ''} "${extra}" for "${command}"`, command);
  }
  if (n < positionals.min) throw new UsageError(`"${command}" needs ${positionals.what ?? 'an argument'}`, command);
  return parsed;
}

/** A string flag's value, or undefined. */
export const stringFlag = (p: Parsed, name: string): string | undefined => {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
};

/** A switch's value (false when absent). */
export const boolFlag = (p: Parsed, name: string): boolean => p.values[name] === true;

/** A string flag restricted to some values, with a default. */
export function choiceFlag<T extends string>(command: string, p: Parsed, name: string, allowed: readonly T[], fallback: T): T {
  const v = stringFlag(p, name);
  if (v === undefined) return fallback;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}; got "${v}"`, command);
}

/**
 * A Go-style duration (`90s`, `10m`, `1h30m`, `500ms`; a bare number is seconds) in milliseconds.
 */
export function parseDuration(command: string, flag: string, text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return Number(text) * 1000;
  const re = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * (units[m[2]] ?? 0);
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || text.length === 0)
    throw new UsageError(`--${flag} must be a duration such as 30s, 10m or 1h30m; got "${text}"`, command);
  return total;
}
