/**
 * The stand-in provider's reference resolution (test/reconcile/provider.ts), as crossplane-runtime
 * resolves `*Selector`s. Expectations are written by hand.
 */
import { type Obj } from '../../src/apis/obj.js';
import { resolveSelectors } from '../reconcile/provider.js';

const XR = 'uid-of-the-xr';
const subnet = (name: string, role: string, externalName?: string, controller = XR): Obj => ({
  kind: 'Subnet',
  metadata: {
    name,
    namespace: 'team',
    labels: { 'platform.payments.io/resource': role },
    ownerReferences: [{ controller: true, uid: controller }],
    ...(externalName ? { annotations: { 'crossplane.io/external-name': externalName } } : {}),
  },
});
/** The LB's forProvider schema: `subnets` with `subnetRefs`, `securityGroups` with `securityGroupRefs`. */
const LB_SCHEMA: Obj = {
  properties: {
    subnets: { type: 'array' },
    subnetRefs: { type: 'array' },
    subnetSelector: { type: 'object' },
    securityGroups: { type: 'array' },
    securityGroupRefs: { type: 'array' },
    securityGroupSelector: { type: 'object' },
    accessLogs: { type: 'object', properties: { bucket: {}, bucketRef: {}, bucketSelector: {} } },
  },
};
const selector = (role: string): Obj => ({ matchControllerRef: true, matchLabels: { 'platform.payments.io/resource': role } });

describe('resolveSelectors', () => {
  test('a multi-valued selector writes every matching resource, sorted by name, with its external name', () => {
    const candidates = [
      subnet('p-b', 'subnet-public', 'subnet-bbb'),
      subnet('p-a', 'subnet-public', 'subnet-aaa'),
      subnet('q-a', 'subnet-private', 'subnet-ccc'),
      subnet('other-xr', 'subnet-public', 'subnet-ddd', 'uid-of-another-xr'),
    ];
    expect(resolveSelectors({ subnetSelector: selector('subnet-public') }, LB_SCHEMA, candidates, XR)).toEqual({
      subnetSelector: selector('subnet-public'),
      subnetRefs: [{ name: 'p-a' }, { name: 'p-b' }],
      subnets: ['subnet-aaa', 'subnet-bbb'],
    });
  });

  test('a resource that matches later replaces the values resolved before (keys in the order the API server returns them)', () => {
    // As read back from the API server: keys sorted, so `subnetRefs` < `subnetSelector` < `subnets`.
    const resolvedBefore: Obj = {
      subnetRefs: [{ name: 'p-a' }, { name: 'p-b' }],
      subnetSelector: selector('subnet-public'),
      subnets: ['subnet-aaa', 'subnet-bbb'],
    };
    const candidates = [
      subnet('p-a', 'subnet-public', 'subnet-aaa'),
      subnet('p-b', 'subnet-public', 'subnet-bbb'),
      subnet('p-c', 'subnet-public', 'subnet-eee'),
    ];
    const next = resolveSelectors(resolvedBefore, LB_SCHEMA, candidates, XR) as Obj;
    expect(next.subnetRefs).toEqual([{ name: 'p-a' }, { name: 'p-b' }, { name: 'p-c' }]);
    expect(next.subnets).toEqual(['subnet-aaa', 'subnet-bbb', 'subnet-eee']);
    // Applied, it is resolved: nothing left to write (no patch loop).
    expect(resolveSelectors(next, LB_SCHEMA, candidates, XR)).toBeUndefined();
  });

  test('until every match has a value, the reason is returned and nothing is written', () => {
    const candidates = [subnet('p-a', 'subnet-public', 'subnet-aaa'), subnet('p-b', 'subnet-public')];
    expect(resolveSelectors({ subnetSelector: selector('subnet-public') }, LB_SCHEMA, candidates, XR)).toBe(
      'spec.forProvider.subnet: referenced field was empty (referenced resource may not yet be ready)',
    );
    expect(resolveSelectors({ subnetSelector: selector('subnet-alb') }, LB_SCHEMA, candidates, XR)).toBe(
      'spec.forProvider.subnetSelector: no resources matched the selector {"platform.payments.io/resource":"subnet-alb"}',
    );
  });

  test('a single-valued selector in a nested object takes the first match; an ARN field takes the observed ARN', () => {
    const bucket: Obj = {
      metadata: {
        name: 'logs',
        namespace: 'team',
        labels: { 'platform.payments.io/resource': 'bucket-access-logs' },
        ownerReferences: [{ controller: true, uid: XR }],
        annotations: { 'crossplane.io/external-name': 'team-access-logs' },
      },
      status: { atProvider: { arn: 'arn:aws:s3:::team-access-logs' } },
    };
    expect(resolveSelectors({ accessLogs: { bucketSelector: selector('bucket-access-logs') } }, LB_SCHEMA, [bucket], XR)).toEqual(
      {
        accessLogs: { bucketSelector: selector('bucket-access-logs'), bucketRef: { name: 'logs' }, bucket: 'team-access-logs' },
      },
    );
    const keySchema: Obj = { properties: { kmsKeyArn: {}, kmsKeyArnRef: {}, kmsKeyArnSelector: {} } };
    expect(resolveSelectors({ kmsKeyArnSelector: { matchLabels: {} } }, keySchema, [bucket], XR)).toEqual({
      kmsKeyArnSelector: { matchLabels: {} },
      kmsKeyArnRef: { name: 'logs' },
      kmsKeyArn: 'arn:aws:s3:::team-access-logs',
    });
  });

  test('selectors inside list items are resolved; a forProvider without selectors is left alone', () => {
    const schema: Obj = {
      properties: { rule: { items: { properties: { subnetId: {}, subnetIdRef: {}, subnetIdSelector: {} } } } },
    };
    const candidates = [subnet('p-a', 'subnet-public', 'subnet-aaa')];
    expect(resolveSelectors({ rule: [{ subnetIdSelector: selector('subnet-public') }, 'x'] }, schema, candidates, XR)).toEqual({
      rule: [{ subnetIdSelector: selector('subnet-public'), subnetIdRef: { name: 'p-a' }, subnetId: 'subnet-aaa' }, 'x'],
    });
    expect(resolveSelectors({ cidrBlock: '10.0.0.0/16', tags: { a: 'b' } }, {}, candidates, XR)).toBeUndefined();
  });
});
