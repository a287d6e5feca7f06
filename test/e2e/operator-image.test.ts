/**
 * The operator as its container image runs it, without a Docker engine (none runs here): the
 * image's /app assembled as the Dockerfile's build stage does (the tsc output and `npm ci
 * --omit=dev --ignore-scripts` from the lockfile), run by the Node.js LTS the image uses (the
 * Dockerfile's NODE_MAJOR; the exact release pinned in hack/tools/node) with the chart's
 * NODE_OPTIONS, against the real API server. It must start, evaluate a platform, serve its probes
 * and metrics, stop cleanly on SIGTERM, and write nothing: the image's root filesystem is
 * read-only. What this cannot show: the distroless base itself and uid 65532 (the tests run as
 * whoever runs them).
 */
import { jest } from '@jest/globals';
import yaml from 'js-yaml';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultValues } from '../../src/chart/values.js';
import type { KubeClient } from '../../src/operator/kube/client.js';
import { instantiate, liveTemplate } from '../../src/operator/testing/fixtures.js';
import { ensureNamespace, platformPath, seedPlatform } from '../../src/operator/testing/seed.js';
import { ROOT } from '../helpers.js';
import { toolBin } from '../support/tools.js';
import {
  buildOperator,
  ControlPlane,
  installPlatformCrd,
  kindFlags,
  OperatorProcess,
  stopAll,
  waitFor,
} from './operator-harness.js';
import { type Obj } from '../../src/apis/obj.js';

jest.setTimeout(300_000);
const NS = 'team-image';

let cp: ControlPlane | undefined;
let client: KubeClient;
let build: { main: string; cleanup: () => void } | undefined;
let work = '';
let app = '';

/** Every path under a directory with its size and modification time: what "wrote nothing" compares. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const st = lstatSync(p);
      out.set(p.slice(dir.length), `${st.size}/${st.mtimeMs}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

const dockerfileNodeMajor = (): string => {
  const m = /^ARG NODE_MAJOR=(\d+)$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  if (!m) throw new Error('the Dockerfile declares no ARG NODE_MAJOR');
  return m[1];
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pp-image-'));
  app = join(work, 'app');
  mkdirSync(join(app, 'dist'), { recursive: true });
  // The build stage: compile, then production dependencies only, from the lockfile.
  build = buildOperator();
  cpSync(join(build.main, '../..'), join(app, 'dist/src'), { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) cpSync(join(ROOT, f), join(app, f));
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', npm_config_update_notifier: 'false' },
  });
  rmSync(join(app, 'package-lock.json'));
  cp = ControlPlane.start();
  installPlatformCrd(cp);
  client = await cp.client();
  await ensureNamespace(client, NS);
  await ensureNamespace(client, 'crossplane-system');
});

afterAll(async () => {
  client?.close();
  await stopAll(cp);
  build?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the image filesystem holds production dependencies only', () => {
  const modules = readdirSync(join(app, 'node_modules'));
  expect(modules).toEqual(expect.arrayContaining(['@kubernetes', 'prom-client', 'pino']));
  for (const dev of ['typescript', 'jest', 'cdk8s', 'cdk8s-plus-28', 'ts-jest', 'fast-check', 'prettier'])
    expect([dev, modules.includes(dev)]).toEqual([dev, false]);
});

test("the operator runs from it on the image's Node.js LTS, evaluates a platform and writes nothing", async () => {
  const node = toolBin('node');
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  expect(version.split('.')[0]).toBe(`v${dockerfileNodeMajor()}`);
  const home = join(work, 'home');
  const tmp = join(work, 'tmp');
  mkdirSync(home);
  mkdirSync(tmp);
  const before = tree(work);
  const nodeOptions = String((defaultValues().operator as Obj).nodeOptions);
  expect(nodeOptions).toContain('--max-old-space-size=');

  const platform = instantiate(
    liveTemplate(yaml.load(readFileSync(join(ROOT, 'examples/claims/minimal.yaml'), 'utf8')) as Obj),
    NS,
    'imaged',
  );
  await seedPlatform(client, platform);
  const op = new OperatorProcess(
    join(app, 'dist/src/operator/main.js'),
    'op-image',
    kindFlags(),
    cp?.kubeconfig ?? '',
    { NODE_ENV: 'production', NODE_OPTIONS: nodeOptions, HOME: home, TMPDIR: tmp },
    { node, cwd: app },
  );
  await op.started();
  await op.firstEvaluation();
  const health = await waitFor(
    async () => {
      const p = await client.request<Obj>('GET', platformPath(NS, 'imaged'));
      const h = (p.status as Obj | undefined)?.health as Obj | undefined;
      return h?.state === 'Ready' ? h : undefined;
    },
    30_000,
    'status.health Ready',
  );
  const managed = platform.resources.filter((r) => r.kind !== 'Usage').length;
  expect(health).toMatchObject({ ready: managed, total: managed });
  expect((await op.get('/healthz')).status).toBe(200);
  expect((await op.get('/readyz')).status).toBe(200);
  // The runtime really is the image's: prom-client's default metrics name the Node.js version.
  const metrics = (await op.get('/metrics')).body;
  expect(metrics).toMatch(new RegExp(`nodejs_version_info\\{[^}]*version="${version.replace(/\./g, '\\.')}"`));
  expect(op.nonJson).toEqual([]);
  // The Dockerfile's HEALTHCHECK command, on this node and the port the operator listens on.
  const hc = /^HEALTHCHECK .* CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  expect(hc).not.toBeNull();
  const [exe, ...hcArgs] = (JSON.parse(hc?.[1] ?? '[]') as string[]).map((a) => a.replace(':8080/', `:${op.port}/`));
  expect(exe).toBe('/nodejs/bin/node');
  expect(spawnSync(node, hcArgs, { env: {}, timeout: 10_000 }).status).toBe(0);

  op.kill('SIGTERM');
  expect(await op.exited).toBe(0);
  expect(op.stderr).toEqual([]);
  expect(spawnSync(node, hcArgs, { env: {}, timeout: 10_000 }).status).toBe(1); // nothing listens now
  // Nothing under /app, $HOME or $TMPDIR was created or changed: a read-only root filesystem holds.
  const after = tree(work);
  const changed = [...after].filter(([p, v]) => before.get(p) !== v).map(([p]) => p);
  const removed = [...before.keys()].filter((p) => !after.has(p));
  expect({ changed, removed }).toEqual({ changed: [], removed: [] });
});
