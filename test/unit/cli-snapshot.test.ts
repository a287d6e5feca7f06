/**
 * The shell entry (bin/kubectl-payments) and the CLI's startup snapshot (dist/cli/cli.blob,
 * src/cli/snapshot.ts), against the real processes of `make build`: a command run from the
 * snapshot prints exactly what the plain Node.js entry (bin/kubectl-payments.js) prints; the
 * entry starts the snapshot only for the command lines it should, and falls back to the plain
 * entry when the snapshot is off, from another Node.js or from another checkout.
 */
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers.js';
import { COMMANDS } from '../../src/cli/main.js';
import { CLI_BUNDLE, helpCommandLines, SNAPSHOT_BLOB, SNAPSHOT_FLAGS, snapshotV8Flags } from '../../src/cli/launch.js';
import { WARM_UP_NAME } from '../../src/cli/warm-up.js';

// Each test runs whole processes (the help test 24 of them): give a loaded machine time.
jest.setTimeout(60_000);

const TMP = mkdtempSync(join(tmpdir(), 'pp-cli-snapshot-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const ENTRY = join(ROOT, 'bin', 'kubectl-payments');
const NODE_ENTRY = join(ROOT, 'bin', 'kubectl-payments.js');
const BASE_ENV = { PATH: process.env.PATH, HOME: process.env.HOME };

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Run {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...BASE_ENV, ...opts.env },
    input: opts.input,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The shell entry, as kubectl runs it. */
const viaEntry = (args: readonly string[], opts: Parameters<typeof run>[2] = {}) => run(ENTRY, args, opts);
/** The plain Node.js entry, without the snapshot. */
const viaNode = (args: readonly string[], opts: Parameters<typeof run>[2] = {}) =>
  run(process.execPath, [NODE_ENTRY, ...args], opts);

/** The command `node` the shell entry ran (its `sh -x` trace), with the paths relative to the checkout. */
function nodeCommand(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; entry?: string } = {}): string {
  const r = run('sh', ['-x', opts.entry ?? ENTRY, ...args], opts);
  const line = r.stderr.split('\n').find((l) => /^\+ (exec )?node /.test(l));
  if (!line) throw new Error(`the entry ran no node command:\n${r.stderr}`);
  return line.replace(/^\+ (exec )?/, '').replaceAll(`${ROOT}/`, '');
}

/** The V8 flags the build made the snapshot with (one line), as the shell entry passes them. */
const FLAGS = existsSync(join(ROOT, SNAPSHOT_FLAGS)) ? readFileSync(join(ROOT, SNAPSHOT_FLAGS), 'utf8').trim() : '<missing>';
const V8_FLAGS = FLAGS.split(' ').filter(Boolean);
const SNAPSHOT_COMMAND = new RegExp(
  `^node ${V8_FLAGS.map((f) => `${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `).join('')}--snapshot-blob \\S*dist/cli/cli\\.blob \\S*bin/kubectl-payments\\.js `,
);

const MINIMAL = 'examples/claims/minimal.yaml';
const PRODUCTION = 'examples/claims/production.yaml';
// The report's first lines say when it was made; nothing else in any output depends on the clock.
const timeless = (r: Run): Run => ({ ...r, stdout: r.stdout.replace(/^\| Generated \| \S+ \|$/m, '| Generated | <time> |') });

test('the build made the snapshot', () => {
  expect(existsSync(join(ROOT, SNAPSHOT_BLOB))).toBe(true);
});

describe('the V8 flags of the snapshot', () => {
  // Lines as `node --v8-options` prints them (Node.js 20's V8 11.3; Node.js 24's V8 13.6).
  const v8 = (...flags: string[]) =>
    flags.map((f) => `  --${f} (some help text)\n        type: int  default: --${f}=1\n`).join('');

  test('V8 11 (Node.js 20) gets a larger interrupt budget, V8 12+ higher call counts, another V8 none', () => {
    expect(snapshotV8Flags(v8('interrupt-budget-for-feedback-allocation', 'interrupt-budget', 'max-lazy'))).toEqual([
      '--interrupt-budget=270336',
    ]);
    expect(
      snapshotV8Flags(
        v8('invocation-count-for-maglev', 'invocation-count-for-maglev-osr', 'invocation-count-for-turbofan', 'interrupt-budget'),
      ),
    ).toEqual([
      '--invocation-count-for-maglev=4000',
      '--invocation-count-for-maglev-osr=1000',
      '--invocation-count-for-turbofan=30000',
    ]);
    // A flag name that only starts like one of them is not it.
    expect(snapshotV8Flags(v8('interrupt-budget-for-feedback-allocation', 'invocation-count-for-maglev'))).toEqual([]);
    expect(snapshotV8Flags('')).toEqual([]);
  });

  test("the build wrote them beside the blob; they are this Node.js's, and the blob starts only with them", () => {
    const options = run(process.execPath, ['--v8-options']).stdout;
    expect(FLAGS).not.toBe('<missing>');
    for (const f of FLAGS.split(' ').filter(Boolean)) expect([f, options.includes(`  ${f.split('=')[0]} `)]).toEqual([f, true]);
    if (FLAGS === '') return;
    const without = run(process.execPath, ['--snapshot-blob', join(ROOT, SNAPSHOT_BLOB), NODE_ENTRY, 'render', '-f', MINIMAL]);
    expect([without.code, without.stderr]).toEqual([14, expect.stringContaining('Failed to load the startup snapshot')]);
  });
});

test('the bundles the snapshot holds are ASCII (V8 then keeps their source at one byte per character)', () => {
  for (const f of [CLI_BUNDLE, join('dist', 'cli', 'snapshot.cjs')]) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    expect([f, text.length > 10_000, /[\u0080-\uffff]/.exec(text)?.[0]]).toEqual([f, true, undefined]);
  }
});

describe('a command from the snapshot prints what the plain entry prints', () => {
  const lines: (readonly string[])[] = [
    ...[MINIMAL, PRODUCTION].flatMap((f) => [
      ['validate', '-f', f],
      ['validate', '-f', f, '-o', 'json'],
      ['render', '-f', f],
      ['render', '-f', f, '--steady-state', '-o', 'json'],
      ['diagram', '-f', f],
      ['report', '-f', f],
    ]),
    ['validate', '-f', 'examples/claims', '-f', 'test/fixtures/claims/invalid/wrong-type.yaml'],
    ['validate', '-f', 'no/such/file.yaml'],
    ['render', '--no-such-flag'],
    ['no-such-command'],
  ];
  test.each(lines.map((l) => [l.join(' '), l]))('%s', (_, argv) => {
    expect(nodeCommand(argv)).toMatch(SNAPSHOT_COMMAND);
    const snap = timeless(viaEntry(argv));
    expect(snap).toEqual(timeless(viaNode(argv)));
    expect(snap.stdout + snap.stderr).not.toContain(WARM_UP_NAME);
  });

  test('a claim on standard input, and a relative path from another directory', () => {
    const input = readFileSync(join(ROOT, PRODUCTION), 'utf8');
    expect(viaEntry(['validate', '-f', '-'], { input })).toEqual(viaNode(['validate', '-f', '-'], { input }));
    const cwd = join(ROOT, 'examples');
    const r = viaEntry(['render', '-f', 'claims/minimal.yaml'], { cwd });
    expect(r.code).toBe(0);
    expect(r).toEqual(viaNode(['render', '-f', 'claims/minimal.yaml'], { cwd }));
  });

  test("the environment is the running process's, not the build's: its kubeconfig, and import() of the Kubernetes client", () => {
    // status imports the Kubernetes client (an ES module) before it reads the kubeconfig: the
    // snapshot's import() must work in the process that runs it.
    const env = { KUBECONFIG: join(TMP, 'no-such-kubeconfig') };
    const r = viaEntry(['status', 'payments', '-n', 'team-payments'], { env });
    expect(r).toEqual(viaNode(['status', 'payments', '-n', 'team-payments'], { env }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot load a kubeconfig: ENOENT: no such file or directory, open '${env.KUBECONFIG}'`);
  });
});

describe('what the shell entry starts', () => {
  test('help and version lines go to the plain entry, which prints what the build saved', () => {
    for (const argv of helpCommandLines(COMMANDS.map((c) => c.name))) {
      expect([argv, nodeCommand(argv)]).toEqual([argv, ['node', 'bin/kubectl-payments.js', ...argv].join(' ').trimEnd()]);
    }
  });

  test('PP_NO_SNAPSHOT=1 runs the plain entry', () => {
    expect(nodeCommand(['render', '-f', MINIMAL], { env: { PP_NO_SNAPSHOT: '1' } })).toBe(
      `node bin/kubectl-payments.js render -f ${MINIMAL}`,
    );
  });

  test('through a symlink (npm link), absolute or relative, it finds the checkout', () => {
    const dir = join(TMP, 'path');
    mkdirSync(join(dir, 'rel'), { recursive: true });
    symlinkSync(ENTRY, join(dir, 'kubectl-payments'));
    symlinkSync(relative(join(dir, 'rel'), ENTRY), join(dir, 'rel', 'kubectl-payments'));
    for (const entry of [join(dir, 'kubectl-payments'), join(dir, 'rel', 'kubectl-payments')]) {
      expect(nodeCommand(['render', '-f', MINIMAL], { entry })).toMatch(/ --snapshot-blob \S*dist\/cli\/cli\.blob /);
      expect(run(entry, ['render', '-f', MINIMAL])).toEqual(viaNode(['render', '-f', MINIMAL]));
    }
  });

  test('a snapshot from another Node.js (exit 14 before anything runs): says so, then runs the plain entry', () => {
    // A `node` first on PATH that exits as Node.js does for a blob of another version, and is the
    // real Node.js otherwise.
    const bin = join(TMP, 'other-node');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'node'),
      `#!/bin/sh\ncase " $* " in *" --snapshot-blob "*) printf 'Failed to load the startup snapshot' >&2; exit 14 ;; esac\nexec ${process.execPath} "$@"\n`,
    );
    chmodSync(join(bin, 'node'), 0o755);
    const r = viaEntry(['render', '-f', MINIMAL], { env: { PATH: `${bin}:${process.env.PATH}` } });
    const plain = viaNode(['render', '-f', MINIMAL]);
    expect([r.code, r.stdout]).toEqual([0, plain.stdout]);
    expect(r.stderr).toBe(
      `Failed to load the startup snapshot\nkubectl-payments: ${ROOT}/bin/../dist/cli/cli.blob was made by another Node.js version or with other V8 flags; running without it (run \`make build\` to make it again)\n` +
        plain.stderr,
    );
  });

  test("another checkout's entry given to this snapshot runs that checkout's code, not the snapshot's", () => {
    // A copy of the checkout whose bundle only says that it ran.
    const dir = mkdtempSync(join(TMP, 'copy-'));
    for (const p of ['bin', 'package.json', 'dist/cli/main.cjs', 'dist/cli/help.json'])
      cpSync(join(ROOT, p), join(dir, p), { recursive: true });
    writeFileSync(
      join(dir, 'dist/cli/cli.cjs'),
      "exports.runCli = async () => { process.stdout.write('the copy ran: ' + process.argv.slice(2).join(' ') + '\\n'); };\n",
    );
    const r = run(process.execPath, [
      ...V8_FLAGS,
      '--snapshot-blob',
      join(ROOT, SNAPSHOT_BLOB),
      join(dir, 'bin', 'kubectl-payments.js'),
      'render',
      '-f',
      MINIMAL,
    ]);
    expect(r).toEqual({ code: 0, stdout: `the copy ran: render -f ${MINIMAL}\n`, stderr: '' });
  });

  test('the snapshot started without an entry says how to run it', () => {
    const r = run(process.execPath, [...V8_FLAGS, '--snapshot-blob', join(ROOT, SNAPSHOT_BLOB)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^kubectl-payments: this is the startup snapshot of kubectl-payments; run it as bin\/kubectl-payments/,
    );
  });
});
