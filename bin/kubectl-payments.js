#!/usr/bin/env node
// The plain Node.js entry of the kubectl plugin. `kubectl payments ...` runs bin/kubectl-payments
// (on PATH as `kubectl-payments`), which starts Node.js from the CLI's startup snapshot with this
// file as its entry (src/cli/snapshot.ts), or runs this file as a Node.js program: for help and
// version lines, without a snapshot, and on Windows. The CLI is TypeScript, built by `make build` into a bundle
// (dist/cli/main.cjs, which runs dist/cli/cli.cjs with the code cache the build made for it,
// src/cli/launch.ts); the plain tsc output (dist/src/cli/main.js, ES modules) is the fallback.
// Exit code 2, with a message, when it is not built or its dependencies are not installed.
//
// CommonJS (bin/package.json), like the bundle: Node.js starts faster without its ES module
// loader, which only the fallback and the Kubernetes client (status, report, diff) load.
'use strict';
const { existsSync } = require('node:fs');
const { enableCompileCache } = require('node:module');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

// Node.js's compile cache (>= 22.1) for the modules loaded as modules (the fallback, client-node).
// It lives in the OS temp directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off. The bundle has
// its own (made by the build), which Node.js 20 can use too.
enableCompileCache?.();

const root = join(__dirname, '..');
const fail = (message) => {
  process.stderr.write(`kubectl-payments: ${message}\n`);
  process.exit(2);
};
const launcher = join(root, 'dist', 'cli', 'main.cjs');
const fallback = join(root, 'dist', 'src', 'cli', 'main.js');

async function load() {
  try {
    return existsSync(launcher) ? require(launcher) : await import(pathToFileURL(fallback).href);
  } catch (e) {
    if (e && (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND')) {
      const missing = /Cannot find (?:package|module) '([^']+)'/.exec(String(e.message))?.[1] ?? String(e.message);
      if (!existsSync(launcher) && !existsSync(fallback))
        fail('the CLI is not built yet; run `make build` in the payment-platform checkout');
      fail(`a dependency is missing (${missing}): run \`npm ci\` (or \`make build\`) in the payment-platform checkout`);
    }
    throw e;
  }
}

load()
  .then((cli) => cli.runCli())
  .catch((e) => {
    process.exitCode = 1;
    console.error(e);
  });
