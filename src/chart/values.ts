/**
 * The chart's values, written once with their documentation: values.yaml (with `# --` comments),
 * values.schema.json (strict: unknown keys fail) and the values table of the chart README are
 * all generated from this tree.
 */
import { CHART_VERSION, FUNCTIONS, PROVIDER_AWS_REGISTRY, PROVIDER_AWS_VERSION, READINESS_FUNCTION } from '../apis/constants.js';
import type { JsonSchema } from '../apis/schema.js';

export interface ValueNode {
  readonly description: string;
  /** A leaf's default; absent for groups. */
  readonly default?: unknown;
  readonly schema?: JsonSchema;
  readonly children?: Readonly<Record<string, ValueNode>>;
}

const leaf = (description: string, def: unknown, schema: JsonSchema): ValueNode => ({ description, default: def, schema });
const group = (description: string, children: Record<string, ValueNode>): ValueNode => ({ description, children });

export const VALUES: Readonly<Record<string, ValueNode>> = {
  functions: group('Crossplane composition functions the Composition pipeline runs.', {
    install: leaf('Install the pinned Function packages (disable when the platform team manages them elsewhere).', true, {
      type: 'boolean',
    }),
    registry: leaf(
      `Registry the Function packages are pulled from (mirror them for air-gapped clusters). Versions are pinned: ${Object.values(
        FUNCTIONS,
      )
        .map((f) => `${f.name} ${f.version}`)
        .join(', ')}.`,
      'xpkg.crossplane.io/crossplane-contrib',
      { type: 'string', minLength: 1 },
    ),
  }),
  providers: group('provider-upjet-aws family providers serving the composed kinds.', {
    install: leaf('Install the provider packages.', true, { type: 'boolean' }),
    registry: leaf('Registry of the provider packages.', PROVIDER_AWS_REGISTRY, { type: 'string', minLength: 1 }),
    version: leaf('provider-upjet-aws version (every family member uses the same).', PROVIDER_AWS_VERSION, {
      type: 'string',
      pattern: '^v[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$',
    }),
    runtimeConfigName: leaf('Name of a DeploymentRuntimeConfig for the providers (for example for IRSA); empty for none.', '', {
      type: 'string',
    }),
  }),
  activationPolicy: group('Crossplane v2 activates only the managed-resource kinds a ManagedResourceActivationPolicy lists.', {
    create: leaf('Create a policy that activates exactly the kinds this Composition composes.', true, { type: 'boolean' }),
  }),
  nested: group(
    "The nested layout: internal XRs per part of the platform, so that no XR trips Crossplane's watch-event circuit breaker at its default flags. New PaymentPlatforms get it (the XRD's defaultCompositionRef); platforms created with the single Composition keep it.",
    {
      enabled: leaf(
        "Install the internal XRDs and the Compositions of the nested layout, and make it the default. false installs only the single Composition and makes it the default (every platform then composes its ~100 resources itself and trips the circuit breaker at Crossplane's default flags).",
        true,
        { type: 'boolean' },
      ),
      readinessFunction: leaf(
        `The package of ${READINESS_FUNCTION.name}, the composition function the nested layout's pipelines run last (the Dockerfile's function target, packaged with function/package; installed with functions.install).`,
        `${READINESS_FUNCTION.package}:${READINESS_FUNCTION.version}`,
        { type: 'string', minLength: 1 },
      ),
    },
  ),
  providerConfig: group(
    'A ClusterProviderConfig for the managed resources. Off by default: its CRD exists only once the providers are installed, so create it after they are healthy (Argo CD does this with a later sync wave).',
    {
      create: leaf('Create the ClusterProviderConfig.', false, { type: 'boolean' }),
      name: leaf('Its name (PaymentPlatforms select it with spec.parameters.providerConfigName).', 'default', {
        type: 'string',
        pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      }),
      source: leaf('Credentials source: IRSA, WebIdentity, PodIdentity or Secret.', 'IRSA', {
        type: 'string',
        enum: ['IRSA', 'WebIdentity', 'PodIdentity', 'Secret'],
      }),
      secretRef: group('The Secret with AWS credentials when source is Secret.', {
        namespace: leaf('Namespace of the Secret.', 'crossplane-system', { type: 'string' }),
        name: leaf('Name of the Secret.', 'aws-credentials', { type: 'string' }),
        key: leaf('Key in the Secret.', 'credentials', { type: 'string' }),
      }),
    },
  ),
  operator: group(
    'The payment-platform operator: health roll-up of every PaymentPlatform (Events, metrics, status.health), live PCI compliance and the hot-loop guard. Two replicas, one active (leader election on a Lease).',
    {
      enabled: leaf(
        'Deploy the operator (needs its image: build the Dockerfile and push it where the cluster can pull it).',
        false,
        { type: 'boolean' },
      ),
      image: group('The operator image (Dockerfile at the repository root).', {
        repository: leaf('Image repository.', 'ghcr.io/payment-platform/payment-platform-operator', {
          type: 'string',
          minLength: 1,
        }),
        tag: leaf('Image tag.', CHART_VERSION, { type: 'string', minLength: 1 }),
        pullPolicy: leaf('Image pull policy.', 'IfNotPresent', { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] }),
      }),
      replicas: leaf('Replicas (one leads, the others stand by).', 2, { type: 'integer', minimum: 1, maximum: 5 }),
      logLevel: leaf('Log level of the JSON logs.', 'info', {
        type: 'string',
        enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'],
      }),
      workers: leaf('PaymentPlatforms evaluated concurrently.', 16, { type: 'integer', minimum: 1, maximum: 64 }),
      hotLoop: group('The hot-loop guard: a managed resource that changes faster than this has not converged.', {
        maxUpdates: leaf('Changes of one managed resource within the window that make a hot loop.', 30, {
          type: 'integer',
          minimum: 2,
        }),
        window: leaf('The sliding window (Go-style duration: 30s, 2m).', '60s', {
          type: 'string',
          pattern: '^[0-9]+(ms|s|m|h)$',
        }),
        pause: leaf(
          'Opt-in: annotate a hot-looping managed resource crossplane.io/paused="true" (grants the operator patch on managed resources).',
          false,
          { type: 'boolean' },
        ),
      }),
      nodeOptions: leaf(
        'NODE_OPTIONS of the operator: the V8 heap cap keeps the resident memory near the live data (without it V8 sizes the heap from the node, not the pod). Keep max-old-space-size well under memoryLimit.',
        '--max-old-space-size=256 --max-semi-space-size=4',
        { type: 'string' },
      ),
      resources: group(
        'Container resources (the operator caches every composed resource; see docs/operator.md for measured memory).',
        {
          cpuRequest: leaf('CPU request.', '100m', { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?m?$' }),
          memoryRequest: leaf('Memory request.', '256Mi', { type: 'string', pattern: '^[0-9]+(Ki|Mi|Gi)$' }),
          memoryLimit: leaf('Memory limit.', '512Mi', { type: 'string', pattern: '^[0-9]+(Ki|Mi|Gi)$' }),
        },
      ),
    },
  ),
};

function defaults(nodes: Readonly<Record<string, ValueNode>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(nodes).map(([k, n]) => [k, n.children ? defaults(n.children) : n.default]));
}

export const defaultValues = (): Record<string, unknown> => defaults(VALUES);

function schemaOf(nodes: Readonly<Record<string, ValueNode>>): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      Object.entries(nodes).map(([k, n]) => [
        k,
        n.children ? { description: n.description, ...schemaOf(n.children) } : { description: n.description, ...n.schema },
      ]),
    ),
  };
}

export function valuesSchemaJson(): string {
  return `${JSON.stringify({ $schema: 'https://json-schema.org/draft-07/schema#', ...schemaOf(VALUES) }, null, 2)}\n`;
}

const yamlScalar = (v: unknown): string => (typeof v === 'string' ? (v === '' ? '""' : JSON.stringify(v)) : String(v));

export function valuesYaml(): string {
  const lines: string[] = ['# Values of the payment-platform chart. Generated by `make synth` from src/chart/values.ts.', ''];
  const walk = (nodes: Readonly<Record<string, ValueNode>>, indent: string, prefix: string): void => {
    for (const [k, n] of Object.entries(nodes)) {
      if (n.children) {
        lines.push(`${indent}# ${n.description}`, `${indent}${k}:`);
        walk(n.children, `${indent}  `, `${prefix}${k}.`);
      } else {
        lines.push(`${indent}# -- ${n.description}`, `${indent}${k}: ${yamlScalar(n.default)}`);
      }
    }
    if (indent === '') lines.push('');
  };
  walk(VALUES, '', '');
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Rows `key | type | default | description` for the chart README. */
export function valuesTable(): string {
  const rows: string[] = ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |'];
  const walk = (nodes: Readonly<Record<string, ValueNode>>, prefix: string): void => {
    for (const [k, n] of Object.entries(nodes)) {
      if (n.children) walk(n.children, `${prefix}${k}.`);
      else rows.push(`| \`${prefix}${k}\` | ${n.schema?.type ?? ''} | \`${yamlScalar(n.default)}\` | ${n.description} |`);
    }
  };
  walk(VALUES, '');
  return rows.join('\n');
}
