/**
 * src/util/yaml.ts writes the same text as js-yaml's `dump(value, { noRefs: true, lineWidth: -1 })`:
 * on every resource the renderer gives for the example and fixture claims, on generated JSON
 * documents whose strings mix the characters and words YAML treats specially, and on the cases
 * it hands to js-yaml (line breaks, long keys, undefined, values that are not JSON).
 */
import fc from 'fast-check';
import yaml from 'js-yaml';
import { renderSteadyState } from '../../src/render/steady-state.js';
import { dumpYaml, YAML_OPTIONS } from '../../src/util/yaml.js';
import { validClaims } from '../helpers.js';

const jsYaml = (value: unknown): string => yaml.dump(value, YAML_OPTIONS);

describe('dumpYaml writes what js-yaml writes', () => {
  test.each(validClaims().map((c) => [c.file, c.claim] as const))('every resource and the composite of %s', (_file, claim) => {
    const { first, final } = renderSteadyState(claim);
    const docs = [...first.resources, ...final.resources].map((r) => r.resource as unknown);
    docs.push(final.composite);
    expect(docs.length).toBeGreaterThan(80);
    for (const doc of docs) expect(dumpYaml(doc)).toBe(jsYaml(doc));
  });

  // Characters and words with a meaning in YAML: indicators, quotes, comment and mapping
  // markers, spaces at either end, a line break, control and non-ASCII characters, reserved
  // words (booleans, null, YAML 1.1's yes/no/on/off), numbers, dates and base-60 numbers.
  const pieces = [
    ...'abcXYZ019_./-:#?\'"!&*|>%@`~{}[],= \t\r\u0085\u00a0\u2028\ufeff\u{1F600}'.split(''),
    ...['\n', 'true', 'False', 'NULL', 'null', '~', 'yes', 'No', 'on', 'OFF', 'y', 'N', '<<', '.inf', '.NaN'],
    ...['0x1F', '0o17', '0b101', '1e3', '-12', '+3', '1_000', '12:30:45', '2026-12-04', '2026-12-04T18:57:00Z'],
    ...['- ', ': ', ' #', '---', '...', 'a'.repeat(600)],
  ];
  const text = fc.array(fc.constantFrom(...pieces), { maxLength: 6 }).map((p) => p.join(''));
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      text,
      fc.constantFrom(null, true, false, 0, -0, 1, -1, 42, 1.5, -2.25, 1e21, 1e-7, Number.MAX_SAFE_INTEGER + 2),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(text, tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  test('on generated JSON documents', () => {
    fc.assert(
      fc.property(json, (doc) => {
        expect(dumpYaml(doc)).toBe(jsYaml(doc));
      }),
      { numRuns: 3000 },
    );
  });

  test.each([
    ['a multi-line string in a nested mapping (a block scalar indented by depth)', { a: { b: ['x\ny', 'z\n'] } }],
    ['a key longer than 1,024 characters (an explicit ? pair)', { ['k'.repeat(1100)]: 1 }],
    ['undefined values (js-yaml leaves the pair out, and writes null in a sequence)', { a: undefined, b: [undefined, 1] }],
    ['empty mappings and sequences at every level', { a: {}, b: [], c: [[], {}, [[]], [{}]], d: { e: { f: [] } } }],
    ['sequences of sequences and of mappings', [[1, [2, 3]], [{ a: 1, b: [{ c: 2 }] }], { d: [[{ e: 'f' }]] }]],
    ['a lone scalar, and an empty string', 'just text'],
    ['an empty string key and value', { '': '' }],
    ['a date (not JSON)', { at: new Date(0) }],
  ])('%s', (_what, doc) => {
    expect(dumpYaml(doc)).toBe(jsYaml(doc));
  });

  test('a function is refused as js-yaml refuses it', () => {
    expect(() => dumpYaml({ f: () => 1 })).toThrow(/unacceptable kind of an object to dump/);
  });
});
