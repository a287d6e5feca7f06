/**
 * `make scan` (through scripts/scan.sh, which installs the pinned checkov and helm):
 *
 *   node dist/src/scan/main.js --checkov PATH --helm PATH [--claim FILE] [--exceptions FILE] [--keep DIR]
 *
 * Prints one line per scan, the exceptions used, every failure and stale exception, and
 * `checkov: N passed, N failed, N skipped` (skipped: documented exceptions and checkov skips);
 * exits 1 when a check fails without an exception or an exception is stale, 2 on errors.
 */
import { relative, resolve } from 'node:path';
import { formatOutcome, runScan, scanPassed } from './scan.js';

function arg(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
}

function main(args: readonly string[]): number {
  const known = new Set(['--checkov', '--helm', '--claim', '--exceptions', '--keep']);
  for (const a of args) if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown option ${a}`);
  const checkov = arg(args, '--checkov') ?? process.env.CHECKOV;
  const helm = arg(args, '--helm') ?? process.env.HELM;
  if (!checkov || !helm) throw new Error('--checkov and --helm are required (scripts/scan.sh passes them)');
  const claim = arg(args, '--claim');
  const exceptions = arg(args, '--exceptions');
  const keep = arg(args, '--keep');
  const outcome = runScan({
    checkov,
    helm,
    ...(claim ? { claimFile: resolve(claim) } : {}),
    ...(exceptions ? { exceptionsFile: resolve(exceptions) } : {}),
    ...(keep ? { keepDir: resolve(keep) } : {}),
  });
  for (const line of formatOutcome(outcome, (p) => relative(process.cwd(), p))) console.log(line);
  if (keep) console.log(`scanned files kept in ${keep}`);
  return scanPassed(outcome) ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`scan: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
}
