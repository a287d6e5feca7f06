/**
 * A work queue keyed by object, in the manner of client-go's: a key is queued at most once, is
 * processed by at most one worker at a time (a key added while it is processed is processed
 * again afterwards), failures are retried with per-key exponential backoff, and a success
 * forgets the key's failures. Delays are timers, never polling.
 */
import { backoffDelay, type BackoffOptions } from './backoff.js';

/** Processes one key; a rejection schedules a retry with backoff. */
export type Handler = (key: string) => Promise<void>;

/** Retry policy of a failure: `permanent` failures are not retried until the key is added again. */
export class PermanentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

export interface QueueHooks {
  /** A key was processed; `error` is set when the handler failed. */
  readonly onDone?: (key: string, seconds: number, error: unknown, retryInMs: number | undefined) => void;
  /** The depth changed. */
  readonly onDepth?: (depth: number) => void;
}

export interface WorkQueueOptions extends BackoffOptions {
  /** Keys processed concurrently. */
  readonly workers: number;
  readonly hooks?: QueueHooks;
}

/** The queue; `start()` begins processing, `drain()` finishes the work at hand and stops. */
export class WorkQueue {
  /** Keys waiting, in order. */
  private readonly pending = new Set<string>();
  private readonly processing = new Set<string>();
  /** Keys added again while they were processed. */
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running = false;
  private shuttingDown = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly handler: Handler,
    private readonly options: WorkQueueOptions,
  ) {}

  /** Keys waiting or being processed. */
  get depth(): number {
    return this.pending.size + this.processing.size;
  }

  /** Queues a key now (a pending delayed retry of it is superseded). */
  add(key: string): void {
    if (this.shuttingDown) return;
    const timer = this.timers.get(key);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(key);
    }
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.pending.has(key)) return;
    this.pending.add(key);
    this.options.hooks?.onDepth?.(this.depth);
    this.pump();
  }

  /** Queues a key after a delay (keeps an earlier pending timer for it). */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Forgets a key's failures (it was deleted). */
  forget(key: string): void {
    this.failures.delete(key);
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  /** Starts the workers. */
  start(): void {
    this.running = true;
    this.pump();
  }

  /** Resolves when nothing is pending or processing (delayed retries do not count). */
  whenIdle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking new keys, cancels delayed retries, lets the workers finish what is queued, and
   * resolves true when the queue drained within the timeout (false when it gave up).
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.shuttingDown = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    if (!this.running) {
      // never started (caches not synced yet): nothing was taken, nothing to finish
      this.pending.clear();
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const drained = this.whenIdle().then(() => true);
    const result = await Promise.race([drained, timeout]);
    if (timer) clearTimeout(timer);
    this.running = false;
    return result;
  }

  private pump(): void {
    if (!this.running) return;
    while (this.processing.size < this.options.workers) {
      const next = this.nextKey();
      if (next === undefined) break;
      this.pending.delete(next);
      this.processing.add(next);
      void this.process(next);
    }
    if (this.depth === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private nextKey(): string | undefined {
    for (const key of this.pending) return key;
    return undefined;
  }

  private async process(key: string): Promise<void> {
    const started = process.hrtime.bigint();
    let error: unknown;
    let retryInMs: number | undefined;
    try {
      await this.handler(key);
      this.failures.delete(key);
    } catch (err) {
      error = err;
      if (err instanceof PermanentError) {
        this.failures.delete(key);
      } else {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        retryInMs = backoffDelay(n, this.options);
      }
    }
    this.processing.delete(key);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (this.dirty.delete(key)) {
      // Changed while processed: process again at once (a new observation beats the backoff).
      this.pending.add(key);
    } else if (retryInMs !== undefined) {
      this.addAfter(key, retryInMs);
    }
    this.options.hooks?.onDone?.(key, seconds, error, retryInMs);
    this.options.hooks?.onDepth?.(this.depth);
    this.pump();
  }
}
