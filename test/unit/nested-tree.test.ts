/**
 * What the nested layout's generator refuses (src/composition/nested.ts): a kind whose
 * Composition name Crossplane could not label its CompositionRevisions with.
 */
import { App, Chart } from 'cdk8s';
import { PaymentPlatformComposition } from '../../src/composition/composition.js';
import { NestedLayout, type BranchSpec } from '../../src/composition/nested.js';

test('a kind whose Composition name would pass 63 characters is refused, naming the kind', () => {
  const chart = new Chart(new App(), 'test');
  const tree: BranchSpec[] = [
    { id: 'all', kind: 'PlatformEverythingInOneVeryLongKindName', children: [{ id: 'x', kind: 'PlatformX', members: ['.+'] }] },
  ];
  expect(() => new NestedLayout(chart, new PaymentPlatformComposition(chart).resources, tree)).toThrow(
    'nested layout: the Composition name platformeverythinginoneverylongkindnames-aws.internal.platform.payments.io is longer than 63 characters (a label value); shorten the kind PlatformEverythingInOneVeryLongKindName',
  );
});

test('a kind of 63 characters is accepted', () => {
  // platformaccesslogsbucketcores-aws.internal.platform.payments.io: 63 characters.
  const chart = new Chart(new App(), 'test');
  const tree: BranchSpec[] = [
    { id: 'all', kind: 'PlatformAccessLogsBucketCore', children: [{ id: 'x', kind: 'PlatformX', members: ['.+'] }] },
  ];
  const nested = new NestedLayout(chart, new PaymentPlatformComposition(chart).resources, tree);
  expect(nested.levels.map((l) => String((l.composition.metadata as { name: string }).name))).toContain(
    'platformaccesslogsbucketcores-aws.internal.platform.payments.io',
  );
});
