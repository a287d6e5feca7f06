// The jest configuration StrykerJS runs (stryker.config.mjs): only the unit suites written for
// src/policy and src/render on hand-written inputs (test/unit/policy-controls.test.ts,
// test/unit/render*.test.ts), as the unit project runs them. test/unit/policy.test.ts renders
// whole platforms for every mutant it covers and made a run take hours on a shared machine.
import config from './jest.config.js';

const unit = config.projects.find((p) => p.displayName === 'unit');
export default {
  ...unit,
  displayName: undefined,
  testMatch: ['<rootDir>/test/unit/policy-controls.test.ts', '<rootDir>/test/unit/render*.test.ts'],
};
