/**
 * The operator's configuration: every setting is a flag (`--lease-duration=15s`) and an
 * environment variable (`PP_OPERATOR_LEASE_DURATION=15s`); a flag wins over the environment,
 * the environment over the default. Invalid values fail at start with a message naming the
 * setting.
 */
import { hostname } from 'node:os';
import { DURATION_HINT } from '../util/duration.js';
import {
  booleanValue,
  Command,
  CommanderError,
  durationValue,
  integerValue,
  InvalidArgumentError,
  Option,
} from '../util/flags.js';

/** Log levels pino understands. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The operator's resolved configuration. */
export interface OperatorConfig {
  /** kubeconfig file; empty for the default (KUBECONFIG, in-cluster, ~/.kube/config). */
  readonly kubeconfig: string;
  /**
   * Managed-resource kinds to watch, `group/version/Kind/plural` each; empty for the kinds the
   * Composition composes (needs the development dependencies; the chart always sets this).
   */
  readonly kinds: readonly string[];
  /** Composed kinds that are not managed resources but that PCI controls read (Crossplane Usage). */
  readonly policyKinds: readonly string[];
  /** Internal composite kinds of the nested layout, followed down to their managed resources. */
  readonly compositeKinds: readonly string[];
  /** Take part in leader election (off: act as leader at once; for a single local process). */
  readonly leaderElect: boolean;
  readonly leaseName: string;
  readonly leaseNamespace: string;
  /** This replica's identity in the Lease (the pod name). */
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly bindAddress: string;
  /** Port of /healthz, /readyz and /metrics (0: any free port, logged). */
  readonly port: number;
  /** Platforms reconciled concurrently. */
  readonly workers: number;
  readonly logLevel: LogLevel;
  /** Page size of the informers' list requests. */
  readonly listPageSize: number;
  /** Full lists (one kind each) in flight at once: the list pages held in memory while syncing. */
  readonly listConcurrency: number;
  /** Work-queue backoff after a failed reconcile: first delay and cap. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** A managed resource changing more than this many times within the window is in a hot loop. */
  readonly hotLoopMaxUpdates: number;
  readonly hotLoopWindowMs: number;
  /** Opt-in: annotate a hot-looping resource `crossplane.io/paused: "true"`. */
  readonly hotLoopPause: boolean;
  /** How long SIGTERM waits for the queue to drain before giving up. */
  readonly shutdownTimeoutMs: number;
}

interface Setting {
  readonly flag: string;
  readonly help: string;
  /** The default as the user would write it (shown in the help, parsed like a value). */
  readonly def: string;
  /** Parses a value (from the flag or the environment); throws InvalidArgumentError. */
  readonly parse: (raw: string) => unknown;
  /** Name of the value in the help (`<duration>`); switches have none. */
  readonly value?: string;
}

const text = (raw: string): string => raw;
const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function parseLevel(raw: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === raw);
  if (!level) throw new InvalidArgumentError(`must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

const duration = { parse: durationValue, value: 'duration' } as const;
const integer = (min: number, max: number) => ({ parse: integerValue(min, max), value: 'n' }) as const;
const toggle = { parse: booleanValue } as const;

/** Every setting: flag name, help, default (as text) and parser. Keys are OperatorConfig keys. */
export const SETTINGS: Readonly<Record<keyof OperatorConfig, Setting>> = {
  kubeconfig: {
    flag: 'kubeconfig',
    help: 'kubeconfig file (default: KUBECONFIG, in-cluster, ~/.kube/config)',
    def: '',
    parse: text,
    value: 'file',
  },
  kinds: {
    flag: 'kinds',
    help: "managed-resource kinds to watch, comma-separated group/version/Kind/plural (default: the Composition's)",
    def: '',
    parse: list,
    value: 'list',
  },
  policyKinds: {
    flag: 'policy-kinds',
    help: "other composed kinds the PCI controls read (e.g. Usage), same form (default: the Composition's)",
    def: '',
    parse: list,
    value: 'list',
  },
  compositeKinds: {
    flag: 'composite-kinds',
    help: "internal composite kinds of the nested layout, same form; the health roll-up follows them down to their managed resources (default: the Composition's)",
    def: '',
    parse: list,
    value: 'list',
  },
  leaderElect: { flag: 'leader-elect', help: 'use leader election on a Lease', def: 'true', ...toggle },
  leaseName: {
    flag: 'lease-name',
    help: 'name of the leader-election Lease',
    def: 'payment-platform-operator',
    parse: text,
    value: 'name',
  },
  leaseNamespace: {
    flag: 'lease-namespace',
    help: 'namespace of the Lease (default: POD_NAMESPACE, else crossplane-system)',
    def: '',
    parse: text,
    value: 'namespace',
  },
  identity: {
    flag: 'identity',
    help: 'identity in the Lease (default: POD_NAME, else host name and pid)',
    def: '',
    parse: text,
    value: 'name',
  },
  leaseDurationMs: {
    flag: 'lease-duration',
    help: 'how long a Lease is valid without renewal',
    def: '15s',
    ...duration,
  },
  renewDeadlineMs: {
    flag: 'renew-deadline',
    help: 'how long the leader retries renewing before it gives up leadership',
    def: '10s',
    ...duration,
  },
  retryPeriodMs: { flag: 'retry-period', help: 'interval of Lease renewals', def: '2s', ...duration },
  bindAddress: { flag: 'bind-address', help: 'address of the HTTP server', def: '0.0.0.0', parse: text, value: 'address' },
  port: {
    flag: 'port',
    help: 'port of /healthz, /readyz and /metrics (0: any free port)',
    def: '8080',
    ...integer(0, 65535),
  },
  workers: { flag: 'workers', help: 'platforms reconciled concurrently', def: '16', ...integer(1, 64) },
  logLevel: { flag: 'log-level', help: `log level: ${LOG_LEVELS.join(', ')}`, def: 'info', parse: parseLevel, value: 'level' },
  listPageSize: { flag: 'list-page-size', help: 'page size of list requests', def: '100', ...integer(1, 100_000) },
  listConcurrency: {
    flag: 'list-concurrency',
    help: 'kinds listed at once (each holds a list page in memory)',
    def: '4',
    ...integer(1, 64),
  },
  backoffBaseMs: { flag: 'backoff-base', help: 'first retry delay after a failed reconcile', def: '200ms', ...duration },
  backoffMaxMs: { flag: 'backoff-max', help: 'longest retry delay', def: '5m', ...duration },
  hotLoopMaxUpdates: {
    flag: 'hot-loop-max-updates',
    help: 'updates of one managed resource within the window that make a hot loop',
    def: '30',
    ...integer(2, 1_000_000),
  },
  hotLoopWindowMs: { flag: 'hot-loop-window', help: 'sliding window of the hot-loop guard', def: '60s', ...duration },
  hotLoopPause: {
    flag: 'hot-loop-pause',
    help: 'annotate a hot-looping managed resource crossplane.io/paused="true" (opt-in)',
    def: 'false',
    ...toggle,
  },
  shutdownTimeoutMs: {
    flag: 'shutdown-timeout',
    help: 'how long SIGTERM waits for the queue to drain',
    def: '20s',
    ...duration,
  },
};

/** The environment variable of a setting: `PP_OPERATOR_` + the flag in upper snake case. */
export const envName = (flag: string): string => `PP_OPERATOR_${flag.toUpperCase().replaceAll('-', '_')}`;

/** Thrown for `--help`: the caller prints `usage()` and exits 0. */
export class HelpRequested extends Error {}

/** The setting's value name in the help: `<duration>`, `<n>`; a switch takes an optional `[bool]`. */
const valueOf = (s: Setting): string => (s.parse === booleanValue ? '[bool]' : `<${s.value ?? 'value'}>`);

/**
 * The operator's flags on the shared flag system (src/util/flags.ts): one declaration per setting
 * gives the parser and the help. Errors are thrown (exitOverride), never printed here.
 */
function program(): { cmd: Command; options: Map<keyof OperatorConfig, Option> } {
  const cmd = new Command('payment-platform-operator')
    .description(
      'Watches PaymentPlatforms and what they compose: health, PCI controls, hot loops. Every flag is also an\n' +
        'environment variable (shown with each flag); a flag wins over the environment, the environment over the default.\n' +
        `Durations are Go-style (${DURATION_HINT}).`,
    )
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .configureHelp({ helpWidth: 120 });
  const options = new Map<keyof OperatorConfig, Option>();
  for (const [key, s] of Object.entries(SETTINGS) as [keyof OperatorConfig, Setting][]) {
    const option = new Option(`--${s.flag} ${valueOf(s)}`, `${s.help} (env ${envName(s.flag)})`).argParser((raw: string) =>
      s.parse(raw),
    );
    // An empty default is filled in after parsing, so that the help shows no "(default: "")".
    if (s.def !== '') option.default(s.parse(s.def), s.def);
    cmd.addOption(option);
    options.set(key, option);
  }
  return { cmd, options };
}

/** The usage text: flags, environment variables and defaults (generated from SETTINGS). */
export function usage(): string {
  return program().cmd.helpInformation();
}

/** Resolves the configuration from command-line arguments and the environment. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  const { cmd, options } = program();
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError && e.code === 'commander.helpDisplayed') throw new HelpRequested('help');
    throw e;
  }
  const values: Record<string, unknown> = {};
  for (const [key, option] of options) {
    const s = SETTINGS[key];
    const attribute = option.attributeName();
    values[key] = cmd.getOptionValue(attribute) ?? s.parse(s.def);
    const raw = env[envName(s.flag)];
    if (cmd.getOptionValueSource(attribute) === 'cli' || raw === undefined) continue;
    try {
      values[key] = s.parse(raw);
    } catch (e) {
      if (e instanceof InvalidArgumentError)
        throw new Error(`${envName(s.flag)}='${raw}' is invalid: ${e.message}`, { cause: e });
      throw e;
    }
  }
  const config = values as unknown as OperatorConfig;
  const resolved: OperatorConfig = {
    ...config,
    leaseNamespace: config.leaseNamespace || env.POD_NAMESPACE || 'crossplane-system',
    identity: config.identity || env.POD_NAME || `${hostname()}-${process.pid}`,
  };
  if (resolved.renewDeadlineMs >= resolved.leaseDurationMs) {
    throw new Error(
      `'--renew-deadline' (${resolved.renewDeadlineMs} ms) must be < '--lease-duration' (${resolved.leaseDurationMs} ms)`,
    );
  }
  if (resolved.retryPeriodMs >= resolved.renewDeadlineMs) {
    throw new Error(
      `'--retry-period' (${resolved.retryPeriodMs} ms) must be < '--renew-deadline' (${resolved.renewDeadlineMs} ms)`,
    );
  }
  if (resolved.backoffBaseMs > resolved.backoffMaxMs) {
    throw new Error(`'--backoff-base' (${resolved.backoffBaseMs} ms) must be <= '--backoff-max' (${resolved.backoffMaxMs} ms)`);
  }
  return resolved;
}
