/**
 * CEL expressions parsed once per process: `Environment.evaluate` parses (and type-checks) the
 * expression text on every call, and the XRD's rules and the Composition's filters are
 * evaluated many times per command (every claim, every render pass, every resource). The parsed
 * form is the library's own (`Environment.parse`); its type check depends only on the
 * environment's declarations (variables are dyn), not on the values, so it is reused too.
 */
import type { Environment } from '@marcbachmann/cel-js';

type Compiled = (context: Record<string, unknown>) => unknown;

const caches = new WeakMap<Environment, Map<string, Compiled>>();

/** Evaluates `expression` in `env`, parsing it only the first time (a parse error is not cached). */
export function evaluateCached(env: Environment, expression: string, context: Record<string, unknown>): unknown {
  let cache = caches.get(env);
  if (!cache) caches.set(env, (cache = new Map()));
  let compiled = cache.get(expression);
  if (!compiled) {
    compiled = env.parse(expression) as Compiled;
    cache.set(expression, compiled);
  }
  return compiled(context);
}
