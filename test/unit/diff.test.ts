/**
 * src/diff: the comparison of desired composed resources with live ones. Expectations are
 * written by hand from the objects below (a live object shaped as the API server returns it,
 * managedFields included).
 */
import { composedOwnedPaths, deletesExternal, diffPlatform, fieldChanges, fieldsV1Leaves } from '../../src/diff/diff.js';
import { FORCE_NEW, forcesReplacement } from '../../src/diff/replacement.js';
import { type Obj } from '../../src/apis/obj.js';

const EC2 = 'ec2.aws.m.upbound.io/v1beta1';
const CRN = 'crossplane.io/composition-resource-name';

/** A live VPC: the Composition set region, cidrBlock and two tags; the provider late-initialised instanceTenancy. */
const liveVpc = (extra: Obj = {}): Obj => ({
  apiVersion: EC2,
  kind: 'VPC',
  metadata: {
    name: 'payments-abc12',
    annotations: { [CRN]: 'vpc', 'crossplane.io/external-name': 'vpc-0123' },
    labels: { 'crossplane.io/composite': 'payments' },
    managedFields: [
      {
        manager: 'apiextensions.crossplane.io/composed/1a2b3c',
        operation: 'Apply',
        fieldsV1: {
          'f:metadata': { 'f:annotations': { [`f:${CRN}`]: {} }, 'f:labels': { 'f:crossplane.io/composite': {} } },
          'f:spec': {
            'f:forProvider': {
              'f:region': {},
              'f:cidrBlock': {},
              'f:tags': { 'f:Name': {}, 'f:Owner': {} },
            },
          },
        },
      },
      {
        manager: 'provider-aws-ec2',
        operation: 'Update',
        fieldsV1: { 'f:spec': { 'f:forProvider': { 'f:instanceTenancy': {} } } },
      },
    ],
  },
  spec: {
    forProvider: {
      region: 'eu-west-1',
      cidrBlock: '10.0.0.0/16',
      tags: { Name: 'payments', Owner: 'team' },
      instanceTenancy: 'default',
    },
    managementPolicies: ['*'],
    ...extra,
  },
});

const desiredVpc = (forProvider: Obj): Obj => ({
  apiVersion: EC2,
  kind: 'VPC',
  metadata: { annotations: { [CRN]: 'vpc' }, labels: { 'crossplane.io/composite': 'payments' } },
  spec: { forProvider },
});

describe('fieldsV1Leaves', () => {
  test('walks f: keys; a node with list keys is a leaf; "." is not a field', () => {
    expect(
      fieldsV1Leaves({
        'f:spec': {
          '.': {},
          'f:forProvider': { 'f:tags': { 'f:a': {}, 'f:b': {} }, 'f:ingress': { 'k:{"port":443}': { 'f:port': {} } } },
        },
      }),
    ).toEqual([
      ['spec', 'forProvider', 'tags', 'a'],
      ['spec', 'forProvider', 'tags', 'b'],
      ['spec', 'forProvider', 'ingress'],
    ]);
  });

  test('only the composed field manager of an Apply counts', () => {
    expect(composedOwnedPaths(liveVpc())).toEqual([
      ['metadata', 'annotations', CRN],
      ['metadata', 'labels', 'crossplane.io/composite'],
      ['spec', 'forProvider', 'region'],
      ['spec', 'forProvider', 'cidrBlock'],
      ['spec', 'forProvider', 'tags', 'Name'],
      ['spec', 'forProvider', 'tags', 'Owner'],
    ]);
  });
});

describe('fieldChanges', () => {
  test('the same desired fields: no change, whatever other managers set', () => {
    expect(
      fieldChanges(
        desiredVpc({ region: 'eu-west-1', cidrBlock: '10.0.0.0/16', tags: { Name: 'payments', Owner: 'team' } }),
        liveVpc(),
      ),
    ).toEqual([]);
  });

  test('an added tag, a changed tag and a tag the Composition stopped setting', () => {
    const changes = fieldChanges(
      desiredVpc({ region: 'eu-west-1', cidrBlock: '10.0.0.0/16', tags: { Name: 'payments-v2', Upgrade: 'v0.2.0' } }),
      liveVpc(),
    );
    expect(changes).toEqual([
      { path: ['spec', 'forProvider', 'tags', 'Name'], op: 'change', from: 'payments', to: 'payments-v2' },
      { path: ['spec', 'forProvider', 'tags', 'Upgrade'], op: 'add', to: 'v0.2.0' },
      { path: ['spec', 'forProvider', 'tags', 'Owner'], op: 'remove', from: 'team' },
    ]);
  });

  test('a late-initialised field the Composition never set is not "removed"', () => {
    const changes = fieldChanges(
      desiredVpc({ region: 'eu-west-1', cidrBlock: '10.0.0.0/16', tags: { Name: 'payments', Owner: 'team' } }),
      liveVpc(),
    );
    expect(changes.find((c) => c.path.includes('instanceTenancy'))).toBeUndefined();
  });

  test('a VPC CIDR change forces a new resource (Terraform schema row); a tag change does not', () => {
    const changes = fieldChanges(
      desiredVpc({ region: 'eu-west-1', cidrBlock: '10.1.0.0/16', tags: { Name: 'other', Owner: 'team' } }),
      liveVpc(),
    );
    expect(changes).toEqual([
      {
        path: ['spec', 'forProvider', 'cidrBlock'],
        op: 'change',
        from: '10.0.0.0/16',
        to: '10.1.0.0/16',
        replacement: 'terraform-schema',
      },
      { path: ['spec', 'forProvider', 'tags', 'Name'], op: 'change', from: 'payments', to: 'other' },
    ]);
  });

  test('a changed external name is a replacement', () => {
    const desired = desiredVpc({ region: 'eu-west-1', cidrBlock: '10.0.0.0/16', tags: { Name: 'payments', Owner: 'team' } });
    (desired.metadata as { annotations: Obj }).annotations['crossplane.io/external-name'] = 'vpc-9999';
    expect(fieldChanges(desired, liveVpc())).toEqual([
      {
        path: ['metadata', 'annotations', 'crossplane.io/external-name'],
        op: 'change',
        from: 'vpc-0123',
        to: 'vpc-9999',
        replacement: 'external-name',
      },
    ]);
  });

  test('lists of one length compare item by item (an API default inside an item is no change); of another length as a whole', () => {
    const live: Obj = {
      apiVersion: EC2,
      kind: 'SecurityGroup',
      metadata: {},
      spec: { forProvider: { list: [{ a: 1, defaulted: true }, { a: 2 }] } },
    };
    const same: Obj = { apiVersion: EC2, kind: 'SecurityGroup', spec: { forProvider: { list: [{ a: 1 }, { a: 2 }] } } };
    expect(fieldChanges(same, live)).toEqual([]);
    const longer: Obj = {
      apiVersion: EC2,
      kind: 'SecurityGroup',
      spec: { forProvider: { list: [{ a: 1 }, { a: 2 }, { a: 3 }] } },
    };
    expect(fieldChanges(longer, live)).toEqual([
      {
        path: ['spec', 'forProvider', 'list'],
        op: 'change',
        from: [{ a: 1, defaulted: true }, { a: 2 }],
        to: [{ a: 1 }, { a: 2 }, { a: 3 }],
      },
    ]);
  });
});

describe('diffPlatform', () => {
  const bucket = (name: string, spec: Obj): Obj => ({
    apiVersion: 's3.aws.m.upbound.io/v1beta1',
    kind: 'Bucket',
    metadata: { name: `payments-${name}`, annotations: { [CRN]: name } },
    spec,
  });

  test('create, update, unchanged, delete and orphan, matched by composition resource name', () => {
    const live = [
      liveVpc(),
      bucket('assets', { forProvider: { region: 'eu-west-1' } }),
      bucket('old-logs', { forProvider: { region: 'eu-west-1' } }),
      bucket('kept', { forProvider: { region: 'eu-west-1' }, deletionPolicy: 'Orphan' }),
      bucket('observed', { forProvider: { region: 'eu-west-1' }, managementPolicies: ['Observe'] }),
    ];
    const desired = [
      { name: 'vpc', resource: desiredVpc({ region: 'eu-west-1', cidrBlock: '10.0.0.0/16', tags: { Name: 'payments' } }) },
      { name: 'assets', resource: bucket('assets', { forProvider: { region: 'eu-west-1' } }) },
      { name: 'flow-logs', resource: bucket('flow-logs', { forProvider: { region: 'eu-west-1' } }) },
    ];
    const got = diffPlatform(desired, live).map((d) => [d.name, d.action, d.object ?? '-', d.changes.length]);
    expect(got).toEqual([
      ['vpc', 'update', 'payments-abc12', 1],
      ['assets', 'unchanged', 'payments-assets', 0],
      ['flow-logs', 'create', '-', 0],
      ['old-logs', 'delete', 'payments-old-logs', 0],
      ['kept', 'orphan', 'payments-kept', 0],
      ['observed', 'orphan', 'payments-observed', 0],
    ]);
  });

  test('a field that forces a new resource makes the resource a replace; another kind under the same name too', () => {
    const live = [liveVpc(), bucket('assets', { forProvider: { region: 'eu-west-1' } })];
    const desired = [
      {
        name: 'vpc',
        resource: desiredVpc({ region: 'eu-west-1', cidrBlock: '10.9.0.0/16', tags: { Name: 'payments', Owner: 'team' } }),
      },
      { name: 'assets', resource: { apiVersion: 's3.aws.m.upbound.io/v1beta1', kind: 'BucketPolicy', metadata: {}, spec: {} } },
    ];
    const got = diffPlatform(desired, live);
    expect(got.map((d) => [d.name, d.action])).toEqual([
      ['vpc', 'replace'],
      ['assets', 'replace'],
    ]);
    expect(got[1]?.changes).toEqual([
      {
        path: ['kind'],
        op: 'change',
        from: 's3.aws.m.upbound.io/v1beta1 Bucket',
        to: 's3.aws.m.upbound.io/v1beta1 BucketPolicy',
        replacement: 'kind',
      },
    ]);
  });
});

describe('deletesExternal', () => {
  test('Delete unless deletionPolicy Orphan or managementPolicies without Delete', () => {
    expect(deletesExternal({ spec: {} })).toBe(true);
    expect(deletesExternal({ spec: { managementPolicies: ['*'] } })).toBe(true);
    expect(deletesExternal({ spec: { managementPolicies: ['Observe', 'Create', 'Update', 'Delete'] } })).toBe(true);
    expect(deletesExternal({ spec: { managementPolicies: ['Observe', 'Create', 'Update', 'LateInitialize'] } })).toBe(false);
    expect(deletesExternal({ spec: { deletionPolicy: 'Orphan' } })).toBe(false);
  });
});

describe('replacement table', () => {
  test('only spec.forProvider top-level fields, by API group and kind, any version', () => {
    expect(forcesReplacement('ec2.aws.m.upbound.io/v1beta1', 'Subnet', ['spec', 'forProvider', 'cidrBlock'])).toBe(
      'terraform-schema',
    );
    expect(forcesReplacement('ec2.aws.m.upbound.io/v1beta2', 'Subnet', ['spec', 'forProvider', 'cidrBlock'])).toBe(
      'terraform-schema',
    );
    expect(forcesReplacement('elbv2.aws.m.upbound.io/v1beta1', 'LBTargetGroup', ['spec', 'forProvider', 'port'])).toBe(
      'provider-docs',
    );
    expect(
      forcesReplacement('ec2.aws.m.upbound.io/v1beta1', 'Subnet', ['spec', 'forProvider', 'tags', 'cidrBlock']),
    ).toBeUndefined();
    expect(forcesReplacement('ec2.aws.m.upbound.io/v1beta1', 'Subnet', ['spec', 'initProvider', 'cidrBlock'])).toBeUndefined();
    expect(forcesReplacement('ec2.aws.m.upbound.io/v1beta1', 'Subnet', ['spec', 'forProvider', 'tags'])).toBeUndefined();
    expect(forcesReplacement('s3.aws.m.upbound.io/v1beta1', 'Subnet', ['spec', 'forProvider', 'cidrBlock'])).toBeUndefined();
  });

  test('every row is keyed <group>/<kind> of a provider-upjet-aws kind', () => {
    for (const key of Object.keys(FORCE_NEW)) expect(key).toMatch(/^[a-z0-9]+\.aws\.m\.upbound\.io\/[A-Z][A-Za-z0-9]+$/);
  });
});
