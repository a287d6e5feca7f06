/**
 * The offline renderer's pipeline on small hand-written Compositions: what
 * function-patch-and-transform, function-cel-filter and function-auto-ready return for them
 * (Crossplane's composed-resource metadata, patch policies, readiness), written by hand.
 */
import { renderComposition } from '../../src/render/render.js';
import { UnsupportedError } from '../../src/render/transforms.js';

type Obj = Record<string, unknown>;

const xr: Obj = {
  apiVersion: 'payments.example.org/v1alpha1',
  kind: 'PaymentPlatform',
  metadata: { name: 'pay', namespace: 'team-a', uid: 'u-1' },
  spec: { region: 'eu-west-1', env: 'production', tags: { team: 'claim', cost: 'c1' } },
};

const pt = (resources: unknown[], patchSets: unknown[] = []) => ({
  step: 'patch-and-transform',
  functionRef: { name: 'crossplane-contrib-function-patch-and-transform' },
  input: { resources, patchSets },
});
const composition = (...pipeline: unknown[]) => ({ spec: { mode: 'Pipeline', pipeline } });
const bucket = (name: string, patches: unknown[] = [], extra: Obj = {}) => ({
  name,
  base: { apiVersion: 's3.aws.upbound.io/v1beta1', kind: 'Bucket', spec: { forProvider: { tags: { platform: 'pp' } } } },
  patches,
  ...extra,
});
const ready = { status: { conditions: [{ type: 'Ready', status: 'True' }] } };

describe('renderComposition: patch-and-transform', () => {
  test('composed resources get the metadata Crossplane adds, the composite its name', () => {
    const out = renderComposition(composition(pt([bucket('bucket-assets')])), xr);
    expect(out.composite).toEqual({
      apiVersion: 'payments.example.org/v1alpha1',
      kind: 'PaymentPlatform',
      metadata: { name: 'pay', namespace: 'team-a' },
    });
    expect(out.warnings).toEqual([]);
    expect(out.resources).toEqual([
      {
        name: 'bucket-assets',
        ready: false,
        resource: {
          apiVersion: 's3.aws.upbound.io/v1beta1',
          kind: 'Bucket',
          spec: { forProvider: { tags: { platform: 'pp' } } },
          metadata: {
            generateName: 'pay-',
            namespace: 'team-a',
            labels: { 'crossplane.io/composite': 'pay' },
            annotations: { 'crossplane.io/composition-resource-name': 'bucket-assets' },
            ownerReferences: [
              {
                apiVersion: 'payments.example.org/v1alpha1',
                kind: 'PaymentPlatform',
                name: 'pay',
                uid: 'u-1',
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
        },
      },
    ]);
  });

  test('labels and annotations of the base are kept; an observed resource keeps its name', () => {
    const t = bucket('b');
    (t.base as Obj).metadata = { labels: { own: 'l' }, annotations: { own: 'a' } };
    const out = renderComposition(composition(pt([t])), xr, {
      observed: { b: { metadata: { name: 'pay-xyz', namespace: 'other' } } },
    });
    const md = out.resources[0].resource.metadata as Obj;
    expect(md.name).toBe('pay-xyz');
    expect(md.generateName).toBeUndefined();
    expect(md.namespace).toBe('team-a');
    expect(md.labels).toEqual({ own: 'l', 'crossplane.io/composite': 'pay' });
    expect(md.annotations).toEqual({ own: 'a', 'crossplane.io/composition-resource-name': 'b' });
  });

  test('FromCompositeFieldPath with transforms, Replace and MergeObjects', () => {
    const out = renderComposition(
      composition(
        pt([
          bucket('b', [
            {
              type: 'FromCompositeFieldPath',
              fromFieldPath: 'spec.env',
              toFieldPath: 'spec.forProvider.tags[env]',
              transforms: [{ type: 'string', string: { type: 'Convert', convert: 'ToUpper' } }],
            },
            { type: 'FromCompositeFieldPath', fromFieldPath: 'spec.region', toFieldPath: 'spec.forProvider.region' },
            {
              type: 'FromCompositeFieldPath',
              fromFieldPath: 'spec.tags',
              toFieldPath: 'spec.forProvider.tags',
              policy: { toFieldPath: 'MergeObjects' },
            },
            { type: 'FromCompositeFieldPath', fromFieldPath: 'spec.tags', toFieldPath: 'spec.forProvider.copy' },
            {
              type: 'FromCompositeFieldPath',
              fromFieldPath: 'spec.region',
              toFieldPath: 'spec.forProvider.tags',
              policy: { toFieldPath: 'Replace' },
            },
          ]),
        ]),
      ),
      xr,
    );
    expect(out.resources[0].resource.spec).toEqual({
      forProvider: { tags: 'eu-west-1', region: 'eu-west-1', copy: { team: 'claim', cost: 'c1' } },
    });
  });

  test('MergeObjects keeps the values the template already has', () => {
    const out = renderComposition(
      composition(
        pt([
          bucket('b', [
            {
              type: 'FromCompositeFieldPath',
              fromFieldPath: 'spec.tags',
              toFieldPath: 'spec.forProvider.tags',
              policy: { toFieldPath: 'MergeObjects' },
            },
            {
              type: 'CombineFromComposite',
              combine: {
                strategy: 'string',
                variables: [{ fromFieldPath: 'spec.tags.team' }],
                string: { fmt: '{"platform":"%s"}' },
              },
              toFieldPath: 'spec.forProvider.note',
              policy: { toFieldPath: 'MergeObjects' },
            },
          ]),
        ]),
      ),
      { ...xr, spec: { ...(xr.spec as Obj), tags: { platform: 'claim', team: 't' } } },
    );
    expect(out.resources[0].resource.spec).toEqual({
      forProvider: { tags: { platform: 'pp', team: 't' }, note: '{"platform":"t"}' },
    });
  });

  test('CombineFromComposite formats the variables, then transforms', () => {
    const out = renderComposition(
      composition(
        pt([
          bucket('b', [
            {
              type: 'CombineFromComposite',
              combine: {
                strategy: 'string',
                variables: [{ fromFieldPath: 'metadata.name' }, { fromFieldPath: 'spec.region' }],
                string: { fmt: '%s-assets-%s' },
              },
              toFieldPath: 'spec.forProvider.bucketName',
              transforms: [{ type: 'string', string: { type: 'Convert', convert: 'ToUpper' } }],
            },
          ]),
        ]),
      ),
      xr,
    );
    expect((out.resources[0].resource.spec as { forProvider: Obj }).forProvider.bucketName).toBe('PAY-ASSETS-EU-WEST-1');
  });

  test('PatchSets are expanded in place; a missing one is an error', () => {
    const sets = [
      {
        name: 'common',
        patches: [{ type: 'FromCompositeFieldPath', fromFieldPath: 'spec.region', toFieldPath: 'spec.forProvider.region' }],
      },
    ];
    const out = renderComposition(
      composition(
        pt(
          [
            bucket('b', [
              { type: 'FromCompositeFieldPath', fromFieldPath: 'spec.env', toFieldPath: 'spec.forProvider.region' },
              { type: 'PatchSet', patchSetName: 'common' },
            ]),
          ],
          sets,
        ),
      ),
      xr,
    );
    expect((out.resources[0].resource.spec as { forProvider: Obj }).forProvider.region).toBe('eu-west-1');
    expect(() =>
      renderComposition(composition(pt([bucket('b', [{ type: 'PatchSet', patchSetName: 'nope' }])], sets)), xr),
    ).toThrow('cannot resolve PatchSets: PatchSet nope does not exist');
  });

  test('a missing optional field skips the patch; a required one holds back a new resource', () => {
    const optional = { type: 'FromCompositeFieldPath', fromFieldPath: 'spec.missing', toFieldPath: 'spec.forProvider.x' };
    const required = { ...optional, policy: { fromFieldPath: 'Required' } };
    const out = renderComposition(composition(pt([bucket('a', [optional]), bucket('b', [optional, required]), bucket('c')])), xr);
    expect(out.resources.map((r) => r.name)).toEqual(['a', 'c']);
    expect((out.resources[0].resource.spec as { forProvider: Obj }).forProvider).toEqual({ tags: { platform: 'pp' } });
    expect(out.warnings).toEqual([
      'not adding new composed resource "b" to desired state because "FromCompositeFieldPath" patch at index 1 has \'policy.fromFieldPath: Required\'',
    ]);
    const existing = renderComposition(composition(pt([bucket('b', [optional, required])])), xr, { observed: { b: {} } });
    expect(existing.resources.map((r) => r.name)).toEqual(['b']);
    expect(existing.warnings).toEqual([
      'cannot render composed resource "b" "FromCompositeFieldPath" patch at index 1: ignoring \'policy.fromFieldPath: Required\' because \'to\' resource already exists',
    ]);
  });

  test('a Required CombineFromComposite variable that is missing holds the resource back too', () => {
    const p = {
      type: 'CombineFromComposite',
      combine: { strategy: 'string', variables: [{ fromFieldPath: 'spec.missing' }], string: { fmt: '%s' } },
      toFieldPath: 'spec.forProvider.x',
      policy: { fromFieldPath: 'Required' },
    };
    const out = renderComposition(composition(pt([bucket('b', [p])])), xr);
    expect(out.resources).toEqual([]);
    expect(out.warnings).toEqual([
      'not adding new composed resource "b" to desired state because "CombineFromComposite" patch at index 0 has \'policy.fromFieldPath: Required\'',
    ]);
  });

  test('ToComposite patches need the observed resource and write to the composite', () => {
    const patches = [
      { type: 'ToCompositeFieldPath', fromFieldPath: 'status.atProvider.arn', toFieldPath: 'status.bucketArn' },
      {
        type: 'ToCompositeFieldPath',
        fromFieldPath: 'status.atProvider.tags',
        toFieldPath: 'status.tags',
        policy: { toFieldPath: 'MergeObjects' },
      },
      {
        type: 'CombineToComposite',
        combine: { strategy: 'string', variables: [{ fromFieldPath: 'status.atProvider.id' }], string: { fmt: 's3://%s' } },
        toFieldPath: 'status.url',
        transforms: [{ type: 'string', string: { type: 'Convert', convert: 'ToUpper' } }],
      },
      { type: 'ToCompositeFieldPath', fromFieldPath: 'status.atProvider.missing', toFieldPath: 'status.missing' },
    ];
    const c = composition(pt([bucket('b', patches)]));
    const before = renderComposition(c, xr);
    expect(before.composite.status).toBeUndefined();
    expect(before.resources[0].resource.status).toBeUndefined();
    const observed = { b: { status: { atProvider: { arn: 'arn:aws:s3:::x', id: 'x', tags: { a: '1' } } } } };
    const after = renderComposition(c, xr, { observed });
    expect(after.composite.status).toEqual({ bucketArn: 'arn:aws:s3:::x', tags: { a: '1' }, url: 'S3://X' });
    expect(after.warnings).toEqual([]);
  });

  test('ToComposite MergeObjects merges what several resources report; without it the last one replaces', () => {
    const report = (toFieldPath: string, policy?: Obj) => ({
      type: 'ToCompositeFieldPath',
      fromFieldPath: 'status.atProvider.tags',
      toFieldPath,
      ...(policy ? { policy } : {}),
    });
    const merge = { toFieldPath: 'MergeObjects' };
    const c = composition(
      pt([
        bucket('a', [report('status.merged', merge), report('status.replaced')]),
        bucket('b', [report('status.merged', merge), report('status.replaced')]),
      ]),
    );
    const observed = {
      a: { status: { atProvider: { tags: { a: '1', shared: 'from-a' } } } },
      b: { status: { atProvider: { tags: { b: '2', shared: 'from-b' } } } },
    };
    expect(renderComposition(c, xr, { observed }).composite.status).toEqual({
      // MergeObjects keeps the keys already there (a's shared), adds the others.
      merged: { a: '1', shared: 'from-a', b: '2' },
      replaced: { b: '2', shared: 'from-b' },
    });
  });

  test('errors of a patch name the resource, the patch type and index; unsupported ones pass unchanged', () => {
    const bad = {
      type: 'FromCompositeFieldPath',
      fromFieldPath: 'spec.env',
      toFieldPath: 'spec.forProvider.x',
      transforms: [{ type: 'map', map: {} }],
    };
    expect(() => renderComposition(composition(pt([bucket('b', [bad])])), xr)).toThrow(
      'cannot render composed resource "b" "FromCompositeFieldPath" patch at index 0: key production is not found in map',
    );
    const unsupported = { ...bad, transforms: [{ type: 'math', math: {} }] };
    expect(() => renderComposition(composition(pt([bucket('b', [unsupported])])), xr)).toThrow(
      new UnsupportedError('transform type math is not supported offline'),
    );
    expect(() => renderComposition(composition(pt([bucket('b', [{ type: 'FromEnvironmentFieldPath' }])])), xr)).toThrow(
      new UnsupportedError('patch type FromEnvironmentFieldPath is not supported offline'),
    );
  });

  test('the composite and the templates are not modified', () => {
    const input = JSON.parse(JSON.stringify(xr)) as Obj;
    const t = bucket('b', [
      { type: 'FromCompositeFieldPath', fromFieldPath: 'spec.region', toFieldPath: 'spec.forProvider.tags.region' },
    ]);
    const c = composition(pt([t]));
    const copy = JSON.stringify(c);
    renderComposition(c, input);
    expect(input).toEqual(xr);
    expect(JSON.stringify(c)).toBe(copy);
  });
});

describe('renderComposition: readiness', () => {
  test('without readiness checks a resource is ready when its Ready condition is True', () => {
    const c = composition(pt([bucket('a'), bucket('b'), bucket('c')]));
    const out = renderComposition(c, xr, {
      observed: {
        a: ready,
        b: {
          status: {
            conditions: [
              { type: 'Ready', status: 'False' },
              { type: 'Synced', status: 'True' },
            ],
          },
        },
      },
    });
    expect(out.resources.map((r) => [r.name, r.ready])).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
    ]);
  });

  test('MatchCondition and None checks', () => {
    const match = (type: string, status: string) => ({
      readinessChecks: [{ type: 'MatchCondition', matchCondition: { type, status } }],
    });
    const c = composition(
      pt([
        bucket('synced', [], match('Synced', 'True')),
        bucket('not-synced', [], match('Synced', 'True')),
        bucket('none', [], { readinessChecks: [{ type: 'None' }] }),
        bucket('both', [], {
          readinessChecks: [{ type: 'None' }, { type: 'MatchCondition', matchCondition: { type: 'Ready', status: 'False' } }],
        }),
        bucket('other', [], { readinessChecks: [{ type: 'NonEmpty' }] }),
        bucket('no-status', [], match('Synced', 'True')),
      ]),
    );
    const synced = { status: { conditions: [{ type: 'Synced', status: 'True' }] } };
    const out = renderComposition(c, xr, {
      observed: {
        synced,
        'not-synced': {
          status: {
            conditions: [
              { type: 'Synced', status: 'False' },
              { type: 'Ready', status: 'True' },
            ],
          },
        },
        none: {},
        both: ready,
        other: ready,
        'no-status': {},
      },
    });
    expect(out.resources.map((r) => [r.name, r.ready])).toEqual([
      ['synced', true],
      ['not-synced', false],
      ['none', true],
      ['both', false],
      ['other', false],
      ['no-status', false],
    ]);
  });

  test('function-auto-ready marks resources ready whose observed Ready condition is True', () => {
    const autoReady = { step: 'ready', functionRef: { name: 'crossplane-contrib-function-auto-ready' } };
    const c = composition(
      pt([
        bucket('a', [], { readinessChecks: [{ type: 'MatchCondition', matchCondition: { type: 'Synced', status: 'True' } }] }),
        bucket('b'),
      ]),
      autoReady,
    );
    const out = renderComposition(c, xr, {
      observed: { a: ready, b: { status: { conditions: [{ type: 'Ready', status: 'False' }] } } },
    });
    expect(out.resources.map((r) => [r.name, r.ready])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });
});

describe('renderComposition: cel-filter', () => {
  const filter = (filters: unknown[]) => ({
    step: 'filter',
    functionRef: { name: 'crossplane-contrib-function-cel-filter' },
    input: { filters },
  });

  test('the first filter whose name pattern matches the whole resource name decides', () => {
    const c = composition(
      pt([bucket('waf-acl'), bucket('waf-log'), bucket('nat-az3'), bucket('my-waf-acl')]),
      filter([
        { name: 'waf-.*', expression: 'observed.composite.resource.spec.env == "production"' },
        { name: 'waf-log', expression: 'false' },
        { name: 'nat-az3', expression: 'observed.composite.resource.spec.env == "development"' },
        { name: 'waf', expression: 'false' },
      ]),
    );
    expect(renderComposition(c, xr).resources.map((r) => r.name)).toEqual(['waf-acl', 'waf-log', 'my-waf-acl']);
  });

  test('filters see the desired resources', () => {
    const c = composition(
      pt([bucket('a'), bucket('b')]),
      filter([{ name: 'b', expression: '"a" in desired.resources && desired.resources.a.resource.kind == "Bucket"' }]),
    );
    expect(renderComposition(c, xr).resources.map((r) => r.name)).toEqual(['a', 'b']);
  });

  test('an expression that is not a bool, or fails, is an error naming the resource', () => {
    expect(() => renderComposition(composition(pt([bucket('a')]), filter([{ name: 'a', expression: '"yes"' }])), xr)).toThrow(
      'filter expression for "a" returned string, not bool',
    );
    expect(() => renderComposition(composition(pt([bucket('a')]), filter([{ name: 'a', expression: 'nope.x' }])), xr)).toThrow(
      /^cannot evaluate filter for "a" \(nope\.x\): /,
    );
  });

  test('a step without input does nothing', () => {
    const c = composition(pt([bucket('a')]), { step: 'filter', functionRef: { name: 'crossplane-contrib-function-cel-filter' } });
    expect(renderComposition(c, xr).resources.map((r) => r.name)).toEqual(['a']);
    expect(
      renderComposition(composition({ step: 'pt', functionRef: { name: 'crossplane-contrib-function-patch-and-transform' } }), xr)
        .resources,
    ).toEqual([]);
  });
});

describe('renderComposition: what it does not render', () => {
  test('only Pipeline Compositions with the three functions', () => {
    expect(() => renderComposition({ spec: { mode: 'Resources', resources: [] } }, xr)).toThrow(
      new UnsupportedError('only mode: Pipeline Compositions can be rendered offline'),
    );
    expect(() => renderComposition({ spec: { mode: 'Pipeline' } }, xr)).toThrow(UnsupportedError);
    expect(() => renderComposition(composition({ step: 'go', functionRef: { name: 'function-go-templating' } }), xr)).toThrow(
      new UnsupportedError('function function-go-templating (step go) is not supported by the offline renderer'),
    );
  });
});
