/** Runs the CLI in-process with a fake terminal, clock and cluster; shared by the cli*.test.ts suites. */
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { connect, type Cluster } from '../../src/cli/status/cluster.js';
import type { ChangeFeed } from '../../src/cli/status/watch.js';
import { type Obj } from '../../src/apis/obj.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Fake milliseconds that passed (waits for changes advance the clock). */
  readonly elapsed: number;
  /** What the fake cluster's watches were asked to follow, and whether they were closed. */
  readonly watched: { followed: string[]; closed: boolean };
}

export interface CliOptions {
  readonly stdin?: string;
  readonly isTTY?: boolean;
  readonly env?: Record<string, string | undefined>;
  /** A cluster; one without `watch` gets the fake watch below. */
  readonly connect?: () => Cluster | Omit<Cluster, 'watch'>;
  /** Use the cluster of $KUBECONFIG (e2e suites). @default false: a cluster call fails the test */
  readonly live?: boolean;
  /** Start of the fake clock. @default 2026-01-01T00:10:00Z */
  readonly now?: number;
  /**
   * The fake watch reports a change every `changeEvery` fake milliseconds (or times out first)
   * and calls this with the fake time after it: the test changes the fake cluster there.
   */
  readonly onChange?: (now: number) => void;
  /** @default 5000 */
  readonly changeEvery?: number;
}

export const T0 = Date.parse('2026-01-01T00:10:00Z');

export async function cli(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const start = opts.now ?? T0;
  let clock = start;
  const io: Io = {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    isTTY: opts.isTTY ?? false,
    env: opts.env ?? {},
    readStdin: () => opts.stdin ?? '',
    now: () => clock,
  };
  const watched = { followed: [] as string[], closed: false };
  const every = opts.changeEvery ?? 5000;
  const fakeFeed: ChangeFeed = {
    follow: (refs) => {
      for (const r of refs) if (!watched.followed.includes(r.kind)) watched.followed.push(r.kind);
    },
    next: async (ms) => {
      const step = Math.min(ms, every);
      clock += step;
      if (step < every) return false;
      opts.onChange?.(clock);
      return true;
    },
    close: () => void (watched.closed = true),
  };
  const noCluster = (): Cluster => {
    throw new Error('this test gives no cluster');
  };
  const given = opts.connect;
  const withWatch = given
    ? (): Cluster => {
        const c = given();
        return 'watch' in c ? c : { ...c, watch: () => fakeFeed };
      }
    : undefined;
  const code = await main(args, { io, connect: withWatch ?? (opts.live ? connect : noCluster) });
  return { code, stdout, stderr, elapsed: clock - start, watched };
}

/** A condition as Crossplane and the provider write it. */
export const cond = (
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message?: string,
  at = '2026-01-01T00:05:00Z',
) => ({
  type,
  status,
  reason,
  lastTransitionTime: at,
  ...(message !== undefined ? { message } : {}),
});

/** The message upjet writes when AWS refuses to create an Aurora cluster (the deepest cause is the api error). */
export const ASYNC_CREATE_FAILURE =
  'async create failed: failed to create the resource: [{0 creating RDS Cluster (payments-db-0a1b2c3d): operation error RDS: CreateDBCluster, https response error StatusCode: 400, RequestID: 5f1c0b1e-0000-4000-8000-000000000000, api error InvalidParameterCombination: Cannot find version 8.0.mysql_aurora.3.10.0 for aurora-mysql  []}]';
export const SYNC_FAILURE =
  'cannot resolve references: mg.Spec.ForProvider.DBSubnetGroupName: referenced field was empty (referenced resource may not yet be ready)';

/** A live-looking PaymentPlatform and its composed resources, from a render, in mixed states. */
export interface LiveFixture {
  readonly xr: Obj;
  /** Composed objects by composition resource name (undefined: referenced but missing). */
  readonly objects: Map<string, Obj | undefined>;
}

/**
 * Builds the objects that Crossplane would have created for `resources`: names, uids, creation
 * times, the XR's spec.crossplane.resourceRefs, and every resource Ready and Synced unless
 * `states` says otherwise.
 */
export function liveFixture(
  claim: Obj,
  resources: readonly { name: string; resource: Obj }[],
  states: Record<string, Obj[] | 'missing'> = {},
  xrConditions: Obj[] = [
    cond('Ready', 'False', 'Creating', 'Unready resources: db-cluster'),
    cond('Synced', 'True', 'ReconcileSuccess'),
  ],
): LiveFixture {
  const xr = JSON.parse(JSON.stringify(claim)) as Obj;
  const md = xr.metadata as Obj;
  md.namespace ??= 'default';
  md.uid = '0a1b2c3d-1111-4222-8333-444455556666';
  md.creationTimestamp = '2026-01-01T00:00:00Z';
  const objects = new Map<string, Obj | undefined>();
  const refs: Obj[] = [];
  resources.forEach(({ name, resource }, i) => {
    const o = JSON.parse(JSON.stringify(resource)) as Obj;
    const omd = o.metadata as Obj;
    omd.name = (omd.name as string | undefined) ?? `${String(md.name)}-${i.toString(36).padStart(5, 'x')}`;
    delete omd.generateName;
    omd.creationTimestamp = '2026-01-01T00:01:00Z';
    const state = states[name];
    refs.push({ apiVersion: o.apiVersion, kind: o.kind, name: omd.name });
    if (state === 'missing') {
      objects.set(name, undefined);
      return;
    }
    const isManaged = (o.spec as Obj | undefined)?.forProvider !== undefined;
    if (isManaged || state)
      o.status = { conditions: state ?? [cond('Ready', 'True', 'Available'), cond('Synced', 'True', 'ReconcileSuccess')] };
    objects.set(name, o);
  });
  xr.spec = { ...(xr.spec as Obj), crossplane: { resourceRefs: refs } };
  xr.status = { conditions: xrConditions };
  return { xr, objects };
}

/** A Cluster over a LiveFixture (which a test may change between polls). */
export function fakeCluster(fixture: () => LiveFixture, calls: { n: number } = { n: 0 }): () => Omit<Cluster, 'watch'> {
  return () => ({
    defaultNamespace: 'default',
    getPlatform: async (namespace, name) => {
      calls.n++;
      const { xr } = fixture();
      const md = xr.metadata as Obj;
      return md.namespace === namespace && md.name === name ? xr : undefined;
    },
    getResource: async (ref) => {
      for (const o of fixture().objects.values()) if (o && (o.metadata as Obj).name === ref.name && o.kind === ref.kind) return o;
      return undefined;
    },
  });
}
