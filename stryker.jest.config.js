// The jest configuration StrykerJS runs (stryker.config.mjs): only the unit suites written for
// src/policy and src/render (test/unit/policy*.test.ts, test/unit/render*.test.ts), as the unit
// project runs them, so that a mutation run stays tractable on a shared machine.
import config from './jest.config.js';

const unit = config.projects.find((p) => p.displayName === 'unit');
export default {
  ...unit,
  displayName: undefined,
  testMatch: ['<rootDir>/test/unit/policy*.test.ts', '<rootDir>/test/unit/render*.test.ts'],
};
