// StrykerJS mutation testing of the PCI controls (src/policy) and the offline renderer
// (src/render): `make mutate` (slow: not part of make test or CI). Reports go to reports/
// (git-ignored); --incremental reuses reports/stryker-incremental.json between runs.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: { projectType: 'custom', configFile: 'stryker.jest.config.js', enableFindRelatedTests: false },
  mutate: ['src/policy/**/*.ts', 'src/render/**/*.ts', '!src/**/index.ts', '!src/policy/types.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20000,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  ignorePatterns: ['dist', 'reports', 'coverage', '.cache'],
  tempDirName: '.stryker-tmp',
};
