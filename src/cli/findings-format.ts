/** How findings are printed: one per line with stage, resource, field path and rule. */
import type { Finding } from '../apis/validate.js';
import type { CheckFinding } from './checks.js';
import { PROGRAM } from './command.js';
import type { Io, Style } from './io.js';
import { table } from './output.js';

/** The message without a leading `field: ` (the field has its own column). */
export function bareMessage(field: string, message: string): string {
  const prefix = `${field}: `;
  return field !== '' && message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

/** Findings as an aligned table: SEVERITY STAGE RESOURCE FIELD RULE MESSAGE. */
export function findingsTable(findings: readonly CheckFinding[], style: Style): string {
  return table(
    ['SEVERITY', 'STAGE', 'RESOURCE', 'FIELD', 'RULE', 'MESSAGE'],
    findings.map((f) => {
      const msg =
        f.resource !== undefined && f.message.startsWith(`${f.resource} `) ? f.message.slice(f.resource.length + 1) : f.message;
      const shortMsg = msg.replace(/^\([A-Za-z]+\) /, '');
      return [
        f.severity === 'error' ? style.red('error') : style.yellow('warning'),
        f.stage,
        f.resource ?? '-',
        f.field || '-',
        f.rule,
        bareMessage(f.field, shortMsg),
      ];
    }),
  );
}

/**
 * Tells the user on stderr that the claim is invalid (a command that needs a valid claim, such
 * as render, stops here with exit code 1).
 */
export function reportInvalidClaim(io: Io, style: Style, source: string, findings: readonly Finding[]): void {
  const n = findings.length;
  io.err(`${style.red('error')}: ${source} is not a valid PaymentPlatform (${n} finding${n === 1 ? '' : 's'}):\n`);
  for (const f of findings) io.err(`  ${f.field || '(object)'} [${f.rule}]: ${bareMessage(f.field, f.message)}\n`);
  io.err(`Run "${PROGRAM} validate -f ${source === '<stdin>' ? '-' : source}" for every check.\n`);
}
