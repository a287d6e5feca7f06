/** `report NAME` (live) and `report -f claim.yaml` (simulation): PCI-DSS evidence per requirement. */
import type { Environment } from '../../apis/payment-platform.js';
import { evaluateControls } from '../../policy/evaluate.js';
import type { PolicyResource } from '../../policy/types.js';
import { renderClaim } from '../../render/claim.js';
import { renderSteadyState } from '../../render/steady-state.js';
import { choiceFlag, stringFlag } from '../args.js';
import { loadClaim } from '../claim-input.js';
import { FILE_FLAGS, fileFlag, parseOrHelp, PROGRAM, type Command, type Context } from '../command.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { buildEvidence, evidenceMarkdown, type EvidenceReport } from '../evidence.js';
import { reportInvalidClaim } from '../findings-format.js';
import { toJson } from '../output.js';
import { fetchPlatform } from '../status/cluster.js';
import { type Obj } from '../../apis/obj.js';
import { ANNOTATION_COMPOSITION_RESOURCE_NAME } from '../../apis/constants.js';

const FORMATS = ['markdown', 'json'] as const;

const help = `Print the PCI-DSS v4.0.1 evidence of a PaymentPlatform, per requirement: each control
(with its AWS Security Hub and checkov equivalents), the resource and field that meets it, the
value found and whether it passes. Controls are those of src/policy, shared with the operator.

  report NAME          live: the composed resources in the cluster, judged on spec.forProvider and,
                       where the spec does not set a field, on what AWS reported (status.atProvider)
  report -f FILE       offline: a SIMULATION of the claim's steady state (placeholder AWS status);
                       evidence of the configuration, not of an AWS account

Usage:
  ${PROGRAM} report NAME [-n NAMESPACE] [-o markdown|json]
  ${PROGRAM} report -f FILE [-o markdown|json]

Flags:
  -f, --filename FILE   report on a claim file instead of a live PaymentPlatform (- = stdin)
  -n, --namespace NS    namespace of the live PaymentPlatform (default: the context's)
  -o, --output FORMAT   markdown (default) or json
  -h, --help            show this help

Exit codes: 0 every required control passes, 1 a required control fails (or the claim is
invalid), 2 usage or error.

Examples:
  ${PROGRAM} report -f examples/claims/production.yaml > evidence.md
  ${PROGRAM} report payments-prod -n team-payments -o json
`;

const envOf = (xr: Obj): Environment =>
  (((xr.spec as Obj | undefined)?.parameters as Obj | undefined)?.environment ?? 'development') as Environment;

async function live(ctx: Context, name: string, namespace: string | undefined): Promise<EvidenceReport> {
  const cluster = ctx.connect();
  const ns = namespace ?? cluster.defaultNamespace;
  const got = await fetchPlatform(cluster, ns, name);
  if (!got) throw new CliError(`PaymentPlatform "${name}" not found in namespace "${ns}"`);
  const resources: PolicyResource[] = got.fetched.flatMap((f) => {
    if (!f.object) return [];
    const ann = (((f.object.metadata ?? {}) as Obj).annotations ?? {}) as Obj;
    const crn = ann[ANNOTATION_COMPOSITION_RESOURCE_NAME];
    return [{ name: typeof crn === 'string' ? crn : f.ref.name, resource: f.object }];
  });
  const environment = envOf(got.xr);
  const missing = got.fetched.filter((f) => !f.object).length;
  return buildEvidence(evaluateControls(resources, environment), {
    platform: { namespace: ns, name },
    environment,
    source: {
      mode: 'live',
      description: `live cluster: ${resources.length} composed resources (spec.forProvider, then status.atProvider)${missing ? `; ${missing} referenced resources not found` : ''}`,
    },
    generatedAt: new Date(ctx.io.now()).toISOString(),
  });
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'PCI-DSS evidence per requirement (NAME live, or -f claim.yaml simulated)',
  help,
  async run(argv, ctx) {
    const p = parseOrHelp(
      this,
      argv,
      ctx,
      { ...FILE_FLAGS, namespace: { type: 'string', short: 'n' }, output: { type: 'string', short: 'o' } },
      { min: 0, max: 1 },
    );
    if (!p) return EXIT.ok;
    const format = choiceFlag(this.name, p, 'output', FORMATS, 'markdown');
    const file = fileFlag(p);
    const name = p.positionals[0];
    if (file === undefined && name === undefined)
      throw new UsageError('"report" needs a PaymentPlatform NAME (live) or -f FILE (offline simulation)', this.name);
    if (file !== undefined && name !== undefined)
      throw new UsageError(
        `"report" takes a NAME (live) or -f FILE (offline), not both; got "${name}" and -f ${file}`,
        this.name,
      );
    let report: EvidenceReport;
    if (file !== undefined) {
      if (stringFlag(p, 'namespace') !== undefined)
        throw new UsageError('-n applies to a live report (report NAME), not to -f', this.name);
      const { source, claim } = loadClaim(file, ctx.io);
      const first = renderClaim(claim);
      if (first.findings.length > 0) {
        reportInvalidClaim(ctx.io, ctx.style, source, first.findings);
        return EXIT.findings;
      }
      const { final } = renderSteadyState(claim);
      const md = first.xr.metadata as Obj;
      const environment = envOf(first.xr);
      report = buildEvidence(evaluateControls(final.resources, environment), {
        platform: { namespace: String(md.namespace), name: String(md.name) },
        environment,
        source: {
          mode: 'simulation',
          description: `SIMULATION: ${source} rendered offline (steady state, placeholder AWS status values); ${final.resources.length} composed resources`,
        },
        generatedAt: new Date(ctx.io.now()).toISOString(),
      });
    } else {
      report = await live(ctx, name ?? '', stringFlag(p, 'namespace'));
    }
    ctx.io.out(format === 'json' ? toJson(report) : evidenceMarkdown(report));
    return report.summary.failed > 0 ? EXIT.findings : EXIT.ok;
  },
};
