/**
 * Structural-schema defaulting (as the Kubernetes API server applies `default`) and the check of
 * composed resources' selectors (how the provider resolves matchControllerRef + matchLabels).
 */
import type { JsonSchema } from '../../src/apis/schema.js';
import { applyDefaults } from '../../src/render/defaults.js';
import { checkSelectors } from '../../src/render/selectors.js';

describe('applyDefaults', () => {
  const schema = {
    type: 'object',
    properties: {
      size: { type: 'string', default: 'small' },
      zero: { type: 'integer', default: 0 },
      tags: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string', default: 'd' } } } },
      db: { type: 'object', default: {}, properties: { engine: { type: 'string', default: 'mysql' } } },
      nested: { type: 'object', properties: { inner: { type: 'string', default: 'i' } } },
      list: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer', default: 1 } } } },
      plain: { type: 'array' },
    },
  } as unknown as JsonSchema;

  test('fills defaults top-down: a defaulted object gets its own defaults, an absent parent none', () => {
    expect(applyDefaults({}, schema)).toEqual({ size: 'small', zero: 0, db: { engine: 'mysql' } });
  });

  test('keeps values that are set, null included, and defaults inside maps and arrays', () => {
    const out = applyDefaults(
      { size: 'large', nested: {}, tags: { a: {}, b: { v: 'x' } }, list: [{}, { n: 5 }], plain: [1], zero: null },
      schema,
    );
    expect(out).toEqual({
      size: 'large',
      zero: null,
      db: { engine: 'mysql' },
      nested: { inner: 'i' },
      tags: { a: { v: 'd' }, b: { v: 'x' } },
      list: [{ n: 1 }, { n: 5 }],
      plain: [1],
    });
  });

  test('a default is copied, not shared between objects', () => {
    const a = applyDefaults({}, schema) as { db: { engine: string } };
    a.db.engine = 'changed';
    expect(applyDefaults({}, schema)).toEqual({ size: 'small', zero: 0, db: { engine: 'mysql' } });
  });

  test('values of another type than the schema are left alone', () => {
    expect(applyDefaults('text', schema)).toBe('text');
    expect(applyDefaults(null, schema)).toBeNull();
    expect(applyDefaults([{}], schema)).toEqual([{}]);
    expect(applyDefaults({ a: 1 }, { type: 'array', items: { type: 'object' } } as unknown as JsonSchema)).toEqual({ a: 1 });
    expect(applyDefaults({ list: 'x' }, schema)).toEqual({ list: 'x', size: 'small', zero: 0, db: { engine: 'mysql' } });
  });

  test('additionalProperties: true defaults nothing', () => {
    expect(applyDefaults({ a: {} }, { type: 'object', additionalProperties: true } as unknown as JsonSchema)).toEqual({ a: {} });
  });
});

describe('checkSelectors', () => {
  const res = (name: string, kind: string, labels: Record<string, string>, forProvider: unknown = {}) => ({
    name,
    resource: { kind, metadata: { labels }, spec: { forProvider } },
  });
  const ref = (matchLabels: Record<string, string>, matchControllerRef: unknown = true) => ({ matchControllerRef, matchLabels });

  test('a single-valued selector matching exactly one composed resource is fine', () => {
    const rs = [
      res('vpc', 'VPC', { role: 'vpc' }),
      res('subnet-a', 'Subnet', { role: 'subnet', zone: 'a' }, { vpcIdSelector: ref({ role: 'vpc' }) }),
    ];
    expect(checkSelectors(rs)).toEqual([]);
  });

  test('a single-valued selector matching none or several is reported with the matches', () => {
    const rs = [
      res('subnet-a', 'Subnet', { role: 'subnet', zone: 'a' }),
      res('subnet-b', 'Subnet', { role: 'subnet', zone: 'b' }),
      res(
        'route',
        'RouteTableAssociation',
        {},
        { subnetIdSelector: ref({ role: 'subnet' }), routeTableIdSelector: ref({ role: 'rt' }) },
      ),
    ];
    expect(checkSelectors(rs)).toEqual([
      {
        resource: 'route',
        selector: 'spec.forProvider.subnetIdSelector',
        matches: ['subnet-a', 'subnet-b'],
        message:
          'route spec.forProvider.subnetIdSelector ({"role":"subnet"}) matches 2 composed resources (subnet-a, subnet-b); it must match exactly one',
      },
      {
        resource: 'route',
        selector: 'spec.forProvider.routeTableIdSelector',
        matches: [],
        message:
          'route spec.forProvider.routeTableIdSelector ({"role":"rt"}) matches 0 composed resources; it must match exactly one',
      },
    ]);
  });

  test('the multi-valued selectors of SubnetGroup, LB and Cluster may match several, not none', () => {
    const subnets = [res('subnet-a', 'Subnet', { role: 'private' }), res('subnet-b', 'Subnet', { role: 'private' })];
    expect(
      checkSelectors([
        ...subnets,
        res('sng', 'SubnetGroup', {}, { subnetIdSelector: ref({ role: 'private' }) }),
        res('lb', 'LB', {}, { subnetSelector: ref({ role: 'private' }), securityGroupSelector: ref({ role: 'private' }) }),
        res('db', 'Cluster', {}, { vpcSecurityGroupIdSelector: ref({ role: 'private' }) }),
      ]),
    ).toEqual([]);
    expect(checkSelectors([...subnets, res('sng', 'SubnetGroup', {}, { subnetIdSelector: ref({ role: 'public' }) })])).toEqual([
      {
        resource: 'sng',
        selector: 'spec.forProvider.subnetIdSelector',
        matches: [],
        message:
          'sng spec.forProvider.subnetIdSelector ({"role":"public"}) matches 0 composed resources; it must match at least one',
      },
    ]);
    // The same selector name on another kind is single-valued.
    expect(
      checkSelectors([...subnets, res('x', 'Instance', {}, { subnetIdSelector: ref({ role: 'private' }) })]).map(
        (f) => f.message,
      ),
    ).toEqual([
      'x spec.forProvider.subnetIdSelector ({"role":"private"}) matches 2 composed resources (subnet-a, subnet-b); it must match exactly one',
    ]);
  });

  test('every label of the selector must match; a selector without labels matches everything', () => {
    const rs = [
      res('a', 'Key', { role: 'kms', tier: 'data' }),
      res('b', 'Key', { role: 'kms', tier: 'logs' }),
      res('c', 'Bucket', {}, { kmsKeyIdSelector: ref({ role: 'kms', tier: 'data' }) }),
      res('d', 'Bucket', {}, { kmsKeyIdSelector: { matchControllerRef: true } }),
    ];
    expect(checkSelectors(rs).map((f) => [f.resource, f.matches])).toEqual([['d', ['a', 'b', 'c', 'd']]]);
  });

  test('a resource without labels or spec matches no labelled selector', () => {
    const rs = [{ name: 'bare', resource: { kind: 'Key' } }, res('c', 'Bucket', {}, { kmsKeyIdSelector: ref({ role: 'kms' }) })];
    expect(checkSelectors(rs).map((f) => f.matches)).toEqual([[]]);
  });

  test('a selector without matchControllerRef: true is reported (it would match other platforms)', () => {
    const rs = [res('vpc', 'VPC', { role: 'vpc' }), res('s', 'Subnet', {}, { vpcIdSelector: ref({ role: 'vpc' }, 'true') })];
    expect(checkSelectors(rs)).toEqual([
      {
        resource: 's',
        selector: 'spec.forProvider.vpcIdSelector',
        matches: [],
        message:
          's spec.forProvider.vpcIdSelector: matchControllerRef must be true, or matchLabels must name the platform (platform.payments.io/platform); else it would match resources of other platforms',
      },
    ]);
  });

  test('nested layout: a selector scoped by the platform label instead matches across composites; matchControllerRef only within its own', () => {
    const inXr = (r: ReturnType<typeof res>, xr: string) => {
      const md = r.resource.metadata as Record<string, unknown>;
      md.labels = { ...(md.labels as object), 'crossplane.io/composite': 'p1', 'platform.payments.io/platform': 'p1' };
      md.ownerReferences = [{ kind: 'Leaf', name: xr, controller: true }];
      return r;
    };
    const vpc = inXr(res('vpc', 'VPC', { role: 'vpc' }), 'p1-network-core');
    const byPlatform = { matchLabels: { role: 'vpc', 'platform.payments.io/platform': 'p1' } };
    expect(
      checkSelectors([vpc, inXr(res('sg', 'SecurityGroup', {}, { vpcIdSelector: byPlatform }), 'p1-security-groups')]),
    ).toEqual([]);
    // The same target through matchControllerRef from another composite: the provider finds nothing.
    expect(
      checkSelectors([vpc, inXr(res('sg', 'SecurityGroup', {}, { vpcIdSelector: ref({ role: 'vpc' }) }), 'p1-security-groups')]),
    ).toEqual([
      {
        resource: 'sg',
        selector: 'spec.forProvider.vpcIdSelector',
        matches: [],
        message: 'sg spec.forProvider.vpcIdSelector ({"role":"vpc"}) matches 0 composed resources; it must match exactly one',
      },
    ]);
    // Another platform's VPC does not match a selector naming p1.
    const other = res('vpc', 'VPC', { role: 'vpc', 'platform.payments.io/platform': 'p2' });
    expect(checkSelectors([other, res('sg', 'SecurityGroup', {}, { vpcIdSelector: byPlatform })]).map((f) => f.matches)).toEqual([
      [],
    ]);
  });

  test('selectors are found in nested objects and arrays, with their path; non-object *Selector fields are not selectors', () => {
    const rs = [
      res('vpc', 'VPC', { role: 'vpc' }),
      res(
        'r',
        'Route',
        {},
        {
          route: [{ gatewayIdSelector: ref({ role: 'igw' }) }],
          nested: { deeper: { vpcIdSelector: ref({ role: 'vpc' }) } },
          nameSelector: 'not-a-selector',
          nullSelector: null,
        },
      ),
    ];
    expect(checkSelectors(rs).map((f) => f.selector)).toEqual(['spec.forProvider.route[0].gatewayIdSelector']);
  });

  test('only spec.forProvider is searched', () => {
    const rs = [{ name: 'u', resource: { kind: 'Usage', spec: { by: { resourceSelector: ref({ role: 'none' }) } } } }];
    expect(checkSelectors(rs)).toEqual([]);
  });
});
