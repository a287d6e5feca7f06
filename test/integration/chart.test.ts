import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { CHART_NAME } from '../../src/apis/constants.js';
import { synth } from '../../src/synth.js';
import { MANAGED_KIND_FLAGS, MANAGED_KINDS } from '../expected-kinds.js';
import { ROOT } from '../helpers.js';
import { run, toolBin } from '../support/tools.js';
import { type Obj } from '../../src/apis/obj.js';

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

  test("the Helm release fits its Secret with room to spare (Kubernetes caps a Secret's data at 1 MiB)", () => {
    // The release object helm install stores, encoded as Helm's storage driver does it
    // (JSON, gzip at best compression, base64). The nested layout's XRDs (29 then) each used to carry
    // the whole parameters schema: 900 KiB, so that a few more XRDs failed helm install with
    // "Secret ... is invalid: data: Too long".
    const r = run(toolBin('helm'), [
      'install',
      'pp',
      chart,
      '--namespace',
      'crossplane-system',
      '--dry-run=client',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const release = JSON.stringify(JSON.parse(r.stdout));
    const stored = Buffer.from(gzipSync(release, { level: 9 })).toString('base64').length;
    expect(stored).toBeLessThan(512 * 1024);
  });

  test('helm template renders every object of the product', () => {
    const objs = template();
    const byKind = (k: string) => objs.filter((o) => o.kind === k).map((o) => (o.metadata as Obj).name);
    const nested = (n: unknown) => String(n).endsWith('.internal.platform.payments.io');
    expect(byKind('CompositeResourceDefinition').filter((n) => !nested(n))).toEqual(['paymentplatforms.platform.payments.io']);
    expect(byKind('Composition').filter((n) => !nested(n))).toEqual([
      'paymentplatforms-aws.platform.payments.io',
      'paymentplatforms-aws-nested.platform.payments.io',
    ]);
    // The nested layout: 44 internal XRDs, each with its Composition; off with nested.enabled=false.
    expect(byKind('CompositeResourceDefinition').filter(nested)).toHaveLength(44);
    expect(byKind('Composition').filter(nested)).toHaveLength(44);
    const without = template('--set', 'nested.enabled=false');
    // New platforms get the nested layout; without it installed, the single Composition.
    const defaultComposition = (o: Obj[]) =>
      (
        (o.find((x) => x.kind === 'CompositeResourceDefinition' && !nested(String((x.metadata as Obj).name)))?.spec as Obj)
          .defaultCompositionRef as Obj
      ).name;
    expect(defaultComposition(objs)).toBe('paymentplatforms-aws-nested.platform.payments.io');
    expect(defaultComposition(without)).toBe('paymentplatforms-aws.platform.payments.io');
    expect(without.filter((o) => o.kind === 'CompositeResourceDefinition').map((o) => (o.metadata as Obj).name)).toEqual([
      'paymentplatforms.platform.payments.io',
    ]);
    expect(without.filter((o) => o.kind === 'Composition').map((o) => (o.metadata as Obj).name)).toEqual([
      'paymentplatforms-aws.platform.payments.io',
    ]);
    // the functionRefs of the Compositions' pipelines: the nested layout's last step is this
    // project's function, installed only with the layout
    expect(byKind('Function').sort()).toEqual([
      'crossplane-contrib-function-auto-ready',
      'crossplane-contrib-function-cel-filter',
      'crossplane-contrib-function-patch-and-transform',
      'payment-platform-function-payments-readiness',
    ]);
    expect(
      without
        .filter((o) => o.kind === 'Function')
        .map((o) => (o.metadata as Obj).name)
        .sort(),
    ).toEqual([
      'crossplane-contrib-function-auto-ready',
      'crossplane-contrib-function-cel-filter',
      'crossplane-contrib-function-patch-and-transform',
    ]);
    const readiness = objs.find(
      (o) => o.kind === 'Function' && (o.metadata as Obj).name === 'payment-platform-function-payments-readiness',
    );
    expect((readiness?.spec as Obj).package).toBe('ghcr.io/payment-platform/function-payments-readiness:v0.1.0');
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
    expect((policy.spec as Obj).activate).toEqual(MANAGED_KINDS.map(([crd]) => crd));
  });

  test('the chart ships the same XRD and Composition as crds/ and compositions/', () => {
    const objs = template();
    const load = (path: string) => yaml.load(readFileSync(join(ROOT, path), 'utf8')) as Obj;
    const xrd = load('crds/paymentplatforms.platform.payments.io.yaml');
    const composition = load('compositions/paymentplatforms-aws.platform.payments.io.yaml');
    const strip = (o: Obj) => ({ ...o, metadata: { name: (o.metadata as Obj).name } });
    const named = (kind: string, name: unknown) => objs.find((o) => o.kind === kind && (o.metadata as Obj).name === name) as Obj;
    expect(strip(named('CompositeResourceDefinition', (xrd.metadata as Obj).name))).toEqual(strip(xrd));
    expect(strip(named('Composition', (composition.metadata as Obj).name))).toEqual(strip(composition));
    const loadAll = (f: string) => yaml.loadAll(readFileSync(join(ROOT, f), 'utf8')) as Obj[];
    for (const x of loadAll('crds/nested.yaml'))
      expect(strip(named('CompositeResourceDefinition', (x.metadata as Obj).name))).toEqual(strip(x));
    for (const c of loadAll('compositions/nested.yaml'))
      expect(strip(named('Composition', (c.metadata as Obj).name))).toEqual(strip(c));
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
  test('committed generated files equal a fresh synth (no drift)', () => {
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

describe('the operator in the chart (operator.enabled)', () => {
  const operatorObjs = (...args: string[]): Obj[] =>
    template('--set', 'operator.enabled=true', ...args).filter(
      (o) => ((o.metadata as Obj).labels as Obj)['app.kubernetes.io/component'] === 'operator',
    );
  const byKind = (objs: Obj[], kind: string): Obj[] => objs.filter((o) => o.kind === kind);
  type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

  test('off by default; on: ServiceAccount, RBAC, Deployment, PodDisruptionBudget and metrics Service', () => {
    expect(template().filter((o) => ((o.metadata as Obj).labels as Obj)['app.kubernetes.io/component'] === 'operator')).toEqual(
      [],
    );
    const objs = operatorObjs();
    expect(objs.map((o) => o.kind).sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRoleBinding',
        'Deployment',
        'PodDisruptionBudget',
        'Role',
        'RoleBinding',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
    for (const o of objs.filter((x) => !String(x.kind).startsWith('Cluster')))
      expect((o.metadata as Obj).namespace).toBe('crossplane-system');
  });

  test('least privilege: reads the watched kinds, applies status, writes Events and its Lease; no Secrets, no wildcards', () => {
    const [role] = byKind(operatorObjs(), 'ClusterRole');
    const rules = role.rules as Rule[];
    const all = JSON.stringify(rules);
    expect(all).not.toContain('*');
    expect(all).not.toMatch(/secrets/);
    const watched = [...MANAGED_KINDS.map(([crd]) => crd), 'usages.protection.crossplane.io'];
    for (const crd of watched) {
      const [plural, ...group] = crd.split('.');
      const rule = rules.find((r) => r.apiGroups.includes(group.join('.')) && r.resources.includes(plural));
      expect([crd, rule?.verbs]).toEqual([crd, ['get', 'list', 'watch']]);
    }
    expect(rules).toContainEqual({
      apiGroups: ['platform.payments.io'],
      resources: ['paymentplatforms/status'],
      verbs: ['patch'],
    });
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] });
    const [lease] = byKind(operatorObjs(), 'Role');
    expect(lease.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resourceNames: ['payment-platform-operator'],
        resources: ['leases'],
        verbs: ['get', 'list', 'watch', 'update'],
      },
    ]);
    // patch on managed resources only with the hot-loop pause opt-in, and never on Usages
    const paused = byKind(operatorObjs('--set', 'operator.hotLoop.pause=true'), 'ClusterRole')[0].rules as Rule[];
    for (const [crd] of MANAGED_KINDS) {
      const [plural, ...group] = crd.split('.');
      const rule = paused.find((r) => r.apiGroups.includes(group.join('.')) && r.resources.includes(plural));
      expect([crd, rule?.verbs]).toEqual([crd, ['get', 'list', 'watch', 'patch']]);
    }
    expect(paused.find((r) => r.resources.includes('usages'))?.verbs).toEqual(['get', 'list', 'watch']);
  });

  test('the Deployment is hardened, probed, sized and configured from values', () => {
    const [dep] = byKind(operatorObjs('--set', 'operator.logLevel=debug', '--set', 'operator.hotLoop.pause=true'), 'Deployment');
    const spec = dep.spec as Obj;
    expect(spec.replicas).toBe(2);
    const pod = (spec.template as Obj).spec as Obj;
    expect(pod.serviceAccountName).toBe('payment-platform-operator');
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const [c] = pod.containers as Obj[];
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 65532,
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect((c.livenessProbe as Obj).httpGet).toMatchObject({ path: '/healthz', port: 8080 });
    expect((c.readinessProbe as Obj).httpGet).toMatchObject({ path: '/readyz', port: 8080 });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect(c.image).toBe('ghcr.io/payment-platform/payment-platform-operator:0.1.0');
    const args = c.args as string[];
    expect(args).toEqual(
      expect.arrayContaining([
        '--log-level=debug',
        '--hot-loop-pause=true',
        '--lease-name=payment-platform-operator',
        '--port=8080',
      ]),
    );
    expect(args).toContain(`--kinds=${MANAGED_KIND_FLAGS.join(',')}`);
    expect(args).toContain('--policy-kinds=protection.crossplane.io/v1beta1/Usage/usages');
    expect((c.env as Obj[]).map((e) => e.name)).toEqual(['POD_NAME', 'POD_NAMESPACE', 'NODE_OPTIONS']);
    expect((c.env as Obj[])[2].value).toBe('--max-old-space-size=256 --max-semi-space-size=4');
    const [pdb] = byKind(operatorObjs(), 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: spec.selector as Obj });
    const [svc] = byKind(operatorObjs(), 'Service');
    expect((svc.spec as Obj).ports).toEqual([expect.objectContaining({ name: 'metrics', port: 8080, targetPort: 8080 })]);
  });

  test('values.schema.json rejects bad operator values', () => {
    for (const bad of ['operator.logLevel=loud', 'operator.replicas=0', 'operator.hotLoop.window=soon', 'operator.typo=1']) {
      const r = run(toolBin('helm'), ['template', 'pp', chart, '--set', 'operator.enabled=true', '--set', bad]);
      expect([bad, r.code]).not.toEqual([bad, 0]);
    }
  });
});
