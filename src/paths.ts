import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder with package.json), from source (tests) or from dist/ alike. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the payment-platform package root');
    dir = parent;
  }
  return dir;
}

/**
 * Deep copy of JSON data. Used instead of structuredClone, which creates objects of the main
 * realm (jest runs modules in a vm context, and the CEL library checks object prototypes).
 */
export function jsonClone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
