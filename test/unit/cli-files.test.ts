/**
 * Claim input and environment defects of issue 12, against the real CLI process
 * (bin/kubectl-payments.js, built by `make build`): several -f and directories, a file with no
 * PaymentPlatform, no kubeconfig, the render note, and a checkout without node_modules.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import yaml from 'js-yaml';
import { ROOT, singleVariant } from '../helpers.js';
import { COMMANDS } from '../../src/cli/main.js';
import { helpCommandLines } from '../../src/cli/launch.js';
import { cli } from './cli-harness.js';

const TMP = mkdtempSync(join(tmpdir(), 'pp-cli-files-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const BIN = join(ROOT, 'bin', 'kubectl-payments.js');

function kp(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; bin?: string; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [opts.bin ?? BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    env: opts.env ?? { PATH: process.env.PATH, HOME: process.env.HOME },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const INVALID = 'test/fixtures/claims/invalid/wrong-type.yaml';
const MINIMAL = 'examples/claims/minimal.yaml';
const PRODUCTION = 'examples/claims/production.yaml';
/** A copy of an example that names the single Composition (the XRD's default is the nested layout). */
const singleFile = (file: string): string => {
  const out = join(TMP, `single-${basename(file)}`);
  writeFileSync(out, yaml.dump(singleVariant(yaml.load(readFileSync(join(ROOT, file), 'utf8')))));
  return out;
};
const SINGLE_MINIMAL = singleFile(MINIMAL);
const SINGLE_PRODUCTION = singleFile(PRODUCTION);

describe('-f given several times, and directories, as kubectl reads them', () => {
  test('validate: an invalid first file is not hidden by a valid second one (exit 1, both reported)', () => {
    const r = kp(['validate', '-f', INVALID, '-f', MINIMAL]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${INVALID}: PaymentPlatform`);
    expect(r.stdout).toContain(`${MINIMAL}: PaymentPlatform`);
    expect(r.stdout).toContain('invalid: 1 error');
    expect(r.stdout).toContain('valid');
  });

  test('validate: the order of -f does not change the verdict', () => {
    expect(kp(['validate', '-f', MINIMAL, '-f', INVALID]).code).toBe(1);
    expect(kp(['validate', '-f', MINIMAL, '--filename', PRODUCTION]).code).toBe(0);
  });

  test('validate -f DIR validates every .yaml/.yml/.json file in it, sorted, and nothing else', () => {
    const dir = join(TMP, 'claims');
    mkdirSync(dir);
    cpSync(join(ROOT, MINIMAL), join(dir, 'b.yaml'));
    cpSync(join(ROOT, PRODUCTION), join(dir, 'a.yml'));
    writeFileSync(join(dir, 'README.md'), '# not a claim\n');
    const r = kp(['validate', '-f', dir, '-o', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { source: string; valid: boolean }[];
    expect(out.map((o) => [o.source, o.valid])).toEqual([
      [join(dir, 'a.yml'), true],
      [join(dir, 'b.yaml'), true],
    ]);
  });

  test('validate -f on the valid fixtures directory reports one PaymentPlatform per file', () => {
    const dir = 'test/fixtures/claims/valid';
    const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(1);
    const r = kp(['validate', '-f', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/: PaymentPlatform /g)?.length).toBe(files.length);
  });

  test('render -f A -f B renders both claims: the items of each, in order', () => {
    const items = (args: string[]) =>
      (JSON.parse(kp(['render', ...args, '-o', 'json']).stdout) as { items: { metadata: { name?: string } }[] }).items.length;
    const a = items(['-f', SINGLE_MINIMAL]);
    const b = items(['-f', SINGLE_PRODUCTION]);
    expect(a).toBe(82);
    expect(b).toBe(94);
    expect(items(['-f', SINGLE_MINIMAL, '-f', SINGLE_PRODUCTION])).toBe(a + b);
    // The default (nested) layout's first reconcile: 13 internal XRs and 30 resources (ConfigMap,
    // network core, six zones); the key set, the storage and the application wait for outputs.
    expect(items(['-f', MINIMAL])).toBe(43);
  });

  test('render of several claims: an invalid one exits 1 and the valid one is still rendered', () => {
    const r = kp(['render', '-f', INVALID, '-f', MINIMAL, '-o', 'table']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${INVALID} is not a valid PaymentPlatform`);
    expect(r.stdout.split('\n')[0]).toMatch(/^PLATFORM\s+RESOURCE\s+KIND/);
    expect(r.stdout).toContain('team-payments/payments');
  });
});

describe('a file with no PaymentPlatform', () => {
  const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n';

  test.each(['validate', 'render', 'diagram', 'report'])(
    '%s says there is none, exit 2 (not an invalid claim, exit 1)',
    (cmd) => {
      const f = join(TMP, `configmap-${cmd}.yaml`);
      writeFileSync(f, configMap);
      const r = kp([cmd, '-f', f]);
      expect([r.code, r.stderr]).toEqual([2, `error: ${f} has no PaymentPlatform: its document is ConfigMap\n`]);
    },
  );

  test('a PaymentPlatform next to other kinds is found (the others are skipped)', () => {
    const f = join(TMP, 'mixed.yaml');
    writeFileSync(f, `${configMap}---\n${readFileSync(join(ROOT, MINIMAL), 'utf8')}`);
    const r = kp(['validate', '-f', f]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${f}: PaymentPlatform team-payments/payments`);
  });
});

describe('live commands without a kubeconfig', () => {
  test.each([
    ['status', 'payments'],
    ['report', 'payments'],
  ])('%s says "no kubeconfig found", exit 2', (cmd, name) => {
    const home = mkdtempSync(join(TMP, 'home-'));
    const r = kp([cmd, name], { env: { PATH: process.env.PATH, HOME: home } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: no kubeconfig found: set KUBECONFIG or create ~/.kube/config (as for kubectl), or run in a pod with a service account\n',
    );
  });
});

describe('the render note names only resources the claim composes', () => {
  // Written from the Composition: the resources whose patches read outputs of others. A
  // development claim has no WAF, so no WAF log key (kms-key-logs): it must not be named.
  const HELD = [
    'flow-log',
    'kms-key-data',
    'kms-key-storage',
    'kms-key-alarms',
    'bucket-assets-encryption',
    'bucket-assets-policy',
    'bucket-flow-logs-encryption',
    'bucket-flow-logs-policy',
    'bucket-access-logs-policy',
    'alarm-topic',
    'alarm-unhealthy-hosts',
    'alarm-db-cpu',
    'alarm-db-connections',
  ];

  test('development (minimal): 13 held back, no kms-key-logs; the count adds up to --steady-state', () => {
    const r = kp(['render', '-f', SINGLE_MINIMAL, '-o', 'table']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `note: 82 resources on the first reconcile; 13 more wait for outputs of others (${HELD.join(', ')}); --steady-state shows them\n`,
    );
    const steady = JSON.parse(kp(['render', '-f', SINGLE_MINIMAL, '--steady-state', '-o', 'json']).stdout) as {
      items: unknown[];
    };
    expect(steady.items.length).toBe(82 + 13);
  });

  test('the nested layout (the default): whole subtrees wait; the steady state adds the 44 internal XRs to the same 95', () => {
    const r = kp(['render', '-f', MINIMAL, '-o', 'table']);
    expect(r.stderr).toBe(
      'note: 43 resources on the first reconcile; 3 more wait for outputs of others (application, keys, storage); --steady-state shows them\n',
    );
    const steady = JSON.parse(kp(['render', '-f', MINIMAL, '--steady-state', '-o', 'json']).stdout) as { items: unknown[] };
    expect(steady.items.length).toBe(95 + 44);
  });

  test('production: the WAF log key is held back too', () => {
    const r = kp(['render', '-f', SINGLE_PRODUCTION, '-o', 'table']);
    expect(r.stderr).toContain(
      '14 more wait for outputs of others (flow-log, kms-key-data, kms-key-storage, kms-key-alarms, kms-key-logs,',
    );
    const steady = JSON.parse(kp(['render', '-f', SINGLE_PRODUCTION, '--steady-state', '-o', 'json']).stdout) as {
      items: unknown[];
    };
    expect(steady.items.length).toBe(94 + 14);
  });
});

describe('a checkout without node_modules', () => {
  function copyCheckout(withBundle: boolean, withModels = true): string {
    const dir = mkdtempSync(join(TMP, 'checkout-'));
    for (const p of ['bin', 'package.json', 'compositions', 'crds', 'src/apis/generated', 'dist/src'])
      cpSync(join(ROOT, p), join(dir, p), { recursive: true });
    if (withBundle)
      cpSync(join(ROOT, 'dist/cli'), join(dir, 'dist/cli'), {
        recursive: true,
        filter: (src) => withModels || !basename(src).startsWith('provider-models.cjs'),
      });
    return dir;
  }

  test('without the bundle: a clear message and exit 2, not a stack trace', () => {
    const dir = copyCheckout(false);
    const r = kp(['--help'], { bin: join(dir, 'bin', 'kubectl-payments.js'), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^kubectl-payments: a dependency is missing \(\S+\): run `npm ci` \(or `make build`\) in the payment-platform checkout\n$/,
    );
  });

  test('with the bundle: --help, render and validate work (the provider models are in the bundle)', () => {
    const dir = copyCheckout(true);
    const bin = join(dir, 'bin', 'kubectl-payments.js');
    expect(kp(['--help'], { bin, cwd: dir }).code).toBe(0);
    expect(kp(['render', '-f', join(ROOT, MINIMAL), '-o', 'table'], { bin, cwd: dir }).code).toBe(0);
    const r = kp(['validate', '-f', join(ROOT, PRODUCTION)], { bin, cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('provider-upjet-aws schemas and CEL-required fields (108 resources): ok');
  });

  test('with the bundle but not its provider models: validate names the missing dependency, exit 2', () => {
    const dir = copyCheckout(true, false);
    const bin = join(dir, 'bin', 'kubectl-payments.js');
    expect(kp(['render', '-f', join(ROOT, MINIMAL), '-o', 'table'], { bin, cwd: dir }).code).toBe(0);
    const r = kp(['validate', '-f', join(ROOT, MINIMAL)], { bin, cwd: dir });
    expect([r.code, r.stderr]).toEqual([
      2,
      'error: a dependency is missing (@crossplane-models/provider-upjet-aws): run `npm ci` (or `make build`) in the payment-platform checkout\n',
    ]);
  });

  test('help and version print without the CLI bundle, exactly as the program prints them', async () => {
    // Only the launcher, the help it saved and package.json: no dist/cli/cli.cjs to load.
    const dir = mkdtempSync(join(TMP, 'help-only-'));
    for (const p of ['bin', 'package.json', 'dist/cli/main.cjs', 'dist/cli/help.json'])
      cpSync(join(ROOT, p), join(dir, p), { recursive: true });
    const bin = join(dir, 'bin', 'kubectl-payments.js');
    const lines = helpCommandLines(COMMANDS.map((c) => c.name));
    expect(lines).toContainEqual(['validate', '--help']);
    for (const argv of lines) {
      const program = await cli(argv);
      expect([argv, kp(argv, { bin, cwd: dir })]).toEqual([
        argv,
        { code: program.code, stdout: program.stdout, stderr: program.stderr },
      ]);
    }
  });

  test('a version in package.json the build did not see: --version runs the program, which reads it', () => {
    const dir = copyCheckout(true);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, version: '9.9.9-unbuilt' }));
    const r = kp(['--version'], { bin: join(dir, 'bin', 'kubectl-payments.js'), cwd: dir });
    expect([r.code, r.stdout]).toEqual([0, 'kubectl payments 9.9.9-unbuilt\n']);
  });

  test('not built at all: says so', () => {
    const dir = mkdtempSync(join(TMP, 'unbuilt-'));
    cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
    const r = kp(['--help'], { bin: join(dir, 'bin', 'kubectl-payments.js'), cwd: dir });
    expect([r.code, r.stderr]).toEqual([
      2,
      'kubectl-payments: the CLI is not built yet; run `make build` in the payment-platform checkout\n',
    ]);
  });
});
