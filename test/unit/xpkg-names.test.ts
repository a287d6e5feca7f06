/**
 * The Function objects the chart creates must carry the names Crossplane's package manager gives
 * the same packages as dependencies of the Configuration package (crossplane-runtime v2
 * pkg/xpkg/name.go ToDNSLabel of the repository, resolver NewPackage), or the Composition's
 * functionRefs would name nothing under one of the two install paths. Expected values written by
 * hand from those rules.
 */
import { FUNCTIONS, functionName } from '../../src/apis/constants.js';
import { dependencyObjectName, repositoryOf, toDnsLabel } from '../../src/apis/xpkg.js';

test('ToDNSLabel keeps [a-z0-9], turns . / : - into -, drops the rest, trims', () => {
  expect(toDnsLabel('xpkg.crossplane.io/org/fn:v1')).toBe('xpkg-crossplane-io-org-fn-v1');
  expect(toDnsLabel('-Upper_Case.x-')).toBe('pperase-x');
  expect(toDnsLabel('a'.repeat(70))).toHaveLength(63);
});

test('the repository of a reference drops a registry host (a dot, a port or localhost), not an org', () => {
  expect(repositoryOf('xpkg.crossplane.io/crossplane-contrib/function-auto-ready')).toBe(
    'crossplane-contrib/function-auto-ready',
  );
  expect(repositoryOf('localhost:5000/org/fn')).toBe('org/fn');
  expect(repositoryOf('localhost/org/fn')).toBe('org/fn');
  expect(repositoryOf('org/fn')).toBe('org/fn');
  expect(dependencyObjectName('registry.example.com/team/provider-aws-ec2')).toBe('team-provider-aws-ec2');
});

test('every Function is named as the package manager names it', () => {
  expect(Object.values(FUNCTIONS).map(functionName)).toEqual([
    'crossplane-contrib-function-patch-and-transform',
    'crossplane-contrib-function-cel-filter',
    'crossplane-contrib-function-auto-ready',
  ]);
});
