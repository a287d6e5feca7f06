/**
 * The external judge of issue 6: checkov on (a) the Helm chart's Kubernetes objects
 * (`helm template`, framework `kubernetes`) and (b) the composed resources of a claim (the
 * production example) after a simulated reconcile, expressed as Terraform (framework
 * `terraform`), and (c) the operator image's Dockerfile (framework `dockerfile`), with the
 * documented exceptions of scan/exceptions.yaml applied.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import yaml from 'js-yaml';
import { CHART_NAME } from '../apis/constants.js';
import { packageRoot } from '../paths.js';
import { renderSteadyState } from '../render/steady-state.js';
import { runCheckov, type CheckovReport, type CheckResult } from './checkov.js';
import { judge, loadExceptions, type Judgement, type ScanException } from './exceptions.js';
import { toHcl } from './hcl.js';
import { toTerraform, type Conversion } from './terraform.js';
import { type Obj } from '../apis/obj.js';

/** The namespace the chart is installed into (README: `helm install ... -n crossplane-system`). */
export const CHART_NAMESPACE = 'crossplane-system';

/**
 * The composed resources of a claim after a simulated reconcile, as Terraform. Literals the
 * Composition patched from another resource's (simulated) status become references to it.
 */
export function claimToTerraform(claim: unknown): Conversion {
  const steady = renderSteadyState(claim);
  // At the steady state the observed set is the final one: reuse it rather than observe again.
  const atProvider = Object.fromEntries(
    Object.entries(steady.observed).map(([name, r]) => [name, ((r.status as Obj | undefined)?.atProvider ?? {}) as Obj]),
  );
  return toTerraform(steady.final.resources, { observed: atProvider });
}

/** Writes a conversion as `main.tf.json` (the Terraform JSON) and `main.tf` (what checkov reads). */
export function writeTerraform(dir: string, conversion: Conversion): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.tf.json'), `${JSON.stringify(conversion.document, null, 2)}\n`);
  writeFileSync(join(dir, 'main.tf'), toHcl(conversion.document));
}

/** checkov's `terraform` framework on a conversion, written to `dir`. */
export function scanTerraform(checkov: string, conversion: Conversion, dir: string): CheckovReport {
  writeTerraform(dir, conversion);
  return runCheckov(checkov, dir, 'terraform');
}

/** One `helm template` of the chart: its label and the YAML it printed. */
export interface ChartRender {
  /** `defaults`, or the values file's name. */
  readonly label: string;
  readonly yaml: string;
  /** `kind/name` of each object, for the report. */
  readonly objects: readonly string[];
}

/**
 * Renders the chart with its default values, and once more with each values file in
 * `valuesDir` (scan/chart-values/*.yaml): features that are off by default are judged too.
 */
export function renderChart(helm: string, chartDir: string, valuesDir?: string): ChartRender[] {
  const sets: { label: string; args: string[] }[] = [{ label: 'defaults', args: [] }];
  if (valuesDir && existsSync(valuesDir)) {
    for (const f of readdirSync(valuesDir)
      .filter((x) => /\.ya?ml$/.test(x))
      .sort()) {
      sets.push({ label: f, args: ['--values', join(valuesDir, f)] });
    }
  }
  return sets.map(({ label, args }) => {
    const r = spawnSync(helm, ['template', CHART_NAME, chartDir, '--namespace', CHART_NAMESPACE, ...args], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.error || r.status !== 0) throw new Error(`helm template (${label}) failed: ${r.error?.message ?? r.stderr}`);
    const objects = (yaml.loadAll(r.stdout) as (Obj | null)[])
      .filter((o): o is Obj => !!o)
      .map((o) => `${String(o.kind)}/${String((o.metadata as Obj | undefined)?.name)}`);
    return { label, yaml: r.stdout, objects };
  });
}

/** checkov's `kubernetes` framework on each chart render; results of identical objects merge. */
export function scanChart(checkov: string, renders: readonly ChartRender[], dir: string): CheckovReport {
  const reports = renders.map((r, i) => {
    const d = join(dir, `chart-${i}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, `${basename(r.label, '.yaml')}.yaml`), r.yaml);
    return runCheckov(checkov, d, 'kubernetes');
  });
  const uniq = (list: readonly CheckResult[]) => [
    ...new Map(list.map((c) => [`${c.checkId} ${c.resource}`, c] as const)).values(),
  ];
  return {
    framework: 'kubernetes',
    version: reports[0]?.version ?? 'unknown',
    resourceCount: Math.max(0, ...reports.map((r) => r.resourceCount)),
    passed: uniq(reports.flatMap((r) => r.passed)),
    failed: uniq(reports.flatMap((r) => r.failed)),
    skipped: uniq(reports.flatMap((r) => r.skipped)),
  };
}

/** checkov's `dockerfile` framework on the operator image's Dockerfile (copied into `dir`). */
export function scanDockerfile(checkov: string, dockerfile: string, dir: string): CheckovReport {
  mkdirSync(dir, { recursive: true });
  copyFileSync(dockerfile, join(dir, 'Dockerfile'));
  return runCheckov(checkov, dir, 'dockerfile');
}

/** Options of `runScan`. */
export interface ScanOptions {
  readonly checkov: string;
  readonly helm: string;
  /** The claim whose composed resources are judged. @default examples/claims/production.yaml */
  readonly claimFile?: string;
  /** @default scan/exceptions.yaml */
  readonly exceptionsFile?: string;
  /** Keep the scanned files here (a new or empty directory) instead of a temporary directory. */
  readonly keepDir?: string;
}

/** Everything one scan found. */
export interface ScanOutcome {
  readonly claimFile: string;
  readonly exceptionsFile: string;
  readonly chart: { readonly renders: readonly ChartRender[]; readonly report: CheckovReport };
  readonly terraform: { readonly conversion: Conversion; readonly report: CheckovReport };
  /** The operator image's Dockerfile. */
  readonly image: { readonly dockerfile: string; readonly report: CheckovReport };
  readonly exceptions: readonly ScanException[];
  readonly judgement: Judgement;
}

/** Runs the three scans (chart, composed resources, operator image) and applies the exceptions. */
export function runScan(opts: ScanOptions): ScanOutcome {
  const root = packageRoot();
  const claimFile = opts.claimFile ?? join(root, 'examples', 'claims', 'production.yaml');
  const exceptionsFile = opts.exceptionsFile ?? join(root, 'scan', 'exceptions.yaml');
  const exceptions = loadExceptions(exceptionsFile);
  if (opts.keepDir && existsSync(opts.keepDir) && readdirSync(opts.keepDir).length > 0) {
    throw new Error(`--keep ${opts.keepDir}: the directory must be new or empty`);
  }
  const dir = opts.keepDir ?? mkdtempSync(join(tmpdir(), 'pp-scan-'));
  try {
    const renders = renderChart(opts.helm, join(root, 'charts', CHART_NAME), join(root, 'scan', 'chart-values'));
    const chartReport = scanChart(opts.checkov, renders, join(dir, 'kubernetes'));
    const conversion = claimToTerraform(yaml.load(readFileSync(claimFile, 'utf8')));
    const tfReport = scanTerraform(opts.checkov, conversion, join(dir, 'terraform'));
    const dockerfile = join(root, 'Dockerfile');
    const imageReport = scanDockerfile(opts.checkov, dockerfile, join(dir, 'dockerfile'));
    const judgement = judge([...chartReport.failed, ...tfReport.failed, ...imageReport.failed], exceptions);
    return {
      claimFile,
      exceptionsFile,
      chart: { renders, report: chartReport },
      terraform: { conversion, report: tfReport },
      image: { dockerfile, report: imageReport },
      exceptions,
      judgement,
    };
  } finally {
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
  }
}

/** The scan's verdict as printed lines, ending with `checkov: N passed, N failed, N skipped`. */
export function formatOutcome(o: ScanOutcome, relative: (p: string) => string = (p) => p): string[] {
  const { chart, terraform, image, judgement } = o;
  const lines: string[] = [];
  const counts = (r: CheckovReport) => {
    const failed = judgement.failed.filter((f) => f.framework === r.framework).length;
    const excepted = judgement.excepted.filter((f) => f.result.framework === r.framework).length;
    return `${r.passed.length} passed, ${failed} failed, ${excepted} excepted, ${r.skipped.length} skipped`;
  };
  lines.push(
    `checkov ${chart.report.version} kubernetes: helm template ${CHART_NAME} (${chart.renders.map((r) => r.label).join(', ')}): ` +
      `${chart.report.resourceCount} objects: ${counts(chart.report)}`,
  );
  const c = terraform.conversion;
  const left = new Map<string, number>();
  for (const s of c.skipped) left.set(s.kind.split('/')[1] as string, (left.get(s.kind.split('/')[1] as string) ?? 0) + 1);
  lines.push(
    `checkov ${terraform.report.version} terraform: ${relative(o.claimFile)} as ${c.addresses.size} Terraform resources` +
      `${left.size ? ` (left out, not AWS resources: ${[...left].map(([k, n]) => `${n} ${k}`).join(', ')})` : ''}: ` +
      counts(terraform.report),
  );
  lines.push(
    `checkov ${image.report.version} dockerfile: ${relative(image.dockerfile)} (the operator image): ${counts(image.report)}`,
  );
  if (judgement.excepted.length > 0) {
    lines.push(`exceptions used (${relative(o.exceptionsFile)}):`);
    for (const { exception: e } of judgement.excepted) lines.push(`  ${e.check} ${e.resource}: ${e.reason}`);
  }
  for (const f of judgement.failed) lines.push(`FAILED ${f.checkId} ${f.resource}: ${f.checkName} [${f.framework}]`);
  for (const e of judgement.stale) {
    lines.push(
      `STALE ${e.check} ${e.resource}: the exception in ${relative(o.exceptionsFile)} matches no failure any more; remove it [${e.framework}]`,
    );
  }
  const reports = [chart.report, terraform.report, image.report];
  const passed = reports.reduce((n, r) => n + r.passed.length, 0);
  const failed = judgement.failed.length + judgement.stale.length;
  const skipped = judgement.excepted.length + reports.reduce((n, r) => n + r.skipped.length, 0);
  lines.push(`checkov: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return lines;
}

/** True when the scan passes: no failure without an exception and no stale exception. */
export function scanPassed(o: ScanOutcome): boolean {
  return o.judgement.failed.length === 0 && o.judgement.stale.length === 0;
}
