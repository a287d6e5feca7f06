/**
 * `import()` of an ES module by specifier, for the packages that are ES modules only
 * (`@kubernetes/client-node`) or looked up by a computed path (a provider model).
 *
 * The CLI's build runs as a CommonJS script (src/util/script.ts), where V8 has no module loader
 * for `import()`; the script loader passes one in as `__ppImportEsm`. Elsewhere (the tsc output,
 * the operator, the tests) this is the plain `import()`.
 */
declare const __ppImportEsm: ((specifier: string) => Promise<unknown>) | undefined;

export function importEsm<T>(specifier: string): Promise<T> {
  return (typeof __ppImportEsm === 'function' ? __ppImportEsm(specifier) : import(specifier)) as Promise<T>;
}
