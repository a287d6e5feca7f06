/**
 * The one duration syntax of the project, shared by the CLI (`status --timeout`) and the operator
 * (`--lease-duration`, `--hot-loop-window`, ...): Go's time.ParseDuration, as kubectl, Crossplane
 * and Helm users know it, restricted to non-negative values and the units h, m, s and ms
 * (`30s`, `10m`, `1h30m`, `1.5s`, `500ms`).
 *
 * A bare number other than `0` is refused, as Go refuses it: "90" meant 90 s in the CLI and 90 ms
 * in the operator before this module existed; a unit removes the guess.
 */

const UNITS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** What a valid duration looks like, for messages. */
export const DURATION_HINT = 'a duration with a unit, such as 30s, 10m, 1h30m or 500ms';

/** A text that is not a duration; the message says what is expected. */
export class DurationError extends Error {
  override readonly name = 'DurationError';
}

/** Parses a Go-style duration into milliseconds (rounded to a whole millisecond). */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  if (/^[0-9]+(\.[0-9]*)?$/.test(s))
    throw new DurationError(`"${text}" has no unit: write ${s}s for seconds or ${s}ms for milliseconds (${DURATION_HINT})`);
  const re = /([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ms|h|m|s)/y;
  let total = 0;
  let at = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    total += Number(m[1]) * (UNITS[m[2] ?? ''] ?? 0);
    at = re.lastIndex;
  }
  if (s === '' || at !== s.length) throw new DurationError(`"${text}" is not ${DURATION_HINT}`);
  return Math.round(total);
}

/** Milliseconds as the shortest Go-style duration (`90000` -> `1m30s`), for help and messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of Object.entries(UNITS)) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
