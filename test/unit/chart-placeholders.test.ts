import { fillPlaceholders } from '../../src/chart/placeholders.js';

describe('chart placeholders', () => {
  const table = {
    values: { __NAME__: '{{ .Values.name }}' },
    blocks: { __REF__: ['{{- with .Values.ref }}', 'ref: {{ . | quote }}', '{{- end }}'] },
  };

  test('a value placeholder is replaced in place, wherever it is', () => {
    expect(fillPlaceholders('a: __NAME__\nb:\n  c: x-__NAME__\n', table)).toBe(
      'a: {{ .Values.name }}\nb:\n  c: x-{{ .Values.name }}\n',
    );
  });

  test('a block placeholder key is replaced by its lines at its own indentation', () => {
    expect(fillPlaceholders('spec:\n  x: 1\n  __REF__: null\n', table)).toBe(
      'spec:\n  x: 1\n  {{- with .Values.ref }}\n  ref: {{ . | quote }}\n  {{- end }}\n',
    );
    expect(fillPlaceholders('a:\n      __REF__: null\n', table)).toBe(
      'a:\n      {{- with .Values.ref }}\n      ref: {{ . | quote }}\n      {{- end }}\n',
    );
  });

  test('a block placeholder list item keeps the list indentation', () => {
    expect(fillPlaceholders('verbs:\n  - get\n  - __REF__\n', table)).toBe(
      'verbs:\n  - get\n  {{- with .Values.ref }}\n  ref: {{ . | quote }}\n  {{- end }}\n',
    );
  });

  test('a block placeholder not alone on its line throws', () => {
    expect(() => fillPlaceholders('a: __REF__\n', table)).toThrow('block placeholder __REF__ must stand alone on its line');
  });

  test('a token the table does not fill throws, naming it', () => {
    expect(() => fillPlaceholders('a: __NAME__\nb: __OTHER__\n', table)).toThrow('unfilled chart placeholder(s): __OTHER__');
  });
});
