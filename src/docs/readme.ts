/**
 * The generated sections of the README (between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->` markers): the architecture diagram and the parity table.
 */
import { KIND } from '../apis/constants.js';
import type { PaymentPlatformComposition } from '../composition/composition.js';
import { parityTable } from '../composition/parity.js';
import { complianceTable } from '../policy/report.js';

export function architectureDiagram(composition: PaymentPlatformComposition): string {
  const lines = [
    '```mermaid',
    'flowchart LR',
    `  claim["${KIND}<br/>(namespaced claim)"] --> xrd["XRD: schema + CEL admission"]`,
  ];
  lines.push('  xrd --> pt["function-patch-and-transform"] --> filter["function-cel-filter"] --> ready["function-auto-ready"]');
  for (const s of composition.subsystems) {
    const kinds = [...new Set(s.resources.map((r) => String(r.base.kind)))].join(', ');
    lines.push(`  ready --> ${s.node.id}["${s.node.id}: ${s.resources.length} resources<br/>${kinds}"]`);
  }
  lines.push(`  endpoints -. outputs .-> claim`, '```');
  return lines.join('\n');
}

export function fillReadme(readme: string, sections: Record<string, string>): string {
  let out = readme;
  for (const [name, body] of Object.entries(sections)) {
    const re = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!re.test(out)) throw new Error(`README.md has no <!-- generated:${name} --> section`);
    out = out.replace(re, `$1${body}\n$2`);
  }
  return out;
}

export const readmeSections = (composition: PaymentPlatformComposition): Record<string, string> => ({
  diagram: architectureDiagram(composition),
  parity: parityTable(),
  compliance: complianceTable(),
});
