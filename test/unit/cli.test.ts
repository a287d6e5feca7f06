import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli/main.js';
import { styleFor } from '../../src/cli/io.js';
import { cli } from './cli-harness.js';

const TMP = mkdtempSync(join(tmpdir(), 'pp-cli-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const tmpFile = (name: string, text: string): string => {
  const f = join(TMP, name);
  writeFileSync(f, text);
  return f;
};

describe('kubectl payments: command line', () => {
  test('no command prints the help on stderr and exits 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage:');
    for (const c of COMMANDS) expect(r.stderr).toContain(c.name);
  });

  test.each([['--help'], ['-h'], ['help']])('%s prints the help on stdout and exits 0', async (flag) => {
    const r = await cli([flag]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/Commands:\n\s+render/);
  });

  test.each(COMMANDS.map((c) => c.name))(
    '%s --help, -h and help %s show the command help with usage, flags and exit codes',
    async (name) => {
      for (const args of [
        [name, '--help'],
        [name, '-h'],
        ['help', name],
      ]) {
        const r = await cli(args);
        expect([args, r.code, r.stderr]).toEqual([args, 0, '']);
        expect(r.stdout).toContain(`kubectl payments ${name}`);
        expect(r.stdout).toContain('Exit codes:');
        expect(r.stdout).toContain('--help');
      }
    },
  );

  test('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^kubectl payments \d+\.\d+\.\d+/);
  });

  test('an unknown command exits 2 and suggests the closest one', async () => {
    const r = await cli(['rendr', '-f', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown command 'rendr'\n(Did you mean render?)");
    expect(r.stderr).toContain('kubectl payments --help');
  });

  test('help for an unknown command exits 2', async () => {
    expect((await cli(['help', 'nope'])).code).toBe(2);
  });

  test.each([
    [['render', '--bogus'], "unknown option '--bogus'"],
    [['render', '--outptu', 'json'], "unknown option '--outptu'\n(Did you mean --output?)"],
    [['validate', '-x'], "unknown option '-x'"],
    [['render', '-f'], "option '-f, --filename <file>' argument missing"],
    [['render'], '"render" needs a claim file'],
    [['validate'], '"validate" needs a claim file'],
    [['diagram'], '"diagram" needs a claim file'],
    [['render', '-f', 'a.yaml', 'extra'], "too many arguments for 'render'. Expected 0 arguments but got 1."],
    [
      ['render', '-f', 'a.yaml', '-o', 'xml'],
      "option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are yaml, json, table.",
    ],
    [['validate', '-f', 'a.yaml', '-o', 'markdown'], 'Allowed choices are table, json, yaml.'],
    [['report', '-f', 'a.yaml', '-o', 'table'], 'Allowed choices are markdown, json.'],
    [
      ['diagram', '-f', 'a.yaml', '--by', 'colour'],
      "option '--by <what>' argument 'colour' is invalid. Allowed choices are resource, kind.",
    ],
    [['diagram', '-f', 'a.yaml', '-f', 'b.yaml'], '"diagram" takes one claim file; got 2 (-f a.yaml -f b.yaml)'],
    [['report', '-f', 'a.yaml', '-f', 'b.yaml'], '"report" takes one claim file; got 2'],
    [['render', '-f', '-', '-f', '-'], '-f - (standard input) can be given once'],
    [['status'], "missing required argument 'name'"],
    [['status', 'a', 'b'], "too many arguments for 'status'. Expected 1 argument but got 2."],
    [['status', 'a', '--timeout', '5m'], '--timeout only applies with --watch'],
    [
      ['status', 'a', '--watch', '--timeout', 'soon'],
      `option '--timeout <duration>' argument 'soon' is invalid. "soon" is not a duration with a unit, such as 30s, 10m, 1h30m or 500ms`,
    ],
    [['report'], '"report" needs a PaymentPlatform NAME (live) or -f FILE'],
    [['report', 'x', '-f', 'y.yaml'], 'not both'],
    [['--bogus'], "unknown option '--bogus'"],
  ])('usage error %j exits 2 with a clear message and a pointer to --help', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/Run "kubectl payments( \w+)? --help" for usage/);
    expect(r.stdout).toBe('');
  });

  describe.each(['render', 'validate', 'diagram', 'report'])('%s with a bad claim file', (cmd) => {
    test('a missing file exits 2, naming it', async () => {
      const r = await cli([cmd, '-f', join(TMP, 'missing.yaml')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`error: ${join(TMP, 'missing.yaml')}: no such file\n`);
    });

    test('a directory without claim files exits 2', async () => {
      const dir = mkdtempSync(join(TMP, `${cmd}-dir-`));
      writeFileSync(join(dir, 'notes.txt'), 'not a claim\n');
      const r = await cli([cmd, '-f', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`error: ${dir} is a directory with no .yaml, .yml or .json file\n`);
    });

    test('bad YAML exits 2 with the line and column', async () => {
      const f = tmpFile(`${cmd}-bad.yaml`, 'apiVersion: platform.payments.io/v1alpha1\nkind: [PaymentPlatform\nmetadata: {}\n');
      const r = await cli([cmd, '-f', f]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is not valid YAML: .* at line \d+, column \d+/);
    });

    test('an empty file exits 2', async () => {
      const r = await cli([cmd, '-f', tmpFile(`${cmd}-empty.yaml`, '# nothing\n')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('is empty: expected a PaymentPlatform');
    });

    test('a scalar document exits 2', async () => {
      const r = await cli([cmd, '-f', '-'], { stdin: 'just text\n' });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('<stdin> does not hold a Kubernetes object: its document is a string');
    });

    test('documents without a PaymentPlatform exit 2, saying there is none', async () => {
      const r = await cli([cmd, '-f', '-'], { stdin: 'kind: Namespace\n---\nkind: ConfigMap\n' });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('error: <stdin> has no PaymentPlatform: its 2 documents are Namespace, ConfigMap\n');
    });
  });
});

describe('diff', () => {
  test('a claim the XRD refuses exits 2 (an error), not 1 (differences), before any cluster call', async () => {
    // The harness fails the test on a cluster call: the claim is judged first.
    const r = await cli(['diff', '-f', 'test/fixtures/claims/invalid/bad-backup-window.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('test/fixtures/claims/invalid/bad-backup-window.yaml is not a valid PaymentPlatform (1 finding)');
    expect(r.stderr).toContain('spec.parameters.database.backupWindow [pattern]');
  });

  test('--composition and --chart together are a usage error', async () => {
    const r = await cli(['diff', '-f', 'examples/claims/minimal.yaml', '--composition', 'a.yaml', '--chart', 'dir']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give --composition or --chart, not both');
  });
});

describe('colour', () => {
  const io = (isTTY: boolean, env: Record<string, string>) => ({
    isTTY,
    env,
    out: () => undefined,
    err: () => undefined,
    readStdin: () => '',
    now: () => 0,
  });

  test('only on a terminal, never with NO_COLOR or TERM=dumb', () => {
    expect(styleFor(io(true, {})).red('x')).toBe('\x1b[31mx\x1b[0m');
    expect(styleFor(io(false, {})).red('x')).toBe('x');
    expect(styleFor(io(true, { NO_COLOR: '1' })).red('x')).toBe('x');
    expect(styleFor(io(true, { TERM: 'dumb' })).red('x')).toBe('x');
  });

  test('output piped to a file or another program has no escape codes', async () => {
    const r = await cli(['validate', '-f', 'test/fixtures/claims/invalid/wrong-type.yaml']);
    expect(r.stdout + r.stderr).not.toContain('\x1b[');
    const tty = await cli(['validate', '-f', 'test/fixtures/claims/invalid/wrong-type.yaml'], { isTTY: true });
    expect(tty.stdout).toContain('\x1b[31m');
    const noColor = await cli(['validate', '-f', 'test/fixtures/claims/invalid/wrong-type.yaml'], {
      isTTY: true,
      env: { NO_COLOR: '1' },
    });
    expect(noColor.stdout).not.toContain('\x1b[');
  });
});
