/** `status NAME`: a live PaymentPlatform, every composed resource, every problem in full. */
import { formatDuration } from '../../util/duration.js';
import { clusterOf, stringOpt, type CommandInput, type Context } from '../command.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { toJson, toYaml } from '../output.js';
import { fetchPlatform, type Cluster } from '../status/cluster.js';
import { progressLine, statusData, statusText } from '../status/format.js';
import { buildStatus, type PlatformStatus } from '../status/model.js';

type Format = 'table' | 'json' | 'yaml';

async function snapshot(cluster: Cluster, namespace: string, name: string): Promise<PlatformStatus> {
  const got = await fetchPlatform(cluster, namespace, name);
  if (!got) throw new CliError(`PaymentPlatform "${name}" not found in namespace "${namespace}"`);
  return buildStatus(got.xr, got.fetched);
}

function print(ctx: Context, s: PlatformStatus, format: Format): void {
  const now = ctx.io.now();
  if (format === 'json') ctx.io.out(toJson(statusData(s, now)));
  else if (format === 'yaml') ctx.io.out(toYaml([statusData(s, now)]));
  else ctx.io.out(statusText(s, now, ctx.style));
}

export async function run(input: CommandInput, ctx: Context): Promise<number> {
  const format = input.opts.output as Format;
  const watch = input.opts.watch === true;
  if (!watch && input.given('timeout')) throw new UsageError('--timeout only applies with --watch', input.command);
  const timeout = input.opts.timeout as number;
  const name = input.args[0] ?? '';
  const cluster = await clusterOf(ctx);
  const namespace = stringOpt(input, 'namespace') ?? cluster.defaultNamespace;

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
    `timed out after ${formatDuration(timeout)}: PaymentPlatform ${namespace}/${name} is not Ready (${progressLine(s)})\n`,
  );
  return EXIT.findings;
}
