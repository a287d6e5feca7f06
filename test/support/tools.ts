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
