/**
 * `kubectl payments`: the kubectl plugin of the PaymentPlatform API. `main` parses the command
 * line (src/cli/program.ts) and runs one command, returning its exit code (0 ok, 1 findings,
 * 2 usage or error); `runCli` wires it to the process (bin/kubectl-payments.js).
 *
 * Only this module, the program's declarations and commander load at start; a command's code is
 * imported when it runs (see program.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { CommanderError } from '../util/flags.js';
import { PROGRAM, type Context } from './command.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { processIo, styleFor, type Io } from './io.js';
import { COMMANDS, program, type Selected } from './program.js';

export { COMMANDS };
// For the build (src/cli/bundle.ts), which runs commands through the bundle to make its code cache.
export { codeCacheUse, writeCodeCaches } from '../util/script.js';

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
  return program(version(), { out: () => undefined, err: () => undefined }, () => undefined).helpInformation();
}

/** Runs one command line (without the program name) and returns the exit code. */
export async function main(argv: readonly string[], context: Partial<Context> & { readonly io: Io }): Promise<number> {
  const ctx: Context = { style: styleFor(context.io), ...context };
  const { io, style } = ctx;
  const name = argv[0];
  const spec = COMMANDS.find((c) => c.name === name);
  if (argv.length === 0) {
    io.err(topHelp());
    return EXIT.error;
  }
  let selected: Selected | undefined;
  try {
    await program(version(), { out: io.out, err: io.err }, (s) => void (selected = s)).parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // Help and --version end with exit code 0; every other parse error is a usage error
    // (commander has written its message to stderr, with a suggestion for a typo).
    if (e.exitCode === 0) return EXIT.ok;
    if (e.code !== 'commander.help') io.err(`Run "${PROGRAM}${spec ? ` ${spec.name}` : ''} --help" for usage.\n`);
    return EXIT.error;
  }
  if (!selected) return EXIT.ok;
  const chosen: Selected = selected;
  try {
    const mod = await chosen.spec.load();
    return await mod.run({ command: chosen.spec.name, opts: chosen.opts, args: chosen.args, given: chosen.given }, ctx);
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
    const err = e as Error & { code?: string };
    if (err?.code === 'ERR_MODULE_NOT_FOUND') {
      const missing = /Cannot find (?:package|module) '([^']+)'/.exec(err.message)?.[1] ?? err.message;
      io.err(
        `${style.red('error')}: a dependency is missing (${missing}): run \`npm ci\` (or \`make build\`) in the payment-platform checkout\n`,
      );
      return EXIT.error;
    }
    // Imported here, not at the top: that would load the renderer for --help.
    const { UnsupportedError } = await import('../render/transforms.js');
    if (e instanceof UnsupportedError) {
      io.err(`${style.red('error')}: the offline renderer cannot render this Composition: ${err.message}\n`);
      return EXIT.error;
    }
    io.err(`${style.red('error')}: ${chosen.spec.name}: ${err?.message ?? String(e)}\n`);
    if (io.env.PP_DEBUG) io.err(`${err?.stack ?? ''}\n`);
    return EXIT.error;
  }
}

/** Runs the CLI on the process's arguments and exits with the command's exit code. */
export async function runCli(): Promise<void> {
  const code = await main(process.argv.slice(2), { io: processIo() });
  process.exitCode = code;
}
