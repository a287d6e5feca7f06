/**
 * The container image and the tests agree: same client version (pinned, installed from the same
 * lockfile with npm ci), a maintained LTS base, non-root, multi-stage, and the operator's runtime
 * imports are all production dependencies (the image installs with --omit=dev).
 */
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ROOT } from '../helpers.js';

const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');
const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version: string }> };

/** Bare package names statically imported by a module and everything it imports relatively. */
function runtimePackages(entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    // static imports and re-exports; `import type` is erased; dynamic import() is not followed
    for (const m of src.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'";]*?from\s+'([^']+)'/gm)) {
      const spec = m[1];
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!found.has(name)) found.set(name, file.slice(ROOT.length + 1));
      }
    }
  };
  visit(join(ROOT, entry));
  return found;
}

describe('the operator image', () => {
  const dockerfile = read('Dockerfile');

  test('multi-stage, Node.js LTS base for build and runtime alike, non-root, npm ci from the lockfile', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual([
      'node:${NODE_MAJOR}-bookworm-slim',
      'gcr.io/distroless/nodejs${NODE_MAJOR}-debian12:nonroot',
      'runtime',
      'runtime',
    ]);
    // The operator is the last stage: what `docker build .` makes.
    expect(/^FROM\s+\S+\s+AS\s+(\S+)\s*$/gm.exec(dockerfile.slice(dockerfile.lastIndexOf('\nFROM ')))?.[1]).toBe('operator');
    const major = Number(/^ARG NODE_MAJOR=(\d+)$/m.exec(dockerfile)?.[1]);
    // even majors are the LTS lines; 24 is maintained until April 2028
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(dockerfile).toMatch(/^USER 65532:65532$/m);
    expect(dockerfile).toContain('COPY package.json package-lock.json ./');
    expect(dockerfile).toMatch(/npm ci --ignore-scripts/);
    expect(dockerfile).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(dockerfile).toContain('ENTRYPOINT ["/nodejs/bin/node", "/app/dist/src/operator/main.js"]');
  });

  test("the Node.js the e2e suite runs the image's operator with (hack/tools/node) is the image's major", () => {
    const major = /^ARG NODE_MAJOR=(\d+)$/m.exec(dockerfile)?.[1];
    const pinned = /^NODE_VERSION=v(\d+)\.\d+\.\d+$/m.exec(read('hack/tools/node/node.pin'))?.[1];
    expect(pinned).toBeDefined();
    expect(pinned).toBe(major);
  });

  test('tests and image run the same @kubernetes/client-node: 1.4.0, pinned exactly, one copy in the lockfile', () => {
    expect(pkg.dependencies['@kubernetes/client-node']).toBe('1.4.0');
    expect(lock.packages['node_modules/@kubernetes/client-node'].version).toBe('1.4.0');
    const copies = Object.keys(lock.packages).filter((p) => p.endsWith('node_modules/@kubernetes/client-node'));
    expect(copies).toEqual(['node_modules/@kubernetes/client-node']);
  });

  test('everything the operator imports at run time is a production dependency or a Node.js built-in', () => {
    const packages = runtimePackages('src/operator/main.ts');
    const builtins = new Set(builtinModules.flatMap((b) => [b, `node:${b}`]));
    const missing = [...packages.entries()].filter(([name]) => !builtins.has(name) && !(name in pkg.dependencies));
    expect(missing).toEqual([]);
    expect([...packages.keys()]).toEqual(expect.arrayContaining(['@kubernetes/client-node', 'pino', 'prom-client']));
  });

  test('the function target runs function-payments-readiness, whose run-time imports are production dependencies too', () => {
    expect(dockerfile).toContain('ENTRYPOINT ["/nodejs/bin/node", "/app/dist/src/function/main.js"]');
    const packages = runtimePackages('src/function/main.ts');
    const builtins = new Set(builtinModules.flatMap((b) => [b, `node:${b}`]));
    expect([...packages.entries()].filter(([name]) => !builtins.has(name) && !(name in pkg.dependencies))).toEqual([]);
    expect([...packages.keys()]).toEqual(expect.arrayContaining(['@crossplane-org/function-sdk-typescript', '@grpc/grpc-js']));
  });

  test('the build context is only what the build needs', () => {
    expect(
      read('.dockerignore')
        .split('\n')
        .filter((l) => l && !l.startsWith('#')),
    ).toEqual(['*', '!package.json', '!package-lock.json', '!tsconfig.json', '!src/', 'src/**/testing/']);
  });
});
