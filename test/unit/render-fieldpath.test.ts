/**
 * Crossplane field paths as crossplane-runtime's fieldpath package reads and writes them
 * (Parse, Paved.GetValue, Paved.SetValue) and the MergeObjects patch policy (mergo without
 * override): expected values written from those semantics.
 */
import {
  FieldPathNotFound,
  formatFieldPath,
  getField,
  hasField,
  mergeObjects,
  parseFieldPath,
  setField,
} from '../../src/render/fieldpath.js';

describe('parseFieldPath', () => {
  test.each<[string, unknown[]]>([
    ['metadata', [{ field: 'metadata' }]],
    ['a.b[0].c', [{ field: 'a' }, { field: 'b' }, { index: 0 }, { field: 'c' }]],
    ['status.ids[0]', [{ field: 'status' }, { field: 'ids' }, { index: 0 }]],
    ['a[0][1]', [{ field: 'a' }, { index: 0 }, { index: 1 }]],
    ['a[123]', [{ field: 'a' }, { index: 123 }]],
    // Brackets that are not all digits name a field (labels and annotations with dots or slashes).
    [
      'metadata.labels[app.kubernetes.io/name]',
      [{ field: 'metadata' }, { field: 'labels' }, { field: 'app.kubernetes.io/name' }],
    ],
    ['tags[x1]', [{ field: 'tags' }, { field: 'x1' }]],
    ['tags[1x]', [{ field: 'tags' }, { field: '1x' }]],
    ['tags[1-2]', [{ field: 'tags' }, { field: '1-2' }]],
  ])('%s', (path, segments) => {
    expect(parseFieldPath(path)).toEqual(segments);
  });

  test('a path with no field is rejected', () => {
    expect(() => parseFieldPath('.')).toThrow("invalid field path '.': empty");
    expect(() => parseFieldPath('a[b')).toThrow("invalid field path 'a[b': unterminated '['");
  });
});

describe('getField and hasField', () => {
  const o = { spec: { list: ['x', 'y'], nothing: null, zero: 0, obj: { '0': 'zero-key' } }, s: 'text' };

  test('values of every JSON type are returned as they are, null included', () => {
    expect(getField(o, 'spec.list')).toEqual(['x', 'y']);
    expect(getField(o, 'spec.list[0]')).toBe('x');
    expect(getField(o, 'spec.list[1]')).toBe('y');
    expect(getField(o, 'spec.nothing')).toBeNull();
    expect(getField(o, 'spec.zero')).toBe(0);
    expect(hasField(o, 'spec.nothing')).toBe(true);
  });

  test('an index past the end of an array is not found', () => {
    expect(() => getField(o, 'spec.list[2]')).toThrow(FieldPathNotFound);
    expect(hasField(o, 'spec.list[2]')).toBe(false);
  });

  test('an index into something that is not an array, or a field of something that is not an object, is not found', () => {
    expect(hasField(o, 'spec.obj[0]')).toBe(false);
    expect(hasField(o, 'spec.list.length')).toBe(false);
    expect(hasField(o, 's.length')).toBe(false);
    expect(hasField(o, 'spec.nothing.x')).toBe(false);
    expect(hasField(o, 'spec.zero.x')).toBe(false);
    expect(hasField(o, 'spec.obj.toString')).toBe(false);
  });

  test('the not-found error names the path and does not change the stack trace limit', () => {
    const limit = Error.stackTraceLimit;
    let err: unknown;
    try {
      getField(o, 'spec.missing');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FieldPathNotFound);
    expect((err as FieldPathNotFound).path).toBe('spec.missing');
    expect((err as Error).message).toBe('spec.missing: no such field');
    expect(Error.stackTraceLimit).toBe(limit);
  });

  test('hasField passes on errors other than not found (an invalid path)', () => {
    expect(() => hasField(o, 'spec[')).toThrow("invalid field path 'spec[': unterminated '['");
  });
});

describe('setField', () => {
  test('creates the objects and arrays on the way, growing arrays with nulls', () => {
    const o: Record<string, unknown> = {};
    setField(o, 'spec.forProvider.tags[Name]', 'payments');
    setField(o, 'spec.ids[2]', 'c');
    setField(o, 'spec.rules[1].days', 365);
    setField(o, 'spec.matrix[0][1]', 'b');
    expect(o).toEqual({
      spec: {
        forProvider: { tags: { Name: 'payments' } },
        ids: [null, null, 'c'],
        rules: [null, { days: 365 }],
        matrix: [[null, 'b']],
      },
    });
  });

  test('keeps the objects and arrays already on the way', () => {
    const o: Record<string, unknown> = { c: { keep: 1 }, d: [{ keep: 3 }, 'x'], e: [[1]] };
    setField(o, 'c.add', 2);
    setField(o, 'd[0].z', 3);
    setField(o, 'e[0][2]', 4);
    expect(o).toEqual({ c: { keep: 1, add: 2 }, d: [{ keep: 3, z: 3 }, 'x'], e: [[1, null, 4]] });
  });

  test('replaces the value at the end of the path unless merging', () => {
    const o: Record<string, unknown> = { tags: { a: '1' }, list: [{ a: '1' }] };
    setField(o, 'tags', { b: '2' });
    setField(o, 'list[0]', { b: '2' });
    expect(o).toEqual({ tags: { b: '2' }, list: [{ b: '2' }] });
  });

  test('MergeObjects merges into an existing object field or array element, and sets a missing one', () => {
    const o: Record<string, unknown> = { tags: { team: 'platform' }, list: [{ a: '1' }] };
    setField(o, 'tags', { team: 'claim', cost: 'x' }, true);
    setField(o, 'list[0]', { b: '2' }, true);
    setField(o, 'fresh', { c: '3' }, true);
    setField(o, 'list[2]', { d: '4' }, true);
    expect(o).toEqual({
      tags: { team: 'platform', cost: 'x' },
      list: [{ a: '1', b: '2' }, null, { d: '4' }],
      fresh: { c: '3' },
    });
  });

  test('an index into an object or a field of an array is an error naming the segment', () => {
    expect(() => setField({ a: {} }, 'a[0]', 1)).toThrow('cannot set a[0]: not an array at segment 1');
    expect(() => setField({ a: [] }, 'a.b', 1)).toThrow('cannot set a.b: not an object at segment 1');
  });
});

describe('mergeObjects (mergo, KeepMapValues)', () => {
  test('keys the target has keep their value, the source only adds keys, recursively', () => {
    expect(mergeObjects({ a: '1', n: { x: 1 } }, { a: '2', b: '3', n: { x: 2, y: 3 } })).toEqual({
      a: '1',
      b: '3',
      n: { x: 1, y: 3 },
    });
  });

  test.each<[unknown, unknown]>([[null], [undefined], [''], [0], [false], [[]]].map(([empty]) => [empty, 'source']))(
    'an empty target value (%j) takes the source value',
    (target, source) => {
      expect(mergeObjects({ k: target }, { k: source })).toEqual({ k: source });
    },
  );

  test.each<[unknown]>([['set'], [1], [true], [['x']]])('a non-empty target value (%j) is kept', (target) => {
    expect(mergeObjects({ k: target }, { k: 'source' })).toEqual({ k: target });
    expect(mergeObjects(target, { k: 'source' })).toEqual(target);
  });

  test('the result does not share the source objects it copied', () => {
    const source = { added: { deep: 'v' }, empty: { deep: 'w' } };
    const out = mergeObjects({ empty: null }, source) as Record<string, Record<string, string>>;
    out.added.deep = 'changed';
    out.empty.deep = 'changed';
    expect(source).toEqual({ added: { deep: 'v' }, empty: { deep: 'w' } });
  });

  test('a null source leaves the target as it is (mergo merges nothing)', () => {
    expect(mergeObjects({ a: '1' }, null)).toEqual({ a: '1' });
  });

  test('the target object is not modified', () => {
    const target = { a: '1' };
    mergeObjects(target, { b: '2' });
    expect(target).toEqual({ a: '1' });
  });
});

describe('keys that are also names of Object.prototype members (bug: `in` saw the prototype)', () => {
  test('a field named like a prototype member exists only when the object has it', () => {
    expect(hasField({ tags: {} }, 'tags.constructor')).toBe(false);
    expect(hasField({ tags: {} }, 'tags[toString]')).toBe(false);
    expect(getField({ tags: { constructor: 'x' } }, 'tags.constructor')).toBe('x');
  });

  test('MergeObjects adds tags named constructor or toString instead of dropping them', () => {
    expect(mergeObjects({ team: 'platform' }, { constructor: 'x', toString: 'y' })).toEqual({
      team: 'platform',
      constructor: 'x',
      toString: 'y',
    });
    const o: Record<string, unknown> = { tags: {} };
    setField(o, 'tags.constructor', { a: '1' }, true);
    expect(JSON.parse(JSON.stringify(o))).toEqual({ tags: { constructor: { a: '1' } } });
  });
});

describe('formatFieldPath', () => {
  test('dots for plain names, brackets for indexes and keys with other characters', () => {
    expect(formatFieldPath(['spec', 'forProvider', 'tags', 'Name'])).toBe('spec.forProvider.tags.Name');
    expect(formatFieldPath(['metadata', 'annotations', 'crossplane.io/external-name'])).toBe(
      'metadata.annotations[crossplane.io/external-name]',
    );
    expect(formatFieldPath(['spec', 'forProvider', 'rule', '0', 'status'])).toBe('spec.forProvider.rule[0].status');
  });
});
