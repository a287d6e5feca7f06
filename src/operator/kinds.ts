/**
 * The kinds the operator watches: the managed-resource kinds the Composition composes
 * (`managedKinds()`, the same list the chart's ManagedResourceActivationPolicy and RBAC use),
 * plus the composed kinds that are not managed resources but that PCI controls inspect
 * (Crossplane `Usage`). Core kinds (the endpoints ConfigMap) are not watched: reading every
 * ConfigMap of the cluster is more than the operator needs.
 */
import { managedKinds, pluralOf } from '../chart/kinds.js';
import type { ComposedResource } from '../composition/subsystem.js';

/** A watched kind. */
export interface WatchedKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  /** A Crossplane managed resource: counted in the health roll-up (it has Ready/Synced). */
  readonly managed: boolean;
  /**
   * An internal composite resource of the nested layout: the roll-up follows its
   * `spec.crossplane.resourceRefs` down to the managed resources it composes.
   */
  readonly composite?: boolean;
}

/** `group/version/Kind/plural`: the form of `--kinds` and `--policy-kinds`. */
export const formatKind = (k: WatchedKind): string => `${k.group}/${k.version}/${k.kind}/${k.plural}`;

/** Parses `group/version/Kind/plural`. */
export function parseKind(text: string, managed: boolean, composite = false): WatchedKind {
  const parts = text.split('/');
  if (parts.length !== 4 || parts.some((p) => p === '') || !/^[a-z0-9.-]+$/.test(parts[0]) || !/^[a-z0-9]+$/.test(parts[3])) {
    throw new Error(`kind '${text}' is not group/version/Kind/plural (for example ec2.aws.m.upbound.io/v1beta1/VPC/vpcs)`);
  }
  const [group, version, kind, plural] = parts;
  return { group, version, kind, plural, managed, ...(composite ? { composite } : {}) };
}

/** The kinds a set of composed resources needs watched: managed ones, then other non-core ones. */
export function composedKinds(resources: readonly ComposedResource[]): { managed: WatchedKind[]; policy: WatchedKind[] } {
  const managed = managedKinds(resources).map((k) => ({
    group: k.group,
    version: k.version,
    kind: k.kind,
    plural: k.plural,
    managed: true,
  }));
  const seen = new Set(managed.map((k) => `${k.group}/${k.kind}`));
  const policy: WatchedKind[] = [];
  for (const r of resources) {
    if (r.props.managed !== false) continue;
    const apiVersion = String(r.base.apiVersion);
    if (!apiVersion.includes('/')) continue; // core group (ConfigMap)
    const [group, version] = apiVersion.split('/');
    const kind = String(r.base.kind);
    if (seen.has(`${group}/${kind}`)) continue;
    seen.add(`${group}/${kind}`);
    policy.push({ group, version, kind, plural: pluralOf(kind), managed: false });
  }
  policy.sort((a, b) => `${a.plural}.${a.group}`.localeCompare(`${b.plural}.${b.group}`));
  return { managed, policy };
}

/**
 * The kinds of the Composition in this source tree. Needs the development dependencies (cdk8s,
 * the provider models); the container image has only the runtime ones, so the chart passes
 * `--kinds` and `--policy-kinds` instead.
 */
export async function kindsFromComposition(): Promise<{
  managed: WatchedKind[];
  policy: WatchedKind[];
  composite: WatchedKind[];
}> {
  try {
    const { App, Chart } = await import('cdk8s');
    const { PaymentPlatformComposition } = await import('../composition/composition.js');
    const { nestedKinds } = await import('../composition/nested.js');
    const composition = new PaymentPlatformComposition(new Chart(new App(), 'operator-kinds'));
    return { ...composedKinds(composition.resources), composite: nestedKinds() };
  } catch (err) {
    throw new Error('no --kinds given and the Composition cannot be loaded here (it needs the development dependencies)', {
      cause: err,
    });
  }
}
