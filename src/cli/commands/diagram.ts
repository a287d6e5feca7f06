/** `diagram -f claim.yaml`: composed resources and their references as a Mermaid graph. */
import { renderClaim } from '../../render/claim.js';
import { renderSteadyState } from '../../render/steady-state.js';
import { loadClaim } from '../claim-input.js';
import { requireOneFile, type CommandInput, type Context } from '../command.js';
import { packageCompositions } from '../../render/package-compositions.js';
import { collapseByKind, referenceGraph, toMermaid } from '../diagram.js';
import { EXIT } from '../errors.js';
import { reportInvalidClaim } from '../findings-format.js';
import { toJson } from '../output.js';

export async function run(input: CommandInput, ctx: Context): Promise<number> {
  const format = input.opts.output as 'mermaid' | 'markdown' | 'json';
  const by = input.opts.by as 'resource' | 'kind';
  const { source, claim } = loadClaim(requireOneFile(input), ctx.io);
  const compositions = packageCompositions();
  const first = renderClaim(claim, { compositions });
  if (first.findings.length > 0) {
    reportInvalidClaim(ctx.io, ctx.style, source, first.findings);
    return EXIT.findings;
  }
  const resources =
    input.opts.firstReconcile === true ? first.resources : renderSteadyState(claim, { compositions }).final.resources;
  const full = referenceGraph(resources);
  const graph = by === 'kind' ? collapseByKind(full) : full;
  const mermaid = toMermaid(graph);
  ctx.io.out(format === 'json' ? toJson(graph) : format === 'markdown' ? `\`\`\`mermaid\n${mermaid}\`\`\`\n` : mermaid);
  return EXIT.ok;
}
