/**
 * Live-like objects for the operator's end-to-end tests and benchmark: a PaymentPlatform and
 * its composed resources as Crossplane and the providers would leave them, from the offline
 * renderer's steady state (`renderSteadyState`: the real Composition, placeholder AWS answers).
 * Rendered once per claim and instantiated by name, so a thousand platforms cost one render.
 * A claim that names no Composition is rendered with the single one (every managed resource
 * referenced by the platform itself, as a platform created before the nested layout has them);
 * the nested layout's tree is read by the operator through --composite-kinds
 * (test/unit/operator-nested.test.ts, test/e2e/reconcile.test.ts).
 * Not part of the operator's runtime (it needs the development dependencies).
 */
import { API_GROUP_VERSION, COMPOSITION_NAME, KIND } from '../../apis/constants.js';
import { pluralOf } from '../../chart/kinds.js';
import { fakeArn, renderSteadyState } from '../../render/steady-state.js';
import type { Obj } from '../kube/objects.js';

const PLACEHOLDER_NAME = 'zzplaceholderzz';

/** One composed resource, ready to create: object (no status) and its status. */
export interface LiveResource {
  readonly name: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly object: Obj;
  readonly status: Obj;
}

/** A platform to create: the object (spec incl. resourceRefs), its status, and its resources. */
export interface LivePlatform {
  readonly platform: Obj;
  readonly platformStatus: Obj;
  readonly resources: readonly LiveResource[];
}

/** A rendered claim, instantiable under any name. */
export interface LiveTemplate {
  readonly json: string;
}

/** Renders the steady state of a claim once. */
export function liveTemplate(claim: Obj): LiveTemplate {
  const c = JSON.parse(JSON.stringify(claim)) as Obj;
  const md = (c.metadata ?? {}) as Obj;
  c.metadata = { ...md, name: PLACEHOLDER_NAME, namespace: 'zzplaceholderns', uid: '00000000-0000-4000-8000-000000000000' };
  const spec = (c.spec ?? {}) as Obj;
  const xp = (spec.crossplane ?? {}) as Obj;
  c.spec = { ...spec, crossplane: { ...xp, compositionRef: xp.compositionRef ?? { name: COMPOSITION_NAME } } };
  const s = renderSteadyState(c);
  const resources = s.final.resources.map((r) => {
    const resource = JSON.parse(JSON.stringify(r.resource)) as Obj;
    const rmd = resource.metadata as Obj;
    rmd.name ??= `${String(rmd.generateName)}${r.name}`;
    delete rmd.generateName;
    delete rmd.ownerReferences;
    return { name: r.name, resource };
  });
  return { json: JSON.stringify({ claim: c, xrStatus: s.status, resources }) };
}

/** Managed-resource status as a provider reports it (Ready and Synced, placeholder atProvider). */
function readyStatus(resource: Obj, seq: number): Obj {
  const id = `${String(resource.kind).toLowerCase()}-${seq.toString(16).padStart(8, '0')}`;
  return {
    atProvider: { id, arn: fakeArn(resource, id) },
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: '2026-01-01T00:00:00Z' },
      { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ],
  };
}

export interface InstantiateOptions {
  /** Keep only the first N composed resources (in Composition order). @default all */
  readonly limit?: number;
  /** Kinds to leave out (e.g. the core ConfigMap). @default ConfigMap */
  readonly skipKinds?: readonly string[];
}

/** The platform `namespace/name` from a template. */
export function instantiate(t: LiveTemplate, namespace: string, name: string, options: InstantiateOptions = {}): LivePlatform {
  const parsed = JSON.parse(t.json.replaceAll(PLACEHOLDER_NAME, name).replaceAll('zzplaceholderns', namespace)) as {
    claim: Obj;
    xrStatus: Obj;
    resources: { name: string; resource: Obj }[];
  };
  const skip = new Set(options.skipKinds ?? ['ConfigMap']);
  const chosen = parsed.resources.filter((r) => !skip.has(String(r.resource.kind))).slice(0, options.limit ?? Infinity);
  const resources: LiveResource[] = chosen.map((r, i) => {
    const apiVersion = String(r.resource.apiVersion);
    const kind = String(r.resource.kind);
    const { status, ...object } = r.resource;
    void status;
    return { name: r.name, apiVersion, kind, plural: pluralOf(kind), object, status: readyStatus(r.resource, i + 1) };
  });
  const claimMd = parsed.claim.metadata as Obj;
  const platform: Obj = {
    apiVersion: API_GROUP_VERSION,
    kind: KIND,
    metadata: { name, namespace, ...(claimMd.labels ? { labels: claimMd.labels } : {}) },
    spec: {
      ...(parsed.claim.spec as Obj),
      crossplane: {
        compositionRef: { name: 'paymentplatforms-aws.platform.payments.io' },
        resourceRefs: resources.map((r) => ({
          apiVersion: r.apiVersion,
          kind: r.kind,
          name: String((r.object.metadata as Obj).name),
        })),
      },
    },
  };
  // Two outputs Crossplane copies from composed resources (the schema declares them), and conditions.
  const platformStatus: Obj = {
    vpcId: parsed.xrStatus.vpcId,
    albDnsName: parsed.xrStatus.albDnsName,
    conditions: [
      { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', lastTransitionTime: '2026-01-01T00:00:00Z' },
      { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ],
  };
  return { platform, platformStatus, resources };
}
