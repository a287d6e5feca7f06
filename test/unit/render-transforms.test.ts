/**
 * The function-patch-and-transform transforms of the offline renderer: expected values as the
 * function computes them (map, match, string Format/Regexp/Convert, convert), written by hand.
 */
import type { Transform } from '../../src/composition/patches.js';
import { applyTransform, applyTransforms, UnsupportedError } from '../../src/render/transforms.js';

const map = (m: Record<string, unknown>): Transform => ({ type: 'map', map: m });
const match = (
  patterns: { literal: string; result: unknown }[],
  fallbackTo: 'Value' | 'Input',
  fallbackValue?: unknown,
): Transform => ({
  type: 'match',
  match: { patterns: patterns.map((p) => ({ type: 'literal' as const, ...p })), fallbackTo, fallbackValue },
});
const regexp = (re: string, group?: number): Transform => ({
  type: 'string',
  string: { type: 'Regexp', regexp: group === undefined ? { match: re } : { match: re, group } },
});
const strConvert = (convert: 'ToLower' | 'ToUpper' | 'ToJson'): Transform => ({
  type: 'string',
  string: { type: 'Convert', convert },
});
const convert = (toType: string): Transform => ({ type: 'convert', convert: { toType } }) as unknown as Transform;

describe('map', () => {
  test('looks the input up, returning a copy of the value', () => {
    const value = { instanceClass: 'db.r6g.large' };
    const t = map({ production: value, development: 'small' });
    expect(applyTransform(t, 'development')).toBe('small');
    const out = applyTransform(t, 'production') as Record<string, string>;
    expect(out).toEqual({ instanceClass: 'db.r6g.large' });
    out.instanceClass = 'changed';
    expect(value.instanceClass).toBe('db.r6g.large');
  });

  test('a missing key or a non-string input is an error', () => {
    expect(() => applyTransform(map({ a: 1 }), 'b')).toThrow('key b is not found in map');
    expect(() => applyTransform(map({ a: 1 }), 'toString')).toThrow('key toString is not found in map');
    expect(() => applyTransform(map({ '1': 1 }), 1)).toThrow('map transform: input must be a string, got number');
  });
});

describe('match', () => {
  const t = match(
    [
      { literal: 'production', result: 3 },
      { literal: 'staging', result: 2 },
      { literal: 'staging', result: 99 },
    ],
    'Value',
    1,
  );
  test('the first literal equal to the input gives the result', () => {
    expect(applyTransform(t, 'production')).toBe(3);
    expect(applyTransform(t, 'staging')).toBe(2);
  });
  test('no match gives the fallback value, or the input with fallbackTo Input', () => {
    expect(applyTransform(t, 'development')).toBe(1);
    expect(applyTransform(match([{ literal: 'a', result: 'x' }], 'Input'), 'b')).toBe('b');
    expect(applyTransform(match([{ literal: 'a', result: 'x' }], 'Value'), 'b')).toBeUndefined();
  });
  test('results are copies', () => {
    const result = { a: ['1'] };
    const out = applyTransform(match([{ literal: 'k', result }], 'Value'), 'k') as { a: string[] };
    out.a.push('2');
    expect(result).toEqual({ a: ['1'] });
  });
  test('pattern types other than literal are unsupported', () => {
    const t2 = {
      type: 'match',
      match: { patterns: [{ type: 'regexp', regexp: '.*', result: 1 }], fallbackTo: 'Value' },
    } as unknown as Transform;
    expect(() => applyTransform(t2, 'x')).toThrow(UnsupportedError);
    expect(() => applyTransform(t2, 'x')).toThrow('match pattern type regexp is not supported offline');
  });
});

describe('string', () => {
  test('Format is fmt.Sprintf with the input as the only argument', () => {
    expect(applyTransform({ type: 'string', string: { type: 'Format', fmt: '%s-vpc' } }, 'pay')).toBe('pay-vpc');
  });

  test('Regexp returns the whole match, or the given group', () => {
    expect(applyTransform(regexp('[0-9]+'), 'db-42-x')).toBe('42');
    expect(applyTransform(regexp('^arn:aws:([a-z0-9]+):'), 'arn:aws:s3:::b')).toBe('arn:aws:s3:');
    expect(applyTransform(regexp('^arn:aws:([a-z0-9]+):', 1), 'arn:aws:s3:::b')).toBe('s3');
  });

  test('Regexp without a match, or with a group that did not take part, is an error', () => {
    expect(() => applyTransform(regexp('^z'), 'abc')).toThrow('regexp "^z" had no matches for group 0');
    expect(() => applyTransform(regexp('a(x)?', 1), 'abc')).toThrow('regexp "a(x)?" had no matches for group 1');
    expect(() => applyTransform(regexp('a'), 3)).toThrow('regexp transform: input must be a string');
  });

  test.each(['(?P<name>a)', '(?<name>a)', '\\pL', '\\PL', 'a\\z', '(?i)a', '(?m)a', '(?s)a', '(?U)a'])(
    'RE2 syntax JavaScript reads differently (%s) is unsupported',
    (re) => {
      expect(() => applyTransform(regexp(re), 'a')).toThrow(UnsupportedError);
      expect(() => applyTransform(regexp(re), 'a')).toThrow(
        `regexp '${re}' uses RE2 syntax the offline renderer does not translate`,
      );
    },
  );

  test('classes, groups, anchors and counts are translated', () => {
    expect(applyTransform(regexp('^([a-z]{2})-([a-z]+)-[0-9]$', 2), 'us-east-1')).toBe('east');
  });

  test('Convert ToLower, ToUpper and ToJson', () => {
    expect(applyTransform(strConvert('ToLower'), 'PayMents')).toBe('payments');
    expect(applyTransform(strConvert('ToUpper'), 'PayMents')).toBe('PAYMENTS');
    expect(applyTransform(strConvert('ToJson'), { a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(applyTransform(strConvert('ToJson'), 'x')).toBe('"x"');
    expect(() => applyTransform(strConvert('ToLower'), 1)).toThrow('string convert: input must be a string');
    expect(() => applyTransform(strConvert('ToUpper'), true)).toThrow('string convert: input must be a string');
  });

  test('other string transform types are unsupported', () => {
    const t = { type: 'string', string: { type: 'TrimPrefix', trim: 'a' } } as unknown as Transform;
    expect(() => applyTransform(t, 'abc')).toThrow(UnsupportedError);
    expect(() => applyTransform(t, 'abc')).toThrow('string transform type TrimPrefix is not supported offline');
  });
});

describe('convert', () => {
  test.each<[string, unknown, unknown]>([
    ['string', 'x', 'x'],
    ['string', 42, '42'],
    ['string', 1.5, '1.5'],
    ['string', true, 'true'],
    ['string', false, 'false'],
    ['int64', 7, 7],
    ['int64', 7.9, 7],
    ['int64', -7.9, -7],
    ['int64', '42', 42],
    ['int64', '-42', -42],
    ['int64', true, 1],
    ['int64', false, 0],
    ['float64', 1.5, 1.5],
    ['float64', '1.5', 1.5],
    ['float64', ' 2 ', 2],
    ['float64', true, 1],
    ['float64', false, 0],
    ['bool', true, true],
    ['bool', false, false],
    ['bool', 'true', true],
    ['bool', 'false', false],
  ])('to %s of %j is %j', (toType, input, expected) => {
    expect(applyTransform(convert(toType), input)).toBe(expected);
  });

  test.each<[string, unknown]>([
    ['string', null],
    ['string', { a: 1 }],
    ['int64', '4.2'],
    ['int64', '42a'],
    ['int64', 'a42'],
    ['int64', ''],
    ['int64', null],
    ['int64', [5]],
    ['float64', ''],
    ['float64', '   '],
    ['float64', 'abc'],
    ['float64', null],
    ['bool', 'yes'],
    ['bool', 1],
    ['bool', null],
  ])('to %s of %j is an error', (toType, input) => {
    expect(() => applyTransform(convert(toType), input)).toThrow(`cannot convert ${JSON.stringify(input)} to ${toType}`);
  });

  test('other target types are unsupported', () => {
    expect(() => applyTransform(convert('object'), '{}')).toThrow(UnsupportedError);
    expect(() => applyTransform(convert('object'), '{}')).toThrow('convert to object is not supported offline');
  });
});

describe('applyTransforms', () => {
  test('applies the transforms in order, and none leaves the input as it is', () => {
    const ts: Transform[] = [{ type: 'string', string: { type: 'Format', fmt: '%s-x' } }, strConvert('ToUpper')];
    expect(applyTransforms(ts, 'eu')).toBe('EU-X');
    expect(applyTransforms([...ts].reverse(), 'eu')).toBe('EU-x');
    expect(applyTransforms([map({ EU: 'x' }), strConvert('ToUpper')], 'EU')).toBe('X');
    expect(applyTransforms(undefined, 'same')).toBe('same');
    expect(applyTransforms([], 'same')).toBe('same');
  });

  test('other transform types are unsupported', () => {
    const t = { type: 'math', math: { multiply: 2 } } as unknown as Transform;
    expect(() => applyTransforms([t], 1)).toThrow(UnsupportedError);
    expect(() => applyTransforms([t], 1)).toThrow('transform type math is not supported offline');
  });
});
