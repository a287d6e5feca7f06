/**
 * The nested layout of the PaymentPlatform (issue 11; the default Composition): the same composed resources
 * as the one flat Composition, cut into a tree of small internal composite resources so that no
 * XR trips Crossplane's per-XR watch-event circuit breaker at its default flags (a token bucket
 * of 100 tokens refilled at 1/s; an update event costs 2 tokens, so an XR absorbs about 50 updates
 * at once). A managed resource produces about 6 watch events while it is created (finalizer,
 * create-pending, external name, Creating, Available, ...), most of them within seconds: an XR
 * that composes more than about 8 managed resources opens its breaker. `make bench-breaker`
 * measures both layouts on the real Crossplane at its default breaker and with it widened
 * (test/e2e/reconcile-defaults.test.ts).
 *
 * Everything here is derived from the flat Composition's resources, so the two layouts never
 * disagree about a template: a leaf's Composition holds exactly its members' templates, with
 * these mechanical rewrites (the leaf XR is not the PaymentPlatform, so the fields a template read
 * from the PaymentPlatform must come from the leaf's spec):
 * - `metadata.name` / `metadata.uid` of the XR -> `spec.platform.name` / `spec.platform.uid`
 *   (AWS names and tags stay those of the platform: same names in both layouts);
 * - `status.X` written by another leaf -> `spec.inputs.X` (outputs flow leaf -> branch -> root
 *   by ToCompositeFieldPath patches and back down by FromCompositeFieldPath patches);
 * - a selector whose target lives in another leaf: `matchControllerRef` (which would look for a
 *   resource of the same leaf) is replaced by the label `platform.payments.io/platform`, which
 *   every leaf resource carries (namespaced selectors only match in the platform's namespace,
 *   where platform names are unique);
 * - Usages move to the leaf of their `by` resource, with the same selector rewrite.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Composition } from '@crossplane-models/crossplane/apiextensions.crossplane.io/v1';
import { CompositeResourceDefinition } from '@crossplane-models/crossplane/apiextensions.crossplane.io/v2';
import {
  API_GROUP,
  API_GROUP_VERSION,
  FUNCTIONS,
  functionName,
  KIND,
  LABEL_PLATFORM,
  LABEL_ROLE,
  LABEL_ZONE,
  NESTED_API_GROUP,
  NESTED_API_VERSION,
  NESTED_CATEGORIES,
  NESTED_COMPOSITION_NAME,
  READINESS_FUNCTION,
} from '../apis/constants.js';
import { isObj, type Obj } from '../apis/obj.js';
import { statusSchema } from '../apis/payment-platform.js';
import type { JsonSchema } from '../apis/schema.js';
import { expandPatchSets, fromXr, key, toXr, transform, type Patch, type PatchSet } from './patches.js';
import { sharedPatchSets, type ComposedResource } from './subsystem.js';
import { STEP_AUTO_READY, STEP_FILTER, STEP_PATCH_AND_TRANSFORM, STEP_READINESS } from './composition.js';
import { INPUT_API_VERSION as READINESS_INPUT_API_VERSION, INPUT_KIND as READINESS_INPUT_KIND } from '../function/readiness.js';

/** A leaf XR: composes managed resources (members are composition resource names, as regexps). */
export interface LeafSpec {
  readonly id: string;
  readonly kind: string;
  readonly members: readonly string[];
}

/** A branch XR: composes leaves and branches. */
export interface BranchSpec {
  readonly id: string;
  readonly kind: string;
  readonly children: readonly NodeSpec[];
}

export type NodeSpec = LeafSpec | BranchSpec;
const isBranch = (n: NodeSpec): n is BranchSpec => 'children' in n;
const leavesOf = (n: NodeSpec): LeafSpec[] => (isBranch(n) ? n.children.flatMap(leavesOf) : [n]);

const ZONES = [1, 2, 3] as const;
const publicZone = (n: number): LeafSpec => ({
  id: `network-az${n}-public`,
  kind: `PlatformNetworkAz${n}Public`,
  members: [`(subnet-public|nat-eip|nat-gateway|route-table-association-public)-az${n}`],
});
const privateZone = (n: number): LeafSpec => ({
  id: `network-az${n}-private`,
  kind: `PlatformNetworkAz${n}Private`,
  members: [
    `(subnet-private|route-table-private|route-private-default|route-table-association-private|s3-gateway-endpoint-route-table)-az${n}`,
  ],
});
/**
 * A bucket: the bucket and what guards it (`<Name>BucketCore`), then what configures it
 * (`<Name>Config`: encryption, policy, logging and lifecycle, which wait for the key and the bucket).
 */
const bucket = (name: string, prefix: string, guards: string): BranchSpec => ({
  id: `bucket-${name}`,
  kind: `${prefix}Bucket`,
  children: [
    { id: `bucket-${name}-core`, kind: `${prefix}BucketCore`, members: [`bucket-${name}`, `bucket-${name}-(${guards})`] },
    { id: `bucket-${name}-config`, kind: `${prefix}Config`, members: [`bucket-${name}-(encryption|policy|logging|lifecycle)`] },
  ],
});

/**
 * The cut, by dependency and by watch events (README, "Crossplane's circuit breaker"): a managed
 * resource costs its XR about 13 tokens while it is created and a child XR about 25 (its own
 * updates), of a bucket of 100 refilled at 1 per second, so leaves hold at most 5 managed
 * resources and XRs at most 3 children. Outputs that feed other resources stay inside one branch
 * where they can: the VPC's account id with the keys and buckets that need it, the flow-log
 * bucket's ARN with the flow log.
 */
export const NESTED_TREE: readonly BranchSpec[] = [
  {
    id: 'foundation',
    kind: 'PlatformFoundation',
    children: [
      {
        id: 'network-core',
        kind: 'PlatformNetworkCore',
        children: [
          { id: 'network-vpc', kind: 'PlatformNetworkVpc', members: ['vpc', 'default-security-group', 's3-gateway-endpoint'] },
          {
            id: 'network-gateway',
            kind: 'PlatformNetworkGateway',
            members: ['internet-gateway', 'route-table-public', 'route-public-default'],
          },
        ],
      },
      {
        id: 'keys',
        kind: 'PlatformKeySet',
        children: [
          { id: 'keys-data', kind: 'PlatformDataKeySet', members: ['kms-(key|alias)-(data|alarms)'] },
          { id: 'keys-storage', kind: 'PlatformStorageKeySet', members: ['kms-(key|alias)-(storage|logs)'] },
        ],
      },
      {
        id: 'storage',
        kind: 'PlatformStorage',
        children: [
          bucket('assets', 'PlatformAssets', 'versioning|public-access-block|ownership-controls'),
          {
            id: 'log-storage',
            kind: 'PlatformLogStorage',
            children: [
              bucket('flow-logs', 'PlatformFlowLogs', 'versioning|public-access-block|ownership-controls|object-lock'),
              bucket('access-logs', 'PlatformAccessLogs', 'versioning|public-access-block|ownership-controls'),
              { id: 'flow-log', kind: 'PlatformFlowLog', members: ['flow-log', 'usage-flow-log-.+'] },
            ],
          },
        ],
      },
    ],
  },
  {
    id: 'network',
    kind: 'PlatformNetwork',
    children: [
      { id: 'network-public', kind: 'PlatformNetworkPublic', children: ZONES.map(publicZone) },
      { id: 'network-private', kind: 'PlatformNetworkPrivate', children: ZONES.map(privateZone) },
    ],
  },
  {
    id: 'application',
    kind: 'PlatformApplication',
    children: [
      {
        id: 'security',
        kind: 'PlatformSecurity',
        children: [
          { id: 'security-groups', kind: 'PlatformSecurityGroupSet', members: ['security-group-(alb|app|db)'] },
          { id: 'security-group-rules-alb', kind: 'PlatformAlbRuleSet', members: ['security-group-rule-alb-.+'] },
          { id: 'security-group-rules-tiers', kind: 'PlatformTierRuleSet', members: ['security-group-rule-(app|db)-.+'] },
        ],
      },
      {
        id: 'workload',
        kind: 'PlatformWorkload',
        children: [
          {
            id: 'database',
            kind: 'PlatformDatabase',
            children: [
              {
                id: 'database-cluster',
                kind: 'PlatformDatabaseCluster',
                members: ['db-subnet-group', 'db-cluster-parameter-group', 'db-cluster'],
              },
              {
                id: 'database-instances',
                kind: 'PlatformDatabaseInstanceSet',
                members: ['db-monitoring-role', 'db-monitoring-role-policy', 'db-instance-[0-9]+'],
              },
            ],
          },
          {
            id: 'edge',
            kind: 'PlatformEdge',
            children: [
              {
                id: 'edge-load-balancer',
                kind: 'PlatformLoadBalancer',
                members: ['load-balancer', 'target-group', 'listener-.+'],
              },
              { id: 'edge-waf', kind: 'PlatformWebAcl', members: ['waf-.+'] },
            ],
          },
          { id: 'alarms', kind: 'PlatformAlarmSet', members: ['alarm-.+'] },
        ],
      },
      {
        id: 'protection',
        kind: 'PlatformProtection',
        children: [
          { id: 'protection-database', kind: 'PlatformDatabaseProtection', members: ['usage-db-cluster-.+'] },
          { id: 'protection-edge', kind: 'PlatformEdgeProtection', members: ['usage-load-balancer-.+'] },
        ],
      },
    ],
  },
];

/** Composition resource names that stay on the PaymentPlatform itself. */
export const ROOT_MEMBERS = ['endpoints'] as const;

const plural = (kind: string): string => {
  const k = kind.toLowerCase();
  return /[^aeiou]y$/.test(k) ? `${k.slice(0, -1)}ies` : k.endsWith('s') ? `${k}es` : `${k}s`;
};
/**
 * The Composition of an internal kind. At most 63 characters: Crossplane labels each
 * CompositionRevision with its Composition's name (`crossplane.io/composition-name`), and a label
 * value longer than that makes the revision, and so every XR of the kind, fail.
 */
export const nestedCompositionName = (kind: string): string => {
  const name = `${plural(kind)}-aws.${NESTED_API_GROUP}`;
  if (name.length > 63)
    throw new Error(
      `nested layout: the Composition name ${name} is longer than 63 characters (a label value); shorten the kind ${kind}`,
    );
  return name;
};

/** Every internal kind of a tree (branches and leaves), as the operator watches them. */
export function nestedKinds(tree: readonly NodeSpec[] = NESTED_TREE): {
  group: string;
  version: string;
  kind: string;
  plural: string;
  managed: false;
  composite: true;
}[] {
  const all = (n: NodeSpec): NodeSpec[] => [n, ...(isBranch(n) ? n.children.flatMap(all) : [])];
  return tree
    .flatMap(all)
    .map((n) => ({
      group: NESTED_API_GROUP,
      version: NESTED_API_VERSION,
      kind: n.kind,
      plural: plural(n.kind),
      managed: false as const,
      composite: true as const,
    }))
    .sort((a, b) => a.plural.localeCompare(b.plural));
}

/** The top-level key of a `status.` field path (`status.publicSubnetIds[0]` -> publicSubnetIds). */
const statusKey = (path: string): string | undefined => /^status\.([A-Za-z0-9]+)/.exec(path)?.[1];

function fromPaths(p: Patch): string[] {
  if (p.type === 'FromCompositeFieldPath') return [p.fromFieldPath];
  if (p.type === 'CombineFromComposite') return p.combine.variables.map((v) => v.fromFieldPath);
  return [];
}

function toCompositePaths(p: Patch): string[] {
  return p.type === 'ToCompositeFieldPath' || p.type === 'CombineToComposite' ? [p.toFieldPath] : [];
}

/** Whether a template writes the status key `k` of its XR. */
const writes = (r: ComposedResource, k: string): boolean =>
  r.patches.some((p) => toCompositePaths(p).some((path) => statusKey(path) === k));

/**
 * Children of one XR wait for the inputs their siblings produce (see childTemplate): a cycle
 * among them would hold them all back forever, so a tree that makes one is refused.
 */
function assertNoGateCycle(
  parent: string,
  children: readonly { readonly id: string; readonly inputs: ReadonlySet<string>; readonly produces: ReadonlySet<string> }[],
  gatedOf: (inputs: ReadonlySet<string>) => ReadonlySet<string>,
): void {
  const waitsFor = (c: (typeof children)[number]) =>
    children.filter((o) => o !== c && [...gatedOf(c.inputs)].some((k) => o.produces.has(k)));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: (typeof children)[number], path: string[]): void => {
    if (state.get(c.id) === 'done') return;
    if (state.get(c.id) === 'visiting')
      throw new Error(`nested layout: the children of ${parent} wait for each other's outputs: ${[...path, c.id].join(' -> ')}`);
    state.set(c.id, 'visiting');
    for (const o of waitsFor(c)) visit(o, [...path, c.id]);
    state.set(c.id, 'done');
  };
  for (const c of children) visit(c, []);
}

/** Rewrites the XR-side field paths a template patch reads (see the header). */
function rewriteReads(p: Patch, inputs: ReadonlySet<string>): Patch {
  const rw = (path: string): string => {
    if (path === 'metadata.name') return 'spec.platform.name';
    if (path === 'metadata.uid') return 'spec.platform.uid';
    const k = statusKey(path);
    return k !== undefined && inputs.has(k) ? `spec.inputs.${path.slice('status.'.length)}` : path;
  };
  if (p.type === 'FromCompositeFieldPath') return { ...p, fromFieldPath: rw(p.fromFieldPath) };
  if (p.type === 'CombineFromComposite')
    return {
      ...p,
      combine: { ...p.combine, variables: p.combine.variables.map((v) => ({ fromFieldPath: rw(v.fromFieldPath) })) },
    };
  return p;
}

/** Every `*Selector` with a role label in `o`, with its field path. */
function selectors(o: unknown, path: string, out: { path: string; sel: Obj }[]): typeof out {
  if (Array.isArray(o)) o.forEach((v, i) => selectors(v, `${path}[${i}]`, out));
  else if (isObj(o))
    for (const [k, v] of Object.entries(o)) {
      const p = path ? `${path}.${k}` : k;
      if (k.endsWith('Selector') && isObj(v) && isObj(v.matchLabels) && LABEL_ROLE in v.matchLabels)
        out.push({ path: p, sel: v });
      else selectors(v, p, out);
    }
  return out;
}

export interface NestedLevel {
  readonly id: string;
  readonly kind: string;
  readonly xrd: Obj;
  readonly composition: Obj;
}

interface Leaf {
  readonly spec: LeafSpec;
  readonly resources: ComposedResource[];
  /** status keys this leaf writes, and the exact status paths. */
  readonly produces: Set<string>;
  readonly producedPaths: Set<string>;
  /** status keys this leaf reads that another leaf writes. */
  readonly inputs: Set<string>;
}

const STATUS_PROPS = (statusSchema.properties ?? {}) as Record<string, JsonSchema>;

/** A status field as an internal XR holds it: array items may be null until every zone reports. */
function internalField(k: string): JsonSchema {
  const s = STATUS_PROPS[k];
  if (!s) throw new Error(`nested layout: status.${k} is not a field of the PaymentPlatform status`);
  return s.type === 'array' && s.items ? { ...s, items: { ...s.items, nullable: true } } : s;
}

function internalXrd(kind: string, description: string, inputs: ReadonlySet<string>, produces: ReadonlySet<string>): Obj {
  const fields = (ks: ReadonlySet<string>) => Object.fromEntries([...ks].sort().map((k) => [k, internalField(k)]));
  const model = new CompositeResourceDefinition({
    metadata: { name: `${plural(kind)}.${NESTED_API_GROUP}` },
    spec: {
      scope: 'Namespaced',
      group: NESTED_API_GROUP,
      names: { kind, plural: plural(kind), singular: kind.toLowerCase(), categories: [...NESTED_CATEGORIES] },
      defaultCompositionRef: { name: nestedCompositionName(kind) },
      versions: [
        {
          name: NESTED_API_VERSION,
          served: true,
          referenceable: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: `Internal to the ${KIND} API (nested layout): ${description}. Composed by a ${KIND}; do not create one directly.`,
              properties: {
                spec: {
                  type: 'object',
                  required: ['platform', 'parameters'],
                  properties: {
                    platform: {
                      type: 'object',
                      description: `The ${KIND} this resource belongs to: its name and uid name the AWS resources.`,
                      required: ['name', 'uid'],
                      properties: { name: { type: 'string' }, uid: { type: 'string' } },
                    },
                    // Copied from the PaymentPlatform, which its XRD has validated and defaulted.
                    // Not its schema again: 29 copies of it made the chart's Helm release
                    // (stored in a Secret, at most 1 MiB) 900 KiB.
                    parameters: {
                      type: 'object',
                      description: `The ${KIND}'s spec.parameters, as its XRD validated and defaulted them.`,
                      'x-kubernetes-preserve-unknown-fields': true,
                    },
                    inputs: {
                      type: 'object',
                      description: 'Outputs of other parts of the platform this part needs.',
                      properties: fields(inputs),
                    },
                  },
                },
                status: { type: 'object', properties: fields(produces) },
              },
            },
          },
        },
      ],
    },
  });
  model.validate();
  return JSON.parse(JSON.stringify(model.toJSON())) as Obj;
}

function composition(name: string, compositeApiVersion: string, kind: string, steps: Obj[]): Obj {
  const model = new Composition({
    metadata: { name, labels: { [`${API_GROUP}/provider`]: 'aws', [`${API_GROUP}/layout`]: 'nested' } },
    spec: { compositeTypeRef: { apiVersion: compositeApiVersion, kind }, mode: 'Pipeline', pipeline: steps as never },
  });
  model.validate();
  return model.toJSON() as Obj;
}

const ptStep = (resources: Obj[], patchSets?: { name: string; patches: Patch[] }[]): Obj => ({
  step: STEP_PATCH_AND_TRANSFORM,
  functionRef: { name: functionName(FUNCTIONS.patchAndTransform) },
  input: { apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources', ...(patchSets ? { patchSets } : {}), resources },
});
const autoReadyStep: Obj = { step: STEP_AUTO_READY, functionRef: { name: functionName(FUNCTIONS.autoReady) } };
/** A template as it goes into function-patch-and-transform's input. */
interface Template {
  readonly name: string;
  readonly patches?: Patch[];
  readonly readinessChecks?: readonly { readonly type: string }[];
}

/**
 * The status keys a level must write as soon as they are known: those one of its own templates
 * reads (a child XR's input, a managed resource's field; not a template whose readiness is None,
 * the endpoints ConfigMap, which waits for nothing), and those a consumer outside its subtree
 * reads through its parent. Every other key it writes is held until it is Ready.
 */
function urgentKeys(templates: readonly Template[], patchSets: readonly PatchSet[], outside: ReadonlySet<string>) {
  const urgent = new Set(outside);
  const required = new Set<string>();
  for (const t of templates) {
    const patches = expandPatchSets(t.patches ?? [], patchSets);
    const waitsForNothing = (t.readinessChecks ?? []).some((c) => c.type === 'None');
    for (const p of patches)
      for (const path of fromPaths(p)) {
        const k = statusKey(path);
        if (k === undefined) continue;
        if (!waitsForNothing) urgent.add(k);
        if (p.type !== 'PatchSet' && p.policy?.fromFieldPath === 'Required') required.add(k);
      }
  }
  return { urgent, required };
}

/**
 * Last in every pipeline of the tree (src/function): the XR's readiness said by a function, so
 * that Crossplane writes no `Unready resources` message (which changed, an update charged to the
 * XR's breaker and its parent's, each time one of its resources became ready); Ready only once
 * every resource that is not optional is composed; and the outputs no one waits for written with
 * the Ready condition, in one update, instead of one update per output as they arrive.
 */
function readinessStep(
  level: string,
  templates: readonly Template[],
  optional: ReadonlySet<string>,
  writes: ReadonlySet<string>,
  patchSets: readonly PatchSet[],
  outside: ReadonlySet<string>,
): Obj {
  const { urgent, required } = urgentKeys(templates, patchSets, outside);
  const hold = [...writes].filter((k) => !urgent.has(k)).sort();
  const deadlock = hold.filter((k) => required.has(k));
  if (deadlock.length > 0)
    throw new Error(
      `nested layout: ${level} would hold ${deadlock.join(', ')} until Ready, but a template requires it to be composed`,
    );
  return {
    step: STEP_READINESS,
    functionRef: { name: functionName(READINESS_FUNCTION) },
    input: {
      apiVersion: READINESS_INPUT_API_VERSION,
      kind: READINESS_INPUT_KIND,
      expectedResources: templates.map((t) => t.name).filter((n) => !optional.has(n)),
      ...(hold.length > 0 ? { holdUntilReady: hold } : {}),
    },
  };
}

/**
 * A composed internal XR: named `<platform>-<id>`, fed with the platform, parameters and inputs.
 * It is composed only once every input in `gated` is known (Required patches: patch-and-transform
 * leaves a resource out while a Required field is missing), so that its spec is written once
 * rather than once per input as they arrive: each change of an XR's spec costs it three updates
 * (the spec, then Crossplane's two status writes of the new observedGeneration), each charged to
 * its breaker and to its parent's.
 */
function childTemplate(
  id: string,
  kind: string,
  inputs: ReadonlySet<string>,
  producedPaths: ReadonlySet<string>,
  /** Where this level reads platform.name/uid from, and whether an input is produced in its subtree. */
  level: { readonly root: boolean; readonly producedHere: ReadonlySet<string>; readonly gated: ReadonlySet<string> },
): Obj {
  const platform = (f: 'name' | 'uid') => (level.root ? `metadata.${f}` : `spec.platform.${f}`);
  return {
    name: id,
    base: { apiVersion: `${NESTED_API_GROUP}/${NESTED_API_VERSION}`, kind, spec: {} },
    patches: [
      fromXr(platform('name'), 'metadata.name', [transform.format(`%s-${id}`)]),
      fromXr(platform('name'), `metadata.labels${key(LABEL_PLATFORM)}`),
      fromXr(platform('name'), 'spec.platform.name'),
      fromXr(platform('uid'), 'spec.platform.uid'),
      fromXr('spec.parameters', 'spec.parameters'),
      ...[...inputs]
        .sort()
        .map((k) =>
          fromXr(
            level.producedHere.has(k) ? `status.${k}` : `spec.inputs.${k}`,
            `spec.inputs.${k}`,
            undefined,
            level.gated.has(k) ? { fromFieldPath: 'Required' } : undefined,
          ),
        ),
      ...[...producedPaths].sort().map((p) => toXr(p, p)),
    ],
  };
}

/**
 * The nested layout's XRDs and Compositions: the PaymentPlatform's Composition
 * `NESTED_COMPOSITION_NAME` (branches and the endpoints ConfigMap), one XRD and Composition per
 * branch (its leaves) and per leaf (its managed resources).
 */
export class NestedLayout extends Construct {
  readonly levels: NestedLevel[] = [];
  /** The PaymentPlatform's nested Composition. */
  readonly root: Obj;

  constructor(scope: Construct, flat: readonly ComposedResource[], tree: readonly BranchSpec[] = NESTED_TREE, id = 'nested') {
    super(scope, id);
    const rootMembers = new Set<string>(ROOT_MEMBERS);
    const leafOf = new Map<string, Leaf>();
    const leaves: Leaf[] = tree.flatMap(leavesOf).map((spec) => ({
      spec,
      resources: [],
      produces: new Set<string>(),
      producedPaths: new Set<string>(),
      inputs: new Set<string>(),
    }));
    for (const r of flat) {
      if (rootMembers.has(r.name)) continue;
      const leaf = leaves.find((l) => l.spec.members.some((m) => new RegExp(`^(${m})$`).test(r.name)));
      if (!leaf) throw new Error(`nested layout: composed resource '${r.name}' belongs to no leaf`);
      leaf.resources.push(r);
      leafOf.set(r.name, leaf);
    }
    for (const l of leaves) {
      if (l.resources.length === 0) throw new Error(`nested layout: leaf '${l.spec.id}' has no resources`);
      for (const r of l.resources)
        for (const p of r.patches)
          for (const path of toCompositePaths(p)) {
            l.produces.add(statusKey(path) ?? path);
            l.producedPaths.add(path);
          }
    }
    const producers = new Map<string, Leaf[]>();
    for (const l of leaves) for (const k of l.produces) producers.set(k, [...(producers.get(k) ?? []), l]);
    for (const l of leaves)
      for (const r of l.resources)
        for (const p of r.patches)
          for (const path of fromPaths(p)) {
            const k = statusKey(path);
            if (k === undefined || l.produces.has(k)) continue;
            if (!producers.has(k)) throw new Error(`nested layout: '${r.name}' reads status.${k}, which no resource writes`);
            l.inputs.add(k);
          }

    // Resource role (and zone) -> leaf, to find selectors that cross leaves.
    const leafByLabels = (labels: Obj): Leaf | undefined =>
      flat
        .filter(
          (r) => r.props.role === labels[LABEL_ROLE] && (labels[LABEL_ZONE] === undefined || r.props.zone === labels[LABEL_ZONE]),
        )
        .map((r) => leafOf.get(r.name))[0];

    // Outputs only some configurations produce (of a resource with includeWhen): a child XR is
    // never held back for one of them, it could wait forever.
    const conditional = new Set(
      leaves.flatMap((l) => [...l.produces].filter((k) => l.resources.some((r) => r.includeWhen !== undefined && writes(r, k)))),
    );
    const gatedOf = (inputs: ReadonlySet<string>): Set<string> => new Set([...inputs].filter((k) => !conditional.has(k)));

    const patchSets = sharedPatchSets().map((s) => ({ name: s.name, patches: s.patches.map((p) => rewriteReads(p, new Set())) }));
    /** The status keys leaves outside n's subtree read: n must pass them up as soon as they are known. */
    const readOutside = (n: NodeSpec): Set<string> => {
      const inside = new Set(leavesOf(n));
      return new Set(leaves.filter((l) => !inside.has(l.spec)).flatMap((l) => [...l.inputs]));
    };
    const leafBySpec = new Map(leaves.map((l) => [l.spec, l]));
    interface Built {
      readonly id: string;
      readonly kind: string;
      readonly inputs: Set<string>;
      readonly produces: Set<string>;
      readonly producedPaths: Set<string>;
    }
    /** Adds the XRD and Composition of `n` (and of everything under it); returns what it exchanges. */
    const build = (n: NodeSpec): Built => {
      if (!isBranch(n)) {
        const l = leafBySpec.get(n)!;
        this.addLeaf(l, patchSets, leafByLabels, readOutside(n));
        return { id: n.id, kind: n.kind, inputs: l.inputs, produces: l.produces, producedPaths: l.producedPaths };
      }
      const children = n.children.map(build);
      const produces = new Set(children.flatMap((c) => [...c.produces]));
      const producedPaths = new Set(children.flatMap((c) => [...c.producedPaths]));
      const inputs = new Set(children.flatMap((c) => [...c.inputs]).filter((k) => !produces.has(k)));
      assertNoGateCycle(n.id, children, gatedOf);
      const resources = children.map((c) =>
        childTemplate(c.id, c.kind, c.inputs, c.producedPaths, {
          root: false,
          producedHere: produces,
          gated: gatedOf(c.inputs),
        }),
      );
      this.levels.push({
        id: n.id,
        kind: n.kind,
        xrd: internalXrd(n.kind, `the ${n.id} part`, inputs, produces),
        composition: composition(nestedCompositionName(n.kind), `${NESTED_API_GROUP}/${NESTED_API_VERSION}`, n.kind, [
          ptStep(resources),
          autoReadyStep,
          readinessStep(n.kind, resources as unknown as Template[], new Set(), produces, [], readOutside(n)),
        ]),
      });
      return { id: n.id, kind: n.kind, inputs, produces, producedPaths };
    };
    const branchLevels = tree.map(build);

    const everything = new Set(leaves.flatMap((l) => [...l.produces]));
    assertNoGateCycle(KIND, branchLevels, gatedOf);
    const rootResources: Obj[] = [
      ...branchLevels.map((b) =>
        childTemplate(b.id, b.kind, b.inputs, b.producedPaths, {
          root: true,
          producedHere: everything,
          gated: gatedOf(b.inputs),
        }),
      ),
      ...flat
        .filter((r) => rootMembers.has(r.name))
        .map((r) => ({
          name: r.name,
          base: r.base,
          patches: r.patches,
          ...(r.props.readinessChecks ? { readinessChecks: r.props.readinessChecks } : {}),
        })),
    ];
    const rootOptional = new Set(flat.filter((r) => rootMembers.has(r.name) && r.includeWhen !== undefined).map((r) => r.name));
    if (rootOptional.size > 0)
      throw new Error(
        `nested layout: the root composes optional resources (${[...rootOptional].join(', ')}), which it cannot filter`,
      );
    this.root = composition(NESTED_COMPOSITION_NAME, API_GROUP_VERSION, KIND, [
      ptStep(rootResources),
      autoReadyStep,
      readinessStep(KIND, rootResources as unknown as Template[], rootOptional, everything, [], new Set()),
    ]);
    new ApiObject(this, 'Root', this.root as never);
    for (const l of this.levels) {
      new ApiObject(this, `${l.id}-xrd`, l.xrd as never);
      new ApiObject(this, `${l.id}-composition`, l.composition as never);
    }
  }

  private addLeaf(
    l: Leaf,
    patchSets: { name: string; patches: Patch[] }[],
    leafByLabels: (labels: Obj) => Leaf | undefined,
    readOutside: ReadonlySet<string>,
  ): void {
    const resources = l.resources.map((r) => {
      const base = JSON.parse(JSON.stringify(r.base)) as Obj;
      const extra: Patch[] = [fromXr('spec.platform.name', `metadata.labels${key(LABEL_PLATFORM)}`)];
      for (const { path, sel } of selectors(base, '', [])) {
        const target = leafByLabels(sel.matchLabels as Obj);
        if (!target) throw new Error(`nested layout: '${r.name}' ${path} selects no composed resource`);
        if (target === l) continue;
        delete sel.matchControllerRef;
        extra.push(fromXr('spec.platform.name', `${path}.matchLabels${key(LABEL_PLATFORM)}`));
      }
      return {
        name: r.name,
        base,
        patches: [...r.patches.map((p) => rewriteReads(p, l.inputs)), ...extra],
        ...(r.props.readinessChecks ? { readinessChecks: r.props.readinessChecks } : {}),
      };
    });
    const filters = l.resources
      .filter((r) => r.includeWhen !== undefined)
      .map((r) => ({ name: r.name, expression: r.includeWhen as string }));
    const steps: Obj[] = [ptStep(resources, patchSets)];
    if (filters.length > 0)
      steps.push({
        step: STEP_FILTER,
        functionRef: { name: functionName(FUNCTIONS.celFilter) },
        input: { apiVersion: 'cel.fn.crossplane.io/v1beta1', kind: 'Filters', filters },
      });
    steps.push(
      autoReadyStep,
      readinessStep(l.spec.kind, resources, new Set(filters.map((f) => f.name)), l.produces, patchSets, readOutside),
    );
    this.levels.push({
      id: l.spec.id,
      kind: l.spec.kind,
      xrd: internalXrd(l.spec.kind, `${l.resources.length} managed resources (${l.spec.id})`, l.inputs, l.produces),
      composition: composition(
        nestedCompositionName(l.spec.kind),
        `${NESTED_API_GROUP}/${NESTED_API_VERSION}`,
        l.spec.kind,
        steps,
      ),
    });
  }
}
