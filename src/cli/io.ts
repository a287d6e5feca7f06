/**
 * What a command may touch of the outside world, as one object: tests pass a fake and read what
 * was written; the real one wraps the process.
 */
import { readFileSync } from 'node:fs';

/** The streams, environment and clock of one CLI run. */
export interface Io {
  /** Writes to standard output (no newline added). */
  out(text: string): void;
  /** Writes to standard error (no newline added). */
  err(text: string): void;
  /** Whether standard output is a terminal (colour, live redraw). */
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads all of standard input (for `-f -`). */
  readStdin(): string;
  /** Milliseconds since the epoch (a fake clock in tests). */
  now(): number;
}

/** The Io of the running process. */
export function processIo(): Io {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    readStdin: () => readFileSync(0, 'utf8'),
    now: () => Date.now(),
  };
}

/** ANSI styling that turns itself off when stdout is not a TTY or NO_COLOR is set. */
export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

const sgr = (on: boolean, code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function styleFor(io: Io): Style {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  const enabled = io.isTTY && !noColor && io.env.TERM !== 'dumb';
  return {
    enabled,
    bold: sgr(enabled, '1'),
    dim: sgr(enabled, '2'),
    red: sgr(enabled, '31'),
    green: sgr(enabled, '32'),
    yellow: sgr(enabled, '33'),
  };
}
