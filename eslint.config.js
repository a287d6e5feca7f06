// ESLint (flat config): the recommended rules of ESLint and typescript-eslint, plus the type-aware
// rules that catch real bugs cheaply (floating and misused promises, awaiting non-promises).
// Formatting is prettier's (`prettier --check`), not ESLint's.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'reports/**',
      '.stryker-tmp/**',
      'charts/**',
      'crds/**',
      'compositions/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        // bench/render-bench.ts is compiled on its own (make bench-render), outside tsconfig.json.
        projectService: { allowDefaultProject: ['bench/render-bench.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The operator reaches @kubernetes/client-node only through its adapter (contract-tested).
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@kubernetes/client-node', '@kubernetes/client-node/*'],
              message: 'use src/operator/kube/client-node.ts (the adapter test/unit/client-node-contract.test.ts pins)',
            },
          ],
        },
      ],
    },
  },
  {
    // The adapter itself, its contract test, and the CLI's status command (src/cli is another
    // branch's; moving it onto the adapter is a follow-up), and the benchmark.
    files: [
      'src/operator/kube/client-node.ts',
      'test/unit/client-node-contract.test.ts',
      'src/cli/status/cluster.ts',
      'src/cli/status/watch.ts',
      'bench/**/*.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
  {
    // The plugin's entry is CommonJS (bin/package.json).
    files: ['bin/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
