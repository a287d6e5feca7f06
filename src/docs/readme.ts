/**
 * The generated sections of the README (between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->` markers): the architecture diagram and the parity table.
 */
import { KIND } from '../apis/constants.js';
import type { PaymentPlatformComposition } from '../composition/composition.js';
import { parityTable } from '../composition/parity.js';
import { collapseByKind, mermaidId, referenceGraph, toMermaid } from '../cli/diagram.js';
import { complianceTable } from '../policy/report.js';

/**
 * The README's architecture diagram, drawn by the CLI's diagram code (`kubectl payments diagram`)
 * from the Composition's templates: one node per kind (with its count), grouped by subsystem,
 * and one edge per kind of reference (`*Selector` fields and Usages, resolved by label).
 */
export function architectureDiagram(composition: PaymentPlatformComposition): string {
  const subsystemOf = new Map(composition.resources.map((r) => [r.name, r.subsystem]));
  const templates = composition.resources.map((r) => ({ name: r.name, resource: r.base }));
  const graph = collapseByKind(referenceGraph(templates, (r) => subsystemOf.get(r.name) ?? 'other'));
  const groups = [...new Set(graph.nodes.map((n) => n.group))];
  const mermaid = toMermaid(graph, {
    header: [
      `  claim["${KIND}<br/>(namespaced claim)"] --> xrd["XRD: schema + CEL admission"]`,
      '  xrd --> pt["function-patch-and-transform"] --> filter["function-cel-filter"] --> ready["function-auto-ready"]',
    ],
    extra: [
      ...groups.map((g) => `  ready --> ${mermaidId(`g_${g}`)}`),
      ...(graph.nodes.some((n) => n.kind === 'ConfigMap') ? ['  ConfigMap -. outputs .-> claim'] : []),
    ],
  });
  return ['```mermaid', mermaid.trimEnd(), '```'].join('\n');
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
