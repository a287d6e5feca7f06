import yaml from 'js-yaml';
import { join } from 'node:path';
import { CHART_NAME, COMPOSITION_NAME, FUNCTIONS, XRD_NAME } from '../../src/apis/constants.js';
import { ROOT } from '../helpers.js';
import { run, toolBin } from '../support/tools.js';
import { ensureNamespace, kubectlOk, requireCluster } from './cluster.js';

describe('the chart on a blank API server (Crossplane and provider CRDs only)', () => {
  beforeAll(() => {
    requireCluster();
    ensureNamespace('crossplane-system');
    // Blank as far as this chart is concerned, also when the suite runs twice on one server.
    run(toolBin('helm'), [
      'uninstall',
      'payment-platform',
      '--namespace',
      'crossplane-system',
      '--ignore-not-found',
      '--wait=false',
    ]);
  });

  test('helm install succeeds and every object is accepted', () => {
    const r = run(toolBin('helm'), [
      'install',
      'payment-platform',
      join(ROOT, 'charts', CHART_NAME),
      '--namespace',
      'crossplane-system',
    ]);
    expect(r.stderr.replace(/^WARNING:.*$/gm, '').trim()).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('STATUS: deployed');
    const manifest = run(toolBin('helm'), ['get', 'manifest', 'payment-platform', '--namespace', 'crossplane-system']).stdout;
    const objs = (yaml.loadAll(manifest) as { kind: string; metadata: { name: string } }[]).filter(Boolean);
    for (const o of objs) {
      // each object the release rendered exists on the server
      expect(kubectlOk(['get', o.kind, o.metadata.name, '-o', 'name'])).toContain(o.metadata.name);
    }
    expect(kubectlOk(['get', 'compositeresourcedefinitions.apiextensions.crossplane.io', '-o', 'name'])).toContain(XRD_NAME);
    expect(kubectlOk(['get', 'compositions.apiextensions.crossplane.io', '-o', 'name'])).toContain(COMPOSITION_NAME);
    // The pinned functions and, with the nested layout (the default values), function-payments-readiness.
    expect(kubectlOk(['get', 'functions.pkg.crossplane.io', '-o', 'name']).trim().split('\n')).toHaveLength(
      Object.keys(FUNCTIONS).length + 1,
    );
  });

  test('the optional ProviderConfig installs once the provider CRDs exist', () => {
    const r = run(toolBin('helm'), [
      'upgrade',
      'payment-platform',
      join(ROOT, 'charts', CHART_NAME),
      '--namespace',
      'crossplane-system',
      '--set',
      'providerConfig.create=true',
      '--set',
      'providerConfig.source=Secret',
    ]);
    expect(r.code).toBe(0);
    expect(
      kubectlOk(['get', 'clusterproviderconfigs.aws.m.upbound.io', 'default', '-o', 'jsonpath={.spec.credentials.source}']),
    ).toBe('Secret');
  });
});
