/** `report NAME` (live) and `report -f claim.yaml` (simulation): PCI-DSS evidence per requirement. */
import type { Environment } from '../../apis/payment-platform.js';
import { evaluateControls } from '../../policy/evaluate.js';
import type { PolicyResource } from '../../policy/types.js';
import { renderClaim } from '../../render/claim.js';
import { renderSteadyState } from '../../render/steady-state.js';
import { loadClaim } from '../claim-input.js';
import { clusterOf, fileArgs, requireOneFile, stringOpt, type CommandInput, type Context } from '../command.js';
import { packageCompositions } from '../../render/package-compositions.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { buildEvidence, evidenceMarkdown, type EvidenceReport } from '../evidence.js';
import { reportInvalidClaim } from '../findings-format.js';
import { toJson } from '../output.js';
import { fetchPlatform } from '../status/cluster.js';
import { type Obj } from '../../apis/obj.js';
import { ANNOTATION_COMPOSITION_RESOURCE_NAME } from '../../apis/constants.js';

const envOf = (xr: Obj): Environment =>
  (((xr.spec as Obj | undefined)?.parameters as Obj | undefined)?.environment ?? 'development') as Environment;

async function live(ctx: Context, name: string, namespace: string | undefined): Promise<EvidenceReport> {
  const cluster = await clusterOf(ctx);
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

export async function run(input: CommandInput, ctx: Context): Promise<number> {
  const format = input.opts.output as 'markdown' | 'json';
  const files = fileArgs(input);
  const name = input.args[0];
  if (files.length === 0 && name === undefined)
    throw new UsageError('"report" needs a PaymentPlatform NAME (live) or -f FILE (offline simulation)', input.command);
  if (files.length > 0 && name !== undefined)
    throw new UsageError(
      `"report" takes a NAME (live) or -f FILE (offline), not both; got "${name}" and -f ${files.join(' -f ')}`,
      input.command,
    );
  let report: EvidenceReport;
  if (files.length > 0) {
    if (stringOpt(input, 'namespace') !== undefined)
      throw new UsageError('-n applies to a live report (report NAME), not to -f', input.command);
    const { source, claim } = loadClaim(requireOneFile(input), ctx.io);
    const compositions = packageCompositions();
    const first = renderClaim(claim, { compositions });
    if (first.findings.length > 0) {
      reportInvalidClaim(ctx.io, ctx.style, source, first.findings);
      return EXIT.findings;
    }
    const { final } = renderSteadyState(claim, { compositions });
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
    report = await live(ctx, name ?? '', stringOpt(input, 'namespace'));
  }
  ctx.io.out(format === 'json' ? toJson(report) : evidenceMarkdown(report));
  return report.summary.failed > 0 ? EXIT.findings : EXIT.ok;
}
