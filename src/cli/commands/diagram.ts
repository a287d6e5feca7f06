/** `diagram -f claim.yaml`: composed resources and their references as a Mermaid graph. */
import { renderClaim } from '../../render/claim.js';
import { renderSteadyState } from '../../render/steady-state.js';
import { boolFlag, choiceFlag } from '../args.js';
import { loadClaim } from '../claim-input.js';
import { FILE_FLAGS, parseOrHelp, PROGRAM, requireFile, type Command } from '../command.js';
import { collapseByKind, referenceGraph, toMermaid } from '../diagram.js';
import { EXIT } from '../errors.js';
import { reportInvalidClaim } from '../findings-format.js';
import { toJson } from '../output.js';

const FORMATS = ['mermaid', 'markdown', 'json'] as const;

const help = `Draw the resources a claim composes and their references as a Mermaid flowchart: one
node per composed resource (grouped by AWS service), one edge per reference, labelled with the
field (a *Selector resolved by label, as the provider resolves it).

The resources are those of the steady state (a simulation: resources that wait for AWS outputs,
such as bucket policies and alarms, are included); --first-reconcile draws only what Crossplane
creates first.

Usage:
  ${PROGRAM} diagram -f FILE [--by resource|kind] [-o mermaid|markdown|json] [--first-reconcile]

Flags:
  -f, --filename FILE    the claim (YAML or JSON); - reads standard input
      --by WHAT          resource (default): a node per resource; kind: a node per kind
  -o, --output FORMAT    mermaid (default), markdown (a fenced mermaid block) or json (nodes, edges)
      --first-reconcile  only the resources of the first reconcile
  -h, --help             show this help

Exit codes: 0 drawn, 1 the claim is invalid (findings on stderr), 2 usage or error.

Examples:
  ${PROGRAM} diagram -f examples/claims/production.yaml -o markdown > architecture.md
  ${PROGRAM} diagram -f examples/claims/minimal.yaml --by kind
`;

export const diagramCommand: Command = {
  name: 'diagram',
  summary: 'Composed resources and their references as a Mermaid graph (-f claim.yaml)',
  help,
  async run(argv, ctx) {
    const p = parseOrHelp(this, argv, ctx, {
      ...FILE_FLAGS,
      by: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'first-reconcile': { type: 'boolean' },
    });
    if (!p) return EXIT.ok;
    const format = choiceFlag(this.name, p, 'output', FORMATS, 'mermaid');
    const by = choiceFlag(this.name, p, 'by', ['resource', 'kind'] as const, 'resource');
    const { source, claim } = loadClaim(requireFile(this.name, p), ctx.io);
    const first = renderClaim(claim);
    if (first.findings.length > 0) {
      reportInvalidClaim(ctx.io, ctx.style, source, first.findings);
      return EXIT.findings;
    }
    const resources = boolFlag(p, 'first-reconcile') ? first.resources : renderSteadyState(claim).final.resources;
    const full = referenceGraph(resources);
    const graph = by === 'kind' ? collapseByKind(full) : full;
    const mermaid = toMermaid(graph);
    ctx.io.out(format === 'json' ? toJson(graph) : format === 'markdown' ? `\`\`\`mermaid\n${mermaid}\`\`\`\n` : mermaid);
    return EXIT.ok;
  },
};
