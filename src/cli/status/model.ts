/**
 * The status of a PaymentPlatform as the CLI shows it, computed from the objects alone (no I/O):
 * every composed resource with Ready/Synced and age, the progress count, and every problem with
 * its full message, the deepest first: managed resources before the PaymentPlatform, root causes
 * before the resources they block (the operator's order: src/apis/health-model.ts), and within one
 * object the provider's last async operation before Synced before Ready.
 */
import { isInternalApiVersion } from '../../apis/constants.js';
import { type Obj } from '../../apis/obj.js';
import {
  compositionResourceName,
  conditionsOf,
  failingConditions,
  isFailing,
  judgeResource,
  rootCauseOrder,
  type Condition,
} from '../../apis/health-model.js';

export { conditionsOf, isFailing, type Condition };

/** An entry of the XR's `spec.crossplane.resourceRefs`. */
export interface ResourceRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** A referenced object as fetched: undefined when the API server has no such object. */
export interface Fetched {
  readonly ref: ResourceRef;
  readonly object: Obj | undefined;
  /** Why it could not be read, when it was not a plain 404. */
  readonly error?: string;
}

/** True/False/Unknown as in the condition, `-` when the object has no such condition. */
export type Tri = 'True' | 'False' | 'Unknown' | '-';

/** A failing condition (or a missing object), with its full message. */
export interface Problem {
  /** Composition resource name, or the PaymentPlatform's name. */
  readonly resource: string;
  readonly kind: string;
  readonly name: string;
  /** Condition type (`Synced`, `Ready`, `LastAsyncOperation`) or `NotFound`. */
  readonly condition: string;
  readonly reason?: string;
  /** The message exactly as written, never shortened. */
  readonly message: string;
  /** The innermost cause when the message is a chain (`a: b: api error X: y`). */
  readonly cause?: string;
  /** ISO time of the condition's last transition. */
  readonly since?: string;
  /** 1 for composed resources, 0 for the PaymentPlatform: deeper first. */
  readonly depth: number;
}

export interface ResourceStatus {
  /** Composition resource name (`crossplane.io/composition-resource-name`). */
  readonly resource: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly found: boolean;
  readonly ready: Tri;
  readonly synced: Tri;
  /** Counts towards `N/M ready`. */
  readonly isReady: boolean;
  readonly createdAt?: string;
  readonly problems: Problem[];
}

export interface PlatformStatus {
  readonly namespace: string;
  readonly name: string;
  readonly environment?: string;
  readonly ready: Tri;
  readonly synced: Tri;
  readonly createdAt?: string;
  /** The PaymentPlatform's Ready condition is True. */
  readonly isReady: boolean;
  readonly resources: ResourceStatus[];
  readonly readyCount: number;
  readonly total: number;
  /** Every problem, deepest first. */
  readonly problems: Problem[];
}

const asObj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

const tri = (conds: readonly Condition[], type: string): Tri => {
  const s = conds.find((c) => c.type === type)?.status;
  return s === 'True' || s === 'False' || s === 'Unknown' ? s : '-';
};

/**
 * The innermost cause of a Go-style error chain: from the last `api error ` on (AWS's error
 * code and text), else the last `: `-separated part. Undefined when the message is not a chain.
 */
export function deepestCause(message: string): string | undefined {
  const api = message.lastIndexOf('api error ');
  const cause =
    api > 0
      ? message.slice(api).replace(/[\s[\]{}]+$/, '')
      : message.includes(': ')
        ? message.slice(message.lastIndexOf(': ') + 2)
        : undefined;
  return cause !== undefined && cause.trim() !== '' && cause !== message ? cause.trim() : undefined;
}

function problemsOf(o: Obj, who: { resource: string; kind: string; name: string }, depth: number): Problem[] {
  return failingConditions(o).map((c) => {
    const message = c.message ?? '';
    const cause = deepestCause(message);
    return {
      ...who,
      condition: c.type,
      ...(c.reason ? { reason: c.reason } : {}),
      message: message === '' ? `${c.type} is False${c.reason ? ` (${c.reason})` : ''}` : message,
      ...(cause !== undefined ? { cause } : {}),
      ...(c.lastTransitionTime ? { since: String(c.lastTransitionTime) } : {}),
      depth,
    };
  });
}

const timestamp = (o: Obj | undefined): string | undefined => {
  const t = asObj(o?.metadata).creationTimestamp;
  return t instanceof Date ? t.toISOString() : typeof t === 'string' ? t : undefined;
};

/** An internal XR of the nested layout (src/composition/nested.ts): `status` follows its references. */
export const isInternalXr = (ref: ResourceRef): boolean => isInternalApiVersion(ref.apiVersion);

/** The XR's composed resource references (Crossplane v2 `spec.crossplane.resourceRefs`). */
export function resourceRefsOf(xr: Obj): ResourceRef[] {
  const spec = asObj(xr.spec);
  const refs = asObj(spec.crossplane).resourceRefs ?? spec.resourceRefs;
  if (!Array.isArray(refs)) return [];
  return refs
    .map(asObj)
    .filter((r) => typeof r.apiVersion === 'string' && typeof r.kind === 'string' && typeof r.name === 'string')
    .map((r) => ({
      apiVersion: String(r.apiVersion),
      kind: String(r.kind),
      name: String(r.name),
      ...(typeof r.namespace === 'string' ? { namespace: r.namespace } : {}),
    }));
}

function resourceStatus(f: Fetched): ResourceStatus {
  const o = f.object;
  const resource = compositionResourceName(o, f.ref.name);
  const base = { resource, apiVersion: f.ref.apiVersion, kind: f.ref.kind, name: f.ref.name };
  if (!o) {
    return {
      ...base,
      found: false,
      ready: '-',
      synced: '-',
      isReady: false,
      problems: [
        {
          ...base,
          condition: 'NotFound',
          message:
            f.error ??
            `${f.ref.kind} ${f.ref.name} is referenced by the PaymentPlatform but does not exist (not created yet, or deleted)`,
          depth: 1,
        },
      ],
    };
  }
  const conds = conditionsOf(o);
  const ready = tri(conds, 'Ready');
  // Objects without conditions (the ConfigMap) are ready once they exist, as the Composition's
  // readiness check `None` says (the shared verdict).
  const isReady = judgeResource(o).ready;
  const createdAt = timestamp(o);
  return {
    ...base,
    found: true,
    ready,
    synced: tri(conds, 'Synced'),
    isReady,
    ...(createdAt ? { createdAt } : {}),
    problems: problemsOf(o, base, 1),
  };
}

/** Computes the status view of a PaymentPlatform and its fetched composed resources. */
export function buildStatus(xr: Obj, fetched: readonly Fetched[]): PlatformStatus {
  const md = asObj(xr.metadata);
  const name = String(md.name ?? '');
  const conds = conditionsOf(xr);
  const resources = fetched.map(resourceStatus);
  // Root causes first, as the operator picks its deepest failing resource; resources with a
  // problem but a Ready verdict (a paused one) after them, in their order.
  const order = rootCauseOrder(
    fetched.map((f, i) => ({
      name: f.ref.name,
      resource: resources[i].resource,
      object: f.object,
      verdict: judgeResource(f.object),
    })),
  );
  const position = new Map(order.map((c, i) => [c.item.name, i]));
  const at = (r: ResourceStatus): number => position.get(r.name) ?? order.length;
  const problems = [
    ...[...resources].sort((a, b) => at(a) - at(b)).flatMap((r) => r.problems),
    ...problemsOf(xr, { resource: name, kind: String(xr.kind ?? 'PaymentPlatform'), name }, 0),
  ];
  const environment = asObj(asObj(xr.spec).parameters).environment;
  const createdAt = timestamp(xr);
  return {
    namespace: String(md.namespace ?? ''),
    name,
    ...(typeof environment === 'string' ? { environment } : {}),
    ready: tri(conds, 'Ready'),
    synced: tri(conds, 'Synced'),
    ...(createdAt ? { createdAt } : {}),
    isReady: tri(conds, 'Ready') === 'True',
    resources,
    readyCount: resources.filter((r) => r.isReady).length,
    total: resources.length,
    problems,
  };
}

/** A kubectl-style age (`45s`, `3m20s`, `2h5m`, `4d`) of a timestamp at `now`. */
export function age(iso: string | undefined, now: number): string {
  if (iso === undefined) return '-';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '-';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return d < 730 ? `${d}d` : `${Math.floor(d / 365)}y`;
}
