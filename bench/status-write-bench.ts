/**
 * What one `status.health` write costs the API server (not a timed test): the part of the
 * operator's first evaluation that the operator cannot make faster, since every platform's
 * outcome is written once (src/operator/status.ts, server-side apply on the status subresource).
 *
 * A fresh control plane; the PaymentPlatform CRD as Crossplane makes it from the XRD; N platforms,
 * alternately examples/claims/minimal.yaml and production.yaml with the status Crossplane gives
 * them (resourceRefs of every composed resource: the objects' real size). Then, per round, every
 * platform gets a new `status.health` through the operator's own writer (HealthStatusWriter),
 * 16 writes in flight (the operator's default workers); the API server's CPU (user + system,
 * /proc) and the wall time are printed per write. Then the same with the CRD's CEL rules
 * (x-kubernetes-validations) removed: for comparison only, to show what validating them on every
 * write costs (the API server runs them on a status write too; ratcheting only forgives errors).
 * And, also for comparison only, the same value written by JSON merge patch instead of
 * server-side apply: whether the kind of patch is what costs.
 *
 *   make bench-status                          # N=300, 5 rounds after a warm-up
 *   node dist/bench/status-write-bench.js --n=300 --rounds=5
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { API_GROUP, API_VERSION, KIND, PLURAL, XRD_NAME } from '../src/apis/constants.js';
import { FIELD_MANAGER, type HealthStatus } from '../src/apis/health.js';
import { type Obj } from '../src/apis/obj.js';
import { KubeClient, PATCH } from '../src/operator/kube/client.js';
import { ClusterConfig } from '../src/operator/kube/config.js';
import { createLogger } from '../src/operator/logger.js';
import { HealthStatusWriter } from '../src/operator/status.js';
import { instantiate, liveTemplate } from '../src/operator/testing/fixtures.js';
import { applyPlatformStatus, ensureNamespace, platformPath, pool } from '../src/operator/testing/seed.js';
import { ControlPlane, installPlatformCrd, stopAll } from '../test/e2e/operator-harness.js';
import { ROOT } from '../test/helpers.js';
import { cpuSeconds } from './proc.js';

const CLAIMS = ['minimal', 'production'];
const NAMESPACE = 'bench';
const IN_FLIGHT = 16;

const log = (m: string): void => void process.stderr.write(`[bench] ${m}\n`);

function arg(name: string, def: string): number {
  const a = process.argv.slice(2).find((x) => x.startsWith(`--${name}=`));
  const v = Number(a ? a.slice(name.length + 3) : def);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got ${a}`);
  return v;
}

/** The kube-apiserver's pid, from the control plane's pids file (hack/control-plane.sh). */
function apiServerPid(cp: ControlPlane): number {
  const line = readFileSync(join(cp.dir, 'pids'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('kube-apiserver '));
  if (!line) throw new Error(`no kube-apiserver in ${join(cp.dir, 'pids')}`);
  return Number(line.split(' ')[1]);
}

/** Removes every x-kubernetes-validations list from the installed CRD; returns how many. */
function dropCelRules(cp: ControlPlane): number {
  const got = cp.kubectl(['get', 'crd', XRD_NAME, '-o', 'json']);
  if (got.code !== 0) throw new Error(`cannot read the CRD: ${got.stderr}`);
  const crd = JSON.parse(got.stdout) as Obj;
  let dropped = 0;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const o = v as Obj;
      if ('x-kubernetes-validations' in o) {
        delete o['x-kubernetes-validations'];
        dropped++;
      }
      Object.values(o).forEach(walk);
    }
  };
  walk((crd.spec as Obj).versions);
  const md = crd.metadata as Obj;
  delete md.managedFields;
  delete md.resourceVersion;
  delete crd.status;
  const replaced = cp.kubectl(['replace', '-f', '-'], JSON.stringify(crd));
  if (replaced.code !== 0) throw new Error(`cannot replace the CRD: ${replaced.stderr}`);
  return dropped;
}

const health = (round: string, total: number): HealthStatus => ({
  state: 'Ready',
  ready: total,
  total,
  summary: `${total}/${total} ready (${round})`,
  compliance: { state: 'Passing', passed: 30, failed: 0, failing: [] },
  hotLoops: [],
  observedGeneration: 1,
  lastTransitionTime: new Date().toISOString(),
});

interface Row {
  readonly crd: string;
  readonly wallMs: number[];
  readonly cpuMs: number[];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const n = arg('n', '300');
  const rounds = arg('rounds', '5');
  log(`N=${n}: starting a control plane`);
  const cp = ControlPlane.start();
  const client = new KubeClient(await ClusterConfig.fromFile(cp.kubeconfig), { maxSockets: 32, timeoutMs: 120_000 });
  try {
    installPlatformCrd(cp);
    await ensureNamespace(client, NAMESPACE);
    const templates = CLAIMS.map((c) =>
      liveTemplate(yaml.load(readFileSync(join(ROOT, 'examples/claims', `${c}.yaml`), 'utf8')) as Obj),
    );
    const platforms = Array.from({ length: n }, (_, i) => ({
      name: `p${String(i).padStart(4, '0')}`,
      template: templates[i % templates.length],
      total: 0,
    }));
    await pool(platforms, IN_FLIGHT, async (p) => {
      const live = instantiate(p.template, NAMESPACE, p.name);
      p.total = live.resources.length;
      await client.request('POST', platformPath(NAMESPACE), { body: live.platform, query: { fieldManager: 'kubectl' } });
      await applyPlatformStatus(client, NAMESPACE, p.name, live.platformStatus);
    });
    const sizes = await Promise.all(
      platforms.slice(0, 2).map(async (p) => JSON.stringify(await client.request('GET', platformPath(NAMESPACE, p.name))).length),
    );
    log(`seeded ${n} platforms (${sizes.join(' / ')} bytes of JSON each: ${CLAIMS.join(' / ')})`);
    const pid = apiServerPid(cp);
    const rows: Row[] = [];
    // The operator's writer (server-side apply), or the same value by JSON merge patch on the status
    // subresource: for comparison only, to see whether the kind of patch is what costs.
    type Write = 'apply' | 'merge';
    const measure = async (crd: string, how: Write = 'apply'): Promise<void> => {
      const row: Row = { crd, wallMs: [], cpuMs: [] };
      // Round 0 warms up (the API server's handler for the CRD, the connections) and is not counted.
      for (let r = 0; r <= rounds; r++) {
        // A new writer per round: it remembers what it wrote and would skip a repeat.
        const writer = new HealthStatusWriter(client, createLogger('warn'));
        const c0 = cpuSeconds(pid);
        const t0 = performance.now();
        await pool(platforms, IN_FLIGHT, async (p) => {
          const target = {
            group: API_GROUP,
            version: API_VERSION,
            plural: PLURAL,
            kind: KIND,
            namespace: NAMESPACE,
            name: p.name,
            uid: '',
          };
          const value = health(`${crd} ${r}`, p.total);
          if (how === 'merge') {
            await client.request('PATCH', `${platformPath(NAMESPACE, p.name)}/status`, {
              body: { status: { health: value } },
              contentType: PATCH.merge,
              query: { fieldManager: FIELD_MANAGER },
            });
            return;
          }
          const result = await writer.write(target, value, undefined);
          if (result !== 'applied') throw new Error(`status.health of ${p.name} was not applied: ${result}`);
        });
        const cpuMs = ((cpuSeconds(pid) - c0) * 1000) / n;
        log(`${crd}, ${r === 0 ? 'warm-up' : `round ${r}`}: ${cpuMs.toFixed(1)} ms API server CPU per write`);
        if (r === 0) continue;
        row.wallMs.push((performance.now() - t0) / n);
        row.cpuMs.push(cpuMs);
      }
      rows.push(row);
    };
    await measure('as Crossplane makes it from the XRD');
    await measure('as Crossplane makes it, by JSON merge patch instead of server-side apply (comparison only)', 'merge');
    const dropped = dropCelRules(cp);
    // The API server serves the replaced CRD once it has rebuilt its handler.
    await new Promise((r) => setTimeout(r, 3000));
    await measure(`without its ${dropped} lists of CEL rules (comparison only)`);
    const f = (xs: number[]): string =>
      `${median(xs).toFixed(1)} ms (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})`;
    const out = [
      `| PaymentPlatform CRD | API server CPU per status.health write, median (min-max) | wall per write, ${IN_FLIGHT} in flight |`,
      '| --- | --- | --- |',
      ...rows.map((r) => `| ${r.crd} | ${f(r.cpuMs)} | ${f(r.wallMs)} |`),
      '',
      `${n} platforms (${CLAIMS.join(' / ')}: ${sizes.join(' / ')} bytes each), ${rounds} rounds of one write per platform, by \`node dist/bench/status-write-bench.js --n=${n} --rounds=${rounds}\` on ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}; the API server, etcd and this benchmark share the machine.`,
    ].join('\n');
    process.stdout.write(`\n${out}\n`);
  } finally {
    client.close();
    await stopAll(cp);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`status-write-bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
