/** Output formats shared by the commands: YAML streams, JSON and aligned tables. */
import { dumpYaml } from '../util/yaml.js';

/** Objects as a YAML stream (`---` between documents), as js-yaml writes them (src/util/yaml.ts). */
export const toYaml = (docs: readonly unknown[]): string => docs.map(dumpYaml).join('---\n');

/** A value as indented JSON with a trailing newline. */
export const toJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Printed width of a string (ANSI colour codes do not count). */
export const visibleLength = (s: string): number => s.replace(ANSI, '').length;

/** Columns padded to the widest cell, two spaces apart; the last column is not padded. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(c)))))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
