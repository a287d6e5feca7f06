/** Exponential backoff: base * 2^(failures-1), capped, with up to 10 % jitter against thundering herds. */

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Fraction of random jitter added. @default 0.1 */
  readonly jitter?: number;
}

/** The delay before retry number `failures` (1 = first retry). */
export function backoffDelay(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, Math.min(failures - 1, 40)));
  return Math.min(options.maxMs, Math.round(exp * (1 + (options.jitter ?? 0.1) * random())));
}
