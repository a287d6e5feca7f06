/**
 * Checks of rendered composed resources that the provider (or AWS) would otherwise make only after
 * apply: the provider's OpenAPI schema (the `@crossplane-models/provider-upjet-aws` validators),
 * the fields provider-upjet-aws requires only through CEL rules (which those validators miss),
 * and the AWS naming limits of the names a claim produces. Used by the CLI's `validate`, the
 * composition tests and the property-based tests, so that every one of them applies one copy.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AWS_LIMITS } from '../apis/constants.js';
import { type Obj } from '../apis/obj.js';
import { importEsm } from '../util/esm-import.js';
import { loadBundle } from '../util/script.js';
import { formatFieldPath } from './fieldpath.js';

/** The npm package of the provider models. */
export const PROVIDER_MODELS = '@crossplane-models/provider-upjet-aws';

/**
 * The models of the kinds the Composition composes, bundled into one file by `make build`
 * (src/cli/bundle.ts), relative to the package root; it exports `MODELS`, by `apiVersion/kind`.
 */
export const PROVIDER_MODELS_BUNDLE = join('dist', 'cli', 'provider-models.cjs');

/** A rendered composed resource: its Composition resource name and the object. */
export interface NamedResource {
  readonly name: string;
  readonly resource: Obj;
}

/** One problem of one composed resource. */
export interface ResourceFinding {
  /** Composition resource name (`db-cluster`). */
  readonly resource: string;
  /** Crossplane field path inside the resource (`spec.forProvider.engine`). */
  readonly field: string;
  /** The rule: `provider-schema/<keyword>`, `provider-model`, `cel-required` or `naming/<limit>`. */
  readonly rule: string;
  readonly message: string;
}

/**
 * Fields that provider-upjet-aws (the pinned version) requires only through CEL rules on the
 * kinds the Composition composes; the npm validators miss them. Kept equal to the served CRDs by
 * test/e2e/provider-cel.test.ts, which reads every composed kind's CRD from the real API server.
 */
export const CEL_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  BucketLogging: ['targetPrefix'],
  BucketOwnershipControls: ['rule'],
  BucketPolicy: ['policy'],
  BucketServerSideEncryptionConfiguration: ['rule'],
  BucketVersioning: ['versioningConfiguration'],
  Cluster: ['engine'],
  ClusterInstance: ['engine', 'instanceClass'],
  ClusterParameterGroup: ['family'],
  LBListener: ['defaultAction'],
  LBTargetGroup: ['name'],
  Role: ['assumeRolePolicy'],
  SecurityGroupEgressRule: ['ipProtocol'],
  SecurityGroupIngressRule: ['ipProtocol'],
  TopicSubscription: ['protocol'],
  WebACL: ['defaultAction', 'scope', 'visibilityConfig'],
};

/** IAM is global: its kinds have no forProvider.region; every other AWS kind requires one. */
export const isRegional = (r: Obj): boolean => !String(r.apiVersion).startsWith('iam.');

/** True for managed resources of provider-upjet-aws's namespaced (`.m.`) API groups. */
export const isAwsManaged = (r: Obj): boolean => String(r.apiVersion).includes('.aws.m.upbound.io/');

const forProvider = (r: Obj): Obj => ((r.spec as Obj | undefined)?.forProvider ?? {}) as Obj;

/**
 * Every field of CEL_REQUIRED (and `region`) that a managed resource lacks; a `<field>Selector`
 * or `<field>Ref` counts as set, since the provider resolves it before the CEL rule applies.
 */
export function checkCelRequired(resources: readonly NamedResource[]): ResourceFinding[] {
  const out: ResourceFinding[] = [];
  for (const { name, resource } of resources) {
    if (!isAwsManaged(resource)) continue;
    const fp = forProvider(resource);
    for (const field of [...(isRegional(resource) ? ['region'] : []), ...(CEL_REQUIRED[String(resource.kind)] ?? [])]) {
      if (field in fp || `${field}Selector` in fp || `${field}Ref` in fp) continue;
      out.push({
        resource: name,
        field: `spec.forProvider.${field}`,
        rule: 'cel-required',
        message: `${name} (${String(resource.kind)}) spec.forProvider.${field}: Required value (provider-upjet-aws requires it by a CEL rule)`,
      });
    }
  }
  return out;
}

/** An AWS naming limit: where the name is, how long it may be and its allowed characters. */
export interface NamingRule {
  readonly kind: string;
  /** Where the AWS name is: `forProvider.name` or the external-name annotation. */
  readonly source: 'forProvider' | 'externalName';
  readonly max: number;
  readonly pattern: RegExp;
  /** Human-readable statement of the rule, for messages. */
  readonly rule: string;
}

/** The AWS names a claim produces and their limits (the ALB and target group are the tight ones). */
export const NAMING_RULES: readonly NamingRule[] = [
  {
    kind: 'LB',
    source: 'forProvider',
    max: AWS_LIMITS.albName,
    pattern: /^(?!internal-)[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    rule: 'ALB name: letters, digits and hyphens, no leading/trailing hyphen, not "internal-"',
  },
  {
    kind: 'LBTargetGroup',
    source: 'forProvider',
    max: AWS_LIMITS.targetGroupName,
    pattern: /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    rule: 'target group name: letters, digits and hyphens, no leading/trailing hyphen',
  },
  {
    kind: 'Bucket',
    source: 'externalName',
    max: AWS_LIMITS.bucketName,
    pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    rule: 'S3 bucket name: lowercase letters, digits, dots and hyphens',
  },
  ...(['Cluster', 'ClusterInstance', 'SubnetGroup'] as const).map((kind): NamingRule => ({
    kind,
    source: 'externalName',
    max: AWS_LIMITS.rdsIdentifier,
    pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/,
    rule: 'RDS identifier: starts with a letter, lowercase letters, digits and single hyphens',
  })),
  {
    kind: 'SecurityGroup',
    source: 'forProvider',
    max: AWS_LIMITS.securityGroupName,
    pattern: /^(?!sg-)[\x20-\x7e]+$/,
    rule: 'security group name: printable ASCII, not "sg-"',
  },
  {
    kind: 'MetricAlarm',
    source: 'externalName',
    max: AWS_LIMITS.alarmName,
    pattern: /^[\x20-\x7e]+$/,
    rule: 'alarm name: printable ASCII',
  },
  {
    kind: 'Topic',
    source: 'externalName',
    max: AWS_LIMITS.snsTopicName,
    pattern: /^[A-Za-z0-9_-]+$/,
    rule: 'SNS topic name: letters, digits, hyphens and underscores',
  },
];

const EXTERNAL_NAME_FIELD = 'metadata.annotations[crossplane.io/external-name]';

/** Every AWS name of the managed resources that breaks its length limit or character rule. */
export function checkNamingLimits(resources: readonly NamedResource[]): ResourceFinding[] {
  const out: ResourceFinding[] = [];
  for (const { name, resource } of resources) {
    for (const rule of NAMING_RULES.filter((r) => r.kind === resource.kind)) {
      const annotations = ((resource.metadata as Obj | undefined)?.annotations ?? {}) as Obj;
      const value = rule.source === 'forProvider' ? forProvider(resource).name : annotations['crossplane.io/external-name'];
      const field = rule.source === 'forProvider' ? 'spec.forProvider.name' : EXTERNAL_NAME_FIELD;
      const prefix = `${name} (${String(resource.kind)}) ${field}`;
      if (typeof value !== 'string') {
        out.push({ resource: name, field, rule: 'naming/missing', message: `${prefix}: no AWS name is set` });
        continue;
      }
      if (value.length > rule.max)
        out.push({
          resource: name,
          field,
          rule: 'naming/length',
          message: `${prefix}: ${JSON.stringify(value)} is ${value.length} characters; AWS allows at most ${rule.max}`,
        });
      if (!rule.pattern.test(value))
        out.push({
          resource: name,
          field,
          rule: 'naming/pattern',
          message: `${prefix}: ${JSON.stringify(value)} breaks the ${rule.rule} rule`,
        });
    }
  }
  return out;
}

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: Readonly<Record<string, unknown>>;
}

type ModelClass = new (data: unknown) => { validate(): void };

const models = new Map<string, ModelClass | undefined>();

/**
 * Uses the build's bundle of models (PROVIDER_MODELS_BUNDLE under `root`) when there is one:
 * one module to load instead of several per kind. The CLI calls this; without it (or without
 * the file) every kind is imported from node_modules. Kinds not in the bundle still are.
 * Returns whether the bundle was there.
 */
export async function useProviderModelsBundle(root: string): Promise<boolean> {
  const file = join(root, PROVIDER_MODELS_BUNDLE);
  if (!existsSync(file)) return false;
  const { MODELS } = loadBundle<{ MODELS?: Record<string, unknown> }>(file);
  for (const [key, model] of Object.entries(MODELS ?? {}))
    if (typeof model === 'function' && !models.has(key)) models.set(key, model as ModelClass);
  return true;
}

/** The provider model class of a kind (imported once per kind, only the kinds rendered). */
export async function providerModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const key = `${apiVersion}/${kind}`;
  if (models.has(key)) return models.get(key);
  let model: ModelClass | undefined;
  try {
    const mod = await importEsm<Record<string, unknown>>(`${PROVIDER_MODELS}/${apiVersion}/${kind}`);
    model = typeof mod[kind] === 'function' ? (mod[kind] as ModelClass) : undefined;
  } catch {
    model = undefined;
  }
  models.set(key, model);
  return model;
}

/** A JSON pointer (`/spec/forProvider/tags/a~1b`) as a Crossplane field path (`spec.forProvider.tags[a/b]`). */
export function pointerToFieldPath(pointer: string): string {
  return formatFieldPath(
    pointer
      .split('/')
      .slice(1)
      .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~')),
  );
}

function modelFindings(name: string, resource: Obj, e: unknown): ResourceFinding[] {
  const errors = (e as { errors?: readonly AjvError[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    return [{ resource: name, field: '', rule: 'provider-schema', message: `${name}: ${(e as Error).message}` }];
  }
  return errors.map((err) => {
    const base = pointerToFieldPath(err.instancePath);
    const missing = err.keyword === 'required' ? err.params.missingProperty : undefined;
    const field = typeof missing === 'string' ? (base ? `${base}.${missing}` : missing) : base;
    const what = err.keyword === 'required' ? 'Required value' : (err.message ?? err.keyword);
    return {
      resource: name,
      field,
      rule: `provider-schema/${err.keyword}`,
      message: `${name} (${String(resource.kind)}) ${field}: ${what} (provider-upjet-aws schema)`,
    };
  });
}

/**
 * Validates every managed resource against its provider-upjet-aws model (the CRD's OpenAPI
 * schema, as ajv validators). Other resources (the ConfigMap) are not checked here.
 */
export async function checkProviderModels(resources: readonly NamedResource[]): Promise<ResourceFinding[]> {
  const out: ResourceFinding[] = [];
  for (const { name, resource } of resources) {
    if (!isAwsManaged(resource)) continue;
    const Model = await providerModel(String(resource.apiVersion), String(resource.kind));
    if (!Model) {
      out.push({
        resource: name,
        field: 'kind',
        rule: 'provider-model',
        message: `${name}: provider-upjet-aws has no model for ${String(resource.apiVersion)} ${String(resource.kind)}`,
      });
      continue;
    }
    const { status: _status, ...spec } = resource;
    try {
      new Model(spec).validate();
    } catch (e) {
      out.push(...modelFindings(name, resource, e));
    }
  }
  return out;
}
