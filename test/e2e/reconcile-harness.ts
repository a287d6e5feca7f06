/**
 * Harness of the reconcile suites: a control plane of its own in `--crossplane` mode
 * (hack/control-plane.sh: etcd, kube-apiserver, kube-controller-manager for garbage collection,
 * the three functions over mTLS, the real Crossplane core with its webhooks), the chart installed
 * with the real `helm install` and its packages installed by Crossplane's package manager from a
 * seeded cache (test/reconcile/packages.ts), and the stand-ins as child processes: the External
 * package runtime and the stand-in provider (test/reconcile/, compiled by `make build`).
 *
 * What is real: API server, etcd, garbage collector, Crossplane core v2 (composition, package
 * manager, MRDs and activation, Usages and their webhook, circuit breaker), the functions, helm,
 * the chart. What is simulated: AWS and the provider (the stand-in), and the package runtime.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import yaml from 'js-yaml';
import { isObj, type Obj } from '../../src/apis/obj.js';
import { CHART_NAME, NESTED_CATEGORIES } from '../../src/apis/constants.js';
import { installChartOffline, installConfigurationOffline } from '../reconcile/packages.js';
import { ROOT } from '../helpers.js';
import { waitFor } from './operator-harness.js';
import { run, sleepSync, toolBin } from '../support/tools.js';

export const XP_NAMESPACE = 'crossplane-system';
export const CHART_DIR = join(ROOT, 'charts', CHART_NAME);
/** Crossplane flags that keep its circuit breaker out of the way (the defaults are measured apart). */
export const FAST_XP_ARGS = ['--circuit-breaker-burst=1000', '--circuit-breaker-refill-rate=50'];

export type Logged = Obj & { ts?: string; event?: string };

/** A child process whose stdout is JSON lines. */
export class StandIn {
  readonly lines: Logged[] = [];
  readonly stderr: string[] = [];
  private readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    args: string[],
    /** Where every line is copied (the control plane's logs/ directory). */
    logFile?: string,
  ) {
    const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
    const main = join(ROOT, 'dist/test/reconcile/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`make build\` first (make e2e does)`);
    this.proc = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.proc.stdout! }).on('line', (l) => {
      log?.write(`${l}\n`);
      try {
        this.lines.push(JSON.parse(l) as Logged);
      } catch {
        this.stderr.push(l);
      }
    });
    createInterface({ input: this.proc.stderr! }).on('line', (l) => this.stderr.push(l));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
  }

  events(event: string): Logged[] {
    return this.lines.filter((l) => l.event === event);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    await this.exited;
  }
}

/** Polls `cond` every 500 ms (each poll may spawn kubectl) until it is truthy; deadlines are generous for a loaded CI machine. */
export const until = <T>(what: string, timeoutMs: number, cond: () => T | Promise<T>): Promise<NonNullable<T>> =>
  waitFor(cond, timeoutMs, what, 500);

export const conditionOf = (o: Obj | undefined, type: string): Obj | undefined =>
  (((o?.status as Obj | undefined)?.conditions as Obj[] | undefined) ?? []).find((c) => c.type === type);

export const isTrue = (o: Obj | undefined, type: string): boolean => conditionOf(o, type)?.status === 'True';

export class CrossplaneCluster {
  readonly kubeconfig: string;
  readonly functionsFile: string;
  readonly cacheDir: string;
  readonly pkiDir: string;
  readonly crossplaneLog: string;
  readonly standIns: StandIn[] = [];
  private stopped = false;

  private constructor(readonly dir: string) {
    const env = readFileSync(join(dir, 'env'), 'utf8');
    const get = (k: string): string => {
      const v = new RegExp(`^export ${k}=(.*)$`, 'm').exec(env)?.[1];
      if (!v) throw new Error(`${dir}/env has no ${k}`);
      return v;
    };
    this.kubeconfig = get('KUBECONFIG');
    this.functionsFile = get('PP_XP_FUNCTIONS');
    this.cacheDir = get('PP_XP_CACHE');
    this.pkiDir = get('PP_XP_PKI');
    this.crossplaneLog = get('PP_XP_LOG');
  }

  /** Starts the control plane in --crossplane mode; `xpArgs` go to `crossplane core start`. */
  static start(xpArgs: readonly string[]): CrossplaneCluster {
    const dir = mkdtempSync(join(tmpdir(), 'pp-reconcile-'));
    const stop = (): void => {
      try {
        execFileSync(join(ROOT, 'hack/control-plane.sh'), ['stop', dir], { stdio: 'ignore' });
      } catch {
        // best effort at exit
      }
    };
    process.once('exit', stop);
    try {
      execFileSync(join(ROOT, 'hack/control-plane.sh'), ['start', '--crossplane', dir], {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
        env: { ...process.env, PP_XP_ARGS: xpArgs.join(' '), PP_CP_TIMEOUT: process.env.PP_CP_TIMEOUT ?? '180' },
      });
    } catch (err) {
      stop();
      throw new Error(
        `cannot start the control plane in --crossplane mode in ${dir}: ${String((err as { stderr?: string }).stderr ?? err)}`,
        { cause: err },
      );
    }
    return new CrossplaneCluster(dir);
  }

  kubectl(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
    return run(toolBin('kubectl'), ['--kubeconfig', this.kubeconfig, ...args], input === undefined ? {} : { input });
  }

  kubectlOk(args: string[], input?: string): string {
    const r = this.kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
    return r.stdout;
  }

  /** Creates the namespace unless it exists. */
  namespace(name: string): void {
    this.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }]);
  }

  apply(objs: unknown[]): void {
    this.kubectlOk(['apply', '-f', '-'], objs.map((o) => yaml.dump(o, { noRefs: true, lineWidth: -1 })).join('---\n'));
  }

  /** `kubectl get -o json`; undefined when not found. */
  get(resource: string, name?: string, namespace?: string): Obj | undefined {
    const args = ['get', resource, ...(name ? [name] : []), ...(namespace ? ['-n', namespace] : []), '-o', 'json'];
    const r = this.kubectl(args);
    if (r.code !== 0) {
      if (/NotFound|not found/.test(r.stderr)) return undefined;
      throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    }
    return JSON.parse(r.stdout) as Obj;
  }

  list(resource: string, namespace?: string, selector?: string): Obj[] {
    const args = [
      'get',
      resource,
      ...(namespace ? ['-n', namespace] : ['-A']),
      ...(selector ? ['-l', selector] : []),
      '-o',
      'json',
    ];
    return (JSON.parse(this.kubectlOk(args)) as { items: Obj[] }).items;
  }

  /**
   * What keeps a namespace's platforms from Ready, for a timeout's message: every XR and managed
   * resource whose Synced or Ready is not True, with the condition's reason and message, and the
   * stand-in provider's last errors.
   */
  notReady(namespace: string): string {
    const lines: string[] = [];
    for (const resource of ['composite', ...NESTED_CATEGORIES, 'managed']) {
      const r = this.kubectl(['get', resource, '-n', namespace, '-o', 'json']);
      if (r.code !== 0) {
        lines.push(`kubectl get ${resource}: ${r.stderr.trim()}`);
        continue;
      }
      for (const o of (JSON.parse(r.stdout) as { items: Obj[] }).items) {
        const bad = ['Synced', 'Ready']
          .map((t) => conditionOf(o, t) ?? { type: t, status: 'Unknown', reason: 'no condition' })
          .filter((c) => c.status !== 'True');
        if (bad.length > 0)
          lines.push(
            `${String(o.kind)}/${String((o.metadata as Obj).name)}: ${bad
              .map((c) => `${String(c.type)}=${String(c.status)} ${String(c.reason ?? '')} ${String(c.message ?? '')}`.trim())
              .join('; ')}`,
          );
      }
    }
    const errors = this.standIns.flatMap((s) => s.events('error')).slice(-5);
    for (const e of errors) lines.push(`stand-in error: ${JSON.stringify(e)}`);
    return lines.length > 0 ? lines.join('\n') : 'every XR and managed resource is Synced and Ready';
  }

  helm(args: string[]): string {
    const r = run(toolBin('helm'), ['--kubeconfig', this.kubeconfig, ...args]);
    if (r.code !== 0) throw new Error(`helm ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
    return r.stdout;
  }

  /**
   * Seeds the package cache for the chart's Functions and Providers and applies the ImageConfigs
   * and TLS secrets, then `helm install`s the chart (`values` as --set flags). Returns the packages.
   */
  installChart(values: readonly string[] = []): ReturnType<typeof installChartOffline> {
    return installChartOffline({
      root: ROOT,
      kubeconfig: this.kubeconfig,
      cacheDir: this.cacheDir,
      pkiDir: this.pkiDir,
      helm: toolBin('helm'),
      kubectl: toolBin('kubectl'),
      values,
      namespace: XP_NAMESPACE,
    });
  }

  /**
   * Installs the Configuration package (make package) instead of the chart, through Crossplane's
   * package manager, offline (test/reconcile/packages.ts installConfigurationOffline).
   */
  installConfiguration(): ReturnType<typeof installConfigurationOffline> {
    return installConfigurationOffline({
      root: ROOT,
      cacheDir: this.cacheDir,
      pkiDir: this.pkiDir,
      crossplane: toolBin('crossplane'),
      apply: (objs) => this.apply(objs),
      namespace: XP_NAMESPACE,
    });
  }

  /** Starts the External runtime and the stand-in provider (`providerArgs` e.g. --create-ms). */
  startStandIns(providerArgs: readonly string[] = []): { runtime: StandIn; provider: StandIn } {
    const logs = join(this.dir, 'logs');
    const runtime = new StandIn(
      'runtime',
      ['runtime', '--kubeconfig', this.kubeconfig, '--functions', this.functionsFile],
      join(logs, 'runtime.log'),
    );
    const provider = new StandIn(
      'provider',
      ['provider', '--kubeconfig', this.kubeconfig, ...providerArgs],
      join(logs, 'provider.log'),
    );
    this.standIns.push(runtime, provider);
    return { runtime, provider };
  }

  /** Package objects (functions, providers) that are not yet Installed and Healthy. */
  unhealthyPackages(): string[] {
    return [...this.list('functions.pkg.crossplane.io'), ...this.list('providers.pkg.crossplane.io')]
      .filter((p) => !(isTrue(p, 'Installed') && isTrue(p, 'Healthy')))
      .map((p) => `${String(p.kind)}/${String((p.metadata as Obj).name)}`);
  }

  /** Lines of Crossplane's log that match `re`. */
  crossplaneLogLines(re: RegExp): string[] {
    return readFileSync(this.crossplaneLog, 'utf8')
      .split('\n')
      .filter((l) => re.test(l));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.standIns.map((s) => s.stop()));
    execFileSync(join(ROOT, 'hack/control-plane.sh'), ['stop', this.dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (process.env.PP_KEEP_RECONCILE_DIR !== '1') rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The composed resources of an XR, from spec.crossplane.resourceRefs. */
export function resourceRefs(xr: Obj): Obj[] {
  const refs = ((xr.spec as Obj | undefined)?.crossplane as Obj | undefined)?.resourceRefs;
  return Array.isArray(refs) ? refs.filter(isObj) : [];
}

export { sleepSync };
