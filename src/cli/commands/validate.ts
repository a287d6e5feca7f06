/** `validate -f claim.yaml`: every check of every claim, every finding, with field path and rule. */
import { createRequire } from 'node:module';
import { checkClaim, STAGES, type CheckOutcome, type Stage } from '../checks.js';
import { loadClaims } from '../claim-input.js';
import { requireFiles, type CommandInput, type Context } from '../command.js';
import { packageCompositions } from '../../render/package-compositions.js';
import { CliError, EXIT } from '../errors.js';
import { findingsTable } from '../findings-format.js';
import type { Style } from '../io.js';
import { toJson, toYaml } from '../output.js';
import { packageRoot } from '../../paths.js';
import { PROVIDER_MODELS, useProviderModelsBundle } from '../../render/provider-checks.js';

const DESCRIPTIONS: Readonly<Record<Stage, string>> = {
  schema: 'XRD schema and CEL rules',
  provider: 'provider-upjet-aws schemas and CEL-required fields',
  selectors: 'selectors resolve to composed resources',
  pci: 'PCI-DSS controls',
  naming: 'AWS naming limits',
};

/** The validation outcome as data (for -o json|yaml). */
export function outcomeData(source: string, claim: Record<string, unknown>, o: CheckOutcome): Record<string, unknown> {
  const md = (claim.metadata ?? {}) as Record<string, unknown>;
  return {
    source,
    name: md.name,
    namespace: md.namespace,
    ...(o.environment ? { environment: o.environment } : {}),
    valid: !o.findings.some((f) => f.severity === 'error'),
    stages: STAGES.map((s) => ({
      stage: s,
      run: o.stagesRun.includes(s),
      errors: o.findings.filter((f) => f.stage === s && f.severity === 'error').length,
      warnings: o.findings.filter((f) => f.stage === s && f.severity === 'warning').length,
    })),
    resources: o.resourceCount,
    findings: o.findings,
  };
}

/** The validation outcome for people: a line per stage, then the findings table and a summary. */
export function outcomeText(source: string, claim: Record<string, unknown>, o: CheckOutcome, style: Style): string {
  const md = (claim.metadata ?? {}) as Record<string, unknown>;
  const who = `${String(md.namespace ?? 'default')}/${String(md.name ?? '(no name)')}`;
  const lines = [`${style.bold(source)}: PaymentPlatform ${who}${o.environment ? ` (${o.environment})` : ''}`];
  for (const s of STAGES) {
    const errors = o.findings.filter((f) => f.stage === s && f.severity === 'error').length;
    const warnings = o.findings.filter((f) => f.stage === s && f.severity === 'warning').length;
    const mark = !o.stagesRun.includes(s)
      ? style.dim('-')
      : errors > 0
        ? style.red('✗')
        : warnings > 0
          ? style.yellow('!')
          : style.green('✓');
    const detail = !o.stagesRun.includes(s)
      ? 'skipped (the claim is invalid)'
      : errors + warnings === 0
        ? 'ok'
        : [
            errors ? `${errors} error${errors === 1 ? '' : 's'}` : '',
            warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '',
          ]
            .filter(Boolean)
            .join(', ');
    lines.push(
      `  ${mark} ${s.padEnd(9)} ${DESCRIPTIONS[s]}${s === 'provider' && o.resourceCount ? ` (${o.resourceCount} resources)` : ''}: ${detail}`,
    );
  }
  let text = `${lines.join('\n')}\n`;
  if (o.findings.length > 0) text += `\n${findingsTable(o.findings, style)}`;
  const errors = o.findings.filter((f) => f.severity === 'error').length;
  const warnings = o.findings.length - errors;
  text +=
    errors > 0
      ? `\n${style.red('invalid')}: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`
      : `\n${style.green('valid')}${warnings ? ` with ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`;
  return text;
}

/** Without the bundle, validate imports the provider models by kind: without node_modules every kind would be a finding. */
function requireProviderModels(): void {
  try {
    createRequire(import.meta.url).resolve(`${PROVIDER_MODELS}/package.json`);
  } catch {
    throw new CliError(
      `a dependency is missing (${PROVIDER_MODELS}): run \`npm ci\` (or \`make build\`) in the payment-platform checkout`,
    );
  }
}

export async function run(input: CommandInput, ctx: Context): Promise<number> {
  const format = input.opts.output as 'table' | 'json' | 'yaml';
  const claims = loadClaims(requireFiles(input), ctx.io);
  // the build's bundle holds every kind the Compositions compose; node_modules is needed without it
  if (!(await useProviderModelsBundle(packageRoot()))) requireProviderModels();
  const compositions = packageCompositions();
  const data: Record<string, unknown>[] = [];
  const texts: string[] = [];
  let invalid = false;
  for (const { source, claim } of claims) {
    const outcome = await checkClaim(claim, { compositions });
    invalid ||= outcome.findings.some((f) => f.severity === 'error');
    if (format === 'table') texts.push(outcomeText(source, claim, outcome, ctx.style));
    else data.push(outcomeData(source, claim, outcome));
  }
  // One claim: one object, as before; several: a list, in the order given.
  const value = data.length === 1 ? data[0] : data;
  if (format === 'json') ctx.io.out(toJson(value));
  else if (format === 'yaml') ctx.io.out(toYaml([value]));
  else ctx.io.out(texts.join('\n'));
  return invalid ? EXIT.findings : EXIT.ok;
}
