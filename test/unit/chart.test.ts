import yaml from 'js-yaml';
import { join } from 'node:path';
import { CHART_NAME, COMPOSITION_NAME, FUNCTIONS, XRD_NAME } from '../../src/apis/constants.js';
import { managedKinds } from '../../src/chart/kinds.js';
import { synth } from '../../src/synth.js';
import { ROOT } from '../helpers.js';
import { run, toolBin } from '../support/tools.js';

type Obj = Record<string, unknown>;
const chart = join(ROOT, 'charts', CHART_NAME);

function template(...args: string[]): Obj[] {
  const r = run(toolBin('helm'), ['template', 'pp', chart, '--namespace', 'crossplane-system', ...args]);
  if (r.code !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return (yaml.loadAll(r.stdout) as Obj[]).filter(Boolean);
}

describe('the Helm chart', () => {
  test('helm lint is clean (no warnings, no info)', () => {
    const r = run(toolBin('helm'), ['lint', '--strict', chart]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 chart(s) failed');
    expect(r.stdout).not.toMatch(/\[(INFO|WARNING|ERROR)\]/);
  });

  test('helm template renders every object of the product', () => {
    const objs = template();
    const byKind = (k: string) => objs.filter((o) => o.kind === k).map((o) => (o.metadata as Obj).name);
    expect(byKind('CompositeResourceDefinition')).toEqual([XRD_NAME]);
    expect(byKind('Composition')).toEqual([COMPOSITION_NAME]);
    expect(byKind('Function').sort()).toEqual(
      Object.values(FUNCTIONS)
        .map((f) => f.name)
        .sort(),
    );
    expect(byKind('Provider').sort()).toEqual(
      ['cloudwatch', 'cloudwatchlogs', 'ec2', 'elbv2', 'iam', 'kms', 'rds', 's3', 'sns', 'wafv2'].map((s) => `provider-aws-${s}`),
    );
    expect(byKind('ManagedResourceActivationPolicy')).toHaveLength(1);
    expect(byKind('ClusterRole')).toHaveLength(1);
    expect(byKind('ClusterProviderConfig')).toEqual([]);
    for (const o of objs) {
      const md = o.metadata as Obj;
      expect((md.labels as Obj)['app.kubernetes.io/instance']).toBe('pp');
      expect((md.annotations as Obj)['argocd.argoproj.io/sync-wave']).toMatch(/^-?[0-9]+$/);
    }
  });

  test('the activation policy lists exactly the composed kinds', () => {
    const policy = template().find((o) => o.kind === 'ManagedResourceActivationPolicy') as Obj;
    const expected = managedKinds(synth().compositionConstruct.resources).map((k) => k.crd);
    expect((policy.spec as Obj).activate).toEqual(expected);
  });

  test('the chart ships the same XRD and Composition as crds/ and compositions/', () => {
    const objs = template();
    const { xrd, composition } = synth();
    const strip = (o: Obj) => ({ ...o, metadata: { name: (o.metadata as Obj).name } });
    expect(strip(objs.find((o) => o.kind === 'CompositeResourceDefinition') as Obj)).toEqual(strip(xrd));
    expect(strip(objs.find((o) => o.kind === 'Composition') as Obj)).toEqual(strip(composition));
  });

  test('Crossplane can compose the endpoints ConfigMap (aggregated ClusterRole)', () => {
    const role = template().find((o) => o.kind === 'ClusterRole') as Obj;
    expect(((role.metadata as Obj).labels as Obj)['rbac.crossplane.io/aggregate-to-crossplane']).toBe('true');
    expect(role.rules).toEqual([expect.objectContaining({ apiGroups: [''], resources: ['configmaps'] })]);
  });

  test('the optional ProviderConfig comes last and tolerates a missing CRD in Argo CD', () => {
    const pc = template('--set', 'providerConfig.create=true', '--set', 'providerConfig.source=Secret').find(
      (o) => o.kind === 'ClusterProviderConfig',
    ) as Obj;
    expect((pc.metadata as Obj).annotations).toMatchObject({
      'argocd.argoproj.io/sync-wave': '1',
      'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
    });
    expect(pc.spec).toEqual({
      credentials: {
        source: 'Secret',
        secretRef: { namespace: 'crossplane-system', name: 'aws-credentials', key: 'credentials' },
      },
    });
  });

  test('installs can switch packages off and set a runtime config', () => {
    const objs = template('--set', 'functions.install=false', '--set', 'providers.runtimeConfigName=irsa');
    expect(objs.filter((o) => o.kind === 'Function')).toEqual([]);
    expect(
      objs.filter((o) => o.kind === 'Provider').every((p) => ((p.spec as Obj).runtimeConfigRef as Obj).name === 'irsa'),
    ).toBe(true);
  });

  test('values.schema.json rejects unknown keys and bad values', () => {
    const typo = run(toolBin('helm'), ['template', 'pp', chart, '--set', 'provider.install=false']);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toMatch(/additional properties 'provider' not allowed/);
    const bad = run(toolBin('helm'), ['template', 'pp', chart, '--set', 'providerConfig.source=Static']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/providerConfig\.source|source/);
  });

  test('NOTES tell the next step', () => {
    const r = run(toolBin('helm'), ['install', 'pp', chart, '--dry-run=client', '--namespace', 'crossplane-system']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Apply a PaymentPlatform in an application namespace');
  });
});

describe('generated files', () => {
  test('committed generated files equal a fresh synth (no drift)', async () => {
    const { readFileSync } = await import('node:fs');
    const { files } = synth();
    const drift = Object.entries(files)
      .filter(([path, content]) => {
        try {
          return readFileSync(join(ROOT, path), 'utf8') !== content;
        } catch {
          return true;
        }
      })
      .map(([p]) => p);
    expect(drift).toEqual([]);
  });
});
