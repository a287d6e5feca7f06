/**
 * Benchmark of the payment-platform operator on a real kube-apiserver (not a timed test).
 *
 * For each N (default 100 and 1,000): a fresh control plane; N PaymentPlatforms with their
 * composed resources (~45 each by default) created as Crossplane and the provider would leave
 * them (Ready); then, in the same run:
 *   - the floor: `kubectl get` listing the same objects (every watched kind, all namespaces);
 *   - the operator's start-to-complete-first-evaluation time (process start to every platform
 *     evaluated with its outcome written);
 *   - per-change reaction latency: a managed resource's status changes (status subresource),
 *     timed until the operator's status.health shows it (watched, not polled), one at a time;
 *   - the operator's peak RSS (VmHWM).
 * Prints the figures and ratios and writes them into docs/operator.md.
 *
 *   make bench-operator                       # N=100,1000
 *   node dist/bench/operator-bench.js --n=100 --per-platform=45 --changes=200 --no-write
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { API_GROUP, API_VERSION, PLURAL } from '../src/apis/constants.js';
import { defaultValues } from '../src/chart/values.js';
import type { KubeClient } from '../src/operator/kube/client.js';
import { composedKinds } from '../src/operator/kinds.js';
import { instantiate, liveTemplate, type LivePlatform, type LiveResource } from '../src/operator/testing/fixtures.js';
import { ensureNamespace, patchResourceStatus, pool, seedPlatform } from '../src/operator/testing/seed.js';
import { synth } from '../src/synth.js';
import { ControlPlane, installPlatformCrd, kindFlags, OperatorProcess, stopAll } from '../test/e2e/operator-harness.js';
import { ROOT } from '../test/helpers.js';
import { toolBin } from '../test/support/tools.js';
import { type Obj } from '../src/apis/obj.js';

interface Options {
  readonly sizes: number[];
  readonly perPlatform: number | undefined;
  readonly changes: number;
  readonly write: boolean;
  readonly perNamespace: number;
  /** The operator's entry point. @default dist/src/operator/main.js */
  readonly operator: string;
}

function parseArgs(argv: string[]): Options {
  const get = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const per = get('per-platform') ?? '45';
  return {
    sizes: (get('n') ?? '100,1000').split(',').map(Number),
    perPlatform: per === 'all' ? undefined : Number(per),
    changes: Number(get('changes') ?? '200'),
    write: !argv.includes('--no-write'),
    perNamespace: Number(get('per-namespace') ?? '100'),
    operator: get('operator') ?? join(ROOT, 'dist/src/operator/main.js'),
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

/** The operator's NODE_OPTIONS in the chart's default values. */
function nodeOptions(): string {
  const operator = defaultValues().operator as Obj;
  return String(operator.nodeOptions);
}

/** User + system CPU seconds of a process so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? '0');
  return kb / 1024;
}

/** Wall time of `kubectl get <every watched kind> -A` with an output format, median of runs. */
function kubectlList(cp: ControlPlane, output: string[], runs: number): { ms: number; objects: number } {
  const { managed, policy } = composedKinds(synth().compositionConstruct.resources);
  const kinds = [`${PLURAL}.${API_GROUP}`, ...[...managed, ...policy].map((k) => `${k.plural}.${k.group}`)].join(',');
  const times: number[] = [];
  let objects = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const out = execFileSync(toolBin('kubectl'), ['--kubeconfig', cp.kubeconfig, 'get', kinds, '-A', ...output], {
      maxBuffer: 2 * 1024 * 1024 * 1024,
      encoding: 'utf8',
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    objects = output.includes('name') ? out.split('\n').filter(Boolean).length : objects;
  }
  return { ms: median(times), objects };
}

interface Result {
  n: number;
  perPlatform: number;
  objects: number;
  seedSeconds: number;
  floor: { name: number; table: number; json: number };
  firstEvaluationMs: number;
  firstEvaluationLeaderMs: number;
  firstEvaluationCpuSeconds: number;
  reaction: { p50: number; p99: number; max: number; count: number };
  peakRssMb: number;
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

async function seed(client: KubeClient, platforms: LivePlatform[], perNamespace: number): Promise<void> {
  const namespaces = [...new Set(platforms.map((p) => String((p.platform.metadata as Obj).namespace)))];
  for (const ns of namespaces) await ensureNamespace(client, ns);
  let done = 0;
  const t0 = Date.now();
  await pool(platforms, 8, async (p) => {
    await seedPlatform(client, p, { concurrency: 6 });
    done++;
    if (done % Math.max(1, Math.floor(platforms.length / 10)) === 0)
      log(`seeded ${done}/${platforms.length} platforms (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  });
  void perNamespace;
}

async function measure(n: number, options: Options, build: string): Promise<Result> {
  log(`N=${n}: starting a control plane`);
  const cp = ControlPlane.start();
  const client = await cp.client();
  try {
    installPlatformCrd(cp);
    await ensureNamespace(client, 'crossplane-system');
    const template = liveTemplate(yaml.load(readFileSync(join(ROOT, 'examples/claims/minimal.yaml'), 'utf8')) as Obj);
    const platforms = Array.from({ length: n }, (_, i) =>
      instantiate(
        template,
        `bench-${String(Math.floor(i / options.perNamespace)).padStart(3, '0')}`,
        `p${String(i).padStart(4, '0')}`,
        {
          limit: options.perPlatform,
        },
      ),
    );
    const perPlatform = platforms[0].resources.length;
    const objects = n * (perPlatform + 1);
    const seedStart = Date.now();
    await seed(client, platforms, options.perNamespace);
    const seedSeconds = (Date.now() - seedStart) / 1000;
    log(`N=${n}: ${objects} objects created in ${seedSeconds.toFixed(0)} s`);

    log(`N=${n}: kubectl get (floor)`);
    const name = kubectlList(cp, ['-o', 'name'], 3);
    const table = kubectlList(cp, [], 3);
    const json = kubectlList(cp, ['-o', 'json'], 3);
    log(
      `N=${n}: kubectl get -o name ${name.ms.toFixed(0)} ms (${name.objects} objects), table ${table.ms.toFixed(0)} ms, -o json ${json.ms.toFixed(0)} ms`,
    );

    log(`N=${n}: starting the operator`);
    const spawnedAt = performance.now();
    // as deployed: the chart's NODE_OPTIONS (V8 heap cap) and its default arguments
    const op = new OperatorProcess(build, 'bench', [...kindFlags(), '--log-level=info', '--lease-name=bench'], cp.kubeconfig, {
      NODE_OPTIONS: nodeOptions(),
    });
    const first = await op.firstEvaluation(600_000);
    const firstEvaluationMs = performance.now() - spawnedAt;
    const firstEvaluationCpuSeconds = cpuSeconds(op.pid);
    const firstEvaluationLeaderMs = Number(first.seconds) * 1000;
    log(
      `N=${n}: first evaluation after ${firstEvaluationMs.toFixed(0)} ms (${firstEvaluationLeaderMs.toFixed(0)} ms from leadership, ${firstEvaluationCpuSeconds} s CPU)`,
    );

    // reaction latency: one change at a time, each timed until status.health shows it
    const watch = new HealthWatch();
    await watch.start(cp.kubeconfig);
    await new Promise((r) => setTimeout(r, 500));
    const latencies: number[] = [];
    const managedOf = (p: LivePlatform): LiveResource[] => p.resources.filter((r) => r.kind !== 'Usage');
    for (let i = 0; i < Math.ceil(options.changes / 2); i++) {
      const p = platforms[(i * 7919) % platforms.length];
      const md = p.platform.metadata as Obj;
      const ns = String(md.namespace);
      const key = `${ns}/${String(md.name)}`;
      const candidates = managedOf(p);
      const target = candidates[(i * 31) % candidates.length];
      const targetName = String((target.object.metadata as Obj).name);
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
          (h) => h.state === 'NotReady' && (h.deepestFailing as Obj | undefined)?.name === targetName,
        ],
        [target.status, (h) => h.state === 'Ready'],
      ];
      for (const [status, check] of changes) {
        const reacted = watch.expect(key, check, 30_000);
        const t0 = performance.now();
        await patchResourceStatus(client, target, ns, status);
        latencies.push((await reacted) - t0);
      }
    }
    watch.stop();
    const reaction = {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: Math.max(...latencies),
      count: latencies.length,
    };
    log(`N=${n}: reaction p50 ${reaction.p50.toFixed(0)} ms, p99 ${reaction.p99.toFixed(0)} ms over ${latencies.length} changes`);
    const rss = peakRssMb(op.pid);
    op.kill('SIGTERM');
    await op.exited;
    return {
      n,
      perPlatform,
      objects,
      seedSeconds,
      floor: { name: name.ms, table: table.ms, json: json.ms },
      firstEvaluationMs,
      firstEvaluationLeaderMs,
      firstEvaluationCpuSeconds,
      reaction,
      peakRssMb: rss,
    };
  } finally {
    client.close();
    await stopAll(cp);
  }
}

function table(results: Result[]): string {
  const f = (x: number): string => x.toFixed(0);
  const rows = [
    '| N platforms | objects (platforms + composed) | `kubectl get` floor (fastest of -o name / table / -o json) | operator: start to first evaluation complete | ratio to floor | reaction p50 | reaction p99 | peak RSS |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const floor = Math.min(r.floor.name, r.floor.table, r.floor.json);
    rows.push(
      `| ${r.n} | ${r.objects} (${r.perPlatform} per platform) | ${f(floor)} ms (-o name ${f(r.floor.name)}, table ${f(r.floor.table)}, -o json ${f(r.floor.json)}) | ${f(r.firstEvaluationMs)} ms (${f(r.firstEvaluationLeaderMs)} ms after leadership; ${r.firstEvaluationCpuSeconds.toFixed(1)} s CPU) | ${(r.firstEvaluationMs / floor).toFixed(2)}x | ${f(r.reaction.p50)} ms | ${f(r.reaction.p99)} ms (max ${f(r.reaction.max)}, ${r.reaction.count} changes) | ${f(r.peakRssMb)} MB |`,
    );
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const build = options.operator;
  const results: Result[] = [];
  for (const n of options.sizes) results.push(await measure(n, options, build));
  const machine = `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}; etcd, kube-apiserver, the operator and this benchmark share the machine`;
  const out = `${table(results)}\n\nMeasured ${new Date().toISOString().slice(0, 10)} by \`make bench-operator\` on ${machine}. The operator ran as the chart deploys it (NODE_OPTIONS \`${nodeOptions()}\`, default arguments); reaction changes were made one at a time.\n`;
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
