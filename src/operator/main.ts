#!/usr/bin/env node
/**
 * Entry point of the payment-platform operator: `node dist/src/operator/main.js [flags]`
 * (`--help` lists them). Exits 0 after a graceful SIGTERM/SIGINT, 1 on failure or lost
 * leadership, 2 on invalid configuration.
 */
import { HelpRequested, loadConfig, usage, type OperatorConfig } from './config.js';
import { createLogger, errorFields } from './logger.js';
import { startOperator, type RunningOperator } from './operator.js';

async function main(): Promise<number> {
  let config: OperatorConfig;
  try {
    config = loadConfig(process.argv.slice(2));
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(usage());
      return 0;
    }
    process.stderr.write(`payment-platform-operator: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const log = createLogger(config.logLevel);
  let operator: RunningOperator;
  try {
    operator = await startOperator(config, log);
  } catch (err) {
    log.fatal(errorFields(err), 'cannot start');
    return 1;
  }
  const running = operator;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'signal received');
      void running.shutdown(0);
    });
  }
  return running.done;
}

main().then(
  (code) => {
    // The logs are written synchronously (src/operator/logger.ts): none is left in a buffer.
    setImmediate(() => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`payment-platform-operator: ${String(err)}\n`);
    process.exit(1);
  },
);
