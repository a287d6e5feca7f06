import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { FUNCTIONS, PROVIDER_AWS_VERSION } from '../../src/apis/constants.js';
import { ROOT } from '../helpers.js';

/** `hack/tools.sh list`: tool, pinned version, cache state. */
function pins(): Map<string, string> {
  const out = execFileSync(join(ROOT, 'hack/tools.sh'), ['list'], { encoding: 'utf8' });
  return new Map(
    out
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).slice(0, 2) as [string, string]),
  );
}

describe('the versions the chart installs are the versions the tests run', () => {
  const pinned = pins();
  test.each(Object.values(FUNCTIONS).map((f) => [f.name, f.version] as const))(
    '%s %s is the pinned local build',
    (name, version) => {
      expect(pinned.get(name)).toBe(version);
    },
  );
  test('provider-upjet-aws: the chart version is the version of the CRDs the e2e suite installs', () => {
    expect(pinned.get('provider-aws')).toBe(PROVIDER_AWS_VERSION);
  });
});
