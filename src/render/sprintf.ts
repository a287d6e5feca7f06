/**
 * The part of Go's fmt.Sprintf that Composition formats use: %s, %d, %v, %% and explicit
 * argument indexes (%[2]s). Anything else is rejected rather than guessed.
 */
export function goSprintf(format: string, args: readonly unknown[]): string {
  let next = 0;
  return format.replace(/%(\[(\d+)\])?([a-zA-Z%])/g, (_m, _idx, idx: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const i = idx !== undefined ? Number(idx) - 1 : next;
    next = i + 1;
    if (i < 0 || i >= args.length) return `%!${verb}(MISSING)`;
    const v = args[i];
    switch (verb) {
      case 's':
      case 'v':
        if (typeof v === 'string') return v;
        if (verb === 'v' && (typeof v === 'number' || typeof v === 'boolean')) return String(v);
        throw new Error(`format '${format}': %${verb} of a ${v === null ? 'null' : typeof v} is not supported offline`);
      case 'd':
        if (Number.isInteger(v)) return String(v);
        throw new Error(`format '${format}': %d of ${JSON.stringify(v)} is not supported offline`);
      default:
        throw new Error(`format '${format}': verb %${verb} is not supported by the offline renderer`);
    }
  });
}
