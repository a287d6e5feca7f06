/**
 * The real judges of the end-to-end suite: the kube-apiserver started by
 * hack/control-plane.sh (KUBECONFIG from `make e2e`), kubectl, helm and the Crossplane CLI built
 * from pinned modules, and the real composition functions running locally.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { FUNCTIONS, functionName, READINESS_FUNCTION, XRD_NAME, type PinnedPackage } from '../../src/apis/constants.js';
import { ROOT } from '../helpers.js';
import { run, toolBin, waitCrdEstablished } from '../support/tools.js';

export const TMP = mkdtempSync(join(tmpdir(), 'pp-e2e-'));

export function requireCluster(): string {
  const kc = process.env.KUBECONFIG;
  if (!kc) throw new Error('KUBECONFIG is not set: run the e2e suite with `make e2e` (it starts the control plane)');
  return kc;
}

export function kubectl(args: string[], input?: string) {
  requireCluster();
  return run(toolBin('kubectl'), args, input === undefined ? {} : { input });
}

export function kubectlOk(args: string[], input?: string): string {
  const r = kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

export const dumpAll = (objs: unknown[]): string => objs.map((o) => yaml.dump(o, { noRefs: true, lineWidth: -1 })).join('---\n');

export function writeTmp(name: string, content: string): string {
  const file = join(TMP, name);
  writeFileSync(file, content);
  return file;
}

/** Converts the XRD with `crossplane xrd convert` and applies the CRD(s); idempotent. */
export function installXrdCrd(): string {
  const r = run(toolBin('crossplane'), ['xrd', 'convert', join(ROOT, 'crds', `${XRD_NAME}.yaml`)]);
  if (r.code !== 0) throw new Error(`crossplane xrd convert failed: ${r.stderr}`);
  // Offline, the owner (the XRD, as Crossplane would create it) has no uid: drop the reference.
  const crd = yaml.load(r.stdout) as { metadata: Record<string, unknown> };
  delete crd.metadata.ownerReferences;
  kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', '-'], dumpAll([crd]));
  waitCrdEstablished(kubectl, XRD_NAME);
  return r.stdout;
}

export function ensureNamespace(ns: string): void {
  kubectlOk(['apply', '-f', '-'], dumpAll([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }]));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningFunctions {
  /** The functions file for `crossplane render` (Development runtime, local targets). */
  readonly file: string;
  /** The functions' process ids (bench/render-bench.ts counts their CPU). */
  readonly pids: readonly number[];
  stop(): void;
}

/**
 * Starts the pinned functions locally (`--insecure`, loopback) for `crossplane render`, and with
 * `withReadiness` this project's own (dist/src/function/main.js), which the nested layout runs.
 */
export async function startFunctions(withReadiness = false): Promise<RunningFunctions> {
  const procs: ChildProcess[] = [];
  const objs: unknown[] = [];
  const all: PinnedPackage[] = [...Object.values(FUNCTIONS), ...(withReadiness ? [READINESS_FUNCTION] : [])];
  for (const f of all) {
    const port = await freePort();
    const args = ['--insecure', `--address=127.0.0.1:${port}`];
    const p =
      f === READINESS_FUNCTION
        ? spawn(process.execPath, [join(ROOT, 'dist/src/function/main.js'), ...args], { stdio: 'ignore' })
        : spawn(toolBin(f.name), args, { stdio: 'ignore' });
    procs.push(p);
    objs.push({
      apiVersion: 'pkg.crossplane.io/v1',
      kind: 'Function',
      metadata: {
        name: functionName(f),
        annotations: {
          'render.crossplane.io/runtime': 'Development',
          'render.crossplane.io/runtime-development-target': `127.0.0.1:${port}`,
        },
      },
    });
  }
  await new Promise((r) => setTimeout(r, 500));
  return {
    file: writeTmp('functions.yaml', dumpAll(objs)),
    pids: procs.map((p) => p.pid).filter((pid): pid is number => pid !== undefined),
    stop: () => procs.forEach((p) => p.kill('SIGTERM')),
  };
}
