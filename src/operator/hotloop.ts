/**
 * The hot-loop guard's bookkeeping: every observed change of a managed resource (a new
 * resourceVersion; a new generation counts as a spec change) goes into a sliding window per
 * object. A resource that changes more than `maxUpdates` times within the window has not
 * converged: it is "hot" until its changes in the window fall to half the limit (hysteresis, so
 * that it does not flap). Only bookkeeping here; Events, metrics and pausing are the caller's.
 */

export interface HotLoopOptions {
  readonly maxUpdates: number;
  readonly windowMs: number;
}

/** What changed for one resource after an observation. */
export type HotLoopTransition = 'started' | 'stopped' | undefined;

export interface HotLoopStats {
  /** Changes of resourceVersion within the window. */
  readonly updates: number;
  /** Changes of generation (spec) within the window. */
  readonly generations: number;
  readonly windowMs: number;
}

interface Track {
  resourceVersion: string;
  generation: number;
  /** Times of changes within the window; created at the first change (most resources never change). */
  updates?: number[];
  generations?: number[];
  hot: boolean;
}

/** Per-object sliding windows of changes, keyed by the caller (uid). */
export class HotLoopDetector {
  private readonly tracks = new Map<string, Track>();

  constructor(private readonly options: HotLoopOptions) {}

  /** Records the object as seen at `now`; returns whether it started or stopped looping. */
  observe(key: string, resourceVersion: string, generation: number, now: number): HotLoopTransition {
    let t = this.tracks.get(key);
    if (!t) {
      t = { resourceVersion, generation, hot: false };
      this.tracks.set(key, t);
      return undefined;
    }
    if (resourceVersion !== t.resourceVersion) {
      t.resourceVersion = resourceVersion;
      (t.updates ??= []).push(now);
    }
    if (generation !== t.generation) {
      t.generation = generation;
      (t.generations ??= []).push(now);
    }
    return this.evaluate(t, now);
  }

  /** Re-evaluates at `now` without a new observation (the window moved on). */
  check(key: string, now: number): HotLoopTransition {
    const t = this.tracks.get(key);
    return t ? this.evaluate(t, now) : undefined;
  }

  isHot(key: string): boolean {
    return this.tracks.get(key)?.hot ?? false;
  }

  stats(key: string, now: number): HotLoopStats {
    const t = this.tracks.get(key);
    if (!t) return { updates: 0, generations: 0, windowMs: this.options.windowMs };
    this.prune(t, now);
    return { updates: t.updates?.length ?? 0, generations: t.generations?.length ?? 0, windowMs: this.options.windowMs };
  }

  /** Forgets a deleted object; returns whether it was hot. */
  forget(key: string): boolean {
    const hot = this.tracks.get(key)?.hot ?? false;
    this.tracks.delete(key);
    return hot;
  }

  /** Objects tracked (for tests and memory accounting). */
  get size(): number {
    return this.tracks.size;
  }

  private prune(t: Track, now: number): void {
    const from = now - this.options.windowMs;
    for (const list of [t.updates, t.generations]) while (list && list.length > 0 && list[0] <= from) list.shift();
    if (t.updates?.length === 0) t.updates = undefined;
    if (t.generations?.length === 0) t.generations = undefined;
  }

  private evaluate(t: Track, now: number): HotLoopTransition {
    this.prune(t, now);
    const n = Math.max(t.updates?.length ?? 0, t.generations?.length ?? 0);
    if (!t.hot && n > this.options.maxUpdates) {
      t.hot = true;
      return 'started';
    }
    if (t.hot && n <= Math.floor(this.options.maxUpdates / 2)) {
      t.hot = false;
      return 'stopped';
    }
    // Bound memory: a looping object keeps at most a little more than the limit.
    const cap = this.options.maxUpdates * 2 + 2;
    for (const list of [t.updates, t.generations]) if (list && list.length > cap) list.splice(0, list.length - cap);
    return undefined;
  }
}
