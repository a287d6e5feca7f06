/**
 * Benchmark (not a test): per claim, the offline path of `kubectl payments` against the real
 * `crossplane render` with the pinned functions running locally, on the same claims in the same
 * run. Prints both figures and their ratio. Columns:
 *   render            the offline render of the first reconcile (XRD schema + CEL, then the
 *                     Composition's pipeline): what `crossplane render` computes
 *   render+validate   render, then every check of `validate` on those resources (provider
 *                     schemas, CEL-required fields, selectors, PCI controls, AWS names): the
 *                     figure compared with `crossplane render`
 *   validate command  what `kubectl payments validate` does: the same checks on the steady-state
 *                     simulation (four render passes, so that held-back resources are checked)
 *
 *   make bench-render            (BENCH_ITERATIONS=20 BENCH_REAL_ITERATIONS=3 by default)
 *
 * Target: the offline render + validate at least 20x faster than `crossplane render`, and under
 * 50 ms per claim.
 */
import { join } from 'node:path';
import { COMPOSITION_NAME, XRD_NAME } from '../src/apis/constants.js';
import { checkClaim, checkResources } from '../src/cli/checks.js';
import type { Environment } from '../src/apis/payment-platform.js';
import { renderClaim } from '../src/render/claim.js';
import { ROOT, validClaims } from '../test/helpers.js';
import { dumpAll, startFunctions, writeTmp } from '../test/e2e/cluster.js';
import { run, toolBin } from '../test/support/tools.js';
import { type Obj } from '../src/apis/obj.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20);
const REAL_ITERATIONS = Number(process.env.BENCH_REAL_ITERATIONS ?? 3);
const UID = '0a1b2c3d-1111-4222-8333-444455556666';
const TARGET_RATIO = 20;
const TARGET_MS = 50;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

async function timeAsync(fn: () => Promise<unknown> | unknown, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

interface Row {
  readonly claim: string;
  readonly resources: number;
  readonly render: number;
  readonly validate: number;
  readonly command: number;
  readonly real: number;
}

async function main(): Promise<void> {
  const claims = validClaims().map((c) => {
    const claim = JSON.parse(JSON.stringify(c.claim)) as Obj;
    (claim.metadata as Obj).uid = UID;
    return { file: c.file, claim };
  });
  const crossplane = toolBin('crossplane');
  const core = toolBin('crossplane-core');
  const fns = await startFunctions();
  const rows: Row[] = [];
  try {
    // Warm-up: module loading, provider-model imports and ajv compilation happen once per process.
    for (const { claim } of claims) await checkClaim(claim);
    for (const { file, claim } of claims) {
      const xr = writeTmp(`bench-${file.replace(/\W+/g, '-')}.yaml`, dumpAll([claim]));
      const args = [
        'render',
        xr,
        join(ROOT, 'compositions', `${COMPOSITION_NAME}.yaml`),
        fns.file,
        '--xrd',
        join(ROOT, 'crds', `${XRD_NAME}.yaml`),
        '--crossplane-binary',
        core,
      ];
      const first = run(crossplane, args); // also warms the functions' gRPC servers
      if (first.code !== 0) throw new Error(`crossplane render ${file} failed: ${first.stderr}`);
      const realDocs = first.stdout.split(/^---$/m).filter((d) => d.includes('crossplane.io/composition-resource-name')).length;
      const offline = renderClaim(claim).resources.length;
      if (realDocs !== offline)
        throw new Error(`${file}: crossplane render composed ${realDocs} resources, the offline renderer ${offline}`);
      const real = await timeAsync(() => {
        const r = run(crossplane, args);
        if (r.code !== 0) throw new Error(`crossplane render ${file} failed: ${r.stderr}`);
      }, REAL_ITERATIONS);
      const environment = (((claim.spec as Obj).parameters as Obj | undefined)?.environment ?? 'development') as Environment;
      const render = await timeAsync(() => renderClaim(claim), ITERATIONS);
      const validate = await timeAsync(async () => {
        const r = renderClaim(claim);
        if (r.findings.length > 0) throw new Error(`${file} is invalid`);
        // Selectors to resources that the first reconcile holds back do not resolve yet; the
        // figure is the time of the checks, not their verdict.
        await checkResources(r.resources, environment);
      }, ITERATIONS);
      const command = await timeAsync(() => checkClaim(claim), ITERATIONS);
      rows.push({
        claim: file,
        resources: offline,
        render: median(render),
        validate: median(validate),
        command: median(command),
        real: median(real),
      });
    }
  } finally {
    fns.stop();
  }

  const fmt = (ms: number, w = 9) => ms.toFixed(1).padStart(w);
  console.log(
    `\nmedian ms per claim (offline: ${ITERATIONS} runs, crossplane render: ${REAL_ITERATIONS} runs, after a warm-up)\n`,
  );
  console.log(
    `${'claim'.padEnd(52)} ${'resources'.padStart(9)} ${'render'.padStart(9)} ${'render+validate'.padStart(15)} ${'crossplane render'.padStart(17)} ${'ratio'.padStart(6)} ${'validate command'.padStart(16)}`,
  );
  for (const r of rows)
    console.log(
      `${r.claim.padEnd(52)} ${String(r.resources).padStart(9)} ${fmt(r.render)} ${fmt(r.validate, 15)} ${fmt(r.real, 17)} ${`${(r.real / r.validate).toFixed(0)}x`.padStart(6)} ${fmt(r.command, 16)}`,
    );
  const mean = (f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  const validate = mean((r) => r.validate);
  const real = mean((r) => r.real);
  const ratio = real / validate;
  console.log(
    `\nmean per claim: offline render+validate ${validate.toFixed(1)} ms, crossplane render ${real.toFixed(1)} ms, ratio ${ratio.toFixed(1)}x` +
      ` (offline render alone ${mean((r) => r.render).toFixed(1)} ms, ${(real / mean((r) => r.render)).toFixed(1)}x;` +
      ` validate command on the steady state ${mean((r) => r.command).toFixed(1)} ms)`,
  );
  const met = ratio >= TARGET_RATIO && Math.max(...rows.map((r) => r.validate)) < TARGET_MS;
  console.log(`target (>= ${TARGET_RATIO}x and < ${TARGET_MS} ms per claim): ${met ? 'met' : 'NOT met'}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 2;
});
