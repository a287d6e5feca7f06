/** Go's fmt.Sprintf subset of the offline renderer; expected strings written as Go prints them. */
import { goSprintf } from '../../src/render/sprintf.js';
import { FieldPathNotFound, getField, hasField, parseFieldPath } from '../../src/render/fieldpath.js';

describe('goSprintf', () => {
  test.each<[string, unknown[], string]>([
    ['%s-vpc', ['payments'], 'payments-vpc'],
    ['%s-%s', ['a', 'b'], 'a-b'],
    ['%[2]s/%[1]s', ['a', 'b'], 'b/a'],
    ['%[2]s-%s', ['a', 'b', 'c'], 'b-c'],
    ['%v|%v|%v', ['x', 3, true], 'x|3|true'],
    ['%d%%', [42], '42%'],
    ['%s %s', ['only'], 'only %!s(MISSING)'],
    ['%[3]v', ['a'], '%!v(MISSING)'],
    ['%[0]s', ['a'], '%!s(MISSING)'],
    ['no verbs', ['a'], 'no verbs'],
  ])('%s of %j is %s', (format, args, expected) => {
    expect(goSprintf(format, args)).toBe(expected);
  });

  test('what Go would print differently is rejected, naming the format', () => {
    expect(() => goSprintf('%s', [3])).toThrow("format '%s': %s of a number is not supported offline");
    expect(() => goSprintf('%d', [1.5])).toThrow("format '%d': %d of 1.5 is not supported offline");
    expect(() => goSprintf('%d', ['1'])).toThrow('%d of "1" is not supported offline');
    expect(() => goSprintf('%x', [1])).toThrow("format '%x': verb %x is not supported by the offline renderer");
  });
});

describe('field paths', () => {
  test('parse', () => {
    expect(parseFieldPath('spec.forProvider.tags[Name]')).toEqual([
      { field: 'spec' },
      { field: 'forProvider' },
      { field: 'tags' },
      { field: 'Name' },
    ]);
    expect(parseFieldPath('a[0].b')).toEqual([{ field: 'a' }, { index: 0 }, { field: 'b' }]);
    expect(parseFieldPath('a[10]')).toEqual([{ field: 'a' }, { index: 10 }]);
    expect(() => parseFieldPath('a[0')).toThrow("invalid field path 'a[0': unterminated '['");
    expect(() => parseFieldPath('a[]')).toThrow("invalid field path 'a[]': empty brackets");
    expect(() => parseFieldPath('')).toThrow("invalid field path '': empty");
  });

  test('get and has', () => {
    const o = { a: [{ b: 1 }, { b: 2 }], m: { 'x.y': 'z' } };
    expect(getField(o, 'a[1].b')).toBe(2);
    expect(getField(o, 'm[x.y]')).toBe('z');
    expect(hasField(o, 'a[0].b')).toBe(true);
    expect(hasField(o, 'a[2].b')).toBe(false);
    expect(hasField(o, 'a.c')).toBe(false);
    expect(() => getField(o, 'a[5]')).toThrow(FieldPathNotFound);
    expect(() => getField(o, 'nope')).toThrow('nope: no such field');
  });
});

describe('goSprintf: more of Go fmt', () => {
  test.each<[string, unknown[], string]>([
    ['%%d', [], '%d'],
    ['100%%', [], '100%'],
    ['%[1]s-%[1]s', ['a'], 'a-a'],
    ['%[10]s', ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'ten'], 'ten'],
    ['%s%s', ['a', 'b'], 'ab'],
    ['%[1]s %s', ['a', 'b'], 'a b'],
    ['%v', [false], 'false'],
    ['%v', [0], '0'],
    ['%v', [''], ''],
    ['%d', [-3], '-3'],
    ['%d', [0], '0'],
    ['%s', [''], ''],
    ['%d %s', [1], '1 %!s(MISSING)'],
    ['%[2]d', [1], '%!d(MISSING)'],
    ['%v', [], '%!v(MISSING)'],
  ])('%s of %j is %s', (format, args, expected) => {
    expect(goSprintf(format, args)).toBe(expected);
  });

  // Go prints these in ways the renderer does not reproduce (%!s(bool=true), map[a:1], <nil>).
  test.each<[string, unknown, string]>([
    ['%s', true, "format '%s': %s of a boolean is not supported offline"],
    ['%s', null, "format '%s': %s of a null is not supported offline"],
    ['%v', { a: 1 }, "format '%v': %v of a object is not supported offline"],
    ['%v', null, "format '%v': %v of a null is not supported offline"],
    ['%v', undefined, "format '%v': %v of a undefined is not supported offline"],
    ['%v', ['a'], "format '%v': %v of a object is not supported offline"],
    ['%d', 'x', `format '%d': %d of "x" is not supported offline`],
    ['%d', true, "format '%d': %d of true is not supported offline"],
    ['%q', 'x', "format '%q': verb %q is not supported by the offline renderer"],
    ['%T', 'x', "format '%T': verb %T is not supported by the offline renderer"],
  ])('%s of %j is rejected', (format, arg, message) => {
    expect(() => goSprintf(format, [arg])).toThrow(message);
  });
});
