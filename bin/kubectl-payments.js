#!/usr/bin/env node
// kubectl plugin entry point: `kubectl payments ...` runs this file (kubectl finds
// `kubectl-payments` on PATH). The CLI is compiled TypeScript in dist/: `make build` first.
let cli;
try {
  cli = await import('../dist/src/cli/main.js');
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('cli/main.js')) {
    process.stderr.write('kubectl-payments: the CLI is not built yet; run `make build` in the payment-platform checkout\n');
    process.exit(2);
  }
  throw e;
}
await cli.runCli();
