import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

const cache = new Map<string, string>();

/** Path of a pinned tool binary, built or extracted into the cache by hack/tools.sh if missing. */
export function toolBin(name: string): string {
  let path = cache.get(name);
  if (!path) {
    path = execFileSync(join(ROOT, 'hack/tools.sh'), ['bin', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .pop() as string;
    cache.set(name, path);
  }
  return path;
}

export function run(
  bin: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(bin, args, {
      encoding: 'utf8',
      input: opts.input,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { code: err.status ?? 1, stdout: String(err.stdout ?? ''), stderr: String(err.stderr ?? '') };
  }
}

type Runner = (args: string[]) => { code: number; stdout: string; stderr: string };

/** Blocks the calling thread for `ms` (synchronous test helpers only). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Polls until the CRD `name` reports Established=True, or throws after `timeoutMs`. A poll with a
 * deadline, not `kubectl wait`: right after creation a CRD has no `status.conditions`, and kubectl
 * answers that with an error instead of waiting (seen on a loaded machine).
 */
export function waitCrdEstablished(kubectl: Runner, name: string, timeoutMs = 120_000): void {
  const jsonpath = '{.status.conditions[?(@.type=="Established")].status}';
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = kubectl(['get', 'crd', name, '-o', `jsonpath=${jsonpath}`]);
    if (r.code === 0 && r.stdout.trim() === 'True') return;
    const last = r.code === 0 ? `Established=${r.stdout.trim() || '(no condition yet)'}` : r.stderr.trim();
    if (Date.now() > end) throw new Error(`CRD ${name} not Established after ${timeoutMs} ms: ${last}`);
    sleepSync(250);
  }
}
