/**
 * Documented exceptions to the scanner's checks (scan/exceptions.yaml): each one names one check
 * on one resource and says why it does not apply. A failure without an exception fails the scan,
 * and so does an exception that no longer matches a failure (it would otherwise outlive the
 * reason it was written for and hide a future regression).
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { FRAMEWORKS, type CheckResult, type Framework } from './checkov.js';

/** One documented exception. */
export interface ScanException {
  readonly framework: Framework;
  /** checkov check id, e.g. `CKV_AWS_145`. */
  readonly check: string;
  /** checkov resource id, e.g. `aws_s3_bucket.bucket_flow_logs`. */
  readonly resource: string;
  /** Why the check does not apply to this resource (required). */
  readonly reason: string;
}

const KEYS = new Set(['framework', 'check', 'resource', 'reason']);

/** Parses and validates the exceptions file's text; throws naming every invalid entry. */
export function parseExceptions(text: string, source = 'exceptions'): ScanException[] {
  const doc = (yaml.load(text) ?? {}) as Record<string, unknown>;
  const list = doc.exceptions ?? [];
  if (!Array.isArray(list)) throw new Error(`${source}: 'exceptions' must be a list`);
  const problems: string[] = [];
  const out: ScanException[] = [];
  const seen = new Set<string>();
  list.forEach((e: unknown, i) => {
    const where = `${source}: exceptions[${i}]`;
    if (typeof e !== 'object' || e === null) {
      problems.push(`${where} must be a mapping`);
      return;
    }
    const entry = e as Record<string, unknown>;
    for (const k of Object.keys(entry)) if (!KEYS.has(k)) problems.push(`${where}: unknown key '${k}'`);
    const { framework, check, resource, reason } = entry;
    if (!(FRAMEWORKS as readonly string[]).includes(String(framework)))
      problems.push(`${where}: framework must be one of ${FRAMEWORKS.join(', ')}`);
    if (typeof check !== 'string' || !/^CKV2?_[A-Z0-9]+_[0-9]+$/.test(check))
      problems.push(`${where}: check must be a checkov id`);
    if (typeof resource !== 'string' || resource === '') problems.push(`${where}: resource must be a checkov resource id`);
    if (typeof reason !== 'string' || reason.trim().length < 20)
      problems.push(`${where}: reason must say why (20 characters at least)`);
    const key = `${String(framework)} ${String(check)} ${String(resource)}`;
    if (seen.has(key)) problems.push(`${where}: duplicate of an earlier exception (${key})`);
    seen.add(key);
    out.push({
      framework: framework as Framework,
      check: String(check),
      resource: String(resource),
      reason: String(reason).trim().replace(/\s+/g, ' '),
    });
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return out;
}

/** Reads and validates an exceptions file. */
export function loadExceptions(file: string): ScanException[] {
  return parseExceptions(readFileSync(file, 'utf8'), file);
}

/** Failures split by the exceptions, and the exceptions that matched nothing. */
export interface Judgement {
  /** Failures no exception covers: each fails the scan. */
  readonly failed: readonly CheckResult[];
  /** Failures an exception covers, with it. */
  readonly excepted: readonly { readonly result: CheckResult; readonly exception: ScanException }[];
  /** Exceptions that match no failure: each fails the scan. */
  readonly stale: readonly ScanException[];
}

const matches = (e: ScanException, r: CheckResult) =>
  e.framework === r.framework && e.check === r.checkId && e.resource === r.resource;

/** Applies the exceptions to the failed checks. */
export function judge(failed: readonly CheckResult[], exceptions: readonly ScanException[]): Judgement {
  const excepted: { result: CheckResult; exception: ScanException }[] = [];
  const remaining: CheckResult[] = [];
  for (const r of failed) {
    const e = exceptions.find((x) => matches(x, r));
    if (e) excepted.push({ result: r, exception: e });
    else remaining.push(r);
  }
  const stale = exceptions.filter((e) => !failed.some((r) => matches(e, r)));
  return { failed: remaining, excepted, stale };
}
