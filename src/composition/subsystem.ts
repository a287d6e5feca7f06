/**
 * A Subsystem is the construct behind one part of the platform (network, security, storage,
 * data, edge, observability). Each one adds typed managed-resource templates (the npm models of
 * provider-upjet-aws, so a wrong field is a compile error) with their patches; the Composition
 * construct collects them into function-patch-and-transform's input.
 */
import { Construct } from 'constructs';
import { ANNOTATION_EXTERNAL_NAME, LABEL_ROLE, LABEL_ZONE, UID_CHARS } from '../apis/constants.js';
import { combineFromXr, fromXr, key, patchSet, transform, type Patch, type ReadinessCheck } from './patches.js';

/** What the models of @crossplane-models/* have in common. */
export interface ManifestModel {
  readonly apiVersion: string;
  readonly kind: string;
  toJSON(): object;
  validate(): void;
}

/**
 * Adds fields that the pinned provider's CRDs have but the npm models (which lag behind the
 * provider) do not yet type. Each use names the fields; the real CRDs judge them in the e2e suite.
 */
export function withNewerFields(model: ManifestModel, forProvider: Record<string, unknown>): ManifestModel {
  return {
    apiVersion: model.apiVersion,
    kind: model.kind,
    validate: () => model.validate(),
    toJSON: () => {
      const json = model.toJSON() as { spec: { forProvider: Record<string, unknown> } };
      return { ...json, spec: { ...json.spec, forProvider: { ...json.spec.forProvider, ...forProvider } } };
    },
  };
}

/** How a composed resource's AWS-facing name is built (see `awsName`). */
export interface NameSpec {
  /** Purpose suffix ("flow-logs"); empty for the 32-character ALB and target group names. */
  readonly purpose: string;
  /** Field path the name goes to. Default: the external-name annotation. */
  readonly to?: string;
  /** A literal prefix (`alias/payment-platform/` for KMS aliases). */
  readonly prefix?: string;
}

export interface ComposedResourceProps {
  /** Role label value; selectors in other resources find this one by it. */
  readonly role: string;
  /** Zone slot (az1, az2, az3) for per-zone resources. */
  readonly zone?: string;
  /** The typed template. Its metadata.labels get the role and zone labels. */
  readonly base: ManifestModel;
  /** Resource-specific patches, applied after the shared ones. */
  readonly patches?: Patch[];
  /** Builds the AWS name of this resource from the platform's name and uid. */
  readonly name?: NameSpec;
  /**
   * A CEL expression over the PaymentPlatform (`xr`); the resource is composed only when it is
   * true (function-cel-filter). @default always composed
   */
  readonly includeWhen?: string;
  /** @default the provider's Ready condition */
  readonly readinessChecks?: ReadinessCheck[];
  /** Whether the kind has `spec.forProvider.tags`. @default true */
  readonly tagged?: boolean;
  /** An AWS managed resource (gets region, provider config, management policies). @default true */
  readonly managed?: boolean;
  /** The kind has `forProvider.region` (IAM kinds are global and have none). @default true */
  readonly regional?: boolean;
  /** Holds data: never `Delete` in production (orphaned with the platform). @default false */
  readonly dataStore?: boolean;
}

export interface ComposedResource {
  readonly name: string;
  readonly subsystem: string;
  readonly props: ComposedResourceProps;
  readonly base: Record<string, unknown>;
  readonly patches: Patch[];
  readonly includeWhen?: string;
}

export const PATCH_SET_COMMON = 'common';
export const PATCH_SET_TAGS = 'tags';

/** The AWS name: `<metadata.name>-<purpose>-<first 8 of metadata.uid>`, bounded by the schema. */
export function awsName(spec: NameSpec): Patch {
  const prefix = spec.prefix ?? '';
  const fmt = spec.purpose ? `${prefix}%s-${spec.purpose}-%s` : `${prefix}%s-%s`;
  return combineFromXr(
    ['metadata.name', 'metadata.uid'],
    fmt,
    spec.to ?? `metadata.annotations${key(ANNOTATION_EXTERNAL_NAME)}`,
    [transform.regexp(`^(.+-[0-9a-f]{${UID_CHARS}})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, 1)],
  );
}

/** The human-readable `Name` tag: `<metadata.name>-<environment>-<role>`. */
function nameTag(role: string): Patch {
  return combineFromXr(['metadata.name', 'spec.parameters.environment'], `%s-%s-${role}`, `spec.forProvider.tags.Name`);
}

/** Data stores: orphaned (no Delete) in production unless managementPolicies says otherwise. */
const DATA_STORE_POLICIES = fromXr('spec.parameters.environment', 'spec.managementPolicies', [
  transform.map({
    development: ['*'],
    staging: ['*'],
    production: ['Observe', 'Create', 'Update', 'LateInitialize'],
  }),
]);

export abstract class Subsystem extends Construct {
  readonly resources: ComposedResource[] = [];

  protected add(name: string, props: ComposedResourceProps): ComposedResource {
    if (this.resources.some((r) => r.name === name)) {
      throw new Error(`composed resource name '${name}' is used twice in subsystem '${this.node.id}'`);
    }
    const manifest = props.base.toJSON() as Record<string, unknown> & { metadata?: Record<string, unknown> };
    const metadata = manifest.metadata ?? {};
    const labels = {
      ...((metadata.labels as Record<string, string> | undefined) ?? {}),
      [LABEL_ROLE]: props.role,
      ...(props.zone ? { [LABEL_ZONE]: props.zone } : {}),
    };
    const base = { ...manifest, metadata: { ...metadata, labels } };

    const managed = props.managed ?? true;
    const patches: Patch[] = [];
    if (managed) {
      if (props.dataStore) patches.push(DATA_STORE_POLICIES);
      patches.push(patchSet(PATCH_SET_COMMON));
      if (props.regional ?? true) patches.push(fromXr('spec.parameters.region', 'spec.forProvider.region'));
      if (props.tagged ?? true)
        patches.push(patchSet(PATCH_SET_TAGS), nameTag(props.zone ? `${props.role}-${props.zone}` : props.role));
    }
    if (props.name) patches.push(awsName(props.name));
    patches.push(...(props.patches ?? []));

    const resource: ComposedResource = {
      name,
      subsystem: this.node.id,
      props,
      base,
      patches,
      ...(props.includeWhen ? { includeWhen: props.includeWhen } : {}),
    };
    this.resources.push(resource);
    return resource;
  }
}

/** The shared patch sets, referenced by name from every managed resource. */
export function sharedPatchSets(): { name: string; patches: Patch[] }[] {
  return [
    {
      name: PATCH_SET_COMMON,
      patches: [
        fromXr('spec.parameters.providerConfigName', 'spec.providerConfigRef.name'),
        fromXr('spec.parameters.providerConfigKind', 'spec.providerConfigRef.kind'),
        fromXr('spec.parameters.managementPolicies', 'spec.managementPolicies'),
      ],
    },
    {
      name: PATCH_SET_TAGS,
      patches: [
        fromXr('spec.parameters.tags', 'spec.forProvider.tags', undefined, { toFieldPath: 'MergeObjects' }),
        fromXr('spec.parameters.environment', 'spec.forProvider.tags.environment'),
        fromXr('metadata.name', `spec.forProvider.tags${key('payment-platform')}`),
        fromXr('metadata.namespace', `spec.forProvider.tags${key('kubernetes-namespace')}`),
      ],
    },
  ];
}

/** Standard tags every taggable template starts with. */
export const BASE_TAGS = { 'managed-by': 'crossplane' } as const;
