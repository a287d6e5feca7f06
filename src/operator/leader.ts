/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics: the holder
 * renews every retry period and gives up leadership when it cannot renew within the renew
 * deadline; a candidate takes the Lease when the holder has not renewed it for the lease
 * duration, measured on the candidate's own clock from when it last saw the record change (so
 * clock skew between replicas does not matter); updates carry the resourceVersion, so two
 * candidates cannot both win. A candidate does not poll: it sleeps until the Lease could expire
 * and watches the Lease, so a released Lease (graceful shutdown of the leader) is taken at once.
 */
import type { Logger } from './logger.js';
import { errorFields } from './logger.js';
import { isStatus, type KubeClient } from './kube/client.js';
import type { ClusterConfig } from './kube/config.js';
import { isObj, type Obj } from './kube/objects.js';
import { watchStream } from './kube/watch.js';

export interface LeaderElectionOptions {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

export interface LeaderCallbacks {
  /** This replica became leader. */
  readonly onStartedLeading: () => void;
  /** This replica lost the Lease (could not renew within the deadline). Not called on release. */
  readonly onStoppedLeading: () => void;
}

/** The Lease spec fields the election uses. */
interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: LeaseSpec;
}

/** RFC 3339 with microseconds, the format of metav1.MicroTime. */
export const microTime = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

function asLease(o: Obj, namespace: string, name: string): Lease {
  const md = isObj(o.metadata) ? o.metadata : {};
  const spec = isObj(o.spec) ? o.spec : {};
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, resourceVersion: typeof md.resourceVersion === 'string' ? md.resourceVersion : undefined },
    spec: {
      holderIdentity: typeof spec.holderIdentity === 'string' && spec.holderIdentity !== '' ? spec.holderIdentity : undefined,
      leaseDurationSeconds: typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds : undefined,
      acquireTime: typeof spec.acquireTime === 'string' ? spec.acquireTime : undefined,
      renewTime: typeof spec.renewTime === 'string' ? spec.renewTime : undefined,
      leaseTransitions: typeof spec.leaseTransitions === 'number' ? spec.leaseTransitions : undefined,
    },
  };
}

/** Runs the election for one identity. */
export class LeaderElector {
  private leading = false;
  private stopped = false;
  private observed: { record: string; at: number; durationMs: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watchAbort: AbortController | undefined;
  private lastRenew = 0;
  private lease: Lease | undefined;
  private readonly path: string;
  private wake: (() => void) | undefined;
  private rearm: (() => void) | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly cluster: ClusterConfig,
    private readonly options: LeaderElectionOptions,
    private readonly log: Logger,
    private readonly callbacks: LeaderCallbacks,
  ) {
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${options.namespace}/leases`;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Campaigns until leader, then renews until stopped or lost. Returns at once. */
  start(): void {
    void this.campaign();
  }

  /** Stops campaigning/renewing; when leading, releases the Lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.watchAbort?.abort();
    this.wake?.();
    if (this.leading) {
      this.leading = false;
      await this.release();
    }
  }

  private async campaign(): Promise<void> {
    this.log.info(
      { lease: `${this.options.namespace}/${this.options.name}`, identity: this.options.identity },
      'campaigning for leadership',
    );
    await this.startWatch();
    while (!this.stopped && !this.leading) {
      let acquired = false;
      try {
        acquired = await this.tryAcquireOrRenew();
      } catch (err) {
        this.log.warn(errorFields(err), 'cannot read or update the Lease');
      }
      if (acquired) break;
      await this.sleepUntilExpiry();
    }
    this.watchAbort?.abort();
    if (this.stopped || !this.leading) return;
    this.log.info({ identity: this.options.identity }, 'became leader');
    this.callbacks.onStartedLeading();
    this.scheduleRenew();
  }

  private scheduleRenew(): void {
    this.timer = setTimeout(() => void this.renew(), this.options.retryPeriodMs);
  }

  private async renew(): Promise<void> {
    if (this.stopped || !this.leading) return;
    let ok = false;
    try {
      ok = await this.tryAcquireOrRenew();
    } catch (err) {
      this.log.warn(errorFields(err), 'cannot renew the Lease');
    }
    if (this.stopped) return;
    if (!ok && Date.now() - this.lastRenew >= this.options.renewDeadlineMs) {
      this.leading = false;
      this.log.error(
        { identity: this.options.identity, lastRenewMsAgo: Date.now() - this.lastRenew },
        'lost leadership: could not renew the Lease in time',
      );
      this.callbacks.onStoppedLeading();
      return;
    }
    this.scheduleRenew();
  }

  /** One attempt; true when this identity holds the Lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const { namespace, name, identity } = this.options;
    const durationSeconds = Math.ceil(this.options.leaseDurationMs / 1000);
    let current: Lease;
    try {
      current = asLease(await this.client.request('GET', `${this.path}/${name}`), namespace, name);
    } catch (err) {
      if (!isStatus(err, 404)) throw new Error('cannot read the Lease', { cause: err });
      const created: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      };
      try {
        this.lease = asLease(await this.client.request('POST', this.path, { body: created }), namespace, name);
      } catch (createErr) {
        if (isStatus(createErr, 409)) return false;
        throw new Error('cannot create the Lease', { cause: createErr });
      }
      this.noteAcquired();
      return true;
    }
    const record = JSON.stringify(current.spec);
    if (!this.observed || this.observed.record !== record) {
      this.observed = { record, at: Date.now(), durationMs: (current.spec.leaseDurationSeconds ?? durationSeconds) * 1000 };
    }
    const holder = current.spec.holderIdentity;
    const mine = holder === identity;
    if (holder !== undefined && !mine && Date.now() < this.observed.at + this.observed.durationMs) return false;

    const next: Lease = {
      ...current,
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: mine && current.spec.acquireTime ? current.spec.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: (current.spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      },
    };
    try {
      this.lease = asLease(await this.client.request('PUT', `${this.path}/${name}`, { body: next }), namespace, name);
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw new Error('cannot update the Lease', { cause: err });
    }
    if (!mine) this.log.info({ previousHolder: holder ?? null, transitions: next.spec.leaseTransitions }, 'took over the Lease');
    this.noteAcquired();
    return true;
  }

  private noteAcquired(): void {
    this.lastRenew = Date.now();
    this.leading = true;
    this.observed = { record: JSON.stringify(this.lease?.spec ?? {}), at: Date.now(), durationMs: this.options.leaseDurationMs };
  }

  /** Clears the holder (lease duration 1 s) so that a standby takes over without waiting. */
  private async release(): Promise<void> {
    const lease = this.lease;
    if (!lease || lease.spec.holderIdentity !== this.options.identity) return;
    const now = microTime(new Date());
    const released: Lease = {
      ...lease,
      spec: { leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: lease.spec.leaseTransitions },
    };
    try {
      await this.client.request('PUT', `${this.path}/${this.options.name}`, { body: released, timeoutMs: 5000 });
      this.log.info({ identity: this.options.identity }, 'released the Lease');
    } catch (err) {
      this.log.warn(errorFields(err), 'cannot release the Lease; a standby takes over when it expires');
    }
  }

  /** Sleeps until the observed Lease could expire, or until the watch sees it released. */
  private sleepUntilExpiry(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        if (this.timer) clearTimeout(this.timer);
        this.wake = undefined;
        this.rearm = undefined;
        resolve();
      };
      const arm = (): void => {
        if (this.timer) clearTimeout(this.timer);
        const observed = this.observed;
        const untilExpiry = observed ? observed.at + observed.durationMs - Date.now() : 0;
        this.timer = setTimeout(done, Math.max(this.options.retryPeriodMs / 4, untilExpiry + 50));
      };
      this.wake = done;
      this.rearm = arm;
      arm();
    });
  }

  /** Watches the one Lease; a change (or its release) wakes the candidate. */
  private async startWatch(): Promise<void> {
    if (this.stopped) return;
    try {
      this.watchAbort = await watchStream(
        this.cluster,
        this.path,
        { fieldSelector: `metadata.name=${this.options.name}` },
        (phase, obj: unknown) => {
          if (phase === 'ERROR' || phase === 'BOOKMARK' || !isObj(obj)) return;
          const lease = asLease(obj, this.options.namespace, this.options.name);
          const holder = lease.spec.holderIdentity;
          this.log.debug({ phase, holder: holder ?? null }, 'Lease changed');
          if (phase === 'DELETED' || holder === undefined) {
            this.wake?.();
            return;
          }
          // A renewal by the holder: the Lease expires later; sleep on without a request.
          const record = JSON.stringify(lease.spec);
          if (this.observed?.record !== record) {
            const durationMs = (lease.spec.leaseDurationSeconds ?? this.options.leaseDurationMs / 1000) * 1000;
            this.observed = { record, at: Date.now(), durationMs };
            this.rearm?.();
          }
        },
        () => {
          // The watch ended (timeout, server restart): watch again while campaigning.
          if (!this.stopped && !this.leading) setTimeout(() => void this.startWatch(), this.options.retryPeriodMs).unref();
        },
      );
    } catch (err) {
      this.log.debug(errorFields(err), 'cannot watch the Lease; relying on its expiry');
    }
  }
}
