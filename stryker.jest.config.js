// The jest configuration StrykerJS runs (stryker.config.mjs): the unit suites that exercise
// src/policy and src/render, as the unit project runs them.
import config from './jest.config.js';

const unit = config.projects.find((p) => p.displayName === 'unit');
export default {
  ...unit,
  displayName: undefined,
  testMatch: [
    '<rootDir>/test/unit/policy*.test.ts',
    '<rootDir>/test/unit/render*.test.ts',
    '<rootDir>/test/unit/composition.test.ts',
    '<rootDir>/test/unit/cli-render.test.ts',
    '<rootDir>/test/unit/cli-validate.test.ts',
  ],
};
