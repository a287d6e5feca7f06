/**
 * Benchmark of the payment-platform operator on a real kube-apiserver (not a timed test).
 *
 * For each N (default 100 and 1,000): a fresh control plane; N PaymentPlatforms, alternately
 * examples/claims/minimal.yaml and production.yaml, each with the composed resources the
 * project's renderer gives for that claim (`renderSteadyState`, i.e. src/render/claim.ts until the
 * outputs settle: the Composition's real size, not a cut), created as Crossplane and the provider
 * would leave them (Ready); then, on that one seeded cluster:
 *   - the floor: the cheapest way a client reads the same objects: one paginated (limit/continue)
 *     list per watched kind, all kinds in parallel, through @kubernetes/client-node (the library
 *     the operator is built on), parsed and counted, nothing printed; median of runs;
 *   - per operator build (`--operator=label=path`, repeatable; default this tree's; its Node.js
 *     `--operator-node=label=path`, else `--node=path`, else the operator image's, the pinned
 *     `node` of hack/tools.sh): the time from
 *     process start to every platform evaluated with its outcome written; then reaction latency
 *     under churn: a steady background stream of unrelated status updates on other platforms'
 *     managed resources while a managed resource of a measured platform fails or recovers
 *     (status subresource), timed until status.health shows it (watched, not polled), one change
 *     at a time; the operator's peak RSS (VmHWM) over the whole run. Between builds the
 *     operator's status.health is removed, so each build starts from the same cluster.
 * Prints the figures and ratios and writes them into docs/operator.md.
 *
 *   make bench-operator                       # N=100,1000
 *   node dist/bench/operator-bench.js --n=100 --changes=200 --churn=50 --no-write
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { API_GROUP, API_VERSION, LABEL_COMPOSITE, PLURAL } from '../src/apis/constants.js';
import { defaultValues } from '../src/chart/values.js';
import { KubeClient, PATCH } from '../src/operator/kube/client.js';
import { ClusterConfig } from '../src/operator/kube/config.js';
import { composedKinds, type WatchedKind } from '../src/operator/kinds.js';
import { Limiter } from '../src/operator/limiter.js';
import { instantiate, liveTemplate, type LiveTemplate } from '../src/operator/testing/fixtures.js';
import {
  applyPlatformStatus,
  CROSSPLANE_XR_MANAGER,
  ensureNamespace,
  platformPath,
  pool,
  PROVIDER_MANAGER,
  resourcePath,
} from '../src/operator/testing/seed.js';
import { synth } from '../src/synth.js';
import { ControlPlane, installPlatformCrd, kindFlags, OperatorProcess, stopAll } from '../test/e2e/operator-harness.js';
import { ROOT } from '../test/helpers.js';
import { toolBin } from '../test/support/tools.js';
import { cpuSeconds, peakRssMb } from './proc.js';
import { type Obj } from '../src/apis/obj.js';

const CLAIMS = ['minimal', 'production'];

interface Options {
  readonly sizes: number[];
  readonly changes: number;
  /** Background status updates per second during the reaction measurement. */
  readonly churn: number;
  readonly write: boolean;
  readonly perNamespace: number;
  /** Requests in flight while seeding. */
  readonly seedConcurrency: number;
  readonly floorRuns: number;
  /** Operator builds to measure on the same seeded cluster: label and entry point. */
  readonly operators: { label: string; main: string; node?: string }[];
  /** Extra arguments for the operator (e.g. `--workers=8`). */
  readonly operatorArgs: string[];
  /**
   * The Node.js binary for the operator (e.g. a wrapper adding `--cpu-prof`). @default the
   * operator image's (the Dockerfile's NODE_MAJOR: hack/tools.sh's pinned `node`), as deployed
   */
  readonly node: string;
}

function parseArgs(argv: string[]): Options {
  const all = (name: string): string[] => argv.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
  const get = (name: string): string | undefined => all(name)[0];
  const labelled = (o: string, label: string): [string, string] => {
    const i = o.indexOf('=');
    return i > 0 ? [o.slice(0, i), o.slice(i + 1)] : [label, o];
  };
  const nodes = new Map(all('operator-node').map((o) => labelled(o, 'operator')));
  const operators = all('operator').map((o) => {
    const [label, main] = labelled(o, 'operator');
    return { label, main, ...(nodes.has(label) ? { node: nodes.get(label) } : {}) };
  });
  for (const label of nodes.keys())
    if (!operators.some((o) => o.label === label) && !(operators.length === 0 && label === 'operator'))
      throw new Error(`--operator-node=${label}=...: no --operator=${label}=...`);
  return {
    sizes: (get('n') ?? '100,1000').split(',').map(Number),
    changes: Number(get('changes') ?? '200'),
    churn: Number(get('churn') ?? '50'),
    write: !argv.includes('--no-write'),
    perNamespace: Number(get('per-namespace') ?? '100'),
    seedConcurrency: Number(get('seed-concurrency') ?? '48'),
    floorRuns: Number(get('floor-runs') ?? '3'),
    operators:
      operators.length > 0
        ? operators
        : [
            {
              label: 'operator',
              main: join(ROOT, 'dist/src/operator/main.js'),
              ...(nodes.has('operator') ? { node: nodes.get('operator') } : {}),
            },
          ],
    operatorArgs: all('operator-arg'),
    node: get('node') ?? toolBin('node'),
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const log = (msg: string): void => {
  process.stderr.write(`[bench] ${msg}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The operator's NODE_OPTIONS in the chart's default values. */
function nodeOptions(): string {
  const operator = defaultValues().operator as Obj;
  return String(operator.nodeOptions);
}

/** The chart's default memory limit of the operator container. */
function memoryLimit(): string {
  const resources = (defaultValues().operator as Obj).resources as Obj;
  return String(resources.memoryLimit);
}

/** What the benchmark keeps of a seeded platform (the fixtures themselves are dropped). */
interface Seeded {
  readonly namespace: string;
  readonly name: string;
  /** Managed resources (no Usage): what a change or churn update patches. */
  readonly managed: { apiVersion: string; plural: string; name: string; status: Obj }[];
}

/**
 * Creates the platforms and their resources with at most `concurrency` requests in flight over
 * the whole fleet (one shared limiter: no platform waits on another's slowest request), two
 * requests per composed resource (create, then status through the subresource, as a provider).
 */
async function seed(
  client: KubeClient,
  templates: LiveTemplate[],
  n: number,
  options: Options,
): Promise<{ seeded: Seeded[]; perPlatform: number[]; objects: number }> {
  const limiter = new Limiter(options.seedConcurrency);
  const namespaces = [...new Set(Array.from({ length: n }, (_, i) => nsOf(i, options)))];
  await pool(namespaces, 8, (ns) => ensureNamespace(client, ns));
  const seeded: Seeded[] = new Array<Seeded>(n);
  const perPlatform = templates.map(() => 0);
  let objects = 0;
  let done = 0;
  const t0 = Date.now();
  // Platforms are started a few at a time (bounds the fixtures held in memory); their requests
  // share the limiter, which is what bounds the load on the API server.
  await pool(
    Array.from({ length: n }, (_, i) => i),
    Math.max(4, Math.ceil(options.seedConcurrency / 8)),
    async (i) => {
      const namespace = nsOf(i, options);
      const name = `p${String(i).padStart(4, '0')}`;
      const p = instantiate(templates[i % templates.length], namespace, name);
      perPlatform[i % templates.length] = p.resources.length;
      const created = await limiter.run(() =>
        client.request('POST', platformPath(namespace), { body: p.platform, query: { fieldManager: 'kubectl' } }),
      );
      const uid = String((created.metadata as Obj).uid);
      await limiter.run(() => applyPlatformStatus(client, namespace, name, p.platformStatus));
      const owner = { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: 'PaymentPlatform', name, uid, controller: true };
      await Promise.all(
        p.resources.map(async (r) => {
          const object = { ...r.object, metadata: { ...(r.object.metadata as Obj), ownerReferences: [owner] } };
          await limiter.run(() =>
            client.request('POST', resourcePath(r, namespace), { body: object, query: { fieldManager: CROSSPLANE_XR_MANAGER } }),
          );
          await limiter.run(() => patchStatus(client, r, namespace, String((r.object.metadata as Obj).name), r.status));
        }),
      );
      objects += 1 + p.resources.length;
      seeded[i] = {
        namespace,
        name,
        managed: p.resources
          .filter((r) => r.kind !== 'Usage')
          .map((r) => ({
            apiVersion: r.apiVersion,
            plural: r.plural,
            name: String((r.object.metadata as Obj).name),
            status: r.status,
          })),
      };
      done++;
      if (done % Math.max(1, Math.floor(n / 10)) === 0) {
        const s = (Date.now() - t0) / 1000;
        log(
          `seeded ${done}/${n} platforms, ${objects} objects (${s.toFixed(0)} s, ${((objects * 2) / s).toFixed(0)} requests/s)`,
        );
      }
    },
  );
  return { seeded, perPlatform, objects };
}

const nsOf = (i: number, options: Options): string => `bench-${String(Math.floor(i / options.perNamespace)).padStart(3, '0')}`;

function patchStatus(
  client: KubeClient,
  r: { apiVersion: string; plural: string },
  namespace: string,
  name: string,
  status: Obj,
): Promise<Obj> {
  return client.request('PATCH', `${resourcePath(r, namespace, name)}/status`, {
    contentType: PATCH.merge,
    query: { fieldManager: PROVIDER_MANAGER },
    body: { status },
  });
}

/**
 * The floor: every watched kind (and the PaymentPlatforms) listed in parallel through
 * client-node's CustomObjectsApi, `limit`/`continue` pages of 500 (client-go's page size: fewer
 * requests than the operator's 100), the composed kinds with the operator's label selector (the
 * same objects it caches). Returns the wall time and the objects read.
 */
async function clientNodeFloor(
  kubeconfig: string,
  kinds: WatchedKind[],
  pageSize: number,
): Promise<{ ms: number; objects: number }> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const api = kc.makeApiClient(CustomObjectsApi);
  const lists = [
    { group: API_GROUP, version: API_VERSION, plural: PLURAL, labelSelector: undefined as string | undefined },
    ...kinds.map((k) => ({ group: k.group, version: k.version, plural: k.plural, labelSelector: LABEL_COMPOSITE })),
  ];
  const t0 = performance.now();
  const counts = await Promise.all(
    lists.map(async (l) => {
      let count = 0;
      let cont: string | undefined;
      do {
        const page = (await api.listClusterCustomObject({
          group: l.group,
          version: l.version,
          plural: l.plural,
          limit: pageSize,
          ...(cont ? { _continue: cont } : {}),
          ...(l.labelSelector ? { labelSelector: l.labelSelector } : {}),
        })) as { items?: unknown[]; metadata?: { continue?: string } };
        count += page.items?.length ?? 0;
        cont = page.metadata?.continue || undefined;
      } while (cont);
      return count;
    }),
  );
  return { ms: performance.now() - t0, objects: counts.reduce((a, b) => a + b, 0) };
}

interface Run {
  label: string;
  /** The operator's Node.js version. */
  node: string;
  firstEvaluationMs: number;
  firstEvaluationLeaderMs: number;
  firstEvaluationCpuSeconds: number;
  reaction: { p50: number; p99: number; max: number; count: number };
  churn: { perSecond: number; sent: number; failed: number };
  peakRssMb: number;
}

interface Result {
  n: number;
  perPlatform: number[];
  objects: number;
  seedSeconds: number;
  floor: { ms: number; runs: number[]; objects: number };
  runs: Run[];
  load: string;
}

/** Watches PaymentPlatforms and resolves expectations on their status.health. */
class HealthWatch {
  private readonly waiters = new Map<string, { check: (h: Obj) => boolean; resolve: (t: number) => void }>();
  private abort: AbortController | undefined;

  async start(kubeconfig: string): Promise<void> {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    this.abort = await new Watch(kc).watch(
      `/apis/${API_GROUP}/${API_VERSION}/${PLURAL}`,
      {},
      (phase: string, obj: Obj) => {
        if (phase !== 'MODIFIED') return;
        const t = performance.now();
        const md = obj.metadata as Obj;
        const key = `${String(md.namespace)}/${String(md.name)}`;
        const w = this.waiters.get(key);
        const health = (obj.status as Obj | undefined)?.health as Obj | undefined;
        if (w && health && w.check(health)) {
          this.waiters.delete(key);
          w.resolve(t);
        }
      },
      () => undefined,
    );
  }

  expect(key: string, check: (h: Obj) => boolean, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new Error(`no reaction on ${key} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(key, {
        check,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      });
    });
  }

  stop(): void {
    this.abort?.abort();
  }
}

/**
 * Unrelated status updates at a steady rate: a provider re-syncing a managed resource of a
 * platform that is not being measured (its Synced condition gets a new lastTransitionTime; it
 * stays Ready and Synced). At most 16 in flight; a tick with 16 in flight is skipped and counted.
 */
class Churn {
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private seq = 0;
  sent = 0;
  failed = 0;
  skipped = 0;
  private startedAt = 0;
  private stoppedAt = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly targets: Seeded[],
    private readonly perSecond: number,
  ) {}

  start(): void {
    if (this.perSecond <= 0 || this.targets.length === 0) return;
    this.startedAt = performance.now();
    const interval = 1000 / this.perSecond;
    let due = this.startedAt;
    const tick = (): void => {
      const now = performance.now();
      while (due <= now) {
        due += interval;
        this.one();
      }
      this.timer = setTimeout(tick, Math.max(1, due - performance.now()));
    };
    tick();
  }

  private one(): void {
    if (this.inFlight >= 16) {
      this.skipped++;
      return;
    }
    const i = this.seq++;
    const p = this.targets[(i * 104729) % this.targets.length];
    const r = p.managed[(i * 7) % p.managed.length];
    const conditions = ((r.status.conditions as Obj[] | undefined) ?? []).map((c) =>
      c.type === 'Synced' ? { ...c, lastTransitionTime: new Date(Date.UTC(2026, 0, 2) + i * 1000).toISOString() } : c,
    );
    this.inFlight++;
    patchStatus(this.client, r, p.namespace, r.name, { conditions })
      .then(
        () => this.sent++,
        () => this.failed++,
      )
      .finally(() => this.inFlight--);
  }

  stop(): { perSecond: number; sent: number; failed: number } {
    if (this.timer) clearTimeout(this.timer);
    this.stoppedAt = performance.now();
    const seconds = (this.stoppedAt - this.startedAt) / 1000;
    return { perSecond: seconds > 0 ? this.sent / seconds : 0, sent: this.sent, failed: this.failed + this.skipped };
  }
}

async function runOperator(
  cp: ControlPlane,
  client: KubeClient,
  seeded: Seeded[],
  operator: { label: string; main: string; node?: string },
  options: Options,
): Promise<Run> {
  const n = seeded.length;
  log(`N=${n} [${operator.label}]: starting the operator`);
  const spawnedAt = performance.now();
  // as deployed: the chart's NODE_OPTIONS (V8 heap cap) and its default arguments
  const op = new OperatorProcess(
    operator.main,
    'bench',
    [...kindFlags(), '--log-level=info', '--lease-name=bench', ...options.operatorArgs],
    cp.kubeconfig,
    { NODE_OPTIONS: nodeOptions() },
    { node: operator.node ?? options.node },
  );
  const first = await Promise.race([
    op.firstEvaluation(1_200_000),
    op.exited.then((code) => {
      throw new Error(`the operator exited (${String(code)}) before its first evaluation: ${op.stderr.join('\n')}`);
    }),
  ]);
  const firstEvaluationMs = performance.now() - spawnedAt;
  const firstEvaluationCpuSeconds = cpuSeconds(op.pid);
  const firstEvaluationLeaderMs = Number(first.seconds) * 1000;
  const synced = op.logs.find((l) => l.msg === 'caches synced');
  log(`N=${n} [${operator.label}]: caches synced ${String(synced?.ms)} ms after leadership`);
  log(
    `N=${n} [${operator.label}]: first evaluation after ${firstEvaluationMs.toFixed(0)} ms (${firstEvaluationLeaderMs.toFixed(0)} ms from leadership, ${firstEvaluationCpuSeconds} s CPU, peak RSS so far ${peakRssMb(op.pid).toFixed(0)} MB)`,
  );

  // Measured platforms: every tenth; churn goes to the others.
  const measured = seeded.filter((_, i) => i % 10 === 0);
  const others = seeded.filter((_, i) => i % 10 !== 0);
  const watch = new HealthWatch();
  await watch.start(cp.kubeconfig);
  const churn = new Churn(client, others, options.churn);
  churn.start();
  await sleep(2000);
  const latencies: number[] = [];
  for (let i = 0; i < Math.ceil(options.changes / 2); i++) {
    const p = measured[(i * 7919) % measured.length];
    const key = `${p.namespace}/${p.name}`;
    const target = p.managed[(i * 31) % p.managed.length];
    // two changes: the resource fails (status subresource), then recovers
    const changes: [Obj, (h: Obj) => boolean][] = [
      [
        {
          conditions: [
            {
              type: 'Synced',
              status: 'False',
              reason: 'ReconcileError',
              message: `bench change ${i}`,
              lastTransitionTime: '2026-01-03T00:00:00Z',
            },
          ],
        },
        (h) => h.state === 'NotReady' && (h.deepestFailing as Obj | undefined)?.name === target.name,
      ],
      [target.status, (h) => h.state === 'Ready'],
    ];
    for (const [status, check] of changes) {
      const reacted = watch.expect(key, check, 60_000);
      const t0 = performance.now();
      await patchStatus(client, target, p.namespace, target.name, status);
      latencies.push((await reacted) - t0);
    }
  }
  const churned = churn.stop();
  watch.stop();
  const reaction = {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    count: latencies.length,
  };
  log(
    `N=${n} [${operator.label}]: reaction p50 ${reaction.p50.toFixed(0)} ms, p99 ${reaction.p99.toFixed(0)} ms over ${latencies.length} changes, churn ${churned.perSecond.toFixed(1)}/s (${churned.sent} updates, ${churned.failed} failed or skipped)`,
  );
  await sleep(500);
  const rss = peakRssMb(op.pid);
  op.kill('SIGTERM');
  await op.exited;
  return {
    label: operator.label,
    node: execFileSync(operator.node ?? options.node, ['--version'], { encoding: 'utf8' }).trim(),
    firstEvaluationMs,
    firstEvaluationLeaderMs,
    firstEvaluationCpuSeconds,
    reaction,
    churn: churned,
    peakRssMb: rss,
  };
}

/** Removes status.health from every platform (the next build starts from the seeded state). */
async function clearHealth(client: KubeClient, seeded: Seeded[]): Promise<void> {
  await pool(seeded, 32, async (p) => {
    await client
      .request('PATCH', `${platformPath(p.namespace, p.name)}/status`, {
        contentType: PATCH.json,
        body: [{ op: 'remove', path: '/status/health' }],
      })
      .catch(() => undefined);
  });
}

async function measure(n: number, options: Options): Promise<Result> {
  log(`N=${n}: starting a control plane`);
  const cp = ControlPlane.start();
  const client = new KubeClient(await ClusterConfig.fromFile(cp.kubeconfig), {
    maxSockets: Math.max(32, options.seedConcurrency),
    userAgent: 'payment-platform-bench',
    timeoutMs: 120_000,
  });
  try {
    installPlatformCrd(cp);
    await ensureNamespace(client, 'crossplane-system');
    const templates = CLAIMS.map((c) =>
      liveTemplate(yaml.load(readFileSync(join(ROOT, `examples/claims/${c}.yaml`), 'utf8')) as Obj),
    );
    const seedStart = Date.now();
    const { seeded, perPlatform, objects } = await seed(client, templates, n, options);
    const seedSeconds = (Date.now() - seedStart) / 1000;
    log(`N=${n}: ${objects} objects created in ${seedSeconds.toFixed(0)} s`);

    const { managed, policy } = composedKinds(synth().compositionConstruct.resources);
    const kinds = [...managed, ...policy];
    const pageSize = 500; // client-go's; the operator's default --list-page-size is 100, for its memory
    const floorRuns: number[] = [];
    let floorObjects = 0;
    for (let i = 0; i < options.floorRuns; i++) {
      const f = await clientNodeFloor(cp.kubeconfig, kinds, pageSize);
      floorRuns.push(f.ms);
      floorObjects = f.objects;
    }
    const floor = { ms: median(floorRuns), runs: floorRuns, objects: floorObjects };
    log(
      `N=${n}: floor (client-node, ${kinds.length + 1} kinds in parallel, pages of ${pageSize}) ${floor.ms.toFixed(0)} ms median of ${floorRuns.map((x) => x.toFixed(0)).join(', ')} ms; ${floorObjects} objects`,
    );
    if (floorObjects !== objects) log(`N=${n}: warning: the floor read ${floorObjects} objects, ${objects} were created`);

    const runs: Run[] = [];
    for (const [i, operator] of options.operators.entries()) {
      if (i > 0) await clearHealth(client, seeded);
      runs.push(await runOperator(cp, client, seeded, operator, options));
    }
    return {
      n,
      perPlatform,
      objects,
      seedSeconds,
      floor,
      runs,
      load: loadavg()
        .map((x) => x.toFixed(1))
        .join(' '),
    };
  } finally {
    client.close();
    await stopAll(cp);
  }
}

function table(results: Result[], labels: boolean): string {
  const f = (x: number): string => x.toFixed(0);
  const rows = [
    `| N platforms |${labels ? ' operator |' : ''} objects (platforms + composed) | floor: client-node paginated parallel list | operator: start to first evaluation complete | ratio to floor | reaction p50 under churn | reaction p99 under churn | peak RSS |`,
    `| --- |${labels ? ' --- |' : ''} --- | --- | --- | --- | --- | --- | --- |`,
  ];
  for (const r of results) {
    for (const run of r.runs) {
      rows.push(
        `| ${r.n} |${labels ? ` ${run.label} |` : ''} ${r.objects} (${r.perPlatform.join(' / ')} per platform: ${CLAIMS.join(' / ')}) | ${f(r.floor.ms)} ms (median of ${r.floor.runs.map(f).join(', ')}) | ${f(run.firstEvaluationMs)} ms (${f(run.firstEvaluationLeaderMs)} ms after leadership; ${run.firstEvaluationCpuSeconds.toFixed(1)} s CPU) | ${(run.firstEvaluationMs / r.floor.ms).toFixed(2)}x | ${f(run.reaction.p50)} ms | ${f(run.reaction.p99)} ms (max ${f(run.reaction.max)}, ${run.reaction.count} changes; churn ${run.churn.perSecond.toFixed(0)} updates/s) | ${f(run.peakRssMb)} MB |`,
      );
    }
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const results: Result[] = [];
  for (const n of options.sizes) results.push(await measure(n, options));
  const machine = `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}; etcd, kube-apiserver, the operator and this benchmark share the machine (load average at the end of each N, their own load included: ${results.map((r) => `N=${r.n} ${r.load}`).join('; ')})`;
  const command = `node dist/bench/operator-bench.js ${process.argv.slice(2).join(' ')}`.trim();
  const out = `${table(results, options.operators.length > 1)}\n\nMeasured ${new Date().toISOString().slice(0, 10)} by \`${command}\` on ${machine}. The operator ran on Node.js ${[...new Set(results.flatMap((r) => r.runs.map((run) => (options.operators.length > 1 ? `${run.node} (${run.label})` : run.node))))].join(', ')}, as the chart deploys it (NODE_OPTIONS \`${nodeOptions()}\`, memory limit ${memoryLimit()}, default arguments${options.operatorArgs.length > 0 ? ` plus ${options.operatorArgs.join(' ')}` : ''}); reaction changes were made one at a time while ${options.churn} unrelated status updates per second were requested on other platforms' resources.\n`;
  process.stdout.write(`\n${out}\n`);
  if (options.write) {
    const file = join(ROOT, 'docs/operator.md');
    const doc = readFileSync(file, 'utf8');
    const begin = '<!-- bench:begin -->';
    const end = '<!-- bench:end -->';
    const i = doc.indexOf(begin);
    const j = doc.indexOf(end);
    if (i < 0 || j < i) throw new Error(`docs/operator.md has no ${begin} ... ${end} section`);
    writeFileSync(file, `${doc.slice(0, i + begin.length)}\n${out}${doc.slice(j)}`);
    log('wrote docs/operator.md');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`operator-bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
