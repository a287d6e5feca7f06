/**
 * The operator process: probes and metrics server, leader election, and the controller on the
 * leader. SIGTERM (or SIGINT) shuts down gracefully in this order: stop the informers, drain the
 * queue, release the Lease (a standby takes over at once), close the server.
 */
import type { OperatorConfig } from './config.js';
import { Controller } from './controller.js';
import { KubeClient } from './kube/client.js';
import { ClusterConfig } from './kube/config.js';
import { kindsFromComposition, parseKind, type WatchedKind } from './kinds.js';
import { LeaderElector } from './leader.js';
import { createLogger, errorFields, type Logger } from './logger.js';
import { OperatorMetrics } from './metrics.js';
import { startProbeServer } from './server.js';

/** A running operator. */
export interface RunningOperator {
  /** Port of the probes/metrics server. */
  readonly port: number;
  /** Resolves with the exit code once the operator has stopped. */
  readonly done: Promise<number>;
  /** Graceful shutdown (what SIGTERM does). */
  shutdown(code?: number): Promise<number>;
}

async function resolveKinds(config: OperatorConfig): Promise<WatchedKind[]> {
  if (config.kinds.length > 0) {
    return [
      ...config.kinds.map((k) => parseKind(k, true)),
      ...config.policyKinds.map((k) => parseKind(k, false)),
      ...config.compositeKinds.map((k) => parseKind(k, false, true)),
    ];
  }
  const { managed, policy, composite } = await kindsFromComposition();
  return [...managed, ...policy, ...composite];
}

/** Starts the operator; returns once the server listens (leadership and work follow). */
export async function startOperator(
  config: OperatorConfig,
  log: Logger = createLogger(config.logLevel),
): Promise<RunningOperator> {
  const metrics = new OperatorMetrics();
  let cluster: ClusterConfig;
  let kinds: WatchedKind[];
  try {
    cluster = await ClusterConfig.load(config.kubeconfig || undefined);
    kinds = await resolveKinds(config);
  } catch (err) {
    throw new Error('cannot configure the operator', { cause: err });
  }
  const client = new KubeClient(cluster, {
    observe: (method, status, seconds) => {
      metrics.apiRequests.inc({ method, code: String(status) });
      metrics.apiDuration.observe({ method }, seconds);
    },
  });
  const controller = new Controller({ config, kinds, client, cluster, log, metrics });
  let leading = false;
  let stopping = false;
  let controllerError: unknown;

  const server = await startProbeServer({
    bindAddress: config.bindAddress,
    port: config.port,
    registry: metrics.registry,
    healthz: () =>
      controllerError ? { ok: false, detail: `controller failed: ${String(controllerError)}` } : { ok: true, detail: 'ok' },
    readyz: () => {
      if (stopping) return { ok: false, detail: 'shutting down' };
      if (!leading) return { ok: true, detail: 'standby (not leader)' };
      return controller.firstEvaluationDone
        ? { ok: true, detail: 'leader; first evaluation complete' }
        : { ok: false, detail: 'leader; first evaluation running' };
    },
  });
  log.info(
    {
      port: server.port,
      identity: config.identity,
      kinds: kinds.length,
      hotLoopPause: config.hotLoopPause,
      leaderElect: config.leaderElect,
    },
    'payment-platform operator started',
  );

  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });

  const lead = (): void => {
    leading = true;
    metrics.leader.set(1);
    metrics.leaderTransitions.inc({ transition: 'acquired' });
    controller.start().catch((err: unknown) => {
      controllerError = err;
      log.error(errorFields(err), 'controller failed to start');
      void shutdown(1);
    });
  };

  const elector = config.leaderElect
    ? new LeaderElector(
        client,
        cluster,
        {
          namespace: config.leaseNamespace,
          name: config.leaseName,
          identity: config.identity,
          leaseDurationMs: config.leaseDurationMs,
          renewDeadlineMs: config.renewDeadlineMs,
          retryPeriodMs: config.retryPeriodMs,
        },
        log,
        {
          onStartedLeading: lead,
          onStoppedLeading: () => {
            metrics.leader.set(0);
            metrics.leaderTransitions.inc({ transition: 'lost' });
            // Another replica may lead now: stop at once and exit non-zero (the pod restarts).
            void shutdown(1);
          },
        },
      )
    : undefined;

  let shuttingDown: Promise<number> | undefined;
  async function shutdown(code = 0): Promise<number> {
    shuttingDown ??= (async () => {
      stopping = true;
      const started = Date.now();
      log.info({ code }, 'shutting down');
      try {
        if (leading) await controller.stop(config.shutdownTimeoutMs);
        await elector?.stop();
      } catch (err) {
        log.error(errorFields(err), 'error during shutdown');
        code = code || 1;
      }
      leading = false;
      metrics.leader.set(0);
      await server.close();
      client.close();
      log.info({ code, ms: Date.now() - started }, 'stopped');
      resolveDone(code);
      return code;
    })();
    return shuttingDown;
  }

  if (elector) elector.start();
  else lead();

  return { port: server.port, done, shutdown };
}
