/** The compliance table of the README, generated from the controls so that it cannot drift. */
import { ENVIRONMENTS } from '../apis/payment-platform.js';
import { CONTROLS } from './controls.js';
import type { Control } from './types.js';

/**
 * Controls that development and staging may relax: cost-heavy or production-only protections,
 * never credentials, encryption or network exposure. The README and the tests read this list.
 */
export const relaxedOutsideProduction = (controls: readonly Control[] = CONTROLS): Control[] =>
  controls.filter((c) => !ENVIRONMENTS.every((e) => c.environments.includes(e)));

export function complianceTable(controls: readonly Control[] = CONTROLS): string {
  const rows = [
    '| Control | PCI DSS v4.0.1 | Security Hub | checkov | Resource | Field | Expected | Required in |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of controls) {
    const where = c.environments.length === ENVIRONMENTS.length ? 'all' : c.environments.join(', ');
    const resource = c.resources ? `${c.kind} \`${c.resources}\`` : c.kind;
    rows.push(
      `| \`${c.id}\` ${c.title} | ${c.pci.join(', ')} | ${c.securityHub.join(', ')} | ${c.checkov.join(', ')} | ${resource} | \`${c.field}\` | ${c.expected.replaceAll('|', '\\|')} | ${where} |`,
    );
  }
  return rows.join('\n');
}
