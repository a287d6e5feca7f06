/** JSON logs (pino) on stdout, one object per line, with the level set by `--log-level`. */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/** A logger named `payment-platform-operator` writing JSON lines to `destination` (stdout). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    name: 'payment-platform-operator',
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  // stdout synchronously: pino's default stream writes asynchronously and, at exit, writes what
  // is still buffered synchronously, ahead of a write still in flight, so the last lines of a
  // shutdown could come out of order (seen in the leader-election e2e test: "stopped" before
  // "released the Lease"). One write per line is cheap at the operator's rate of logging.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}

/** The message and cause chain of an error, for a log line. */
export function errorFields(err: unknown): { error: string; causes?: string[] } {
  if (!(err instanceof Error)) return { error: String(err) };
  const causes: string[] = [];
  let cause: unknown = err.cause;
  while (cause !== undefined && causes.length < 5) {
    causes.push(cause instanceof Error ? cause.message : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return causes.length > 0 ? { error: err.message, causes } : { error: err.message };
}
