/**
 * Runs checkov on a directory and reads its JSON report. checkov exits 1 when a check failed;
 * the scanner decides pass or fail itself (after the exceptions), so only a report that cannot be
 * read, or parsing errors in the scanned files, are errors here.
 */
import { spawnSync } from 'node:child_process';
import { type Obj } from '../apis/obj.js';

/** The checkov frameworks the scanner uses. */
export const FRAMEWORKS = ['terraform', 'kubernetes', 'dockerfile'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** One check result on one resource. */
export interface CheckResult {
  readonly framework: Framework;
  readonly checkId: string;
  readonly checkName: string;
  /** checkov's resource id: `aws_s3_bucket.bucket_assets`, `Deployment.crossplane-system.name`. */
  readonly resource: string;
  /** The scanned file, relative to the scanned directory. */
  readonly file: string;
}

/** What one checkov run found. */
export interface CheckovReport {
  readonly framework: Framework;
  readonly version: string;
  readonly resourceCount: number;
  readonly passed: readonly CheckResult[];
  readonly failed: readonly CheckResult[];
  readonly skipped: readonly CheckResult[];
}

function results(framework: Framework, list: unknown): CheckResult[] {
  return (Array.isArray(list) ? (list as Obj[]) : []).map((r) => ({
    framework,
    checkId: String(r.check_id),
    checkName: String(r.check_name ?? ''),
    resource: String(r.resource),
    file: String(r.file_path ?? ''),
  }));
}

/**
 * Parses checkov's `-o json` output for one framework: an object per framework (a list when
 * several ran), or only a summary when there was nothing to scan.
 */
export function parseCheckovJson(stdout: string, framework: Framework): CheckovReport {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new Error(`checkov did not print a JSON report; it printed:\n${stdout.slice(0, 2000)}`);
  }
  const reports = (Array.isArray(data) ? data : [data]) as Obj[];
  const report = reports.find((r) => r.check_type === framework) ?? (reports.length === 1 ? reports[0] : undefined);
  if (!report) throw new Error(`checkov's report has no ${framework} section`);
  const summary = (report.summary ?? report) as Obj;
  const res = (report.results ?? {}) as Obj;
  if (Number(summary.parsing_errors ?? 0) > 0) {
    const files = Array.isArray(res.parsing_errors) ? (res.parsing_errors as unknown[]).join(', ') : '';
    throw new Error(`checkov could not parse ${String(summary.parsing_errors)} file(s) it was given: ${files}`);
  }
  return {
    framework,
    version: String(summary.checkov_version ?? 'unknown'),
    resourceCount: Number(summary.resource_count ?? 0),
    passed: results(framework, res.passed_checks),
    failed: results(framework, res.failed_checks),
    skipped: results(framework, res.skipped_checks),
  };
}

/** Runs `checkov -d DIR --framework FRAMEWORK -o json` with the given binary and parses the report. */
export function runCheckov(checkov: string, dir: string, framework: Framework): CheckovReport {
  const r = spawnSync(checkov, ['-d', dir, '--framework', framework, '-o', 'json', '--skip-download', '--compact'], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    // No telemetry, no network: the guidelines download is off (--skip-download), and so are
    // version checks and the progress bar.
    env: {
      ...process.env,
      BC_SKIP_MAPPING: 'TRUE',
      CHECKOV_NO_VERSION_CHECK: 'TRUE',
      LOG_LEVEL: 'ERROR',
      ANSI_COLORS_DISABLED: '1',
    },
  });
  if (r.error) throw new Error(`cannot run checkov (${checkov}): ${r.error.message}`);
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`checkov exited with ${String(r.status ?? r.signal)} on ${dir}:\n${(r.stderr || r.stdout).slice(-4000)}`);
  }
  return parseCheckovJson(r.stdout, framework);
}
