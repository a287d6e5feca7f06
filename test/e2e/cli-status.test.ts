/**
 * `kubectl payments status` and `report NAME` against the real kube-apiserver of the control-plane
 * suite: the PaymentPlatform CRD from the XRD, composed resources created directly from the
 * offline render, their status written through the status subresource in mixed states.
 */
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getField } from '../../src/render/fieldpath.js';
import { renderSteadyState } from '../../src/render/steady-state.js';
import type { EvidenceReport } from '../../src/cli/evidence.js';
import { main } from '../../src/cli/main.js';
import { exampleClaims, ROOT, singleVariant } from '../helpers.js';
import { run, toolBin } from '../support/tools.js';
import { ASYNC_CREATE_FAILURE, SYNC_FAILURE, cli, cond, liveFixture, type LiveFixture } from '../unit/cli-harness.js';
import { dumpAll, ensureNamespace, installXrdCrd, kubectlOk, requireCluster, writeTmp } from './cluster.js';
import { type Obj } from '../../src/apis/obj.js';

const NS = 'cli-status';
// A platform of the single Composition (every managed resource its own): the nested tree is in reconcile.test.ts.
const production = singleVariant(exampleClaims().find((c) => c.file.endsWith('production.yaml'))?.claim) as Obj;
(production.metadata as Obj).namespace = NS;
const NAME = String((production.metadata as Obj).name);
const resources = renderSteadyState(production).final.resources;
const TOTAL = resources.length;

const READY = [cond('Ready', 'True', 'Available'), cond('Synced', 'True', 'ReconcileSuccess')];
const DB_FAILING = [
  cond('Ready', 'False', 'Creating'),
  cond('Synced', 'False', 'ReconcileError', SYNC_FAILURE),
  cond('LastAsyncOperation', 'False', 'AsyncCreateFailure', ASYNC_CREATE_FAILURE),
];
const LB_CREATING = [cond('Ready', 'False', 'Creating'), cond('Synced', 'True', 'ReconcileSuccess')];

let fixture: LiveFixture;
let xrUid = '';
const objectOf = (name: string): Obj => {
  const o = fixture.objects.get(name);
  if (!o) throw new Error(`no object ${name}`);
  return o;
};
/** An object as a client sends it: no status, and none of the metadata the server sets. */
const withoutStatus = (o: Obj, ownerUid?: string): Obj => {
  const { status: _s, ...rest } = JSON.parse(JSON.stringify(o)) as Obj;
  const md = rest.metadata as Obj;
  delete md.uid;
  delete md.creationTimestamp;
  if (ownerUid !== undefined) for (const ref of (md.ownerReferences ?? []) as Obj[]) ref.uid = ownerUid;
  return rest;
};
const ref = (o: Obj) => `${String(o.kind)}.${String(o.apiVersion).split('/')[0]}/${String((o.metadata as Obj).name)}`;

/** Writes conditions through the status subresource (one kubectl call for many objects). */
function writeStatus(objects: readonly Obj[], conditions: readonly Obj[]): void {
  const crs = objects.filter((o) => o.apiVersion !== 'v1');
  if (crs.length === 0) return;
  const ids = crs.map((o) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: (o.metadata as Obj).name, namespace: NS },
  }));
  const file = writeTmp(`status-${Math.random().toString(36).slice(2)}.yaml`, dumpAll(ids));
  kubectlOk([
    'patch',
    '-n',
    NS,
    '-f',
    file,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status: { conditions } }),
  ]);
}

function setPlatformConditions(conditions: readonly Obj[]): void {
  kubectlOk([
    'patch',
    '-n',
    NS,
    'paymentplatform',
    NAME,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status: { conditions } }),
  ]);
}

beforeAll(() => {
  requireCluster();
  installXrdCrd();
  ensureNamespace(NS);
  fixture = liveFixture(production, resources, { 'db-cluster': DB_FAILING, 'load-balancer': LB_CREATING, endpoints: 'missing' });
  kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', '-'], dumpAll([withoutStatus(fixture.xr)]));
  xrUid = kubectlOk(['get', 'paymentplatform', NAME, '-n', NS, '-o', 'jsonpath={.metadata.uid}']).trim();
  const created = [...fixture.objects.values()].filter((o): o is Obj => o !== undefined);
  // Fields the installed provider CRDs do not declare are pruned here (the render suite judges
  // the spec; this suite needs the objects and their status).
  kubectlOk(['apply', '--validate=ignore', '-f', '-'], dumpAll(created.map((o) => withoutStatus(o, xrUid))));
  // A rerun on the same cluster starts from the same state: the ConfigMap is missing again.
  const endpoints = liveFixture(production, resources).objects.get('endpoints');
  kubectlOk(['delete', 'configmap', String((endpoints?.metadata as Obj | undefined)?.name), '-n', NS, '--ignore-not-found']);
  const special = new Set(['db-cluster', 'load-balancer']);
  writeStatus(
    [...fixture.objects.entries()].filter(([n, o]) => o && !special.has(n)).map(([, o]) => o as Obj),
    READY,
  );
  writeStatus([objectOf('db-cluster')], DB_FAILING);
  writeStatus([objectOf('load-balancer')], LB_CREATING);
  setPlatformConditions([
    cond('Ready', 'False', 'Creating', 'Unready resources: db-cluster, endpoints, and load-balancer'),
    cond('Synced', 'True', 'ReconcileSuccess'),
  ]);
}, 120_000);

describe('status against the real API server', () => {
  test('the server keeps what the test wrote: refs on the PaymentPlatform, conditions through the status subresource', () => {
    const xr = JSON.parse(kubectlOk(['get', 'paymentplatform', NAME, '-n', NS, '-o', 'json'])) as Obj;
    expect((((xr.spec as Obj).crossplane as Obj).resourceRefs as unknown[]).length).toBe(TOTAL);
    const db = JSON.parse(kubectlOk(['get', ref(objectOf('db-cluster')), '-n', NS, '-o', 'json'])) as Obj;
    expect(((db.status as Obj).conditions as Obj[]).map((c) => c.type)).toEqual(['Ready', 'Synced', 'LastAsyncOperation']);
  });

  test('mixed states: progress, every resource, full messages deepest first, exit 1', async () => {
    const r = await cli(['status', NAME, '-n', NS], { live: true, now: Date.now() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^PaymentPlatform ${NS}/${NAME} \\(production\\)  Ready: False  Synced: True  Age: \\d+[smhd]\\S*$`),
    );
    expect(lines[1]).toBe(`${TOTAL - 3}/${TOTAL} ready`);
    expect(r.stdout).toMatch(/\nvpc\s+VPC\s+\S+\s+True\s+True\s+\d+[smhd]\S*\n/);
    expect(r.stdout).toMatch(/\ndb-cluster\s+Cluster\s+\S+\s+False\s+False\s+\d+[smhd]\S*\n/);
    expect(r.stdout).toMatch(/\nload-balancer\s+LB\s+\S+\s+False\s+True\s+\d+[smhd]\S*\n/);
    expect(r.stdout).toContain('(not found)');
    const problems = r.stdout.slice(r.stdout.indexOf('Problems (3, deepest cause first):'));
    expect(problems.indexOf('LastAsyncOperation=False AsyncCreateFailure')).toBeGreaterThan(0);
    expect(problems.indexOf('LastAsyncOperation=False')).toBeLessThan(problems.indexOf('Synced=False ReconcileError'));
    expect(problems).toContain(`message: ${ASYNC_CREATE_FAILURE}\n`);
    expect(problems).toContain(
      'cause:   api error InvalidParameterCombination: Cannot find version 8.0.mysql_aurora.3.10.0 for aurora-mysql\n',
    );
    expect(problems).toContain(`message: ${SYNC_FAILURE}\n`);
    expect(problems).toContain('ConfigMap payments-prod-endpoints is referenced by the PaymentPlatform but does not exist');
  });

  test('-o json', async () => {
    const r = await cli(['status', NAME, '-n', NS, '-o', 'json'], { live: true, now: Date.now() });
    const out = JSON.parse(r.stdout) as {
      progress: { ready: number; total: number };
      problems: { resource: string; condition: string }[];
    };
    expect(out.progress).toEqual({ ready: TOTAL - 3, total: TOTAL });
    expect(out.problems.map((p) => `${p.resource}/${p.condition}`)).toEqual([
      'db-cluster/LastAsyncOperation',
      'db-cluster/Synced',
      'payments-prod-endpoints/NotFound',
    ]);
  });

  test('errors: unknown name, namespace without it, a user without RBAC', async () => {
    const missing = await cli(['status', 'nope', '-n', NS], { live: true });
    expect([missing.code, missing.stderr]).toEqual([2, `error: PaymentPlatform "nope" not found in namespace "${NS}"\n`]);
    const user = process.env.PP_KUBECONFIG_USER;
    if (user === undefined) throw new Error('PP_KUBECONFIG_USER is not set: run the e2e suite through hack/control-plane.sh');
    const kc = process.env.KUBECONFIG;
    process.env.KUBECONFIG = user;
    try {
      const forbidden = await cli(['status', NAME, '-n', NS], { live: true });
      expect(forbidden.code).toBe(2);
      expect(forbidden.stderr).toMatch(/^error: cannot read PaymentPlatform cli-status\/payments-prod: forbidden: .*pp-user/);
    } finally {
      process.env.KUBECONFIG = kc;
    }
  });

  test('the kubectl plugin: `kubectl payments status` runs bin/kubectl-payments (from the startup snapshot) as npm links it', () => {
    if (!existsSync(join(ROOT, 'dist/cli/cli.blob')))
      throw new Error('dist/ is not built: run `make build` before the e2e suite');
    // npm links package.json's "bin" as <prefix>/bin/kubectl-payments -> bin/kubectl-payments.
    const binDir = mkdtempSync(join(tmpdir(), 'pp-plugin-'));
    symlinkSync(join(ROOT, 'bin/kubectl-payments'), join(binDir, 'kubectl-payments'));
    const env = { PATH: `${binDir}:${process.env.PATH ?? ''}`, NO_COLOR: '1' };
    const list = run(toolBin('kubectl'), ['plugin', 'list'], { env });
    expect(list.stdout).toContain(join(binDir, 'kubectl-payments'));
    const r = run(toolBin('kubectl'), ['payments', 'status', NAME, '-n', NS], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[1]).toBe(`${TOTAL - 3}/${TOTAL} ready`);
    const help = run(toolBin('kubectl'), ['payments', '--help'], { env });
    expect([help.code, help.stdout.includes('Commands:')]).toEqual([0, true]);
  });

  test('--watch follows every change through watches (composed resources, the ConfigMap, the platform) to Ready and exits 0', async () => {
    const started = Date.now();
    const watch = cliRealTime(['status', NAME, '-n', NS, '--watch', '--timeout', '60s']);
    /** Waits until the progress output matches (the watch saw the change and read again). */
    const progressShows = async (re: RegExp): Promise<void> => {
      const until = Date.now() + 15_000;
      while (!re.test(watch.stdout())) {
        if (Date.now() > until) throw new Error(`no progress line ${String(re)} in:\n${watch.stdout()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await progressShows(new RegExp(` ${TOTAL - 3}/${TOTAL} ready\n`));
    // Only composed resources change (the "providers" finish): the platform is not touched, so
    // only the watches on the composed kinds can make the progress move.
    writeStatus([objectOf('db-cluster'), objectOf('load-balancer')], READY);
    await progressShows(new RegExp(` ${TOTAL - 1}/${TOTAL} ready\n`));
    // Crossplane creates the endpoints ConfigMap: a watch on ConfigMaps with the composite label.
    kubectlOk(
      ['apply', '-f', '-'],
      dumpAll([withoutStatus(liveFixture(production, resources).objects.get('endpoints') as Obj, xrUid)]),
    );
    await progressShows(new RegExp(` ${TOTAL}/${TOTAL} ready\n`));
    setPlatformConditions(READY);
    const r = await watch.done;
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    const progress = r.stdout.split('\n').filter((l) => /^\d{4}-\S+ \d+\/\d+ ready/.test(l));
    const lines = progress.map((l) => l.replace(/^\S+ /, ''));
    // Two status patches may be read one at a time (an extra line between), hence not toEqual.
    expect(lines[0]).toBe(`${TOTAL - 3}/${TOTAL} ready`);
    expect(lines).toEqual(expect.arrayContaining([`${TOTAL - 1}/${TOTAL} ready`, `${TOTAL}/${TOTAL} ready`]));
    expect(lines[lines.length - 1]).toBe(`${TOTAL}/${TOTAL} ready (Ready)`);
  }, 60_000);

  test('--watch times out and exits 1 when the platform stays unready', async () => {
    writeStatus([objectOf('load-balancer')], LB_CREATING);
    setPlatformConditions([
      cond('Ready', 'False', 'Creating', 'Unready resources: load-balancer'),
      cond('Synced', 'True', 'ReconcileSuccess'),
    ]);
    const r = await cliRealTime(['status', NAME, '-n', NS, '--watch', '--timeout', '2s']).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`timed out after 2s: PaymentPlatform ${NS}/${NAME} is not Ready (${TOTAL - 1}/${TOTAL} ready)\n`);
  }, 30_000);

  test('report NAME: live PCI evidence from the objects as the server stored them', async () => {
    const r = await cli(['report', NAME, '-n', NS, '-o', 'json'], { live: true, now: Date.now() });
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as EvidenceReport;
    expect(report.source.mode).toBe('live');
    expect(report.environment).toBe('production');
    expect(r.code).toBe(report.summary.failed > 0 ? 1 : 0);
    // The offline simulation of the same claim passes every control, so a live failure can only
    // come from what the server changed (fields its CRDs prune or default): check exactly that.
    const rendered = new Map(resources.map((x) => [x.name, x.resource]));
    for (const q of report.requirements)
      for (const row of q.rows.filter((x) => !x.pass && x.required)) {
        const name = row.resource ?? '';
        const live = JSON.parse(kubectlOk(['get', ref(objectOf(name)), '-n', NS, '-o', 'json'])) as Obj;
        const value = (o: Obj | undefined) => {
          try {
            return JSON.stringify(getField(o, row.field));
          } catch {
            return undefined;
          }
        };
        expect([row.control, name, value(live) !== value(rendered.get(name))]).toEqual([row.control, name, true]);
      }
  });
});

/** The CLI in-process with the real clock (for --watch against the live server); output readable while it runs. */
function cliRealTime(args: string[]): { stdout: () => string; done: Promise<{ code: number; stdout: string; stderr: string }> } {
  let stdout = '';
  let stderr = '';
  const done = main(args, {
    io: {
      out: (t) => void (stdout += t),
      err: (t) => void (stderr += t),
      isTTY: false,
      env: {},
      readStdin: () => '',
      now: () => Date.now(),
    },
  }).then((code) => ({ code, stdout, stderr }));
  return { stdout: () => stdout, done };
}
