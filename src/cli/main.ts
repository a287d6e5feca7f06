/**
 * `kubectl payments`: the kubectl plugin of the PaymentPlatform API. `main` parses the command
 * line and runs one command, returning its exit code (0 ok, 1 findings, 2 usage or error);
 * `runCli` wires it to the process (bin/kubectl-payments.js).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { UnsupportedError } from '../render/transforms.js';
import { PROGRAM, type Command, type Context } from './command.js';
import { diagramCommand } from './commands/diagram.js';
import { renderCommand } from './commands/render.js';
import { reportCommand } from './commands/report.js';
import { statusCommand } from './commands/status.js';
import { validateCommand } from './commands/validate.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { processIo, styleFor, type Io } from './io.js';
import { connect } from './status/cluster.js';

/** The commands, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [renderCommand, validateCommand, statusCommand, reportCommand, diagramCommand];

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The top-level help. */
export function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Preview, validate, trace and explain PaymentPlatforms (platform.payments.io).

Usage:
  ${PROGRAM} COMMAND [flags]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}
  ${'help'.padEnd(width)}  Show the help of a command (help COMMAND)

Flags:
  -h, --help     show help (after a command: that command's help)
      --version  print the version

Exit codes: 0 ok, 1 findings (invalid claim, failed control, not Ready), 2 usage or error.
Colour only on a terminal; set NO_COLOR to turn it off there too.

Run "${PROGRAM} COMMAND --help" for a command's flags and examples.
`;
}

/** The closest command name (for "did you mean"), if any is close. */
function suggest(word: string): string | undefined {
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++) {
        const row = d[i] as number[];
        const prev = d[i - 1] as number[];
        row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
    return (d[a.length] as number[])[b.length] ?? Infinity;
  };
  const best = COMMANDS.map((c) => ({ name: c.name, d: dist(word, c.name) })).sort((x, y) => x.d - y.d)[0];
  return best && (best.d <= 2 || best.name.startsWith(word)) ? best.name : undefined;
}

const find = (name: string): Command | undefined => COMMANDS.find((c) => c.name === name);

/** Runs one command line (without the program name) and returns the exit code. */
export async function main(argv: readonly string[], context: Partial<Context> & { readonly io: Io }): Promise<number> {
  const ctx: Context = { style: styleFor(context.io), connect, ...context };
  const { io, style } = ctx;
  const [first, ...rest] = argv;
  let command: Command | undefined;
  try {
    if (first === undefined) {
      io.err(topHelp());
      return EXIT.error;
    }
    if (first === '-h' || first === '--help') {
      io.out(topHelp());
      return EXIT.ok;
    }
    if (first === '--version' || first === 'version') {
      io.out(`${PROGRAM} ${version()}\n`);
      return EXIT.ok;
    }
    if (first === 'help') {
      const topic = rest[0];
      if (topic === undefined) {
        io.out(topHelp());
        return EXIT.ok;
      }
      const c = find(topic);
      if (!c) throw new UsageError(`unknown command "${topic}"`);
      io.out(c.help);
      return EXIT.ok;
    }
    if (first.startsWith('-'))
      throw new UsageError(`unknown flag ${first}: give a command first (${COMMANDS.map((c) => c.name).join(', ')})`);
    command = find(first);
    if (!command) {
      const s = suggest(first);
      throw new UsageError(`unknown command "${first}"${s ? `; did you mean "${s}"?` : ''}`);
    }
    return await command.run(rest, ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${style.red('error')}: ${e.message}\n`);
      io.err(`Run "${PROGRAM}${e.command ? ` ${e.command}` : ''} --help" for usage.\n`);
      return EXIT.error;
    }
    if (e instanceof CliError) {
      io.err(`${style.red('error')}: ${e.message}\n`);
      return EXIT.error;
    }
    if (e instanceof UnsupportedError) {
      io.err(`${style.red('error')}: the offline renderer cannot render this Composition: ${e.message}\n`);
      return EXIT.error;
    }
    const err = e as Error;
    io.err(`${style.red('error')}: ${command ? `${command.name}: ` : ''}${err.message ?? String(e)}\n`);
    if (io.env.PP_DEBUG) io.err(`${err.stack ?? ''}\n`);
    return EXIT.error;
  }
}

/** Runs the CLI on the process's arguments and exits with the command's exit code. */
export async function runCli(): Promise<void> {
  const code = await main(process.argv.slice(2), { io: processIo() });
  process.exitCode = code;
}
