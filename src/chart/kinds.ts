import type { ComposedResource } from '../composition/subsystem.js';

export interface ManagedKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  /** `ec2` for `ec2.aws.m.upbound.io`: the provider family member that serves the kind. */
  readonly service: string;
  /** The CRD name (`vpcs.ec2.aws.m.upbound.io`). */
  readonly crd: string;
  /** The CRD file name in provider-upjet-aws's package/crds. */
  readonly crdFile: string;
}

/** The plural upjet gives a kind (flect rules for the endings this API uses). */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(ss|us|as|x|ch|sh)$/.test(lower)) return `${lower}es`;
  if (lower.endsWith('s')) return lower; // already plural (BucketOwnershipControls)
  return `${lower}s`;
}

/** The distinct AWS managed-resource kinds a set of composed resources uses, sorted. */
export function managedKinds(resources: readonly ComposedResource[]): ManagedKind[] {
  const byCrd = new Map<string, ManagedKind>();
  for (const r of resources) {
    if (r.props.managed === false) continue;
    const [group, version] = String(r.base.apiVersion).split('/');
    const kind = String(r.base.kind);
    const plural = pluralOf(kind);
    const crd = `${plural}.${group}`;
    byCrd.set(crd, { group, version, kind, plural, service: group.split('.')[0], crd, crdFile: `${group}_${plural}.yaml` });
  }
  return [...byCrd.values()].sort((a, b) => a.crd.localeCompare(b.crd));
}

/** The provider family members (`provider-aws-ec2`, ...) that serve those kinds. */
export function providerServices(kinds: readonly ManagedKind[]): string[] {
  return [...new Set(kinds.map((k) => k.service))].sort();
}
