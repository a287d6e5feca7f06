/**
 * Every e2e test talks to a real API server, on a machine that may be busy (CI runs beside other
 * work): a CLI process or a list can take seconds there, so no e2e test runs on Jest's 5 s
 * default. (Jest 30 ignores `testTimeout` in a project's configuration.) Tests that set their
 * own timeout keep it.
 */
import { jest } from '@jest/globals';

jest.setTimeout(60_000);
