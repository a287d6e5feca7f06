/**
 * A simulated steady state: what a claim composes once AWS has answered. AWS is not reachable
 * from here, so observed composed resources get placeholder `status.atProvider` values (ids,
 * ARNs, endpoints; account 123456789012) and a Ready condition, the way provider-upjet-aws would
 * report them. Three passes: create, observe (status flows to the PaymentPlatform), then render
 * the resources that waited for that status (bucket policies, flow log, alarms). Used by tests,
 * the PCI evaluation of a claim before it is applied, and the scanner's input.
 */
import { jsonClone } from '../paths.js';
import { renderClaim, renderValidated, type ClaimRender, type ClaimRenderOptions } from './claim.js';
import { newRenderMemo, type ComposedOutput } from './render.js';
import { type Obj } from '../apis/obj.js';
import { DEFAULTS } from '../apis/payment-platform.js';

/** The region AWS would report a managed resource in: its `spec.forProvider.region`. */
export function regionOf(r: Obj): string {
  const region = ((r.spec as Obj | undefined)?.forProvider as Obj | undefined)?.region;
  return typeof region === 'string' && region !== '' ? region : DEFAULTS.region;
}

/** A placeholder ARN for a managed resource: its service, its region, the simulated account. */
export function fakeArn(r: Obj, id: string): string {
  return `arn:aws:${String(r.apiVersion).split('.')[0]}:${regionOf(r)}:${FAKE_ACCOUNT}:${String(r.kind).toLowerCase()}/${id}`;
}

export function fakeAtProvider(r: Obj, compositionName: string): Obj {
  const kind = String(r.kind);
  const md = (r.metadata ?? {}) as Obj;
  const external = ((md.annotations ?? {}) as Record<string, string>)['crossplane.io/external-name'];
  const id = external ?? `${kind.toLowerCase()}-${compositionName}`;
  const region = regionOf(r);
  const arn = fakeArn(r, id);
  const base: Obj = { id, arn };
  switch (kind) {
    case 'VPC':
      return { ...base, ownerId: FAKE_ACCOUNT };
    case 'Bucket':
      return { id, arn: `arn:aws:s3:::${id}` };
    case 'LB':
      return { ...base, dnsName: `${id}.${region}.elb.amazonaws.com`, arnSuffix: `app/${id}/0123456789abcdef` };
    case 'LBTargetGroup':
      return { ...base, arnSuffix: `targetgroup/${id}/fedcba9876543210` };
    case 'Cluster':
      return {
        ...base,
        endpoint: `${id}.cluster-abc.${region}.rds.amazonaws.com`,
        readerEndpoint: `${id}.cluster-ro-abc.${region}.rds.amazonaws.com`,
        port: 3306,
        masterUserSecret: [
          { secretArn: `arn:aws:secretsmanager:${region}:${FAKE_ACCOUNT}:secret:rds!cluster-${id}`, secretStatus: 'active' },
        ],
      };
    default:
      return base;
  }
}

/** The account id the simulation reports. */
export const FAKE_ACCOUNT = '123456789012';

/**
 * Observed versions of rendered resources: named, with placeholder AWS status and Ready/Synced.
 * With `previous` (the last reconcile's observed resources, and the names of those rendered the
 * same since), an unchanged resource keeps its observed object: the renderer (render.ts) reuses
 * a template's last render while its observed resource is the same object.
 */
export function observe(
  resources: readonly ComposedOutput[],
  previous?: { readonly observed: Readonly<Record<string, Obj>>; readonly unchanged: ReadonlySet<string> },
): Record<string, Obj> {
  return Object.fromEntries(
    resources.map((c) => {
      const kept = previous?.observed[c.name];
      if (kept && previous!.unchanged.has(c.name)) return [c.name, kept];
      const r = jsonClone(c.resource);
      const md = r.metadata as Obj;
      md.name ??= `${String(md.generateName)}${c.name}`;
      r.status = {
        atProvider: fakeAtProvider(r, c.name),
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Synced', status: 'True' },
        ],
      };
      return [c.name, r];
    }),
  );
}

/**
 * The observed internal XRs after a reconcile: as desired, with the status their own Composition
 * wrote (merged over what they had, as Crossplane applies it) and Ready as their pipeline said
 * (function-payments-readiness), else once every resource they compose is ready (one that
 * composes nothing is Ready, as Crossplane makes it).
 */
function observeComposites(render: ClaimRender, previous: Readonly<Record<string, Obj>>): Record<string, Obj> {
  const levels = new Map(render.levels.filter((l) => l.path.length > 0).map((l) => [l.path[l.path.length - 1], l]));
  return Object.fromEntries(
    render.composites.map((c) => {
      const level = levels.get(c.name);
      if (!level) throw new Error(`internal XR ${c.name} was not rendered`);
      const r = jsonClone(c.resource);
      // The readiness a function said (function-payments-readiness), else Crossplane's rule.
      const ready = level.result.ready ?? level.result.resources.every((x) => x.ready);
      const { conditions: _, ...before } = ((previous[c.name]?.status as Obj | undefined) ?? {}) as Obj;
      r.status = {
        ...before,
        ...((level.result.composite.status as Obj | undefined) ?? {}),
        conditions: [
          { type: 'Ready', status: ready ? 'True' : 'False' },
          { type: 'Synced', status: 'True' },
        ],
      };
      return [c.name, r];
    }),
  );
}

/**
 * At most this many reconciles. An output crosses one level of the nested layout per reconcile
 * (leaf -> branch -> PaymentPlatform, then down again as spec.inputs), so its chains are longer
 * than the single Composition's.
 */
const MAX_PASSES = 40;

export function renderSteadyState(
  claim: unknown,
  opts: Omit<ClaimRenderOptions, 'observed' | 'observedComposites' | 'memo'> = {},
) {
  const xr = JSON.parse(JSON.stringify(claim)) as Obj;
  const first = renderClaim(xr, opts);
  if (first.findings.length > 0) throw new Error(`invalid claim: ${first.findings.map((f) => f.message).join('; ')}`);
  let current: ClaimRender = first;
  let composites: Record<string, Obj> = {};
  // Each template's last render, reused by the next reconcile while its inputs are the same. The
  // first render is made without it, so that `first` and `final` share no object; the renders
  // in between are dropped, so only `final` holds what the memo held, and the caller owns it.
  const memo = newRenderMemo();
  // Whether a resource changed from one reconcile to the next: the same object (a reused render)
  // did not; another is compared by its JSON, computed once per object.
  const jsonOf = new WeakMap<Obj, string>();
  const json = (o: Obj): string => {
    let j = jsonOf.get(o);
    if (j === undefined) jsonOf.set(o, (j = JSON.stringify(o)));
    return j;
  };
  const unchangedNames = (before: readonly ComposedOutput[], after: readonly ComposedOutput[]): Set<string> => {
    const was = new Map(before.map((r) => [r.name, r.resource]));
    return new Set(
      after
        .filter((r) => {
          const b = was.get(r.name);
          return b !== undefined && (b === r.resource || json(b) === json(r.resource));
        })
        .map((r) => r.name),
    );
  };
  const sameList = (
    before: readonly ComposedOutput[],
    after: readonly ComposedOutput[],
    unchanged: ReadonlySet<string> = unchangedNames(before, after),
  ) => before.length === after.length && after.every((r, i) => r.name === before[i].name) && unchanged.size === after.length;
  // Settled when a reconcile changes neither the status nor any composed resource or internal XR
  // (not only the set of names: a resource whose desired spec changed is applied, observed and
  // reported again).
  const statuses = (status: unknown, r: ClaimRender) =>
    JSON.stringify([status ?? {}, r.levels.map((l) => [l.path, l.result.composite.status ?? {}])]);
  let before = statuses(xr.status, current);
  let last: { observed: Record<string, Obj>; unchanged: ReadonlySet<string> } | undefined;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const observed = observe(current.resources, last);
    composites = observeComposites(current, composites);
    // Validated once (renderClaim above); each reconcile renders the claim with its new status.
    const passXr = { ...first.xr, ...(xr.status !== undefined ? { status: xr.status } : {}) };
    const next: ClaimRender = {
      ...renderValidated(passXr, { ...opts, observed, observedComposites: composites, memo }),
      findings: first.findings,
    };
    xr.status = { ...((xr.status as Obj | undefined) ?? {}), ...((next.composite.status as Obj | undefined) ?? {}) };
    last = { observed, unchanged: unchangedNames(current.resources, next.resources) };
    const after = statuses(xr.status, next);
    const settled =
      before === after &&
      sameList(current.resources, next.resources, last.unchanged) &&
      sameList(current.composites, next.composites);
    current = next;
    if (settled) {
      return {
        first,
        final: current,
        xr,
        observed,
        observedComposites: composites,
        passes: pass + 1,
        status: xr.status as Obj,
        byName: new Map(current.resources.map((r) => [r.name, r.resource])),
      };
    }
    before = after;
  }
  throw new Error(`no steady state after ${MAX_PASSES} reconciles`);
}
