/**
 * Benchmark (not a test): `kubectl payments` as a user runs it, one whole process per command
 * (bin/kubectl-payments, the entry kubectl runs: a POSIX shell script that starts Node.js from
 * the CLI's startup snapshot, src/cli/snapshot.ts; then reading the claim, the command, writing
 * the output), against `crossplane render` as
 * a process on the same claim file in the same run. The three functions `crossplane render`
 * calls run locally and are started once before the runs (as in a development loop); the CPU
 * they spend during each render is counted with the render's (from /proc/<pid>/stat, 10 ms
 * ticks). The runs alternate (every command once per round), so that a change of machine load
 * hits all of them alike. Per command: the median and min-max over the rounds of CPU (user +
 * sys of the process and the children it waited for, wait4), wall time and peak RSS, measured
 * by bench/measure.py.
 *
 *   make bench-render                    BENCH_RUNS=11 rounds by default
 *   BENCH_BASELINE=/path/to/checkout     also runs that checkout's entry (built; its
 *                                        bin/kubectl-payments, or bin/kubectl-payments.js
 *                                        before there was one) in the same rounds, rows marked
 *                                        (baseline)
 *
 * A `node -e ''` row is the floor: Node.js starting and exiting, part of every other row. A
 * `validate` of 40 claims in one file (no goal) shows what a process that runs long enough for
 * V8's optimizing compilers costs.
 *
 * Goals (issue 13, per process, median): render and validate <= 0.25 s CPU and <= 150 ms wall
 * and >= 3x less CPU than `crossplane render` with its functions; --help and --version <= 80 ms
 * wall.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { COMPOSITION_NAME, XRD_NAME } from '../src/apis/constants.js';
import { type Obj } from '../src/apis/obj.js';
import { ROOT, validClaims } from '../test/helpers.js';
import { dumpAll, startFunctions, writeTmp } from '../test/e2e/cluster.js';
import { toolBin } from '../test/support/tools.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const BASELINE = process.env.BENCH_BASELINE;
const UID = '0a1b2c3d-1111-4222-8333-444455556666';
const CLAIMS = [
  'examples/claims/minimal.yaml',
  'examples/claims/production.yaml',
  'test/fixtures/claims/valid/longest-name.yaml',
  'test/fixtures/claims/valid/staging-per-az-https.yaml',
];
/** Claims in the one file of the many-claims row (copies of production.yaml, renamed). */
const MANY = 40;
const GOAL = { cpu: 0.25, wall: 0.15, ratio: 3, startWall: 0.08 };
const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat times are in 1/100 s

interface Sample {
  readonly wall: number;
  readonly cpu: number;
  readonly rss: number;
}

interface Variant {
  readonly label: string;
  readonly group: string;
  readonly kind: 'ours' | 'baseline' | 'crossplane' | 'start' | 'floor';
  readonly argv: readonly string[];
  readonly samples: Sample[];
}

/** One process, measured by bench/measure.py; throws on a non-zero exit. */
function measure(argv: readonly string[]): Sample & { code: number } {
  const out = execFileSync('python3', [join(ROOT, 'bench', 'measure.py'), ...argv], { encoding: 'utf8' });
  const r = JSON.parse(out) as { code: number; wall: number; cpu: number; rss: number };
  if (r.code !== 0) throw new Error(`${argv.join(' ')} exited with ${r.code}`);
  return r;
}

/** CPU seconds of processes so far (utime + stime + waited-for children), from /proc. */
function procCpu(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks / CLK_TCK;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const crossplane = toolBin('crossplane');
  const core = toolBin('crossplane-core');
  const cli = join(ROOT, 'bin', 'kubectl-payments');
  const entryOf = (checkout: string) =>
    [join(checkout, 'bin', 'kubectl-payments'), join(checkout, 'bin', 'kubectl-payments.js')].find((f) => existsSync(f));
  const baseline = BASELINE ? entryOf(BASELINE) : undefined;
  if (BASELINE && !baseline) throw new Error(`BENCH_BASELINE=${BASELINE} has no bin/kubectl-payments entry`);
  const byFile = new Map(validClaims().map((c) => [c.file, c.claim]));
  const variants: Variant[] = [];
  const add = (label: string, group: string, kind: Variant['kind'], argv: readonly string[]) =>
    variants.push({ label, group, kind, argv, samples: [] });
  const ours = (label: string, group: string, args: readonly string[]) => {
    add(`kubectl payments ${label}`, group, label.startsWith('--') ? 'start' : 'ours', [cli, ...args]);
    if (baseline) add(`kubectl payments ${label} (baseline)`, group, 'baseline', [baseline, ...args]);
  };
  // Node.js starting and exiting, nothing else: the part of every row below that no change to the
  // CLI can remove (the `node` on PATH, which the plugin's entry runs).
  add("node -e '' (Node.js start alone)", 'start', 'floor', ['node', '-e', '']);
  ours('--version', 'start', ['--version']);
  ours('--help', 'start', ['--help']);
  const fns = await startFunctions();
  try {
    for (const file of CLAIMS) {
      const claim = JSON.parse(JSON.stringify(byFile.get(file))) as Obj;
      (claim.metadata as Obj).uid = UID;
      // The Composition crossplane render is given, named in the claim for kubectl payments too
      // (the XRD's default is the nested layout, 45 levels that crossplane render renders one at a time).
      (claim.spec as Obj).crossplane = { compositionRef: { name: COMPOSITION_NAME } };
      const xr = writeTmp(`bench-${file.replace(/\W+/g, '-')}.yaml`, dumpAll([claim]));
      ours('render', file, ['render', '-f', xr]);
      ours('validate', file, ['validate', '-f', xr]);
      if (file === 'examples/claims/production.yaml') {
        ours('render --steady-state', file, ['render', '-f', xr, '--steady-state']);
        ours('diagram', file, ['diagram', '-f', xr]);
        ours('report -f', file, ['report', '-f', xr]);
      }
      add('crossplane render + functions', file, 'crossplane', [
        crossplane,
        'render',
        xr,
        join(ROOT, 'compositions', `${COMPOSITION_NAME}.yaml`),
        fns.file,
        '--xrd',
        join(ROOT, 'crds', `${XRD_NAME}.yaml`),
        '--crossplane-binary',
        core,
      ]);
    }
    // Many claims in one process: the code that stays hot is what V8's optimizing compilers are
    // for, so a change that makes one claim cheaper by optimizing later shows its cost here (no
    // crossplane render row: it renders one composite per process).
    const many = Array.from({ length: MANY }, (_, i) => {
      const claim = JSON.parse(JSON.stringify(byFile.get('examples/claims/production.yaml'))) as Obj;
      (claim.metadata as Obj).name = `bench-${String(i).padStart(2, '0')}`;
      (claim.spec as Obj).crossplane = { compositionRef: { name: COMPOSITION_NAME } };
      return claim;
    });
    const manyFile = writeTmp('bench-many.yaml', dumpAll(many));
    ours(`validate (${MANY} claims in one file)`, `examples/claims/production.yaml x ${MANY}`, ['validate', '-f', manyFile]);
    const before = loadavg();
    // Warm-up round (page cache, the functions' gRPC servers), not counted.
    for (const v of variants) measure(v.argv);
    for (let round = 0; round < RUNS; round++) {
      for (const v of variants) {
        const fnCpu = v.kind === 'crossplane' ? procCpu(fns.pids) : 0;
        const s = measure(v.argv);
        const cpu = v.kind === 'crossplane' ? s.cpu + (procCpu(fns.pids) - fnCpu) : s.cpu;
        v.samples.push({ wall: s.wall, cpu, rss: s.rss });
      }
    }
    report(variants, before, loadavg());
  } finally {
    fns.stop();
  }
}

function report(variants: readonly Variant[], before: number[], after: number[]): void {
  const sec = (x: number) => `${x.toFixed(3)} s`;
  const ms = (x: number) => `${(x * 1000).toFixed(0)} ms`;
  const stat = (v: Variant, f: (s: Sample) => number, fmt: (x: number) => string) => {
    const xs = v.samples.map(f);
    return `${fmt(median(xs))} (${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))})`;
  };
  const crossplaneCpu = new Map(
    variants.filter((v) => v.kind === 'crossplane').map((v) => [v.group, median(v.samples.map((s) => s.cpu))]),
  );
  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\nwhole processes, ${RUNS} alternating rounds after a warm-up; ${cpus().length} cores (${cpuModel}), Node.js ${process.version};` +
      ` load average ${before.map((x) => x.toFixed(1)).join(' ')} before, ${after.map((x) => x.toFixed(1)).join(' ')} after\n`,
  );
  console.log('| claim | command | CPU median (min-max) | wall median (min-max) | peak RSS | CPU vs crossplane render |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const v of variants) {
    const cpu = median(v.samples.map((s) => s.cpu));
    const real = crossplaneCpu.get(v.group);
    const ratio = v.kind === 'ours' || v.kind === 'baseline' ? (real ? `${(real / cpu).toFixed(1)}x less` : '') : '';
    console.log(
      `| ${v.group === 'start' ? '-' : v.group} | ${v.label} | ${stat(v, (s) => s.cpu, sec)} | ${stat(v, (s) => s.wall, ms)} | ` +
        `${(median(v.samples.map((s) => s.rss)) / 1024).toFixed(0)} MiB | ${ratio} |`,
    );
  }
  console.log(
    '\n(crossplane render: CPU of the crossplane process, its crossplane core child and the three functions during the render;' +
      ' peak RSS of the crossplane process and its children, not the functions)\n',
  );
  const goals: [string, boolean][] = [];
  for (const v of variants.filter((x) => x.kind === 'ours' && /payments (render|validate)$/.test(x.label))) {
    const cpu = median(v.samples.map((s) => s.cpu));
    const wall = median(v.samples.map((s) => s.wall));
    const real = crossplaneCpu.get(v.group) ?? 0;
    goals.push([`${v.label}, ${v.group}: CPU ${sec(cpu)} <= ${GOAL.cpu} s`, cpu <= GOAL.cpu]);
    goals.push([`${v.label}, ${v.group}: wall ${ms(wall)} <= ${GOAL.wall * 1000} ms`, wall <= GOAL.wall]);
    goals.push([
      `${v.label}, ${v.group}: ${(real / cpu).toFixed(1)}x less CPU than crossplane render >= ${GOAL.ratio}x`,
      real / cpu >= GOAL.ratio,
    ]);
  }
  for (const v of variants.filter((x) => x.kind === 'start')) {
    const wall = median(v.samples.map((s) => s.wall));
    goals.push([`${v.label}: wall ${ms(wall)} <= ${GOAL.startWall * 1000} ms`, wall <= GOAL.startWall]);
  }
  for (const v of variants.filter((x) => x.kind === 'floor')) {
    console.log(
      `floor: ${v.label} took ${ms(median(v.samples.map((s) => s.wall)))} wall and ${sec(median(v.samples.map((s) => s.cpu)))} CPU (median), part of every row\n`,
    );
  }
  for (const [what, met] of goals) console.log(`goal ${met ? 'met    ' : 'NOT met'}  ${what}`);
  console.log(`\n${goals.filter(([, m]) => m).length} of ${goals.length} goals met`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 2;
});
