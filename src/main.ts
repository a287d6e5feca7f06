#!/usr/bin/env node
/** `make synth`: writes every generated file; `--check` fails (exit 1) when a committed one differs. */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { synth } from './synth.js';

const check = process.argv.includes('--check');
const root = process.cwd();
const { files } = synth();
const drift: string[] = [];
for (const [path, content] of Object.entries(files)) {
  const full = join(root, path);
  const current = existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  if (current === content) continue;
  if (check) {
    drift.push(path);
  } else {
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    console.log(`wrote ${path}`);
  }
}
if (check) {
  if (drift.length > 0) {
    console.error(`generated files differ from a fresh synth (run \`make synth\` and commit):\n  ${drift.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`${Object.keys(files).length} generated files match a fresh synth`);
}
