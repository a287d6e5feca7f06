/**
 * A STAND-IN for provider-upjet-aws, for the reconcile suite and `make demo`. It is not the real
 * provider (which cannot be built here: hack/PROBE.md) and talks to no cloud. It behaves like
 * upjet where Crossplane and the user can see it, on every namespaced managed resource of the
 * `*.aws.m.upbound.io` CRDs that are established (that is, whose MRDs the chart's
 * ManagedResourceActivationPolicy activated):
 *
 * - adds the `finalizer.managedresource.crossplane.io` finalizer;
 * - resolves every `*Selector` of `spec.forProvider` as crossplane-runtime's reference resolver
 *   does: the managed resources of the namespace with the selector's labels (and, with
 *   `matchControllerRef`, the same controller), their names written to `*Ref`/`*Refs` and their
 *   external name (the observed ARN for `*Arn` fields) to the field; until every selector
 *   resolves, Synced=False/ReconcileError `cannot resolve references` and nothing is created;
 * - "creates" the resource the way upjet's external client does, with the same annotations:
 *   `crossplane.io/external-create-pending`, then `crossplane.io/external-create-succeeded` and
 *   `crossplane.io/external-name` (kept when the Composition set it);
 * - reports Synced=True/ReconcileSuccess and Ready=False/Creating, then, after a per-kind creation
 *   time, Ready=True/Available with `status.atProvider`: the spec's `forProvider` fields (upjet
 *   late-initialises and echoes them) plus the computed ids, ARNs and endpoints of
 *   src/render/steady-state.ts (placeholder account 123456789012);
 * - observes spec changes (a new `metadata.generation`) and updates atProvider without changing
 *   the external name: an update in place, never a re-create;
 * - on deletion: Ready=False/Deleting, then removes its finalizer. It logs `deleted` or, when the
 *   management policies do not include Delete, `orphaned` (the AWS resource would stay);
 * - the annotation `stand-in.payments.io/fail: MESSAGE` makes a resource report
 *   Synced=False/ReconcileError with that message (and Ready=False), as an AWS API error would.
 *
 * Each of these is a separate write, so each resource produces at least the watch events a real
 * provider produces while it creates one (finalizer, create-pending, external name, Creating,
 * Available). Every action is logged as one JSON line on stdout.
 */
import { createHash } from 'node:crypto';
import { ANNOTATION_EXTERNAL_NAME } from '../../src/apis/constants.js';
import { isObj, type Obj } from '../../src/apis/obj.js';
import { fakeAtProvider } from '../../src/render/steady-state.js';
import { KubeClient } from '../../src/operator/kube/client.js';
import { ClusterConfig } from '../../src/operator/kube/config.js';
import { listWatch } from './informer.js';

export const PROVIDER_GROUP_SUFFIX = '.aws.m.upbound.io';
export const FINALIZER = 'finalizer.managedresource.crossplane.io';
export const ANNOTATION_FAIL = 'stand-in.payments.io/fail';
export const ANNOTATION_CREATE_PENDING = 'crossplane.io/external-create-pending';
export const ANNOTATION_CREATE_SUCCEEDED = 'crossplane.io/external-create-succeeded';

/** How long AWS takes to create a kind, relative to the base creation time. */
const SLOW_KINDS: Readonly<Record<string, number>> = {
  Cluster: 6,
  ClusterInstance: 8,
  NATGateway: 4,
  LB: 4,
  VPCEndpoint: 2,
  WebACL: 2,
  Key: 2,
};

export interface StandInOptions {
  readonly kubeconfig: string;
  /** Base time AWS takes to create a resource, in ms (slow kinds take a multiple). @default 500 */
  readonly createMs?: number;
  /** Resources worked on at once (upjet's default max reconcile rate is 10). @default 10 */
  readonly concurrency?: number;
  /**
   * Time an Observe of the AWS resource takes, in ms, with the worker's slot held meanwhile:
   * crossplane-runtime observes before it adds the finalizer and creates (one reconcile writes the
   * finalizer, create-pending, external name and Creating), and again before it reports Available
   * (upjet reads through the Terraform provider: one or more AWS API calls). @default 0
   */
  readonly observeMs?: number;
  readonly log?: (entry: Obj) => void;
}

interface Kind {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const conditionOf = (o: Obj, type: string): Obj | undefined =>
  (((o.status as Obj | undefined)?.conditions as Obj[] | undefined) ?? []).find((c) => c.type === type);

/** The external name upjet would record: the AWS id of the new resource (deterministic here). */
function externalNameFor(kind: string, uid: string): string {
  const h = createHash('sha256').update(uid).digest('hex');
  const prefix: Record<string, string> = {
    VPC: 'vpc',
    Subnet: 'subnet',
    SecurityGroup: 'sg',
    InternetGateway: 'igw',
    NATGateway: 'nat',
    EIP: 'eipalloc',
    RouteTable: 'rtb',
    VPCEndpoint: 'vpce',
    SecurityGroupIngressRule: 'sgr',
    SecurityGroupEgressRule: 'sgr',
    FlowLog: 'fl',
  };
  return `${prefix[kind] ?? kind.toLowerCase()}-${h.slice(0, 17)}`;
}

/** What the management policies say about deleting the external resource. */
export function deletesExternal(mr: Obj): boolean {
  const spec = (mr.spec ?? {}) as Obj;
  const policies = (spec.managementPolicies as string[] | undefined) ?? ['*'];
  return policies.includes('*') || policies.includes('Delete');
}

/** True when `a` is an older version of the object than `b` (resourceVersions of one etcd). */
function isOlder(a: Obj, b: Obj | undefined): boolean {
  if (!b) return false;
  const ra = Number((a.metadata as Obj).resourceVersion);
  const rb = Number((b.metadata as Obj).resourceVersion);
  return Number.isFinite(ra) && Number.isFinite(rb) && ra < rb;
}

function stripReferences(forProvider: Obj): Obj {
  return Object.fromEntries(Object.entries(forProvider).filter(([k]) => !/(Ref|Refs|Selector)$/.test(k)));
}

/**
 * Resolves the `*Selector`s of a `spec.forProvider` as crossplane-runtime's reference resolver
 * does, against `candidates` (the managed resources of the namespace): those with the selector's
 * labels and, with `matchControllerRef`, the controller `controllerUid`, sorted by name. A `*Refs`
 * field in `schema` (the kind's forProvider schema) makes the selector multi-valued. Returns the
 * whole new `forProvider` when a reference or value changed, undefined when everything is
 * resolved already, or the reason (a string) when a selector matches nothing or a matched
 * resource has no value yet. Unlike the real resolver it does not restrict matches to the
 * referenced kind: the Composition's role labels are unique per kind.
 */
export function resolveSelectors(
  forProvider: Obj,
  schema: Obj,
  candidates: readonly Obj[],
  controllerUid: unknown,
): Obj | string | undefined {
  let changed = false;
  const walk = (value: Obj, sch: Obj, path: string): Obj | string => {
    const out: Obj = { ...value };
    const props = (sch.properties ?? {}) as Obj;
    // The fields a selector resolves into: written below, never copied back from `value`.
    const resolvedInto = new Set<string>();
    for (const k of Object.keys(value))
      if (k.endsWith('Selector')) {
        const base = k.slice(0, -'Selector'.length);
        for (const f of [base, `${base}s`, `${base}Ref`, `${base}Refs`]) resolvedInto.add(f);
      }
    for (const [k, v] of Object.entries(value)) {
      if (resolvedInto.has(k)) continue;
      if (k.endsWith('Selector') && isObj(v)) {
        const base = k.slice(0, -'Selector'.length);
        const multi = `${base}Refs` in props;
        const labels = (v.matchLabels ?? {}) as Record<string, string>;
        const matches = candidates
          .filter((o) => {
            const om = o.metadata as Obj;
            const ol = (om.labels ?? {}) as Record<string, string>;
            if (!Object.entries(labels).every(([lk, lv]) => ol[lk] === lv)) return false;
            if (v.matchControllerRef !== true) return true;
            return (
              (om.ownerReferences as Obj[] | undefined)?.some((r) => r.controller === true && r.uid === controllerUid) ?? false
            );
          })
          .sort((a, b) => String((a.metadata as Obj).name).localeCompare(String((b.metadata as Obj).name)));
        // As upjet's extractors: the external name (known before creation when the Composition
        // sets it, as for buckets), or for an ARN field the observed ARN (known once created).
        const valueOf = (o: Obj): string | undefined => {
          const arn = ((o.status as Obj | undefined)?.atProvider as Obj | undefined)?.arn;
          if (/Arns?$/.test(multi ? `${base}s` : base)) return typeof arn === 'string' ? arn : undefined;
          return (((o.metadata as Obj).annotations ?? {}) as Record<string, string>)[ANNOTATION_EXTERNAL_NAME];
        };
        const chosen = multi ? matches : matches.slice(0, 1);
        if (chosen.length === 0) return `${path}.${k}: no resources matched the selector ${JSON.stringify(labels)}`;
        const values = chosen.map(valueOf);
        if (values.some((x) => x === undefined))
          return `${path}.${base}: referenced field was empty (referenced resource may not yet be ready)`;
        const refName = multi ? `${base}Refs` : `${base}Ref`;
        const valueKey = multi ? (`${base}s` in props ? `${base}s` : base) : base;
        const refs = chosen.map((o) => ({ name: String((o.metadata as Obj).name) }));
        const want = multi ? values : values[0];
        out[refName] = multi ? refs : refs[0];
        out[valueKey] = want;
        if (
          JSON.stringify(value[refName]) !== JSON.stringify(out[refName]) ||
          JSON.stringify(value[valueKey]) !== JSON.stringify(want)
        )
          changed = true;
      } else if (Array.isArray(v)) {
        const itemSchema = ((props[k] as Obj | undefined)?.items ?? {}) as Obj;
        const items: unknown[] = [];
        for (const [i, item] of v.entries()) {
          if (!isObj(item)) {
            items.push(item);
            continue;
          }
          const r = walk(item, itemSchema, `${path}.${k}[${i}]`);
          if (typeof r === 'string') return r;
          items.push(r);
        }
        out[k] = items;
      } else if (isObj(v)) {
        const r = walk(v, (props[k] ?? {}) as Obj, `${path}.${k}`);
        if (typeof r === 'string') return r;
        out[k] = r;
      }
    }
    return out;
  };
  const result = walk(forProvider, schema, 'spec.forProvider');
  if (typeof result === 'string') return result;
  return changed ? result : undefined;
}

export class StandInProvider {
  private readonly createMs: number;
  private readonly concurrency: number;
  private readonly observeMs: number;
  private readonly log: (entry: Obj) => void;
  private readonly abort = new AbortController();
  private readonly kinds = new Map<string, Kind>();
  /** Latest seen version of each object, by key; the work queue holds keys. */
  private readonly latest = new Map<string, { kind: Kind; obj: Obj }>();
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly busy = new Set<string>();
  /** When each key's creation finishes (AWS "creating" it). */
  private readonly readyAt = new Map<string, number>();
  /** `spec.forProvider` schema of each kind (by kind.group), to tell `*Ref` from `*Refs`. */
  private readonly schemas = new Map<string, Obj>();
  private running = 0;
  private client!: KubeClient;
  private cluster!: ClusterConfig;

  constructor(private readonly options: StandInOptions) {
    this.createMs = options.createMs ?? 500;
    this.concurrency = options.concurrency ?? 10;
    this.observeMs = options.observeMs ?? 0;
    this.log = options.log ?? ((e) => process.stdout.write(`${JSON.stringify(e)}\n`));
  }

  async start(): Promise<void> {
    this.cluster = await ClusterConfig.fromFile(this.options.kubeconfig);
    this.client = new KubeClient(this.cluster, { maxSockets: 16, userAgent: 'payment-platform-stand-in-provider' });
    void this.discover();
    this.log({
      ts: new Date().toISOString(),
      event: 'started',
      createMs: this.createMs,
      concurrency: this.concurrency,
      observeMs: this.observeMs,
    });
  }

  stop(): void {
    this.abort.abort();
    this.client?.close();
  }

  /** Watches CRDs; starts a list-watch per established managed-resource kind. */
  private async discover(): Promise<void> {
    await listWatch({
      client: this.client,
      cluster: this.cluster,
      path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      signal: this.abort.signal,
      onError: (err) => this.log({ ts: new Date().toISOString(), event: 'error', where: 'crds', error: String(err) }),
      onObject: (type, crd) => {
        if (type === 'DELETED') return;
        const spec = crd.spec as Obj;
        const group = String(spec.group);
        const names = spec.names as Obj;
        if (!group.endsWith(PROVIDER_GROUP_SUFFIX) || spec.scope !== 'Namespaced') return;
        if (/ProviderConfig/.test(String(names.kind))) return;
        const established = (((crd.status as Obj | undefined)?.conditions as Obj[] | undefined) ?? []).some(
          (c) => c.type === 'Established' && c.status === 'True',
        );
        const version = ((spec.versions as Obj[]) ?? []).find((v) => v.storage === true)?.name;
        const key = `${String(names.plural)}.${group}`;
        if (!established || !version || this.kinds.has(key)) return;
        const kind: Kind = { group, version: String(version), plural: String(names.plural), kind: String(names.kind) };
        this.kinds.set(key, kind);
        const stored = ((spec.versions as Obj[]) ?? []).find((v) => v.storage === true) as Obj;
        const root = ((stored.schema as Obj | undefined)?.openAPIV3Schema ?? {}) as Obj;
        const forProvider = (((root.properties as Obj | undefined)?.spec as Obj | undefined)?.properties as Obj | undefined)
          ?.forProvider as Obj | undefined;
        if (forProvider) this.schemas.set(`${kind.kind}.${group}`, forProvider);
        void listWatch({
          client: this.client,
          cluster: this.cluster,
          path: `/apis/${group}/${kind.version}/${kind.plural}`,
          signal: this.abort.signal,
          onError: (err) => this.log({ ts: new Date().toISOString(), event: 'error', where: key, error: String(err) }),
          onObject: (t, obj) => {
            const k = this.keyOf(kind, obj);
            if (t === 'DELETED') {
              this.latest.delete(k);
              this.readyAt.delete(k);
              return;
            }
            if (isOlder(obj, this.latest.get(k)?.obj)) return; // our own write already moved past it
            this.latest.set(k, { kind, obj });
            this.enqueue(k);
          },
        });
      },
    });
  }

  private keyOf(kind: Kind, obj: Obj): string {
    const md = obj.metadata as Obj;
    return `${kind.plural}.${kind.group}/${String(md.namespace)}/${String(md.name)}`;
  }

  private enqueue(key: string): void {
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0 && !this.abort.signal.aborted) {
      const idx = this.queue.findIndex((k) => !this.busy.has(k));
      if (idx < 0) return;
      const [key] = this.queue.splice(idx, 1) as [string];
      this.queued.delete(key);
      this.busy.add(key);
      this.running++;
      void this.reconcile(key)
        .catch((err: unknown) => {
          this.log({ ts: new Date().toISOString(), event: 'error', key, error: String(err) });
          setTimeout(() => this.enqueue(key), 1000);
        })
        .finally(() => {
          this.busy.delete(key);
          this.running--;
          this.pump();
        });
    }
  }

  private path(kind: Kind, obj: Obj, sub = ''): string {
    const md = obj.metadata as Obj;
    return `/apis/${kind.group}/${kind.version}/namespaces/${String(md.namespace)}/${kind.plural}/${String(md.name)}${sub}`;
  }

  private async patch(kind: Kind, obj: Obj, body: Obj, sub = ''): Promise<Obj> {
    return this.client.request('PATCH', this.path(kind, obj, sub), { body, contentType: 'application/merge-patch+json' });
  }

  private async setStatus(kind: Kind, obj: Obj, conditions: Obj[], atProvider?: Obj): Promise<Obj> {
    const now = new Date().toISOString();
    const generation = (obj.metadata as Obj).generation;
    const status: Obj = {
      conditions: conditions.map((c) => ({ lastTransitionTime: now, observedGeneration: generation, ...c })),
    };
    if (atProvider) status.atProvider = atProvider;
    return this.patch(kind, obj, { status }, '/status');
  }

  /** One step towards the resource's desired state; re-queues itself until there is none. */
  private async reconcile(key: string): Promise<void> {
    const entry = this.latest.get(key);
    if (!entry) return;
    const { kind } = entry;
    const obj = entry.obj;
    const md = obj.metadata as Obj;
    const annotations = (md.annotations ?? {}) as Record<string, string>;
    const finalizers = (md.finalizers as string[] | undefined) ?? [];
    const ts = new Date().toISOString();
    const who = { kind: kind.kind, namespace: md.namespace, name: md.name, externalName: annotations[ANNOTATION_EXTERNAL_NAME] };
    const update = (o: Obj): void => {
      this.latest.set(key, { kind, obj: o });
      this.enqueue(key);
    };

    if (md.deletionTimestamp) {
      if (!finalizers.includes(FINALIZER)) return;
      if (conditionOf(obj, 'Ready')?.reason !== 'Deleting') {
        update(
          await this.setStatus(kind, obj, [
            { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' },
            { type: 'Ready', status: 'False', reason: 'Deleting' },
          ]),
        );
        return;
      }
      await sleep(this.createMs / 2);
      await this.patch(kind, obj, {
        metadata: { finalizers: finalizers.filter((f) => f !== FINALIZER), resourceVersion: md.resourceVersion },
      });
      this.log({ ts, event: deletesExternal(obj) ? 'deleted' : 'orphaned', ...who });
      return;
    }
    if (!finalizers.includes(FINALIZER)) {
      if (this.observeMs > 0) await sleep(this.observeMs); // the first Observe: the resource does not exist yet
      update(await this.patch(kind, obj, { metadata: { finalizers: [...finalizers, FINALIZER] } }));
      return;
    }
    const failure = annotations[ANNOTATION_FAIL];
    if (failure !== undefined) {
      const synced = conditionOf(obj, 'Synced');
      if (synced?.status !== 'False' || synced.message !== failure)
        update(
          await this.setStatus(kind, obj, [
            { type: 'Synced', status: 'False', reason: 'ReconcileError', message: failure },
            { type: 'Ready', status: 'False', reason: 'Unavailable' },
          ]),
        );
      return;
    }
    const resolved = this.resolveReferences(kind, obj);
    if (typeof resolved === 'string') {
      const synced = conditionOf(obj, 'Synced');
      const message = `cannot resolve references: ${resolved}`;
      if (synced?.status !== 'False' || synced.message !== message)
        this.latest.set(key, {
          kind,
          obj: await this.setStatus(kind, obj, [
            { type: 'Synced', status: 'False', reason: 'ReconcileError', message },
            {
              type: 'Ready',
              status: conditionOf(obj, 'Ready')?.status === 'True' ? 'True' : 'False',
              reason: conditionOf(obj, 'Ready')?.status === 'True' ? 'Available' : 'Creating',
            },
          ]),
        });
      setTimeout(() => this.enqueue(key), Math.max(200, this.createMs / 2));
      return;
    }
    if (resolved) {
      const patched = await this.patch(kind, obj, { spec: { forProvider: resolved } });
      if ((patched.metadata as Obj).resourceVersion === md.resourceVersion) {
        // A resolution that changes nothing would spin: make it visible and back off.
        this.log({ ts, event: 'error', ...who, error: 'reference resolution wrote no change' });
        this.latest.set(key, { kind, obj: patched });
        setTimeout(() => this.enqueue(key), 1000);
        return;
      }
      update(patched);
      return;
    }
    if (!annotations[ANNOTATION_CREATE_SUCCEEDED]) {
      if (!annotations[ANNOTATION_CREATE_PENDING]) {
        update(await this.patch(kind, obj, { metadata: { annotations: { [ANNOTATION_CREATE_PENDING]: ts } } }));
        return;
      }
      const externalName = annotations[ANNOTATION_EXTERNAL_NAME] ?? externalNameFor(kind.kind, String(md.uid));
      const created = await this.patch(kind, obj, {
        metadata: { annotations: { [ANNOTATION_CREATE_SUCCEEDED]: ts, [ANNOTATION_EXTERNAL_NAME]: externalName } },
      });
      this.readyAt.set(key, Date.now() + this.createMs * (SLOW_KINDS[kind.kind] ?? 1));
      this.log({ ts, event: 'created', ...who, externalName });
      update(
        await this.setStatus(kind, created, [
          { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' },
          { type: 'Ready', status: 'False', reason: 'Creating' },
        ]),
      );
      return;
    }
    const ready = conditionOf(obj, 'Ready');
    const synced = conditionOf(obj, 'Synced');
    const observed = ready?.observedGeneration === md.generation && synced?.status === 'True';
    if (ready?.status === 'True' && observed) return;
    const due = this.readyAt.get(key) ?? 0;
    if (Date.now() < due) {
      await sleep(due - Date.now());
    }
    if (this.observeMs > 0) await sleep(this.observeMs); // the Observe that finds it created
    const forProvider = isObj((obj.spec as Obj | undefined)?.forProvider) ? ((obj.spec as Obj).forProvider as Obj) : {};
    const atProvider = { ...stripReferences(forProvider), ...fakeAtProvider(obj, String(md.name)) };
    update(
      await this.setStatus(
        kind,
        obj,
        [
          { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' },
          { type: 'Ready', status: 'True', reason: 'Available' },
        ],
        atProvider,
      ),
    );
    this.log({ ts: new Date().toISOString(), event: ready?.status === 'True' ? 'updated' : 'available', ...who });
  }

  /**
   * Resolves the selectors of `spec.forProvider` against the latest objects of the resource's
   * namespace (see resolveSelectors).
   */
  private resolveReferences(kind: Kind, obj: Obj): Obj | string | undefined {
    const forProvider = isObj((obj.spec as Obj | undefined)?.forProvider) ? ((obj.spec as Obj).forProvider as Obj) : {};
    const md = obj.metadata as Obj;
    const controller = (md.ownerReferences as Obj[] | undefined)?.find((o) => o.controller === true)?.uid;
    const candidates = [...this.latest.values()].map((e) => e.obj).filter((o) => (o.metadata as Obj).namespace === md.namespace);
    return resolveSelectors(forProvider, this.schemas.get(`${kind.kind}.${kind.group}`) ?? {}, candidates, controller);
  }
}
