/**
 * The Configuration package (make package) installed through Crossplane's own package manager,
 * offline, on a control plane without the chart: the real `crossplane xpkg build` output is seeded
 * in the package cache (as the chart's functions and providers are), its dependencies are the
 * package objects the resolver would create (resolving a version constraint needs a registry's
 * tag list, unreachable here), and the package manager checks them against `dependsOn` and
 * installs the XRDs, Compositions and activation policy from the package. Then a claim
 * reconciles with the stand-in provider, as it does with the chart.
 */
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';
import {
  ANNOTATION_EXTERNAL_NAME,
  API_FILES,
  API_GROUP,
  COMPOSITION_NAME,
  LABEL_ROLE,
  NESTED_COMPOSITION_NAME,
  PLURAL,
  XRD_NAME,
} from '../../src/apis/constants.js';
import { PACKAGE_CONTENTS, PACKAGE_EXAMPLES } from '../../src/package/configuration.js';
import { seedConfigurationPackage } from '../reconcile/packages.js';
import { toolBin } from '../support/tools.js';
import { type Obj } from '../../src/apis/obj.js';
import { ROOT, singleVariant } from '../helpers.js';
import { CrossplaneCluster, FAST_XP_ARGS, isTrue, resourceRefs, until } from './reconcile-harness.js';

jest.setTimeout(900_000);

const PP = `${PLURAL}.${API_GROUP}`;
// The single Composition, named (the XRD's default is the nested layout): the upgrade below
// changes that Composition.
const claim = singleVariant(yaml.load(readFileSync(join(ROOT, 'examples/claims/minimal.yaml'), 'utf8'))) as Obj;
const { name, namespace } = claim.metadata as { name: string; namespace: string };
const nameOf = (o: Obj): string => String((o.metadata as Obj).name);

let cp: CrossplaneCluster;
let installed: ReturnType<CrossplaneCluster['installConfiguration']>;

beforeAll(() => {
  cp = CrossplaneCluster.start(FAST_XP_ARGS);
  cp.startStandIns(['--create-ms=300']);
  installed = cp.installConfiguration();
});

afterAll(async () => {
  await cp?.stop();
});

test('the Configuration and its dependencies become Installed and Healthy', async () => {
  await until('the Configuration Installed and Healthy', 300_000, () => {
    const c = cp.get('configurations.pkg.crossplane.io', 'payment-platform');
    return isTrue(c, 'Installed') && isTrue(c, 'Healthy');
  }).catch((err: unknown) => {
    const c = cp.get('configurations.pkg.crossplane.io', 'payment-platform');
    const revs = cp.list('configurationrevisions.pkg.crossplane.io').map((r) => JSON.stringify((r.status as Obj)?.conditions));
    throw new Error(
      `${String(err)}\nconfiguration: ${JSON.stringify((c?.status as Obj)?.conditions)}\nrevisions: ${revs.join('\n')}`,
      {
        cause: err,
      },
    );
  });
  await until('its dependencies Installed and Healthy', 300_000, () => cp.unhealthyPackages().length === 0);
  expect(cp.list('functions.pkg.crossplane.io').map(nameOf).sort()).toEqual([
    'crossplane-contrib-function-auto-ready',
    'crossplane-contrib-function-cel-filter',
    'crossplane-contrib-function-patch-and-transform',
    'payment-platform-function-payments-readiness',
  ]);
  expect(cp.list('providers.pkg.crossplane.io')).toHaveLength(10);
  // The lock records the Configuration with the dependencies it declared, as the package manager read them.
  const lock = cp.get('locks.pkg.crossplane.io', 'lock') as Obj;
  const entry = ((lock.packages as Obj[]) ?? []).find((p) => p.kind === 'Configuration') as Obj;
  expect(String(entry.source)).toBe('xpkg.crossplane.io/payments/payment-platform');
  expect(((entry.dependencies as Obj[]) ?? []).map((d) => `${String(d.package)} ${String(d.constraints)}`).sort()).toEqual(
    [
      ...['cloudwatch', 'cloudwatchlogs', 'ec2', 'elbv2', 'iam', 'kms', 'rds', 's3', 'sns', 'wafv2'].map(
        (s) => `xpkg.crossplane.io/crossplane-contrib/provider-aws-${s} v2.7.0`,
      ),
      'xpkg.crossplane.io/crossplane-contrib/function-auto-ready v0.7.0',
      'xpkg.crossplane.io/crossplane-contrib/function-cel-filter v0.2.0',
      'xpkg.crossplane.io/crossplane-contrib/function-patch-and-transform v0.10.7',
      'ghcr.io/payment-platform/function-payments-readiness v0.1.0',
    ].sort(),
  );
  expect(installed.packageYaml).toContain('kind: Configuration');
});

test('the package manager installs the XRDs, Compositions and activation policy, owned by the revision', async () => {
  await until('every XRD Established', 300_000, () => {
    const xrds = cp.list('compositeresourcedefinitions.apiextensions.crossplane.io');
    return xrds.length === 45 && xrds.every((x) => isTrue(x, 'Established'));
  });
  const owner = (o: Obj | undefined): string[] =>
    (((o?.metadata as Obj | undefined)?.ownerReferences as Obj[] | undefined) ?? []).map((r) => String(r.kind));
  expect(owner(cp.get('compositeresourcedefinitions.apiextensions.crossplane.io', XRD_NAME))).toContain('ConfigurationRevision');
  const compositions = cp.list('compositions.apiextensions.crossplane.io');
  expect(compositions).toHaveLength(46);
  expect(compositions.map(nameOf)).toEqual(expect.arrayContaining([COMPOSITION_NAME, NESTED_COMPOSITION_NAME]));
  expect(owner(compositions.find((c) => nameOf(c) === COMPOSITION_NAME))).toContain('ConfigurationRevision');
  const mrap = cp.get('managedresourceactivationpolicies.apiextensions.crossplane.io', 'payment-platform');
  expect(owner(mrap)).toContain('ConfigurationRevision');
  // No Helm here: nothing carries the chart's labels.
  expect(cp.kubectlOk(['get', 'compositions', '-l', 'app.kubernetes.io/managed-by=Helm', '-o', 'name'])).toBe('');
});

test('examples/claims/minimal.yaml becomes Synced and Ready with its outputs', async () => {
  cp.namespace(namespace);
  cp.apply([claim]);
  const started = Date.now();
  await until('the claim Synced and Ready', 600_000, () => {
    const xr = cp.get(PP, name, namespace);
    return isTrue(xr, 'Synced') && isTrue(xr, 'Ready');
  }).catch((err: unknown) => {
    throw new Error(`${String(err)}\nnot ready in ${namespace}:\n${cp.notReady(namespace)}`, { cause: err });
  });
  const xr = cp.get(PP, name, namespace) as Obj;
  const status = xr.status as Obj;
  console.log(
    `package install: ${name} Ready after ${Math.round((Date.now() - started) / 1000)} s, ${resourceRefs(xr).length} composed resources`,
  );
  expect(String(status.vpcId)).toMatch(/^vpc-[0-9a-f]{17}$/);
  expect(status.publicSubnetIds).toHaveLength(3);
  expect(String(status.albDnsName)).toMatch(/\.elb\.amazonaws\.com$/);
  expect(status.dbPort).toBe(3306);
  const cm = cp.get('configmap', `${name}-endpoints`, namespace) as Obj;
  expect((cm.data as Obj).VPC_ID).toBe(status.vpcId);
});

/** The same claim in another namespace, pinned to its Composition revision. */
const PINNED_NS = 'team-pinned';
const pinned: Obj = {
  ...claim,
  metadata: { ...(claim.metadata as Obj), namespace: PINNED_NS },
  spec: {
    ...(claim.spec as Obj),
    crossplane: { ...((claim.spec as Obj).crossplane as Obj), compositionUpdatePolicy: 'Manual' },
  },
};
const V2 = 'xpkg.crossplane.io/payments/payment-platform:v0.2.0';
const UPGRADE_TAG = 'payment-platform-upgrade-test';

const xrSpec = (ns: string): Obj => ((cp.get(PP, name, ns)?.spec as Obj | undefined)?.crossplane ?? {}) as Obj;
const revisionOf = (ns: string): unknown => (xrSpec(ns).compositionRevisionRef as Obj | undefined)?.name;
const revisions = (): Obj[] =>
  cp
    .list('compositionrevisions.apiextensions.crossplane.io', undefined, `crossplane.io/composition-name=${COMPOSITION_NAME}`)
    .sort((a, b) => Number((a.spec as Obj).revision) - Number((b.spec as Obj).revision));
const managed = (ns: string): Obj[] =>
  cp.list('managed', ns, `crossplane.io/composite=${name}`).filter((o) => String(o.apiVersion).includes('.aws.m.upbound.io/'));
const vpcTags = (ns: string): Obj => {
  const vpc = managed(ns).find((o) => ((o.metadata as Obj).labels as Obj)?.[LABEL_ROLE] === 'vpc');
  return (((vpc?.spec as Obj | undefined)?.forProvider as Obj | undefined)?.tags ?? {}) as Obj;
};
/** kind/name -> uid and external name: what must not change when nothing is re-created. */
const identities = (ns: string): Record<string, string> =>
  Object.fromEntries(
    managed(ns).map((o) => {
      const md = o.metadata as Obj;
      return [
        `${String(o.kind)}/${String(md.name)}`,
        `${String(md.uid)} ${String((md.annotations as Obj)[ANNOTATION_EXTERNAL_NAME])}`,
      ];
    }),
  );

/** The package's Composition with `change` applied to the pipeline's resource templates. */
function changedComposition(change: (templates: Obj[]) => void): Obj {
  const composition = yaml.load(readFileSync(join(ROOT, API_FILES.composition), 'utf8')) as Obj;
  const step = ((composition.spec as Obj).pipeline as Obj[])[0] as Obj;
  change((step.input as Obj).resources as Obj[]);
  return composition;
}
const template = (templates: Obj[], name: string): Obj => templates.find((r) => r.name === name) as Obj;
const forProviderOf = (t: Obj): Obj => ((t.base as Obj).spec as Obj).forProvider as Obj;

/** v0.2.0's Composition: the VPC template carries one more tag. */
const V2_COMPOSITION = (): Obj =>
  changedComposition((templates) => {
    (forProviderOf(template(templates, 'vpc')) as Obj & { tags: Obj }).tags[UPGRADE_TAG] = 'v0.2.0';
  });

/** A copy of the package sources whose Composition is v0.2.0's. */
function changedPackageRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'pp-package-v2-'));
  for (const file of [...PACKAGE_CONTENTS, ...['minimal.yaml', 'production.yaml'].map((f) => join(PACKAGE_EXAMPLES, f))]) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(root, file));
  }
  writeFileSync(join(root, API_FILES.composition), yaml.dump(V2_COMPOSITION(), { noRefs: true, lineWidth: -1 }));
  return root;
}

/** `kubectl payments diff` as a user runs it (the plugin as a process) against this control plane. */
function diff(...args: string[]): { code: number | null; stdout: string; stderr: string; json: () => Obj } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/kubectl-payments.js'), 'diff', ...args], {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: cp.kubeconfig },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) as Obj };
}
/** A Composition written to a file, for --composition. */
function compositionFile(dir: string, name: string, composition: Obj): string {
  const file = join(dir, name);
  writeFileSync(file, yaml.dump(composition, { noRefs: true, lineWidth: -1 }));
  return file;
}
/** The claim as applied (naming the single Composition), for kubectl payments diff. */
const CLAIM_FILE = (() => {
  const file = join(mkdtempSync(join(tmpdir(), 'pp-claim-')), 'minimal.yaml');
  writeFileSync(file, yaml.dump(claim));
  return file;
})();

test('upgrade to a package with a changed Composition: the Automatic platform follows, the Manual one waits until its revision is moved; nothing is re-created', async () => {
  cp.namespace(PINNED_NS);
  cp.apply([pinned]);
  await until('the pinned claim Synced and Ready', 600_000, () => {
    const xr = cp.get(PP, name, PINNED_NS);
    return isTrue(xr, 'Synced') && isTrue(xr, 'Ready');
  }).catch((err: unknown) => {
    throw new Error(`${String(err)}\nnot ready in ${PINNED_NS}:\n${cp.notReady(PINNED_NS)}`, { cause: err });
  });
  const [rev1] = revisions();
  expect(revisions()).toHaveLength(1);
  const rev1Name = nameOf(rev1 as Obj);
  expect([revisionOf(namespace), revisionOf(PINNED_NS)]).toEqual([rev1Name, rev1Name]);
  expect([xrSpec(namespace).compositionUpdatePolicy, xrSpec(PINNED_NS).compositionUpdatePolicy]).toEqual(['Automatic', 'Manual']);
  const before = { auto: identities(namespace), pinned: identities(PINNED_NS) };
  expect(Object.keys(before.auto).length).toBeGreaterThan(80);

  // Before the upgrade, `kubectl payments diff` says what it would do.
  const dir = mkdtempSync(join(tmpdir(), 'pp-diff-'));
  try {
    // The installed Composition against the live platform: nothing to change in any of the 95.
    const same = diff('-f', CLAIM_FILE, '-o', 'json');
    expect([same.code, same.stderr]).toEqual([0, '']);
    expect(same.json().summary).toEqual({ update: 0, replace: 0, delete: 0, orphan: 0, create: 0, unchanged: 95 });

    // v0.2.0's Composition: one tag added to the VPC, in place; nothing replaced, deleted or created.
    const v2 = diff('-f', CLAIM_FILE, '--composition', compositionFile(dir, 'v2.yaml', V2_COMPOSITION()));
    console.log(`kubectl payments diff -f examples/claims/minimal.yaml --composition v0.2.0.yaml\n${v2.stdout}`);
    expect(v2.code).toBe(1);
    expect(v2.stdout).toContain(`+ spec.forProvider.tags[${UPGRADE_TAG}]: "v0.2.0"`);
    const v2json = diff('-f', CLAIM_FILE, '--composition', join(dir, 'v2.yaml'), '-o', 'json').json();
    expect(v2json.summary).toEqual({ update: 1, replace: 0, delete: 0, orphan: 0, create: 0, unchanged: 94 });
    expect(v2json.resources).toEqual([
      {
        name: 'vpc',
        apiVersion: 'ec2.aws.m.upbound.io/v1beta1',
        kind: 'VPC',
        object: expect.stringMatching(/^payments-/),
        action: 'update',
        changes: [{ path: `spec.forProvider.tags[${UPGRADE_TAG}]`, op: 'add', to: 'v0.2.0' }],
      },
    ]);

    // A Composition that would hurt: the flow log's traffic type changed (AWS cannot change it in
    // place) and the S3 gateway endpoint dropped (its managed resource and the AWS endpoint deleted).
    const harmful = changedComposition((templates) => {
      forProviderOf(template(templates, 'flow-log')).trafficType = 'REJECT';
      templates.splice(templates.indexOf(template(templates, 's3-gateway-endpoint')), 1);
    });
    const bad = diff('-f', CLAIM_FILE, '--composition', compositionFile(dir, 'harmful.yaml', harmful));
    console.log(`kubectl payments diff --composition harmful.yaml\n${bad.stdout}`);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^! flow-log \(FlowLog payments-\w+\): NEEDS A NEW AWS RESOURCE/m);
    expect(bad.stdout).toMatch(/^- s3-gateway-endpoint \(VPCEndpoint payments-\w+\): DELETED, and the AWS resource with it$/m);
    const badJson = diff('-f', CLAIM_FILE, '--composition', join(dir, 'harmful.yaml'), '-o', 'json').json();
    expect((badJson.resources as Obj[]).map((r) => [r.name, r.action, r.changes])).toEqual([
      [
        'flow-log',
        'replace',
        [{ path: 'spec.forProvider.trafficType', op: 'change', from: 'ALL', to: 'REJECT', replacement: 'terraform-schema' }],
      ],
      ['s3-gateway-endpoint', 'delete', []],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // v0.2.0 through the package manager: a new ConfigurationRevision updates the Composition.
  const root = changedPackageRoot();
  try {
    cp.apply([seedConfigurationPackage({ root, cacheDir: cp.cacheDir, crossplane: toolBin('crossplane'), ref: V2 }).imageConfig]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  cp.kubectlOk([
    'patch',
    'configurations.pkg.crossplane.io',
    'payment-platform',
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { package: V2 } }),
  ]);
  await until('a second CompositionRevision', 300_000, () => revisions().length === 2);
  const rev2Name = nameOf(revisions()[1] as Obj);
  await until(
    'the Automatic platform on revision 2, its VPC tagged',
    300_000,
    () => revisionOf(namespace) === rev2Name && vpcTags(namespace)[UPGRADE_TAG] === 'v0.2.0',
  );
  // The Manual platform stays where it was until someone moves it.
  expect(revisionOf(PINNED_NS)).toBe(rev1Name);
  expect(vpcTags(PINNED_NS)[UPGRADE_TAG]).toBeUndefined();

  cp.kubectlOk([
    'patch',
    PP,
    name,
    '-n',
    PINNED_NS,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { crossplane: { compositionRevisionRef: { name: rev2Name } } } }),
  ]);
  await until('the pinned platform on revision 2, its VPC tagged', 300_000, () => vpcTags(PINNED_NS)[UPGRADE_TAG] === 'v0.2.0');
  expect(revisionOf(PINNED_NS)).toBe(rev2Name);
  // Same managed resources, same uids, same external names: the upgrade changed a tag in place,
  // as the diff said; and against the new Composition the diff has nothing left to do.
  expect({ auto: identities(namespace), pinned: identities(PINNED_NS) }).toEqual(before);
  const after = diff(
    '-f',
    CLAIM_FILE,
    '-o',
    'json',
    '--composition',
    compositionFile(tmpdir(), `pp-v2-${process.pid}.yaml`, V2_COMPOSITION()),
  );
  expect([after.code, (after.json().summary as Obj).unchanged]).toEqual([0, 95]);
});
