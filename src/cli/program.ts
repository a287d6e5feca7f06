/**
 * The command line of `kubectl payments`, declared once: every command's flags, arguments and
 * help text, on the project's flag system (src/util/flags.ts, commander). The help is generated
 * from these declarations. A command's implementation (src/cli/commands/*.ts) is imported only
 * when that command runs, so `--help`, `--version` and the offline commands never load the
 * Kubernetes client, and no command loads another's code.
 */
import { collect, Command, durationValue, Option } from '../util/flags.js';
import { DURATION_HINT } from '../util/duration.js';
import { PROGRAM, type CommandModule } from './command.js';

/** One command: what the help shows, the flags it parses and where its code is. */
export interface CommandSpec {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Paragraphs shown above the flags. */
  readonly description: string;
  /** Positional arguments, commander syntax (`<name>` required, `[name]` optional). */
  readonly args?: readonly string[];
  readonly options: () => readonly Option[];
  /** Shown below the flags: notes, exit codes, examples. */
  readonly after: string;
  readonly load: () => Promise<CommandModule>;
}

const fileOptions = (what = 'a claim (YAML or JSON), or a directory of them; - reads standard input; repeatable'): Option[] => [
  new Option('-f, --filename <file>', what).argParser(collect),
  new Option('--file <file>', 'same as --filename').argParser(collect).hideHelp(),
];

const output = (formats: readonly string[], description: string): Option =>
  new Option('-o, --output <format>', description).choices(formats).default(formats[0]);

const exitCodes = (text: string): string => `\nExit codes: ${text}\n`;
const examples = (...lines: string[]): string => `\nExamples:\n${lines.map((l) => `  ${PROGRAM} ${l}`).join('\n')}\n`;

/** The commands, in the order the help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'render',
    summary: 'Render the resources a claim composes, offline (-f claim.yaml)',
    description: `Render the resources PaymentPlatform claims compose, offline.

The claim is validated against the XRD (schema and CEL rules) and rendered with the generated
Composition by the project's offline renderer: the subset of function-patch-and-transform,
function-cel-filter and function-auto-ready that the Composition uses (anything outside it is an
error, never a guess). The end-to-end suite pins it to the real \`crossplane render\`.

The Composition is the one the claim names (spec.crossplane.compositionRef), else the single
Composition. A claim of the nested layout is rendered through every level: its internal XRs are
listed, then what each composes.

By default the output is the first reconcile: what Crossplane creates when the claim is applied.
Resources that wait for outputs of others (bucket policies, flow log, alarms) are not there yet;
a note on stderr names them. --steady-state shows the resources after AWS has answered, with
SIMULATED status values (placeholder ids, ARNs and endpoints, account 123456789012): a preview,
not what AWS will return.

Several -f (files, directories, -) render every PaymentPlatform they hold, in order.`,
    options: () => [
      ...fileOptions(),
      output(['yaml', 'json', 'table'], 'yaml: one document per resource; json: a List; table'),
      new Option('--steady-state', 'render after a simulated AWS response (see above)'),
    ],
    after:
      exitCodes('0 rendered, 1 a claim is invalid (findings on stderr), 2 usage or error.') +
      examples(
        'render -f examples/claims/minimal.yaml -o table',
        'render -f examples/claims/production.yaml --steady-state -o json',
      ),
    load: () => import('./commands/render.js'),
  },
  {
    name: 'validate',
    summary: 'Check a claim: schema + CEL, provider schemas, selectors, PCI controls, AWS names',
    description: `Validate PaymentPlatform claims offline and print every finding, not just the first.

Stages, in order (a claim that fails the first is not rendered):
  schema     the XRD's OpenAPI schema (types, enums, patterns, bounds, unknown fields) and CEL rules
  provider   each rendered resource against its provider-upjet-aws schema, and the fields the
             provider requires only through CEL rules
  selectors  every *Selector matches the composed resource(s) it must
  pci        the PCI-DSS controls (src/policy); a control the environment relaxes is a warning
  naming     AWS naming limits (ALB and target group 32, bucket 63, RDS identifiers 63, ...)

The resources checked are those of the steady-state simulation, so that the ones created after
AWS reports outputs (bucket policies, flow log, alarms) are checked too.

Several -f (files, directories, -) validate every PaymentPlatform they hold; with -o json|yaml
the output is then a list.`,
    options: () => [...fileOptions(), output(['table', 'json', 'yaml'], 'table, json or yaml')],
    after:
      exitCodes('0 valid (warnings allowed), 1 at least one error finding, 2 usage or error.') +
      examples('validate -f examples/claims/production.yaml', "validate -f claims/ -o json | jq '.[].findings[] | .field'"),
    load: () => import('./commands/validate.js'),
  },
  {
    name: 'status',
    summary: 'Live status of a PaymentPlatform and every composed resource (NAME [-n NS] [--watch])',
    description: `Show a live PaymentPlatform: its conditions, every composed resource (Crossplane v2's
spec.crossplane.resourceRefs) with Ready, Synced and age, a progress line (17/43 ready) and the
FULL message of everything failing, the deepest cause first: managed resources before the
PaymentPlatform, the provider's last async operation before Synced before Ready, and for a
chained message ("a: b: api error X: y") its innermost cause on its own line.

Reads the cluster of the current kubeconfig context ($KUBECONFIG or ~/.kube/config), as kubectl.`,
    args: ['<name>'],
    options: () => [
      new Option('-n, --namespace <ns>', 'namespace of the PaymentPlatform (default: the context\'s, else "default")'),
      output(['table', 'json', 'yaml'], 'table, json or yaml'),
      new Option('-w, --watch', 'follow changes until the PaymentPlatform is Ready or the timeout passes'),
      new Option('--timeout <duration>', `how long --watch waits (${DURATION_HINT})`)
        .argParser(durationValue)
        .default(600_000, '10m'),
    ],
    after: `
--watch uses the API server's watch API (no polling): a watch on the PaymentPlatform and one per
kind it composes, selected by the label crossplane.io/composite=NAME; every change reads the
platform again and prints the progress line when it moved (on a terminal: redraws the screen).
It needs the get, list and watch verbs on those kinds, as kubectl get --watch does.
${exitCodes(`0 Ready, 1 not Ready (with --watch: not Ready when the timeout passed),
2 usage or error (no kubeconfig, no such PaymentPlatform, API server unreachable).`)}${examples(
      'status payments -n team-payments',
      'status payments -n team-payments --watch --timeout 20m',
    )}`,
    load: () => import('./commands/status.js'),
  },
  {
    name: 'diff',
    summary: 'What applying a claim or a new Composition would change in a live platform (-f claim.yaml)',
    description: `Show what applying a PaymentPlatform claim, or upgrading to another Composition, would
change in the live platform: for each composed resource the fields added, changed and removed,
and the resources that would be created, deleted or orphaned. Nothing is applied.

The desired resources are rendered offline (as render does) from the claim's spec on the live
platform (its uid, status and the live composed resources as observed), with the plugin's
Composition, a Composition file (--composition, e.g. from a new chart version) or the Composition
of a chart directory (--chart, through helm template). They are compared with the live objects the
way Crossplane applies them (server-side apply): only fields the Composition sets count, and a
field is removed when Crossplane's field manager owns it and the new Composition no longer sets it.

A change that AWS cannot make in place is marked "forces a new resource", with its source: the
provider's docs ("Forces new resource") or the Terraform schema (a hand-kept table,
src/diff/replacement.ts). provider-upjet-aws does not replace resources: it refuses such an
update and the resource stays Synced=False. A field in neither list is not known to force
replacement; that is not a promise that AWS changes it in place.

A platform of the nested layout (the default) is rendered through every level of its tree, each
internal XR as it is live, and the managed resources of every level are compared; its
Compositions come from the same place (every Composition of the file or chart).

Reads the cluster of the current kubeconfig context, as kubectl.`,
    options: () => [
      ...fileOptions('the claim (YAML or JSON), as it would be applied; - reads standard input'),
      new Option('--composition <file>', "compare with the Composition in this YAML file (the only one, or the package's name)"),
      new Option('--chart <dir>', 'compare with the Composition of this chart directory (helm template; $HELM or helm on PATH)'),
      output(['table', 'json', 'yaml'], 'table, json or yaml (only the resources that change)'),
    ],
    after:
      exitCodes('0 no differences, 1 differences (as kubectl diff), 2 usage or error.') +
      examples(
        'diff -f examples/claims/production.yaml',
        'diff -f platform.yaml --chart ./payment-platform-0.2.0',
        'diff -f platform.yaml --composition new.yaml -o json | jq \'.resources[] | select(.action == "replace")\'',
      ),
    load: () => import('./commands/diff.js'),
  },
  {
    name: 'report',
    summary: 'PCI-DSS evidence per requirement (NAME live, or -f claim.yaml simulated)',
    description: `Print the PCI-DSS v4.0.1 evidence of a PaymentPlatform, per requirement: each control
(with its AWS Security Hub and checkov equivalents), the resource and field that meets it, the
value found and whether it passes. Controls are those of src/policy, shared with the operator.

  report NAME          live: the composed resources in the cluster, judged on spec.forProvider and,
                       where the spec does not set a field, on what AWS reported (status.atProvider)
  report -f FILE       offline: a SIMULATION of the claim's steady state (placeholder AWS status);
                       evidence of the configuration, not of an AWS account`,
    args: ['[name]'],
    options: () => [
      ...fileOptions('report on one claim file instead of a live PaymentPlatform (- = stdin)'),
      new Option('-n, --namespace <ns>', "namespace of the live PaymentPlatform (default: the context's)"),
      output(['markdown', 'json'], 'markdown or json'),
    ],
    after:
      exitCodes(`0 every required control passes, 1 a required control fails (or the claim is
invalid), 2 usage or error.`) +
      examples('report -f examples/claims/production.yaml > evidence.md', 'report payments-prod -n team-payments -o json'),
    load: () => import('./commands/report.js'),
  },
  {
    name: 'diagram',
    summary: 'Composed resources and their references as a Mermaid graph (-f claim.yaml)',
    description: `Draw the resources a claim composes and their references as a Mermaid flowchart: one
node per composed resource (grouped by AWS service), one edge per reference, labelled with the
field (a *Selector resolved by label, as the provider resolves it).

The resources are those of the steady state (a simulation: resources that wait for AWS outputs,
such as bucket policies and alarms, are included); --first-reconcile draws only what Crossplane
creates first.`,
    options: () => [
      ...fileOptions('the claim (YAML or JSON); - reads standard input'),
      new Option('--by <what>', 'resource: a node per resource; kind: a node per kind')
        .choices(['resource', 'kind'])
        .default('resource'),
      output(['mermaid', 'markdown', 'json'], 'mermaid, markdown (a fenced mermaid block) or json (nodes, edges)'),
      new Option('--first-reconcile', 'only the resources of the first reconcile'),
    ],
    after:
      exitCodes('0 drawn, 1 the claim is invalid (findings on stderr), 2 usage or error.') +
      examples(
        'diagram -f examples/claims/production.yaml -o markdown > architecture.md',
        'diagram -f examples/claims/minimal.yaml --by kind',
      ),
    load: () => import('./commands/diagram.js'),
  },
];

const TOP_AFTER = `
Exit codes: 0 ok, 1 findings (invalid claim, failed control, not Ready), 2 usage or error.
Colour only on a terminal; set NO_COLOR to turn it off there too.

Run "${PROGRAM} COMMAND --help" for a command's flags and examples.
`;

/** What the parser selected: a command and its parsed command line. */
export interface Selected {
  readonly spec: CommandSpec;
  readonly opts: Record<string, unknown>;
  readonly args: string[];
  readonly given: (attribute: string) => boolean;
}

/**
 * The program: parses a command line and hands the selected command to `onCommand`; help,
 * version and usage errors are written through `write` and thrown as CommanderError
 * (exitOverride), so that the caller decides the exit code.
 */
export function program(
  version: string,
  write: { out(text: string): void; err(text: string): void },
  onCommand: (selected: Selected) => void,
): Command {
  const root = new Command(PROGRAM)
    .description('Preview, validate, trace and explain PaymentPlatforms (platform.payments.io).')
    .version(`${PROGRAM} ${version}`, '--version', 'print the version')
    .helpOption('-h, --help', "show help (after a command: that command's help)")
    .helpCommand('help [command]', "show a command's help")
    .addHelpText('after', TOP_AFTER)
    .configureOutput({ writeOut: write.out, writeErr: write.err })
    .configureHelp({ helpWidth: 120 })
    .exitOverride();
  for (const spec of COMMANDS) {
    const cmd = root
      .command(spec.name)
      .summary(spec.summary)
      .description(spec.description)
      .helpOption('-h, --help', 'show this help')
      .configureHelp({ helpWidth: 120 })
      .addHelpText('after', spec.after)
      .allowExcessArguments(false);
    for (const a of spec.args ?? []) cmd.argument(a);
    for (const o of spec.options()) cmd.addOption(o);
    cmd.action((...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      onCommand({
        spec,
        opts: self.opts(),
        args: self.args,
        given: (attribute) => self.getOptionValueSource(attribute) === 'cli',
      });
    });
  }
  return root;
}
