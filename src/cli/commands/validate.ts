/** `validate -f claim.yaml`: every check, every finding, with field path and rule. */
import { choiceFlag } from '../args.js';
import { checkClaim, STAGES, type CheckOutcome, type Stage } from '../checks.js';
import { loadClaim } from '../claim-input.js';
import { FILE_FLAGS, parseOrHelp, PROGRAM, requireFile, type Command } from '../command.js';
import { EXIT } from '../errors.js';
import { findingsTable } from '../findings-format.js';
import type { Style } from '../io.js';
import { toJson, toYaml } from '../output.js';

const FORMATS = ['table', 'json', 'yaml'] as const;

const help = `Validate a PaymentPlatform claim offline and print every finding, not just the first.

Stages, in order (a claim that fails the first is not rendered):
  schema     the XRD's OpenAPI schema (types, enums, patterns, bounds, unknown fields) and CEL rules
  provider   each rendered resource against its provider-upjet-aws schema, and the fields the
             provider requires only through CEL rules
  selectors  every *Selector matches the composed resource(s) it must
  pci        the PCI-DSS controls (src/policy); a control the environment relaxes is a warning
  naming     AWS naming limits (ALB and target group 32, bucket 63, RDS identifiers 63, ...)

The resources checked are those of the steady-state simulation, so that the ones created after
AWS reports outputs (bucket policies, flow log, alarms) are checked too.

Usage:
  ${PROGRAM} validate -f FILE [-o table|json|yaml]

Flags:
  -f, --filename FILE   the claim (YAML or JSON); - reads standard input
  -o, --output FORMAT   table (default), json or yaml
  -h, --help            show this help

Exit codes: 0 valid (warnings allowed), 1 at least one error finding, 2 usage or error.

Examples:
  ${PROGRAM} validate -f examples/claims/production.yaml
  ${PROGRAM} validate -f claim.yaml -o json | jq '.findings[] | .field'
`;

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

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a claim: schema + CEL, provider schemas, selectors, PCI controls, AWS names',
  help,
  async run(argv, ctx) {
    const p = parseOrHelp(this, argv, ctx, { ...FILE_FLAGS, output: { type: 'string', short: 'o' } });
    if (!p) return EXIT.ok;
    const format = choiceFlag(this.name, p, 'output', FORMATS, 'table');
    const { source, claim } = loadClaim(requireFile(this.name, p), ctx.io);
    const outcome = await checkClaim(claim);
    if (format === 'json') ctx.io.out(toJson(outcomeData(source, claim, outcome)));
    else if (format === 'yaml') ctx.io.out(toYaml([outcomeData(source, claim, outcome)]));
    else ctx.io.out(outcomeText(source, claim, outcome, ctx.style));
    return outcome.findings.some((f) => f.severity === 'error') ? EXIT.findings : EXIT.ok;
  },
};
