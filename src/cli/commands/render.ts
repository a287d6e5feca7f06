/** `render -f claim.yaml`: the composed resources of a claim, offline. */
import { choiceFlag, boolFlag } from '../args.js';
import { loadClaim } from '../claim-input.js';
import { FILE_FLAGS, parseOrHelp, PROGRAM, requireFile, type Command } from '../command.js';
import { EXIT } from '../errors.js';
import { reportInvalidClaim } from '../findings-format.js';
import { table, toJson, toYaml } from '../output.js';
import { renderClaim } from '../../render/claim.js';
import type { ComposedOutput } from '../../render/render.js';
import { renderSteadyState } from '../../render/steady-state.js';
import { type Obj } from '../../apis/obj.js';

const FORMATS = ['yaml', 'json', 'table'] as const;

const help = `Render the resources a PaymentPlatform claim composes, offline, in milliseconds.

The claim is validated against the XRD (schema and CEL rules) and rendered with the generated
Composition by the project's offline renderer: the subset of function-patch-and-transform,
function-cel-filter and function-auto-ready that the Composition uses (anything outside it is an
error, never a guess). The end-to-end suite pins it to the real \`crossplane render\`.

By default the output is the first reconcile: what Crossplane creates when the claim is applied.
Resources that wait for outputs of others (bucket policies, flow log, alarms) are not there yet;
a note on stderr names them. --steady-state shows the resources after AWS has answered, with
SIMULATED status values (placeholder ids, ARNs and endpoints, account 123456789012): a preview,
not what AWS will return.

Usage:
  ${PROGRAM} render -f FILE [-o yaml|json|table] [--steady-state]

Flags:
  -f, --filename FILE   the claim (YAML or JSON); - reads standard input
  -o, --output FORMAT   yaml (default; one document per resource), json (a List) or table
      --steady-state    render after a simulated AWS response (see above)
  -h, --help            show this help

Exit codes: 0 rendered, 1 the claim is invalid (findings on stderr), 2 usage or error.

Examples:
  ${PROGRAM} render -f examples/claims/minimal.yaml -o table
  ${PROGRAM} render -f examples/claims/production.yaml --steady-state -o json
`;

const awsName = (r: Obj): string => {
  const md = (r.metadata ?? {}) as Obj;
  const ext = ((md.annotations ?? {}) as Obj)['crossplane.io/external-name'];
  const fp = ((r.spec as Obj | undefined)?.forProvider ?? {}) as Obj;
  const tags = (fp.tags ?? {}) as Obj;
  const v = ext ?? fp.name ?? tags.Name ?? md.name;
  return typeof v === 'string' ? v : '-';
};

/** The resources as the chosen format. */
export function formatResources(resources: readonly ComposedOutput[], format: (typeof FORMATS)[number]): string {
  switch (format) {
    case 'json':
      return toJson({ apiVersion: 'v1', kind: 'List', items: resources.map((r) => r.resource) });
    case 'table':
      return table(
        ['RESOURCE', 'KIND', 'API VERSION', 'AWS NAME'],
        resources.map((r) => [r.name, String(r.resource.kind), String(r.resource.apiVersion), awsName(r.resource)]),
      );
    default:
      return toYaml(resources.map((r) => r.resource));
  }
}

/** Names of resources the first reconcile holds back (function-patch-and-transform's warnings). */
export const heldBack = (warnings: readonly string[]): string[] =>
  warnings.flatMap((w) => /^not adding new composed resource "([^"]+)"/.exec(w)?.[1] ?? []);

export const renderCommand: Command = {
  name: 'render',
  summary: 'Render the resources a claim composes, offline (-f claim.yaml)',
  help,
  async run(argv, ctx) {
    const p = parseOrHelp(this, argv, ctx, {
      ...FILE_FLAGS,
      output: { type: 'string', short: 'o' },
      'steady-state': { type: 'boolean' },
    });
    if (!p) return EXIT.ok;
    const format = choiceFlag(this.name, p, 'output', FORMATS, 'yaml');
    const { source, claim } = loadClaim(requireFile(this.name, p), ctx.io);
    const first = renderClaim(claim);
    if (first.findings.length > 0) {
      reportInvalidClaim(ctx.io, ctx.style, source, first.findings);
      return EXIT.findings;
    }
    if (boolFlag(p, 'steady-state')) {
      const { final } = renderSteadyState(claim);
      ctx.io.out(formatResources(final.resources, format));
      ctx.io.err(`note: ${final.resources.length} resources after a SIMULATED AWS response (placeholder status values)\n`);
      return EXIT.ok;
    }
    ctx.io.out(formatResources(first.resources, format));
    const held = heldBack(first.warnings);
    const other = first.warnings.filter((w) => !/^not adding new composed resource/.test(w));
    for (const w of other) ctx.io.err(`warning: ${w}\n`);
    if (held.length > 0)
      ctx.io.err(
        `note: ${first.resources.length} resources on the first reconcile; ${held.length} more wait for outputs of others (${held.join(', ')}); --steady-state shows them\n`,
      );
    return EXIT.ok;
  },
};
