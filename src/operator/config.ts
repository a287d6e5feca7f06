/**
 * The operator's configuration: every setting is a flag (`--lease-duration=15s`) and an
 * environment variable (`PP_OPERATOR_LEASE_DURATION=15s`); a flag wins over the environment,
 * the environment over the default. Invalid values fail at start with a message naming the
 * setting.
 */
import { hostname } from 'node:os';

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
  readonly def: string;
  readonly parse: (raw: string, name: string) => unknown;
}

/** Parses `500ms`, `15s`, `2m`, `1h` (or plain milliseconds). */
export function parseDuration(raw: string, name: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) throw new Error(`'${name}' must be a duration like 500ms, 15s or 2m (got '${raw}')`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 'ms'] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

function parseInteger(min: number, max: number) {
  return (raw: string, name: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`'${name}' must be an integer from ${min} to ${max} (got '${raw}')`);
    }
    return n;
  };
}

function parseBool(raw: string, name: string): boolean {
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new Error(`'${name}' must be true or false (got '${raw}')`);
}

const text = (raw: string): string => raw;
const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function parseLevel(raw: string, name: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === raw);
  if (!level) throw new Error(`'${name}' must be one of ${LOG_LEVELS.join(', ')} (got '${raw}')`);
  return level;
}

/** Every setting: flag name, help, default (as text) and parser. Keys are OperatorConfig keys. */
export const SETTINGS: Readonly<Record<keyof OperatorConfig, Setting>> = {
  kubeconfig: {
    flag: 'kubeconfig',
    help: 'kubeconfig file (default: KUBECONFIG, in-cluster, ~/.kube/config)',
    def: '',
    parse: text,
  },
  kinds: {
    flag: 'kinds',
    help: "managed-resource kinds to watch, comma-separated group/version/Kind/plural (default: the Composition's)",
    def: '',
    parse: list,
  },
  policyKinds: {
    flag: 'policy-kinds',
    help: "other composed kinds the PCI controls read (e.g. Usage), same form (default: the Composition's)",
    def: '',
    parse: list,
  },
  leaderElect: { flag: 'leader-elect', help: 'use leader election on a Lease', def: 'true', parse: parseBool },
  leaseName: { flag: 'lease-name', help: 'name of the leader-election Lease', def: 'payment-platform-operator', parse: text },
  leaseNamespace: {
    flag: 'lease-namespace',
    help: 'namespace of the Lease (default: POD_NAMESPACE, else crossplane-system)',
    def: '',
    parse: text,
  },
  identity: { flag: 'identity', help: 'identity in the Lease (default: POD_NAME, else host name and pid)', def: '', parse: text },
  leaseDurationMs: {
    flag: 'lease-duration',
    help: 'how long a Lease is valid without renewal',
    def: '15s',
    parse: parseDuration,
  },
  renewDeadlineMs: {
    flag: 'renew-deadline',
    help: 'how long the leader retries renewing before it gives up leadership',
    def: '10s',
    parse: parseDuration,
  },
  retryPeriodMs: { flag: 'retry-period', help: 'interval of Lease renewals', def: '2s', parse: parseDuration },
  bindAddress: { flag: 'bind-address', help: 'address of the HTTP server', def: '0.0.0.0', parse: text },
  port: {
    flag: 'port',
    help: 'port of /healthz, /readyz and /metrics (0: any free port)',
    def: '8080',
    parse: parseInteger(0, 65535),
  },
  workers: { flag: 'workers', help: 'platforms reconciled concurrently', def: '4', parse: parseInteger(1, 64) },
  logLevel: { flag: 'log-level', help: `log level: ${LOG_LEVELS.join(', ')}`, def: 'info', parse: parseLevel },
  listPageSize: { flag: 'list-page-size', help: 'page size of list requests', def: '500', parse: parseInteger(1, 100_000) },
  backoffBaseMs: { flag: 'backoff-base', help: 'first retry delay after a failed reconcile', def: '200ms', parse: parseDuration },
  backoffMaxMs: { flag: 'backoff-max', help: 'longest retry delay', def: '5m', parse: parseDuration },
  hotLoopMaxUpdates: {
    flag: 'hot-loop-max-updates',
    help: 'updates of one managed resource within the window that make a hot loop',
    def: '30',
    parse: parseInteger(2, 1_000_000),
  },
  hotLoopWindowMs: { flag: 'hot-loop-window', help: 'sliding window of the hot-loop guard', def: '60s', parse: parseDuration },
  hotLoopPause: {
    flag: 'hot-loop-pause',
    help: 'annotate a hot-looping managed resource crossplane.io/paused="true" (opt-in)',
    def: 'false',
    parse: parseBool,
  },
  shutdownTimeoutMs: {
    flag: 'shutdown-timeout',
    help: 'how long SIGTERM waits for the queue to drain',
    def: '20s',
    parse: parseDuration,
  },
};

/** The environment variable of a setting: `PP_OPERATOR_` + the flag in upper snake case. */
export const envName = (flag: string): string => `PP_OPERATOR_${flag.toUpperCase().replaceAll('-', '_')}`;

/** Thrown for `--help`: the caller prints `usage()` and exits 0. */
export class HelpRequested extends Error {}

/** The usage text: flags, environment variables and defaults. */
export function usage(): string {
  const rows = Object.values(SETTINGS).map(
    (s) => `  --${s.flag.padEnd(22)} ${s.help}\n  ${''.padEnd(24)} env ${envName(s.flag)}${s.def ? `, default ${s.def}` : ''}`,
  );
  return `Usage: payment-platform-operator [flags]\n\n${rows.join('\n')}\n`;
}

function flagsOf(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  const known = new Map(Object.values(SETTINGS).map((s) => [s.flag, s]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') throw new HelpRequested('help');
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new Error(`unexpected argument '${arg}' (see --help)`);
    const setting = known.get(m[1]);
    if (!setting) throw new Error(`unknown flag '--${m[1]}' (see --help)`);
    let value = m[2];
    if (value === undefined) {
      const next = argv[i + 1];
      const isBool = setting.def === 'true' || setting.def === 'false';
      if (isBool && (next === undefined || next.startsWith('--'))) value = 'true';
      else if (next === undefined) throw new Error(`flag '--${m[1]}' needs a value`);
      else {
        value = next;
        i++;
      }
    }
    flags.set(m[1], value);
  }
  return flags;
}

/** Resolves the configuration from command-line arguments and the environment. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  const flags = flagsOf(argv);
  const values: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(SETTINGS)) {
    const raw = flags.get(s.flag) ?? env[envName(s.flag)] ?? s.def;
    values[key] = s.parse(raw, `--${s.flag}`);
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
