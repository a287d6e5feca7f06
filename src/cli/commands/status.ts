/** `status NAME`: a live PaymentPlatform, every composed resource, every problem in full. */
import { boolFlag, choiceFlag, parseDuration, stringFlag } from '../args.js';
import { parseOrHelp, PROGRAM, type Command, type Context } from '../command.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { toJson, toYaml } from '../output.js';
import { fetchPlatform, type Cluster } from '../status/cluster.js';
import { progressLine, statusData, statusText } from '../status/format.js';
import { buildStatus, type PlatformStatus } from '../status/model.js';

const FORMATS = ['table', 'json', 'yaml'] as const;

const help = `Show a live PaymentPlatform: its conditions, every composed resource (Crossplane v2's
spec.crossplane.resourceRefs) with Ready, Synced and age, a progress line (17/43 ready) and the
FULL message of everything failing, the deepest cause first: managed resources before the
PaymentPlatform, the provider's last async operation before Synced before Ready, and for a
chained message ("a: b: api error X: y") its innermost cause on its own line.

Reads the cluster of the current kubeconfig context ($KUBECONFIG or ~/.kube/config), as kubectl.

Usage:
  ${PROGRAM} status NAME [-n NAMESPACE] [-o table|json|yaml] [--watch [--timeout 10m]]

Flags:
  -n, --namespace NS    namespace of the PaymentPlatform (default: the context's, else "default")
  -o, --output FORMAT   table (default), json or yaml
  -w, --watch           follow changes until the PaymentPlatform is Ready or the timeout passes
      --timeout DURATION  how long --watch waits (default 10m; 30s, 1h30m, ...)
  -h, --help            show this help

--watch uses the API server's watch API (no polling): a watch on the PaymentPlatform and one per
kind it composes, selected by the label crossplane.io/composite=NAME; every change reads the
platform again and prints the progress line when it moved (on a terminal: redraws the screen).
It needs the get, list and watch verbs on those kinds, as kubectl get --watch does.

Exit codes: 0 Ready, 1 not Ready (with --watch: not Ready when the timeout passed),
2 usage or error (no such PaymentPlatform, API server unreachable).

Examples:
  ${PROGRAM} status payments -n team-payments
  ${PROGRAM} status payments -n team-payments --watch --timeout 20m
`;

async function snapshot(cluster: Cluster, namespace: string, name: string): Promise<PlatformStatus> {
  const got = await fetchPlatform(cluster, namespace, name);
  if (!got) throw new CliError(`PaymentPlatform "${name}" not found in namespace "${namespace}"`);
  return buildStatus(got.xr, got.fetched);
}

function print(ctx: Context, s: PlatformStatus, format: (typeof FORMATS)[number]): void {
  const now = ctx.io.now();
  if (format === 'json') ctx.io.out(toJson(statusData(s, now)));
  else if (format === 'yaml') ctx.io.out(toYaml([statusData(s, now)]));
  else ctx.io.out(statusText(s, now, ctx.style));
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'Live status of a PaymentPlatform and every composed resource (NAME [-n NS] [--watch])',
  help,
  async run(argv, ctx) {
    const p = parseOrHelp(
      this,
      argv,
      ctx,
      {
        namespace: { type: 'string', short: 'n' },
        output: { type: 'string', short: 'o' },
        watch: { type: 'boolean', short: 'w' },
        timeout: { type: 'string' },
      },
      { min: 1, max: 1, what: 'the name of a PaymentPlatform: status NAME [-n NAMESPACE]' },
    );
    if (!p) return EXIT.ok;
    const format = choiceFlag(this.name, p, 'output', FORMATS, 'table');
    const watch = boolFlag(p, 'watch');
    const timeoutText = stringFlag(p, 'timeout');
    if (!watch && timeoutText !== undefined) throw new UsageError('--timeout only applies with --watch', this.name);
    const timeout = parseDuration(this.name, 'timeout', timeoutText ?? '10m');
    const name = p.positionals[0] ?? '';
    const cluster = ctx.connect();
    const namespace = stringFlag(p, 'namespace') ?? cluster.defaultNamespace;

    let s = await snapshot(cluster, namespace, name);
    if (!watch) {
      print(ctx, s, format);
      return s.isReady ? EXIT.ok : EXIT.findings;
    }
    const deadline = ctx.io.now() + timeout;
    const live = ctx.io.isTTY && format === 'table';
    const feed = cluster.watch(namespace, name);
    try {
      let last = '';
      for (;;) {
        feed.follow(s.resources);
        const line = `${progressLine(s)}${s.isReady ? ' (Ready)' : ''}`;
        if (live) {
          ctx.io.out(`\x1b[H\x1b[2J${statusText(s, ctx.io.now(), ctx.style)}`);
        } else if (line !== last && format === 'table') {
          ctx.io.out(`${new Date(ctx.io.now()).toISOString()} ${line}\n`);
        }
        last = line;
        if (s.isReady || ctx.io.now() >= deadline) break;
        // Waits for a change (the watches), not a polling interval; the deadline bounds the wait.
        if (!(await feed.next(Math.max(0, deadline - ctx.io.now())))) continue;
        s = await snapshot(cluster, namespace, name);
      }
    } finally {
      feed.close();
    }
    if (!live) {
      if (format === 'table') ctx.io.out('\n');
      print(ctx, s, format);
    }
    if (s.isReady) return EXIT.ok;
    ctx.io.err(
      `timed out after ${timeoutText ?? '10m'}: PaymentPlatform ${namespace}/${name} is not Ready (${progressLine(s)})\n`,
    );
    return EXIT.findings;
  },
};
