#!/usr/bin/env node
/**
 * `make package`: builds the Configuration package with the pinned Crossplane CLI
 * (`crossplane xpkg build`, which lints it as Crossplane's package manager will). The package root
 * is staged in a temporary directory from the generated files (PACKAGE_CONTENTS), since the
 * repository's own folders hold files a package may not carry (package/prerequisites.yaml).
 *
 *   node dist/src/package/build.js [--crossplane BIN] [-o FILE]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PACKAGE_CONTENTS, PACKAGE_EXAMPLES, PACKAGE_FILE } from './configuration.js';
import { packageRoot } from '../paths.js';

/** Stages the package root and runs `crossplane xpkg build`; returns the package file. */
export function buildPackage(opts: { readonly crossplane: string; readonly output: string; readonly root?: string }): string {
  const root = opts.root ?? packageRoot();
  const stage = mkdtempSync(join(tmpdir(), 'pp-package-'));
  try {
    for (const file of PACKAGE_CONTENTS) {
      const from = join(root, file);
      if (!existsSync(from)) throw new Error(`${file} is missing: run \`make synth\` first`);
      mkdirSync(dirname(join(stage, file)), { recursive: true });
      copyFileSync(from, join(stage, file));
    }
    mkdirSync(dirname(opts.output), { recursive: true });
    execFileSync(
      opts.crossplane,
      [
        'xpkg',
        'build',
        `--package-root=${stage}`,
        `--examples-root=${join(root, PACKAGE_EXAMPLES)}`,
        `--package-file=${opts.output}`,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    return opts.output;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function main(argv: readonly string[]): void {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (!v || v.startsWith('-')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const root = packageRoot();
  const crossplane =
    value('--crossplane') ??
    execFileSync(join(root, 'hack/tools.sh'), ['bin', 'crossplane'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
  const output = resolve(value('-o') ?? join(root, PACKAGE_FILE));
  buildPackage({ crossplane, output, root });
  console.log(`wrote ${output} (${statSync(output).size} bytes)`);
}

if (process.argv[1] && resolve(process.argv[1]).endsWith(join('package', 'build.js'))) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`package: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
