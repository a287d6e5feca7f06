/**
 * What the admission rules promise about the rendered resources: default zones follow the region,
 * and the platform's own tags win over a claim's (as the real function-patch-and-transform does,
 * see test/e2e/render.test.ts for the differential check).
 */
import { renderClaim } from '../../src/render/claim.js';
import { PLATFORM_TAG_KEYS } from '../../src/apis/payment-platform.js';
import { singleVariant, validFixtures } from '../helpers.js';
import { type Obj } from '../../src/apis/obj.js';

const claim = (name: string, parameters: Obj): Obj => ({
  apiVersion: 'platform.payments.io/v1alpha1',
  kind: 'PaymentPlatform',
  metadata: { name, namespace: 'team-a' },
  spec: { parameters },
});

const forProvider = (r: Obj): Obj => ((r.spec as { forProvider?: Obj } | undefined)?.forProvider ?? {}) as Obj;

function subnetZones(c: Obj): string[] {
  const out = renderClaim(singleVariant(c));
  expect(out.findings).toEqual([]);
  return ['az1', 'az2', 'az3'].map((z) => {
    const s = out.resources.find((r) => r.name === `subnet-private-${z}`);
    expect(s).toBeDefined();
    return String(forProvider(s?.resource as Obj).availabilityZone);
  });
}

describe('availability zones', () => {
  test.each([
    ['us-east-1', ['us-east-1a', 'us-east-1b', 'us-east-1c']],
    ['ap-northeast-1', ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d']],
    ['ca-central-1', ['ca-central-1a', 'ca-central-1b', 'ca-central-1d']],
    ['eu-west-1', ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']],
  ])("unset in %s: the region's own first three zones", (region, zones) => {
    expect(subnetZones(claim('p', { region }))).toEqual(zones);
  });

  test("set: the claim's zones, in its order", () => {
    expect(subnetZones(claim('p', { region: 'ca-central-1', network: { availabilityZones: ['d', 'a', 'b'] } }))).toEqual([
      'ca-central-1d',
      'ca-central-1a',
      'ca-central-1b',
    ]);
  });
});

describe("tags: the platform's own keys win over the claim's", () => {
  const fixture = validFixtures().find((f) => f.file.endsWith('/tags-colliding-and-unicode.yaml'));

  test("the colliding fixture renders the platform's values and keeps the claim's other tags", () => {
    expect(fixture).toBeDefined();
    const out = renderClaim(singleVariant(fixture?.claim));
    expect(out.findings).toEqual([]);
    const vpc = out.resources.find((r) => r.name === 'vpc')?.resource as Obj;
    expect(forProvider(vpc).tags).toEqual({
      // the platform's
      'managed-by': 'crossplane',
      environment: 'development',
      'payment-platform': 'tagged',
      'kubernetes-namespace': 'team-tags',
      Name: 'tagged-development-vpc',
      // the claim's, including keys the VPC template does not set itself
      purpose: 'overridden',
      tier: 'gold',
      'cost-center': 'CC-42 / payments',
      'team:owner': 'zahlung+ops@example.com',
      Größe: 'groß = 1.5',
      awsome: 'yes',
      note: '',
    });
    const subnet = out.resources.find((r) => r.name === 'subnet-public-az1')?.resource as Obj;
    expect(forProvider(subnet).tags).toMatchObject({ tier: 'public', 'managed-by': 'crossplane', purpose: 'overridden' });
    const bucket = out.resources.find((r) => r.name === 'bucket-assets')?.resource as Obj;
    expect(forProvider(bucket).tags).toMatchObject({ purpose: 'assets', tier: 'gold', environment: 'development' });
  });

  test('PLATFORM_TAG_KEYS is exactly the set of keys the platform puts on resources', () => {
    const keys = new Set<string>();
    for (const c of [
      claim('p', {}),
      claim('q', {
        environment: 'production',
        loadBalancer: { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d' },
        monitoring: { alarmEmail: 'a@example.com' },
      }),
    ]) {
      const out = renderClaim(singleVariant(c));
      expect(out.findings).toEqual([]);
      for (const r of out.resources)
        for (const k of Object.keys((forProvider(r.resource)?.tags as Obj | undefined) ?? {})) keys.add(k);
    }
    // the Composition's tags patch set (environment, payment-platform, kubernetes-namespace), the
    // bases' managed-by and Name, and purpose/tier on some resources
    const expected = ['Name', 'environment', 'kubernetes-namespace', 'managed-by', 'payment-platform', 'purpose', 'tier'];
    expect([...keys].sort()).toEqual(expected);
    expect([...PLATFORM_TAG_KEYS].sort()).toEqual(expected);
  });
});
