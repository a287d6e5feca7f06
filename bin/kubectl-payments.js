#!/usr/bin/env node
// kubectl plugin entry point: `kubectl payments ...` runs this file (kubectl finds
// `kubectl-payments` on PATH). The CLI is TypeScript, built by `make build` into a bundle
// (dist/cli/main.js, which runs dist/cli/cli.cjs with the code cache the build made for it,
// src/cli/launch.ts); the plain tsc output (dist/src/cli/main.js) is the fallback. Exit code 2,
// with a message, when it is not built or its dependencies are not installed.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node.js's compile cache (>= 22.1) for the modules loaded as modules (the fallback, client-node).
// It lives in the OS temp directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off. The bundle has
// its own (made by the build), which Node.js 20 can use too.
module.enableCompileCache?.();

const root = new URL('..', import.meta.url);
const fail = (message) => {
  process.stderr.write(`kubectl-payments: ${message}\n`);
  process.exit(2);
};
const bundle = new URL('dist/cli/main.js', root);
const entry = existsSync(bundle) ? bundle : new URL('dist/src/cli/main.js', root);
let cli;
try {
  cli = await import(entry.href);
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
    const missing = /Cannot find (?:package|module) '([^']+)'/.exec(String(e.message))?.[1] ?? String(e.message);
    if (!existsSync(entry)) fail('the CLI is not built yet; run `make build` in the payment-platform checkout');
    fail(`a dependency is missing (${missing}): run \`npm ci\` (or \`make build\`) in the payment-platform checkout`);
  }
  throw e;
}
await cli.runCli();
