import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../../src/cli/args.js';
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
    expect(r.stderr).toContain('unknown command "rendr"; did you mean "render"?');
    expect(r.stderr).toContain('kubectl payments --help');
  });

  test('help for an unknown command exits 2', async () => {
    expect((await cli(['help', 'nope'])).code).toBe(2);
  });

  test.each([
    [['render', '--bogus'], 'unknown flag --bogus for "render"'],
    [['validate', '-x'], 'unknown flag -x for "validate"'],
    [['render', '-f'], 'flag --filename needs a value'],
    [['render'], '"render" needs a claim file'],
    [['validate'], '"validate" needs a claim file'],
    [['diagram'], '"diagram" needs a claim file'],
    [['render', '-f', 'a.yaml', 'extra'], 'unexpected argument "extra" for "render"'],
    [['render', '-f', 'a.yaml', '-o', 'xml'], '--output must be one of yaml, json, table; got "xml"'],
    [['validate', '-f', 'a.yaml', '-o', 'markdown'], '--output must be one of table, json, yaml'],
    [['report', '-f', 'a.yaml', '-o', 'table'], '--output must be one of markdown, json'],
    [['diagram', '-f', 'a.yaml', '--by', 'colour'], '--by must be one of resource, kind'],
    [['status'], '"status" needs the name of a PaymentPlatform'],
    [['status', 'a', 'b'], 'unexpected argument "b" for "status"'],
    [['status', 'a', '--timeout', '5m'], '--timeout only applies with --watch'],
    [['status', 'a', '--watch', '--timeout', 'soon'], '--timeout must be a duration such as 30s, 10m or 1h30m; got "soon"'],
    [['report'], '"report" needs a PaymentPlatform NAME (live) or -f FILE'],
    [['report', 'x', '-f', 'y.yaml'], 'not both'],
    [['--bogus'], 'unknown flag --bogus: give a command first'],
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

    test('a directory exits 2', async () => {
      const r = await cli([cmd, '-f', TMP]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('is a directory');
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

    test('several documents need exactly one PaymentPlatform', async () => {
      const r = await cli([cmd, '-f', '-'], { stdin: 'kind: Namespace\n---\nkind: ConfigMap\n' });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('has 2 documents and 0 of kind PaymentPlatform');
    });
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

describe('durations', () => {
  test.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['90', 90_000],
    ['1.5m', 90_000],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration('status', 'timeout', text)).toBe(ms);
  });

  test.each(['', 'm', '10x', '5m later', '-1s'])('%j is refused', (text) => {
    expect(() => parseDuration('status', 'timeout', text)).toThrow('--timeout must be a duration');
  });
});
