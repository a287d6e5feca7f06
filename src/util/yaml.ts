/**
 * YAML text of JSON data, exactly as js-yaml writes it with `dump(value, YAML_OPTIONS)`: the
 * project's one YAML writer (the CLI's output, and the generated Composition, chart and package
 * files), in less time: js-yaml decides the style of every scalar character by character,
 * keys included, and a rendered platform has some 6,000 scalars, most of them the same few hundred
 * strings (apiVersions, label keys, names). Here block mappings and sequences are written the way
 * js-yaml writes them (src: js-yaml 4 lib/dumper.js writeBlockMapping/writeBlockSequence, indent 2,
 * compact, no references), a string that is certainly plain (a letter, then letters, digits and
 * `_ . / -`, not a word YAML reads as a boolean or null) as it is, and any other scalar by js-yaml
 * itself, once per distinct value.
 *
 * Anything outside that (a string with a line break, which js-yaml writes as a block scalar
 * indented by its depth; a key longer than 1,024 characters, which it writes as an explicit `?`
 * pair; undefined, or a value that is not JSON) makes the whole document go through js-yaml.
 * test/unit/yaml.test.ts compares the two on generated documents.
 */
import yaml from 'js-yaml';

export const YAML_OPTIONS = { noRefs: true, lineWidth: -1 } as const;

/** Thrown (without a stack) when a document needs js-yaml itself. */
class NeedsJsYaml {}
const NEEDS_JS_YAML = new NeedsJsYaml();

/** Letters, digits, `_ . / -`, starting with a letter: plain in js-yaml unless a word below. */
const CERTAINLY_PLAIN = /^[A-Za-z][A-Za-z0-9_./-]*$/;
/** Read as booleans or null by the YAML 1.2 core schema, or quoted by js-yaml for YAML 1.1 readers. */
const RESERVED = new Set(
  'true True TRUE false False FALSE null Null NULL y Y yes Yes YES on On ON n N no No NO off Off OFF'.split(' '),
);

const scalars = new Map<string, string>();

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : viaJsYaml(value);
  if (CERTAINLY_PLAIN.test(value) && !RESERVED.has(value)) return value;
  let text = scalars.get(value);
  if (text === undefined) {
    if (value.includes('\n')) throw NEEDS_JS_YAML;
    text = viaJsYaml(value);
    scalars.set(value, text);
  }
  return text;
}

/** js-yaml's text of one scalar (a single line; its document's newline dropped). */
const viaJsYaml = (value: string | number): string => yaml.dump(value, YAML_OPTIONS).slice(0, -1);

const nextLine = (level: number): string => `\n${'  '.repeat(level)}`;

function node(value: unknown, level: number, compact: boolean): string {
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw NEEDS_JS_YAML;
    return value.length === 0 ? '[]' : sequence(value, level, compact);
  }
  if (value !== null && typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) throw NEEDS_JS_YAML;
    const keys = Object.keys(value);
    return keys.length === 0 ? '{}' : mapping(value as Record<string, unknown>, keys, level, compact);
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return scalar(value);
  throw NEEDS_JS_YAML;
}

function sequence(items: readonly unknown[], level: number, compact: boolean): string {
  let out = '';
  for (const item of items) {
    const text = node(item, level + 1, true);
    if (!compact || out !== '') out += nextLine(level);
    // An item is written compact (its first line after the dash), so it never starts with a newline.
    out += '- ';
    out += text;
  }
  return out;
}

function mapping(object: Record<string, unknown>, keys: readonly string[], level: number, compact: boolean): string {
  let out = '';
  for (const key of keys) {
    const keyText = scalar(key);
    if (keyText.length > 1024) throw NEEDS_JS_YAML;
    const text = node(object[key], level + 1, false);
    if (!compact || out !== '') out += nextLine(level);
    out += keyText;
    out += text.charCodeAt(0) === 10 ? ':' : ': ';
    out += text;
  }
  return out;
}

/** `yaml.dump(value, YAML_OPTIONS)`, the same text. */
export function dumpYaml(value: unknown): string {
  try {
    return `${node(value, 0, true)}\n`;
  } catch (e) {
    if (e !== NEEDS_JS_YAML) throw e;
    return yaml.dump(value, YAML_OPTIONS);
  }
}
