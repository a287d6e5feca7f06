/**
 * Composed provider-upjet-aws resources expressed as Terraform JSON, so that a Terraform scanner
 * (checkov) can judge what a claim creates. upjet generates each managed resource from one
 * Terraform resource, so the translation is mechanical:
 *
 * - the kind is the Terraform resource type (`AWS_KINDS`; an unknown kind is an error);
 * - `spec.forProvider` (over `spec.initProvider`) fields are the arguments, in snake_case; nested
 *   objects that upjet renders as objects are Terraform blocks (arrays of one object), except map
 *   attributes such as `tags`;
 * - the `crossplane.io/external-name` annotation is the naming argument of kinds named by it
 *   (`bucket`, `cluster_identifier`, `identifier`, `name`, `alarm_name`);
 * - `*Selector` fields (matchControllerRef + matchLabels) and `*Ref(s)` fields become Terraform
 *   references to the composed resources they select (`${aws_vpc.vpc.id}`), and a literal equal to
 *   the ARN another composed resource reports (a value the Composition patched from its status)
 *   becomes a reference to that ARN, so that checkov's graph checks see the connections;
 * - the Terraform resource name is the composition resource name with `-` as `_`.
 */
import { AWS_KINDS, NON_AWS_KINDS, kindKey, type KindMapping } from './kinds.js';
import { isObj, type Obj } from '../apis/obj.js';

/** A Terraform JSON value. */
export type TfValue = string | number | boolean | null | TfValue[] | { [key: string]: TfValue };

/** A Terraform JSON resource body: arguments and blocks. */
export type TfBody = { [argument: string]: TfValue };

/** A Terraform JSON configuration holding only `resource` blocks. */
export interface TerraformDocument {
  readonly resource: Record<string, Record<string, TfBody>>;
}

/** A composed resource as the renderer returns it. */
export interface ComposedResource {
  /** The composition resource name. */
  readonly name: string;
  readonly resource: Obj;
}

/** The result of `toTerraform`. */
export interface Conversion {
  readonly document: TerraformDocument;
  /** Terraform address (`aws_vpc.vpc`) of each converted composition resource, by its name. */
  readonly addresses: ReadonlyMap<string, string>;
  /** Composed resources deliberately left out (not AWS resources), with the reason. */
  readonly skipped: readonly { readonly name: string; readonly kind: string; readonly reason: string }[];
}

/** Options of `toTerraform`. */
export interface ConversionOptions {
  /**
   * `status.atProvider` of each composed resource by composition resource name (the simulated
   * steady state): literals equal to one of their ARNs become references.
   */
  readonly observed?: Readonly<Record<string, Obj>>;
}

/** Thrown when resources cannot be expressed as Terraform; `problems` lists every reason. */
export class ConversionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`cannot express the composed resources as Terraform:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConversionError';
  }
}

/**
 * Upjet JSON field names that are Terraform map attributes (kept as objects, keys unchanged);
 * every other object is a nested block.
 */
export const MAP_ATTRIBUTES: ReadonlySet<string> = new Set(['tags', 'tagsAll', 'dimensions']);

/**
 * Selectors that fill a list argument, by `<kind>.<selector>`: the field they populate. The
 * provider names some of them after the singular (`subnetIdSelector` fills `subnetIds`).
 */
export const LIST_SELECTORS: Readonly<Record<string, string>> = {
  'LB.subnetSelector': 'subnets',
  'LB.securityGroupSelector': 'securityGroups',
  'SubnetGroup.subnetIdSelector': 'subnetIds',
  'Cluster.vpcSecurityGroupIdSelector': 'vpcSecurityGroupIds',
  'MetricAlarm.alarmActionsSelector': 'alarmActions',
  'MetricAlarm.okActionsSelector': 'okActions',
  'NATGateway.allocationIdsSelector': 'allocationIds',
  'NATGateway.secondaryAllocationIdsSelector': 'secondaryAllocationIds',
  'WebACLLoggingConfiguration.logDestinationConfigsSelector': 'logDestinationConfigs',
  'Role.managedPolicyArnsSelector': 'managedPolicyArns',
};

/**
 * The attribute of the referenced resource that a reference extracts, by `<kind>.<field>`, where
 * the provider's extractor is not what `referenceAttribute` derives from the field name.
 */
export const REFERENCE_ATTRIBUTES: Readonly<Record<string, string>> = {
  'Cluster.kmsKeyId': 'arn',
  'Cluster.masterUserSecretKmsKeyId': 'key_id',
  'Group.kmsKeyId': 'arn',
  'BucketServerSideEncryptionConfiguration.kmsMasterKeyId': 'arn',
  'FlowLog.logDestination': 'arn',
  'FlowLog.deliverCrossAccountRole': 'arn',
  'MetricAlarm.alarmActions': 'arn',
  'MetricAlarm.okActions': 'arn',
  'TopicSubscription.endpoint': 'arn',
  'WebACLLoggingConfiguration.logDestinationConfigs': 'arn',
};

/** Status attributes that identify a resource uniquely enough to turn a literal into a reference. */
const REFERENCEABLE_STATUS: readonly string[] = ['arn', 'arnSuffix'];

/** `enableDnsHostnames` -> `enable_dns_hostnames`; digits stay with their word (`cidrIpv4` -> `cidr_ipv4`). */
export function snakeCase(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** The Terraform resource name of a composition resource name (`bucket-assets` -> `bucket_assets`). */
export function terraformName(compositionName: string): string {
  return compositionName.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * The attribute a reference from `kind.field` extracts from the resource it selects: the table
 * above, else `arn` for ARN fields, else the external name (`id`, or the target kind's
 * `externalNameAttribute`), which is what the provider's default extractor reads.
 */
export function referenceAttribute(kind: string, field: string, target?: KindMapping): string {
  const explicit = REFERENCE_ATTRIBUTES[`${kind}.${field}`];
  if (explicit) return explicit;
  if (/(^arn|Arns?)$/.test(field)) return 'arn';
  return target?.externalNameAttribute ?? 'id';
}

/** Escapes a literal for a Terraform template string (`${` and `%{` start interpolations). */
export function escapeTemplate(s: string): string {
  return s.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

interface Target {
  readonly name: string;
  readonly kind: string;
  readonly address: string;
  readonly mapping: KindMapping;
  readonly labels: Readonly<Record<string, string>>;
  readonly metadataName?: string;
}

/**
 * Converts composed resources (e.g. `renderSteadyState(claim).final.resources`) to a Terraform
 * JSON document. Throws a `ConversionError` naming every resource or field it cannot translate.
 */
export function toTerraform(resources: readonly ComposedResource[], options: ConversionOptions = {}): Conversion {
  const problems: string[] = [];
  const skipped: { name: string; kind: string; reason: string }[] = [];
  const targets: Target[] = [];
  const addresses = new Map<string, string>();
  for (const { name, resource } of resources) {
    const kind = String(resource.kind);
    const key = kindKey(String(resource.apiVersion ?? ''), kind);
    const mapping = AWS_KINDS[key];
    if (!mapping) {
      const reason = NON_AWS_KINDS[key];
      if (reason) skipped.push({ name, kind: key, reason });
      else
        problems.push(
          `${name}: kind ${key} is not in the scanner's kind table (src/scan/kinds.ts): add its Terraform resource type there`,
        );
      continue;
    }
    const address = `${mapping.type}.${terraformName(name)}`;
    if ([...addresses.values()].includes(address)) problems.push(`${name}: Terraform address ${address} is not unique`);
    addresses.set(name, address);
    const md = (resource.metadata ?? {}) as Obj;
    targets.push({
      name,
      kind,
      address,
      mapping,
      labels: (md.labels ?? {}) as Record<string, string>,
      ...(typeof md.name === 'string' ? { metadataName: md.name } : {}),
    });
  }

  // ARNs (and ARN suffixes) the simulated AWS reports, to recognize literals patched from status.
  const byStatus = new Map<string, string | null>();
  for (const t of targets) {
    const atProvider = options.observed?.[t.name];
    if (!atProvider) continue;
    for (const attr of REFERENCEABLE_STATUS) {
      const v = atProvider[attr];
      if (typeof v !== 'string' || v === '') continue;
      const ref = `\${${t.address}.${snakeCase(attr)}}`;
      byStatus.set(v, byStatus.has(v) && byStatus.get(v) !== ref ? null : ref);
    }
  }

  const document: TerraformDocument = { resource: {} };
  for (const t of targets) {
    const resource = (resources.find((r) => r.name === t.name) as ComposedResource).resource;
    const spec = (resource.spec ?? {}) as Obj;
    const params: Obj = { ...((spec.initProvider ?? {}) as Obj), ...((spec.forProvider ?? {}) as Obj) };
    const ctx: Context = { self: t, targets, byStatus, problems };
    const body = convertObject(params, ctx, `${t.name} spec.forProvider`);
    const external = ((resource.metadata as Obj | undefined)?.annotations as Record<string, string> | undefined)?.[
      'crossplane.io/external-name'
    ];
    if (t.mapping.name && external && body[t.mapping.name.argument] === undefined) {
      const { argument, prefix } = t.mapping.name;
      body[argument] = escapeTemplate(prefix && !external.startsWith(prefix) ? `${prefix}${external}` : external);
    }
    const [type, tfName] = t.address.split('.') as [string, string];
    EXPANSIONS[type]?.(body, (p) => problems.push(`${t.name}: ${p}`));
    (document.resource[type] ??= {})[tfName] = body;
  }
  if (problems.length > 0) throw new ConversionError(problems);
  return { document, addresses, skipped };
}

/**
 * AWS API JSON keys (WAFv2 rules) whose Terraform block or argument name is not their snake_case:
 * Terraform names repeated blocks in the singular.
 */
export const WAF_KEY_NAMES: Readonly<Record<string, string>> = {
  CloudWatchMetricsEnabled: 'cloudwatch_metrics_enabled',
  RuleActionOverrides: 'rule_action_override',
  ExcludedRules: 'excluded_rule',
  TextTransformations: 'text_transformation',
  Statements: 'statement',
  RuleLabels: 'rule_label',
  InsertHeaders: 'insert_header',
  ResponseHeaders: 'response_header',
  ManagedRuleGroupConfigs: 'managed_rule_group_configs',
};

/** A WAFv2 rule in the AWS API's JSON shape as Terraform blocks (`{"None": {}}` -> `none {}`). */
export function wafRuleToTerraform(value: unknown): TfValue {
  if (Array.isArray(value)) return value.map(wafRuleToTerraform);
  if (isObj(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        const tf = WAF_KEY_NAMES[k] ?? snakeCase(k);
        if (isObj(v)) return [tf, [wafRuleToTerraform(v)]];
        if (Array.isArray(v) && v.some(isObj)) return [tf, v.map(wafRuleToTerraform)];
        return [tf, wafRuleToTerraform(v)];
      }),
    );
  }
  return typeof value === 'string' ? escapeTemplate(value) : (value as TfValue);
}

/**
 * Arguments that provider-upjet-aws exposes differently from the Terraform resource, rewritten to
 * the form Terraform (and checkov) reads. The provider removes the WAFv2 `rule` blocks from its
 * schema (too deep for a CRD) and offers the same rules as `rule_json` in the AWS API's JSON
 * shape; checkov only reads `rule` blocks, so `rule_json` becomes the equivalent `rule` blocks.
 */
export const EXPANSIONS: Readonly<Record<string, (body: TfBody, problem: (p: string) => void) => void>> = {
  aws_wafv2_web_acl: expandRuleJson,
  aws_wafv2_rule_group: expandRuleJson,
};

function expandRuleJson(body: TfBody, problem: (p: string) => void): void {
  const json = body.rule_json;
  if (json === undefined) return;
  let rules: unknown;
  try {
    rules = JSON.parse(
      String(json)
        .replace(/\$\$\{/g, '${')
        .replace(/%%\{/g, '%{'),
    );
  } catch (e) {
    problem(`rule_json is not JSON: ${(e as Error).message}`);
    return;
  }
  if (!Array.isArray(rules)) {
    problem('rule_json must be a JSON list of rules');
    return;
  }
  delete body.rule_json;
  body.rule = wafRuleToTerraform(rules);
}

interface Context {
  readonly self: Target;
  readonly targets: readonly Target[];
  readonly byStatus: ReadonlyMap<string, string | null>;
  readonly problems: string[];
}

function convertObject(params: Obj, ctx: Context, path: string): TfBody {
  const body: TfBody = {};
  const kind = ctx.self.kind;
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (key.endsWith('SecretRef')) continue; // a Kubernetes Secret (a sensitive variable in Terraform terms)
    if (key.endsWith('Selector') || key.endsWith('Ref') || key.endsWith('Refs')) {
      const isSelector = key.endsWith('Selector');
      const base = key.replace(/(Selector|Refs?)$/, '');
      const listField = LIST_SELECTORS[`${kind}.${base}Selector`];
      const field = listField ?? base;
      if (params[field] !== undefined) continue; // set explicitly: the provider does not resolve the reference
      const selected = isSelector ? select(value, ctx) : byName(value, ctx);
      if (selected.length === 0) {
        ctx.problems.push(`${path}.${key}: selects no composed resource`);
        continue;
      }
      if (!listField && selected.length > 1) {
        ctx.problems.push(
          `${path}.${key}: selects ${selected.length} composed resources (${selected.map((s) => s.name).join(', ')}) for a single value` +
            ` (if ${kind}.${field} is a list, add ${kind}.${base}Selector to LIST_SELECTORS in src/scan/terraform.ts)`,
        );
        continue;
      }
      const refs = selected.map((s) => `\${${s.address}.${referenceAttribute(kind, field, s.mapping)}}`);
      body[snakeCase(field)] = listField ? refs : (refs[0] as string);
      continue;
    }
    body[snakeCase(key)] = convertValue(key, value, ctx, `${path}.${key}`);
  }
  return body;
}

function convertValue(key: string, value: unknown, ctx: Context, path: string): TfValue {
  if (MAP_ATTRIBUTES.has(key) && isObj(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v, ctx, `${path}.${k}`)]));
  }
  if (isObj(value)) return [convertObject(value, ctx, path)];
  if (Array.isArray(value)) {
    return value.map((v, i) => (isObj(v) ? convertObject(v, ctx, `${path}[${i}]`) : literal(v, ctx, `${path}[${i}]`)));
  }
  return literal(value, ctx, path);
}

function literal(value: unknown, ctx: Context, path: string): TfValue {
  if (typeof value === 'string') {
    const ref = ctx.byStatus.get(value);
    if (ref && !ref.startsWith(`\${${ctx.self.address}.`)) return ref;
    return escapeTemplate(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.map((v, i) => literal(v, ctx, `${path}[${i}]`));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v, ctx, `${path}.${k}`)]));
  ctx.problems.push(`${path}: unsupported value ${String(value)}`);
  return null;
}

/** Composed AWS resources a selector resolves to, in composition order (as selectors.ts checks them). */
function select(selector: unknown, ctx: Context): Target[] {
  if (!isObj(selector)) return [];
  const labels = (selector.matchLabels ?? {}) as Record<string, string>;
  return ctx.targets.filter((t) => t !== ctx.self && Object.entries(labels).every(([k, v]) => t.labels[k] === v));
}

/** Composed AWS resources named by `{name}` references (`*Ref` is one, `*Refs` a list). */
function byName(ref: unknown, ctx: Context): Target[] {
  const refs = Array.isArray(ref) ? ref : [ref];
  return refs.flatMap((r) => {
    const n = isObj(r) ? r.name : undefined;
    const t = ctx.targets.find((x) => x.metadataName === n);
    return t ? [t] : [];
  });
}
