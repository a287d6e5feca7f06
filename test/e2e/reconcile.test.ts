/**
 * Real reconciliation without a cloud: the real Crossplane core composes PaymentPlatforms from the
 * chart that `helm install` put on the cluster, with the packages installed by Crossplane's own
 * package manager, Usages enforced by its webhook, deletions cascaded by the real garbage
 * collector, and a STAND-IN provider (test/reconcile/provider.ts) playing provider-upjet-aws and
 * AWS. Crossplane runs with its circuit breaker widened here (FAST_XP_ARGS); the defaults are
 * measured by test/e2e/reconcile-defaults.test.ts.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import {
  ANNOTATION_COMPOSITION_RESOURCE_NAME,
  ANNOTATION_EXTERNAL_NAME,
  API_GROUP,
  COMPOSITION_NAME,
  LABEL_PLATFORM,
  NESTED_API_GROUP,
  NESTED_COMPOSITION_NAME,
  PLURAL,
} from '../../src/apis/constants.js';
import { type Obj } from '../../src/apis/obj.js';
import { ROOT } from '../helpers.js';
import { OperatorProcess, kindFlags } from './operator-harness.js';
import { run } from '../support/tools.js';
import { ANNOTATION_FAIL, FINALIZER } from '../reconcile/provider.js';
import {
  CHART_DIR,
  CrossplaneCluster,
  FAST_XP_ARGS,
  XP_NAMESPACE,
  conditionOf,
  isTrue,
  resourceRefs,
  until,
  type StandIn,
} from './reconcile-harness.js';

jest.setTimeout(900_000);

const PP = `${PLURAL}.${API_GROUP}`;
const MANAGED_GROUP = /\.aws\.m\.upbound\.io$/;

interface Claim {
  readonly file: string;
  readonly name: string;
  readonly namespace: string;
  readonly doc: Obj;
}
/** A claim file through the single Composition (named: the XRD's default is the nested layout). */
const claim = (file: string): Claim => {
  const doc = yaml.load(readFileSync(join(ROOT, file), 'utf8')) as Obj;
  const md = doc.metadata as Obj;
  (doc.spec as Obj).crossplane = { compositionRef: { name: COMPOSITION_NAME } };
  return { file: `${file} (single Composition)`, name: String(md.name), namespace: String(md.namespace), doc };
};
const MINIMAL = claim('examples/claims/minimal.yaml');
const PRODUCTION = claim('examples/claims/production.yaml');
const EVERY_OPTION = claim('test/fixtures/claims/valid/every-option.yaml');
const CLAIMS = [MINIMAL, PRODUCTION, EVERY_OPTION];
/**
 * The minimal claim again, in its own namespace, as the file is: it names no Composition, so
 * Crossplane gives it the XRD's default, the nested layout.
 */
const NESTED: Claim = (() => {
  const doc = yaml.load(readFileSync(join(ROOT, 'examples/claims/minimal.yaml'), 'utf8')) as Obj;
  doc.metadata = { ...(doc.metadata as Obj), namespace: 'team-nested' };
  return { file: 'examples/claims/minimal.yaml (nested layout, the default)', name: MINIMAL.name, namespace: 'team-nested', doc };
})();
/** Internal XRs of one platform in the nested layout (src/composition/nested.ts: 44 XRDs). */
const NESTED_XRS = 44;

/**
 * Status fields each claim must have filled, written from the XRD's status schema by hand:
 * access-log bucket and the alarms KMS key exist only in production.
 */
const COMMON_STATUS = [
  'vpcId',
  'publicSubnetIds',
  'privateSubnetIds',
  'albDnsName',
  'albArn',
  'albArnSuffix',
  'targetGroupArn',
  'targetGroupArnSuffix',
  'dbEndpoint',
  'dbReaderEndpoint',
  'dbPort',
  'dbMasterUserSecretArn',
  'assetsBucketName',
  'assetsBucketArn',
  'flowLogsBucketName',
  'flowLogsBucketArn',
  'alarmTopicArn',
  'appSecurityGroupId',
  'accountId',
  'elbLogDeliveryPrincipal',
  'storageKeyArn',
];
const PRODUCTION_STATUS = [...COMMON_STATUS, 'accessLogsBucketName', 'accessLogsBucketArn', 'alarmsKeyArn'];
const CONFIGMAP_KEYS = [
  'ALARM_TOPIC_ARN',
  'ALB_DNS_NAME',
  'APP_SECURITY_GROUP_ID',
  'ASSETS_BUCKET',
  'DB_ENDPOINT',
  'DB_MASTER_USER_SECRET_ARN',
  'DB_PORT',
  'DB_READER_ENDPOINT',
  'TARGET_GROUP_ARN',
  'VPC_ID',
];

let cp: CrossplaneCluster;
let provider: StandIn;

const xrOf = (c: Claim): Obj | undefined => cp.get(PP, c.name, c.namespace);
const managedOf = (c: Claim): Obj[] =>
  cp
    .list('managed', c.namespace, `crossplane.io/composite=${c.name}`)
    .filter((o) => MANAGED_GROUP.test(String(o.apiVersion).split('/')[0] ?? ''));
const byRole = (c: Claim, role: string): Obj[] =>
  managedOf(c).filter((o) => ((o.metadata as Obj).labels as Obj)?.[`${API_GROUP}/resource`] === role);
const externalNames = (c: Claim): Map<string, string> =>
  new Map(
    managedOf(c).map((o) => {
      const md = o.metadata as Obj;
      return [
        `${String(o.kind)}/${String(md.name)}`,
        `${String(md.uid)} ${String((md.annotations as Obj)[ANNOTATION_EXTERNAL_NAME])}`,
      ];
    }),
  );
const cli = (args: string[]) =>
  run(process.execPath, [join(ROOT, 'bin/kubectl-payments.js'), ...args], { env: { KUBECONFIG: cp.kubeconfig } });

beforeAll(async () => {
  cp = CrossplaneCluster.start(FAST_XP_ARGS);
  ({ provider } = cp.startStandIns(['--create-ms=300']));
  // The activation policy is applied by hand first, with one kind missing (see below).
  cp.installChart(['activationPolicy.create=false']);
});

afterAll(async () => {
  await cp?.stop();
});

describe('packages: the chart installs through Crossplane package manager, offline', () => {
  test('every Function and Provider of the chart becomes Installed and Healthy', async () => {
    await until('Functions and Providers Installed and Healthy', 300_000, () => cp.unhealthyPackages().length === 0);
    const functions = cp.list('functions.pkg.crossplane.io').map((f) => String((f.metadata as Obj).name));
    expect(functions.sort()).toEqual([
      'crossplane-contrib-function-auto-ready',
      'crossplane-contrib-function-cel-filter',
      'crossplane-contrib-function-patch-and-transform',
      'payment-platform-function-payments-readiness',
    ]);
    const providers = cp.list('providers.pkg.crossplane.io').map((f) => String((f.metadata as Obj).name));
    expect(providers.sort()).toEqual(
      ['cloudwatch', 'cloudwatchlogs', 'ec2', 'elbv2', 'iam', 'kms', 'rds', 's3', 'sns', 'wafv2'].map((s) => `provider-aws-${s}`),
    );
    // Function revisions point at the local mTLS servers.
    for (const rev of cp.list('functionrevisions.pkg.crossplane.io').filter((r) => (r.spec as Obj).desiredState === 'Active'))
      expect(String((rev.status as Obj).endpoint)).toMatch(/^localhost:\d+$/);
  });

  test('SafeStart: the providers bring their kinds as inactive ManagedResourceDefinitions', () => {
    const mrds = cp.list('managedresourcedefinitions.apiextensions.crossplane.io');
    expect(mrds.length).toBeGreaterThan(150); // 10 services of provider-aws
    expect(mrds.filter((m) => (m.spec as Obj).state === 'Active')).toEqual([]);
    expect(cp.get('crd', `vpcs.ec2.aws.m.upbound.io`)).toBeUndefined();
  });
});

describe('activation: a kind missing from the ManagedResourceActivationPolicy is caught', () => {
  test('the XR reports the kind Crossplane cannot compose, then recovers once the chart activates it', async () => {
    const chartPolicy = yaml.load(
      cp.helm(['template', 'payment-platform', CHART_DIR, '--show-only', 'templates/activation-policy.yaml']),
    ) as Obj;
    const activate = (chartPolicy.spec as Obj).activate as string[];
    expect(activate).toContain('internetgateways.ec2.aws.m.upbound.io');
    const broken = {
      ...chartPolicy,
      metadata: { name: 'payment-platform-missing-one' },
      spec: { activate: activate.filter((k) => k !== 'internetgateways.ec2.aws.m.upbound.io') },
    };
    cp.apply([broken]);
    cp.namespace(MINIMAL.namespace);
    cp.apply([MINIMAL.doc]);
    const synced = await until('Synced=False naming InternetGateway', 300_000, () => {
      const c = conditionOf(xrOf(MINIMAL), 'Synced');
      return c?.status === 'False' && /InternetGateway/.test(String(c.message)) ? c : undefined;
    });
    console.log(`missing activation reported: ${String(synced.reason)}: ${String(synced.message).slice(0, 300)}`);
    // The chart's own policy activates it.
    cp.kubectlOk(['delete', 'managedresourceactivationpolicy', 'payment-platform-missing-one']);
    cp.helm(['upgrade', 'payment-platform', CHART_DIR, '--namespace', XP_NAMESPACE, '--set', 'activationPolicy.create=true']);
    await until('InternetGateway CRD established', 120_000, () =>
      isTrue(cp.get('crd', 'internetgateways.ec2.aws.m.upbound.io'), 'Established'),
    );
  });
});

describe('composition: the platforms reach Synced and Ready', () => {
  test('minimal, production and every-option claims become Synced=True and Ready=True', async () => {
    for (const c of [PRODUCTION, EVERY_OPTION]) {
      cp.namespace(c.namespace);
      cp.apply([c.doc]);
    }
    const started = Date.now();
    for (const c of CLAIMS) {
      await until(`${c.file} Synced and Ready`, 600_000, () => {
        const xr = xrOf(c);
        return isTrue(xr, 'Synced') && isTrue(xr, 'Ready');
      }).catch((err: unknown) => {
        throw new Error(`${String(err)}\nnot ready in ${c.namespace}:\n${cp.notReady(c.namespace)}`, { cause: err });
      });
      const refs = resourceRefs(xrOf(c)!);
      console.log(`${c.file}: Ready after ${Math.round((Date.now() - started) / 1000)} s, ${refs.length} composed resources`);
    }
    const table = cp.kubectlOk(['get', PP, '-A']);
    console.log(table);
    // NAMESPACE NAME ENV ALB DB-ENDPOINT SYNCED READY COMPOSITION AGE
    for (const c of CLAIMS)
      expect(table).toMatch(
        new RegExp(`^${c.namespace}\\s+${c.name}\\s+\\S+\\s+\\S+\\.elb\\.amazonaws\\.com\\s+\\S+\\s+True\\s+True\\s`, 'm'),
      );
  });

  test('the activation policy activates exactly the kinds the claims compose', () => {
    const composed = new Set<string>();
    for (const c of CLAIMS)
      for (const r of resourceRefs(xrOf(c)!)) {
        const group = String(r.apiVersion).split('/')[0] ?? '';
        if (MANAGED_GROUP.test(group)) composed.add(`${String(r.kind)}.${group}`);
      }
    const active = cp
      .list('managedresourcedefinitions.apiextensions.crossplane.io')
      .filter((m) => (m.spec as Obj).state === 'Active')
      .map((m) => `${String(((m.spec as Obj).names as Obj).kind)}.${String((m.spec as Obj).group)}`);
    expect(new Set(active)).toEqual(composed);
    expect(composed.size).toBe(42);
  });

  test.each(CLAIMS.map((c) => [c.file, c] as const))('%s: every status field is filled with the provider values', (_f, c) => {
    const xr = xrOf(c)!;
    const status = xr.status as Obj;
    const want =
      (c.doc.spec as Obj & { parameters: Obj }).parameters.environment === 'production' ? PRODUCTION_STATUS : COMMON_STATUS;
    const missing = want.filter(
      (k) => status[k] === undefined || status[k] === '' || (Array.isArray(status[k]) && (status[k] as unknown[]).length === 0),
    );
    expect(missing).toEqual([]);
    // The values are the provider's: the VPC's external name, the load balancer's DNS name.
    const [vpc] = byRole(c, 'vpc');
    expect(status.vpcId).toBe(((vpc!.metadata as Obj).annotations as Obj)[ANNOTATION_EXTERNAL_NAME]);
    expect(String(status.vpcId)).toMatch(/^vpc-[0-9a-f]{17}$/);
    const lb = managedOf(c).find((o) => o.kind === 'LB')!;
    expect(status.albDnsName).toBe(((lb.status as Obj).atProvider as Obj).dnsName);
    expect(status.publicSubnetIds).toHaveLength(3);
    expect(status.privateSubnetIds).toHaveLength(3);
    expect(status.dbPort).toBe(3306);
  });

  test.each(CLAIMS.map((c) => [c.file, c] as const))('%s: the endpoints ConfigMap has every key', (_f, c) => {
    const cm = cp.get('configmap', `${c.name}-endpoints`, c.namespace)!;
    const data = cm.data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(CONFIGMAP_KEYS);
    expect(Object.entries(data).filter(([, v]) => v === '')).toEqual([]);
    expect(data.VPC_ID).toBe((xrOf(c)!.status as Obj).vpcId);
    expect(data.DB_PORT).toBe('3306');
  });
});

describe('health: kubectl payments status and the operator agree with Crossplane', () => {
  let operator: OperatorProcess | undefined;
  afterAll(async () => {
    operator?.kill('SIGTERM');
    await operator?.exited;
  });
  const health = (): Obj | undefined => (xrOf(MINIMAL)?.status as Obj | undefined)?.health as Obj | undefined;

  test('all ready, then one failing managed resource is named by both', async () => {
    operator = new OperatorProcess(join(ROOT, 'dist/src/operator/main.js'), 'reconcile', kindFlags(), cp.kubeconfig);
    await operator.started(60_000);
    await until('the operator reports Ready in status.health', 120_000, () => health()?.state === 'Ready');
    const ok = cli(['status', MINIMAL.name, '-n', MINIMAL.namespace, '-o', 'json']);
    expect(ok.code).toBe(0);
    const [cluster] = byRole(MINIMAL, 'database-cluster').length
      ? byRole(MINIMAL, 'database-cluster')
      : managedOf(MINIMAL).filter((o) => o.kind === 'Cluster');
    const name = String((cluster!.metadata as Obj).name);
    const message = 'api error InvalidParameterCombination: the stand-in provider was told to fail';
    cp.kubectlOk(['annotate', `clusters.rds.aws.m.upbound.io/${name}`, '-n', MINIMAL.namespace, `${ANNOTATION_FAIL}=${message}`]);
    await until('XR Ready=False', 120_000, () => conditionOf(xrOf(MINIMAL), 'Ready')?.status === 'False');
    const failing = cli(['status', MINIMAL.name, '-n', MINIMAL.namespace]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain(name);
    expect(failing.stdout).toContain('InvalidParameterCombination');
    const failed = await until('the operator names the failing cluster', 120_000, () => {
      const h = health();
      return h?.state === 'NotReady' && (h.deepestFailing as Obj | undefined)?.name === name ? h : undefined;
    });
    expect(String((failed.deepestFailing as Obj).message)).toContain('InvalidParameterCombination');
    cp.kubectlOk(['annotate', `clusters.rds.aws.m.upbound.io/${name}`, '-n', MINIMAL.namespace, `${ANNOTATION_FAIL}-`]);
    await until('XR Ready=True again', 120_000, () => isTrue(xrOf(MINIMAL), 'Ready'));
    await until('the operator reports Ready again', 120_000, () => health()?.state === 'Ready');
  });
});

describe('updates: a claim change reaches the managed resource in place', () => {
  test('monitoring.cpuThresholdPercent changes the alarm; nothing is re-created', async () => {
    const before = externalNames(MINIMAL);
    const alarms = (): Obj[] => managedOf(MINIMAL).filter((o) => o.kind === 'MetricAlarm');
    const cpuAlarm = (): Obj | undefined =>
      alarms().find((a) => ((a.spec as Obj).forProvider as Obj).metricName === 'CPUUtilization');
    expect(((cpuAlarm()!.spec as Obj).forProvider as Obj).threshold).not.toBe(42);
    cp.kubectlOk([
      'patch',
      PP,
      MINIMAL.name,
      '-n',
      MINIMAL.namespace,
      '--type=merge',
      '-p',
      '{"spec":{"parameters":{"monitoring":{"cpuThresholdPercent":42}}}}',
    ]);
    await until(
      'the CPU alarm threshold is 42',
      180_000,
      () => ((cpuAlarm()?.spec as Obj | undefined)?.forProvider as Obj | undefined)?.threshold === 42,
    );
    await until('the stand-in provider observed the change', 120_000, () => isTrue(xrOf(MINIMAL), 'Ready'));
    expect(externalNames(MINIMAL)).toEqual(before);
    // Each managed resource was created once, before the change, and never again.
    const mine = new Set([...before.keys()]);
    const created = provider
      .events('created')
      .filter((e) => e.namespace === MINIMAL.namespace && mine.has(`${String(e.kind)}/${String(e.name)}`));
    expect(created).toHaveLength(before.size);
  });
});

describe('nested layout (experimental): the same platform as a tree of small XRs', () => {
  const internalXrs = (): Obj[] =>
    cp.list('payments-internal', NESTED.namespace).filter((o) => String(o.apiVersion).startsWith(`${NESTED_API_GROUP}/`));
  const resourceName = (o: Obj): string => String(((o.metadata as Obj).annotations as Obj)[ANNOTATION_COMPOSITION_RESOURCE_NAME]);

  test('it becomes Ready with every output and the ConfigMap, and composes the same managed resources', async () => {
    cp.namespace(NESTED.namespace);
    const started = Date.now();
    cp.apply([NESTED.doc]);
    await until(
      `${NESTED.file} Synced and Ready`,
      600_000,
      () => isTrue(xrOf(NESTED), 'Synced') && isTrue(xrOf(NESTED), 'Ready'),
    );
    console.log(`${NESTED.file}: Ready after ${Math.round((Date.now() - started) / 1000)} s (circuit breaker widened)`);
    // It named no Composition: Crossplane wrote the XRD's default into it.
    expect((((xrOf(NESTED)!.spec as Obj).crossplane as Obj).compositionRef as Obj).name).toBe(NESTED_COMPOSITION_NAME);
    const status = xrOf(NESTED)!.status as Obj;
    expect(COMMON_STATUS.filter((k) => status[k] === undefined || status[k] === '')).toEqual([]);
    const cm = cp.get('configmap', `${NESTED.name}-endpoints`, NESTED.namespace);
    expect(Object.keys((cm?.data as Obj | undefined) ?? {}).sort()).toEqual(CONFIGMAP_KEYS);
    // Crossplane labels every resource of the tree with the root XR; the same templates as the
    // single Composition rendered for the same claim.
    const names = (c: Claim) => managedOf(c).map(resourceName).sort();
    expect(names(NESTED)).toEqual(names(MINIMAL));
    expect(managedOf(NESTED).filter((o) => ((o.metadata as Obj).labels as Obj)[LABEL_PLATFORM] !== NESTED.name)).toEqual([]);
  });

  test('no internal XR composes more than 5 resources; all are Ready', () => {
    const xrs = internalXrs();
    expect(xrs).toHaveLength(NESTED_XRS);
    const big = xrs.filter((x) => resourceRefs(x).length > 5).map((x) => `${String(x.kind)} ${resourceRefs(x).length}`);
    expect(big).toEqual([]);
    expect(xrs.filter((x) => !isTrue(x, 'Ready')).map((x) => String(x.kind))).toEqual([]);
  });

  test('the operator and `kubectl payments status` follow the tree: Ready over every managed resource, then the failing cluster three levels down', async () => {
    const operator = new OperatorProcess(
      join(ROOT, 'dist/src/operator/main.js'),
      'reconcile-nested',
      kindFlags({ nested: true }),
      cp.kubeconfig,
    );
    try {
      await operator.started(60_000);
      const health = (): Obj | undefined => (xrOf(NESTED)?.status as Obj | undefined)?.health as Obj | undefined;
      const ready = await until('the operator reports the nested platform Ready', 120_000, () =>
        health()?.state === 'Ready' ? health() : undefined,
      );
      // Every managed resource of every level (the platform itself references 3 XRs and a ConfigMap).
      expect(resourceRefs(xrOf(NESTED)!)).toHaveLength(4);
      expect([ready.ready, ready.total]).toEqual([managedOf(NESTED).length, managedOf(NESTED).length]);
      expect(cli(['status', NESTED.name, '-n', NESTED.namespace, '-o', 'json']).code).toBe(0);
      // The live PCI evidence reads the same managed resources through the tree: the same checks
      // and outcomes as the single-layout platform of the same claim.
      const rows = (c: Claim) => {
        const r = cli(['report', c.name, '-n', c.namespace, '-o', 'json']);
        expect(r.stderr).toBe('');
        const report = JSON.parse(r.stdout) as { summary: Obj; requirements: { rows: Obj[] }[] };
        return {
          summary: report.summary,
          rows: report.requirements
            .flatMap((q) => q.rows.map((x) => `${String(x.control)} ${String(x.resource)} ${String(x.pass)}`))
            .sort(),
        };
      };
      expect(rows(NESTED)).toEqual(rows(MINIMAL));

      const cluster = managedOf(NESTED).find((o) => o.kind === 'Cluster')!;
      const name = String((cluster.metadata as Obj).name);
      const message = 'api error InvalidParameterCombination: the stand-in provider was told to fail';
      const mr = `clusters.rds.aws.m.upbound.io/${name}`;
      cp.kubectlOk(['annotate', mr, '-n', NESTED.namespace, `${ANNOTATION_FAIL}=${message}`]);
      try {
        const failed = await until('the operator names the failing cluster', 120_000, () => {
          const h = health();
          return h?.state === 'NotReady' && (h.deepestFailing as Obj | undefined)?.name === name ? h : undefined;
        });
        expect(String((failed.deepestFailing as Obj).message)).toContain('InvalidParameterCombination');
        // Crossplane's Ready=False climbs the tree one XR at a time; then the CLI exits 1 too.
        await until('the nested XR Ready=False', 120_000, () => conditionOf(xrOf(NESTED), 'Ready')?.status === 'False');
        const status = cli(['status', NESTED.name, '-n', NESTED.namespace]);
        expect(status.code).toBe(1);
        expect(status.stdout).toContain(name);
        expect(status.stdout).toContain('InvalidParameterCombination');
      } finally {
        cp.kubectlOk(['annotate', mr, '-n', NESTED.namespace, `${ANNOTATION_FAIL}-`]);
      }
      await until('the nested XR Ready=True again', 120_000, () => isTrue(xrOf(NESTED), 'Ready'));
      await until('the operator reports the nested platform Ready again', 120_000, () => health()?.state === 'Ready');
    } finally {
      operator.kill('SIGTERM');
      await operator.exited;
    }
  });

  test("a selector that crosses XRs resolves to this platform's resources (the stand-in resolves them as upjet does)", () => {
    const mine = managedOf(NESTED);
    expect(mine.filter((o) => !isTrue(o, 'Synced')).map(resourceName)).toEqual([]);
    const subnets = mine.filter(
      (o) => o.kind === 'Subnet' && ((o.metadata as Obj).labels as Obj)[`${API_GROUP}/resource`] === 'subnet-private',
    );
    expect(subnets).toHaveLength(3);
    const group = mine.find((o) => o.kind === 'SubnetGroup')!;
    const fp = (group.spec as Obj).forProvider as Obj;
    const ext = (o: Obj) => String(((o.metadata as Obj).annotations as Obj)[ANNOTATION_EXTERNAL_NAME]);
    expect([...(fp.subnetIds as string[])].sort()).toEqual(subnets.map(ext).sort());
    // ... which are not the single-Composition platform's subnets of the same name.
    const flatSubnets = managedOf(MINIMAL)
      .filter((o) => o.kind === 'Subnet')
      .map(ext);
    expect((fp.subnetIds as string[]).filter((id) => flatSubnets.includes(id))).toEqual([]);
    // The subnet group and the subnets have different controllers: the database and zone XRs.
    const controller = (o: Obj) => ((o.metadata as Obj).ownerReferences as Obj[]).find((r) => r.controller === true)!.kind;
    expect(controller(group)).toBe('PlatformDatabaseCluster');
    expect(new Set(subnets.map(controller))).toEqual(
      new Set(['PlatformNetworkAz1Private', 'PlatformNetworkAz2Private', 'PlatformNetworkAz3Private']),
    );
  });

  test('`kubectl payments diff` follows the tree: the same claim changes nothing; a new CPU threshold changes one alarm, three levels down, in place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-nested-diff-'));
    try {
      const diff = (doc: Obj) => {
        const file = join(dir, 'claim.yaml');
        writeFileSync(file, yaml.dump(doc));
        const r = cli(['diff', '-f', file, '-o', 'json']);
        expect(r.stderr).toBe('');
        return { code: r.code, out: JSON.parse(r.stdout) as { summary: Obj; resources: Obj[] } };
      };
      // 84 managed resources, 10 Usages and the ConfigMap, over every level of the tree.
      const same = diff(NESTED.doc);
      expect(same.out.summary).toEqual({ update: 0, replace: 0, delete: 0, orphan: 0, create: 0, unchanged: 95 });
      expect(same.code).toBe(0);

      const alarm = managedOf(NESTED).find(
        (o) => o.kind === 'MetricAlarm' && ((o.spec as Obj).forProvider as Obj).metricName === 'CPUUtilization',
      )!;
      const threshold = ((alarm.spec as Obj).forProvider as Obj).threshold;
      expect(threshold).not.toBe(42);
      const changed = JSON.parse(JSON.stringify(NESTED.doc)) as Obj;
      ((changed.spec as Obj).parameters as Obj).monitoring = { cpuThresholdPercent: 42 };
      const r = diff(changed);
      expect(r.out.summary).toEqual({ update: 1, replace: 0, delete: 0, orphan: 0, create: 0, unchanged: 94 });
      expect(r.out.resources).toMatchObject([
        {
          name: 'alarm-db-cpu',
          kind: 'MetricAlarm',
          object: (alarm.metadata as Obj).name,
          action: 'update',
          changes: [{ path: 'spec.forProvider.threshold', op: 'change', from: threshold, to: 42 }],
        },
      ]);
      expect(r.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a platform cannot move between the single Composition and the nested layout', () => {
    for (const [c, to] of [
      [MINIMAL, NESTED_COMPOSITION_NAME],
      [NESTED, COMPOSITION_NAME],
    ] as const) {
      const r = cp.kubectl([
        'patch',
        PP,
        c.name,
        '-n',
        c.namespace,
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { crossplane: { compositionRef: { name: to } } } }),
      ]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/spec\.crossplane\.compositionRef cannot change once set/);
    }
  });

  test('deleting the nested platform removes every internal XR and managed resource', async () => {
    cp.kubectlOk(['delete', PP, NESTED.name, '-n', NESTED.namespace, '--wait=false']);
    await until('the nested tree is gone', 600_000, () => managedOf(NESTED).length === 0 && internalXrs().length === 0);
  });
});

describe('Usages and deletion', () => {
  test('deleting a used resource is denied by Crossplane webhook', () => {
    const [subnet] = managedOf(MINIMAL).filter(
      (o) => o.kind === 'Subnet' && ((o.metadata as Obj).labels as Obj)['crossplane.io/in-use'] === 'true',
    );
    expect(subnet).toBeDefined();
    const r = cp.kubectl([
      'delete',
      `subnets.ec2.aws.m.upbound.io/${String((subnet!.metadata as Obj).name)}`,
      '-n',
      MINIMAL.namespace,
      '--wait=false',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/denied the request/);
    console.log(`delete of a used Subnet: ${r.stderr.trim()}`);
  });

  test.each([
    [MINIMAL.file, MINIMAL],
    [PRODUCTION.file, PRODUCTION],
  ] as const)('%s: deleting the platform removes every composed resource, each Usage user before what it uses', async (_f, c) => {
    const usages = cp.list('usages.protection.crossplane.io', c.namespace, `crossplane.io/composite=${c.name}`);
    expect(usages.length).toBeGreaterThanOrEqual(10);
    const refs = resourceRefs(xrOf(c)!);
    cp.kubectlOk(['delete', PP, c.name, '-n', c.namespace, '--wait=false']);
    await until(`every composed resource of ${c.name} gone`, 600_000, () =>
      refs.every(
        (r) =>
          cp.kubectl([
            'get',
            `${String(r.kind).toLowerCase()}s.${String(r.apiVersion).split('/')[0]}`,
            String(r.name),
            '-n',
            c.namespace,
          ]).code !== 0 || r.kind === 'ConfigMap',
      ),
    );
    // The stand-in logs a release once its finalizer removal returned: wait for every line.
    const managedRefs = refs.filter((r) => MANAGED_GROUP.test(String(r.apiVersion).split('/')[0] ?? ''));
    const releasedNow = (): Set<string> =>
      new Set(
        provider.lines
          .filter((l) => (l.event === 'deleted' || l.event === 'orphaned') && l.namespace === c.namespace)
          .map((l) => `${String(l.kind)}/${String(l.name)}`),
      );
    await until('the stand-in logged every release', 60_000, () =>
      managedRefs.every((r) => releasedNow().has(`${String(r.kind)}/${String(r.name)}`)),
    );
    const released = new Map<string, number>();
    provider.lines.forEach((l, i) => {
      if ((l.event === 'deleted' || l.event === 'orphaned') && l.namespace === c.namespace)
        released.set(`${String(l.kind)}/${String(l.name)}`, i);
    });
    for (const u of usages) {
      const spec = u.spec as Obj & { of: Obj; by: Obj };
      const of = `${String(spec.of.kind)}/${String((spec.of.resourceRef as Obj).name)}`;
      const by = `${String(spec.by.kind)}/${String((spec.by.resourceRef as Obj).name)}`;
      expect([by, released.has(by)]).toEqual([by, true]);
      expect([of, released.has(of)]).toEqual([of, true]);
      expect({ usage: (u.metadata as Obj).name, of, by, ofAfterBy: released.get(of)! > released.get(by)! }).toEqual({
        usage: (u.metadata as Obj).name,
        of,
        by,
        ofAfterBy: true,
      });
    }
    const orphaned = provider
      .events('orphaned')
      .filter((e) => e.namespace === c.namespace)
      .map((e) => String(e.kind));
    if (c === PRODUCTION) expect(new Set(orphaned)).toEqual(new Set(['Cluster', 'ClusterInstance', 'Bucket']));
    else expect(orphaned).toEqual([]);
    // No finalizer of the stand-in is left behind.
    expect(managedOf(c).filter((o) => ((o.metadata as Obj).finalizers as string[] | undefined)?.includes(FINALIZER))).toEqual([]);
  });
});
