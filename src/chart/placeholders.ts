/**
 * Helm template expressions in generated YAML: objects are built as plain data with placeholder
 * tokens (`__NAME__`), serialized with js-yaml, then every token is replaced by its Helm text.
 * This is the one mechanism of the chart (chart.ts and operator.ts), independent of where js-yaml
 * puts a value or how deep it indents it:
 * - a value placeholder is a scalar (`name: __PC_NAME__`) replaced by an expression in place;
 * - a block placeholder stands alone on its line, as a list item (`- __PAUSE_PATCH__`) or as a
 *   key (`__RUNTIME_CONFIG_REF__: null`), and is replaced by lines of template text re-indented
 *   to the placeholder's own indentation (so a block is written once, relative to column 0).
 * A token left over after filling, or a block token anywhere but alone on its line, throws: a
 * renamed placeholder can not silently ship in the chart.
 */

/** Token -> Helm expression, or lines of template text for a block. */
export interface PlaceholderTable {
  readonly values?: Readonly<Record<string, string>>;
  readonly blocks?: Readonly<Record<string, readonly string[]>>;
}

const TOKEN = /__[A-Z][A-Z0-9_]*__/g;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces every placeholder of `table` in `text`; throws on a token the table does not fill. */
export function fillPlaceholders(text: string, table: PlaceholderTable, keep: readonly string[] = []): string {
  let out = text;
  for (const [token, lines] of Object.entries(table.blocks ?? {})) {
    const line = new RegExp(`^([ ]*)(?:- ${escape(token)}|${escape(token)}: (?:null|''))\\n`, 'gm');
    out = out.replace(line, (_m, indent: string) => lines.map((l) => `${indent}${l}\n`).join(''));
    if (out.includes(token)) throw new Error(`block placeholder ${token} must stand alone on its line`);
  }
  for (const [token, expr] of Object.entries(table.values ?? {})) out = out.replaceAll(token, expr);
  const left = [...new Set(out.match(TOKEN) ?? [])].filter((t) => !keep.includes(t));
  if (left.length > 0) throw new Error(`unfilled chart placeholder(s): ${left.join(', ')}`);
  return out;
}
