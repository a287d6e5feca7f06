/**
 * The operator's objects in the chart, built with cdk8s-plus-28: ServiceAccount, a
 * least-privilege ClusterRole (read the PaymentPlatforms and the composed kinds it watches,
 * apply `status.health`, write Events; `patch` on managed resources only with
 * `operator.hotLoop.pause`; no Secrets, no wildcards), a Role for its Lease, a hardened
 * Deployment (non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp,
 * probes, resources), a PodDisruptionBudget and the metrics Service. Helm values enter through
 * placeholders that `operatorTemplate` replaces with template expressions.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { API_GROUP, PLURAL, PRODUCT } from '../apis/constants.js';
import type { ComposedResource } from '../composition/subsystem.js';
import { composedKinds, formatKind, type WatchedKind } from '../operator/kinds.js';
import { nestedKinds } from '../composition/nested.js';
import { type Obj } from '../apis/obj.js';
import { fillPlaceholders, type PlaceholderTable } from './placeholders.js';
import { dumpYaml } from '../util/yaml.js';

/** Names of the operator's objects (and its Lease). */
export const OPERATOR_NAME = `${PRODUCT}-operator`;
/** Port of /healthz, /readyz and /metrics. */
export const OPERATOR_PORT = 8080;
/** The image's non-root user (the distroless/Debian "nonroot" uid). */
export const OPERATOR_UID = 65532;

const NS = '__OPERATOR_NAMESPACE__';
/** Placeholder -> Helm expression, filled after YAML serialization (placeholders.ts). */
const PLACEHOLDER_VALUES: Readonly<Record<string, string>> = {
  [NS]: '{{ .Release.Namespace | quote }}',
  __OPERATOR_IMAGE__: '{{ printf "%s:%s" .Values.operator.image.repository .Values.operator.image.tag | quote }}',
  __OPERATOR_PULL_POLICY__: '{{ .Values.operator.image.pullPolicy | quote }}',
  __OPERATOR_REPLICAS__: '{{ .Values.operator.replicas }}',
  __OPERATOR_LOG_LEVEL__: '{{ printf "--log-level=%s" .Values.operator.logLevel | quote }}',
  __OPERATOR_WORKERS__: '{{ printf "--workers=%v" .Values.operator.workers | quote }}',
  __OPERATOR_HOT_LOOP_MAX__: '{{ printf "--hot-loop-max-updates=%v" .Values.operator.hotLoop.maxUpdates | quote }}',
  __OPERATOR_HOT_LOOP_WINDOW__: '{{ printf "--hot-loop-window=%s" .Values.operator.hotLoop.window | quote }}',
  __OPERATOR_HOT_LOOP_PAUSE__: '{{ printf "--hot-loop-pause=%t" .Values.operator.hotLoop.pause | quote }}',
  // The internal kinds are watched only when the chart installs their XRDs.
  __OPERATOR_COMPOSITE_KINDS__: `{{ printf "--composite-kinds=%s" (ternary "${nestedKinds().map(formatKind).join(',')}" "" .Values.nested.enabled) | quote }}`,
  __OPERATOR_CPU_REQUEST__: '{{ .Values.operator.resources.cpuRequest | quote }}',
  __OPERATOR_MEMORY_REQUEST__: '{{ .Values.operator.resources.memoryRequest | quote }}',
  __OPERATOR_MEMORY_LIMIT__: '{{ .Values.operator.resources.memoryLimit | quote }}',
  __OPERATOR_NODE_OPTIONS__: '{{ .Values.operator.nodeOptions | quote }}',
};

/** The operator's placeholders: values, and the `patch` verb only with `operator.hotLoop.pause`. */
export const OPERATOR_PLACEHOLDERS: PlaceholderTable = {
  values: PLACEHOLDER_VALUES,
  blocks: { __PAUSE_PATCH__: ['{{- if .Values.operator.hotLoop.pause }}', '- patch', '{{- end }}'] },
};

/** The managed kinds grouped by API group, for RBAC rules (one rule per group, sorted). */
function byGroup(kinds: readonly WatchedKind[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const k of kinds) groups.set(k.group, [...(groups.get(k.group) ?? []), k.plural]);
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([g, p]) => [g, [...new Set(p)].sort()]));
}

/** The operator's objects as plain manifests (with placeholders), built with cdk8s-plus-28. */
export function operatorManifests(resources: readonly ComposedResource[]): Obj[] {
  const { managed, policy } = composedKinds(resources);
  const app = new App();
  const chart = new Chart(app, 'operator', { namespace: NS, disableResourceNameHashes: true });
  const labels = { 'app.kubernetes.io/name': OPERATOR_NAME };

  const sa = new kplus.ServiceAccount(chart, 'sa', {
    metadata: { name: OPERATOR_NAME, labels },
    automountToken: true,
  });

  const role = new kplus.ClusterRole(chart, 'cluster-role', { metadata: { name: OPERATOR_NAME, labels } });
  const custom = (apiGroup: string, resourceType: string): kplus.ApiResource =>
    kplus.ApiResource.custom({ apiGroup, resourceType });
  role.allow(['get', 'list', 'watch'], custom(API_GROUP, PLURAL));
  role.allow(['patch'], custom(API_GROUP, `${PLURAL}/status`));
  for (const [group, plurals] of byGroup(managed)) {
    role.allow(['get', 'list', 'watch', '__PAUSE_PATCH__'], ...plurals.map((p) => custom(group, p)));
  }
  for (const [group, plurals] of byGroup([...policy, ...nestedKinds()]))
    role.allow(['get', 'list', 'watch'], ...plurals.map((p) => custom(group, p)));
  role.allow(['create', 'patch'], custom('', 'events'));
  new kplus.ClusterRoleBinding(chart, 'cluster-role-binding', { metadata: { name: OPERATOR_NAME, labels }, role }).addSubjects(
    sa,
  );

  // The Lease: create (it cannot be narrowed to a name), the rest only on the one Lease.
  const leaseRole = new kplus.Role(chart, 'lease-role', { metadata: { name: `${OPERATOR_NAME}-lease`, labels } });
  leaseRole.allow(['create'], custom('coordination.k8s.io', 'leases'));
  leaseRole.allow(['get', 'list', 'watch', 'update'], {
    apiGroup: 'coordination.k8s.io',
    resourceType: 'leases',
    resourceName: OPERATOR_NAME,
  });
  new kplus.RoleBinding(chart, 'lease-role-binding', {
    metadata: { name: `${OPERATOR_NAME}-lease`, labels },
    role: leaseRole,
  }).addSubjects(sa);

  const deployment = new kplus.Deployment(chart, 'deployment', {
    metadata: { name: OPERATOR_NAME, labels },
    podMetadata: { labels },
    replicas: 2,
    serviceAccount: sa,
    automountServiceAccountToken: true,
    securityContext: { ensureNonRoot: true, user: OPERATOR_UID, group: OPERATOR_UID },
    spread: false,
  });
  deployment.addContainer({
    name: 'operator',
    image: '__OPERATOR_IMAGE__',
    args: [
      `--kinds=${managed.map(formatKind).join(',')}`,
      `--policy-kinds=${policy.map(formatKind).join(',')}`,
      '__OPERATOR_COMPOSITE_KINDS__',
      `--lease-name=${OPERATOR_NAME}`,
      `--port=${OPERATOR_PORT}`,
      '__OPERATOR_LOG_LEVEL__',
      '__OPERATOR_WORKERS__',
      '__OPERATOR_HOT_LOOP_MAX__',
      '__OPERATOR_HOT_LOOP_WINDOW__',
      '__OPERATOR_HOT_LOOP_PAUSE__',
    ],
    envVariables: {
      POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
      POD_NAMESPACE: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
      NODE_OPTIONS: kplus.EnvValue.fromValue('__OPERATOR_NODE_OPTIONS__'),
    },
    ports: [{ name: 'metrics', number: OPERATOR_PORT }],
    liveness: kplus.Probe.fromHttpGet('/healthz', {
      port: OPERATOR_PORT,
      periodSeconds: Duration.seconds(10),
      failureThreshold: 3,
    }),
    readiness: kplus.Probe.fromHttpGet('/readyz', {
      port: OPERATOR_PORT,
      periodSeconds: Duration.seconds(5),
      failureThreshold: 3,
    }),
    startup: kplus.Probe.fromHttpGet('/healthz', {
      port: OPERATOR_PORT,
      periodSeconds: Duration.seconds(2),
      failureThreshold: 30,
    }),
    resources: { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
    securityContext: {
      ensureNonRoot: true,
      user: OPERATOR_UID,
      group: OPERATOR_UID,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: [kplus.Capability.ALL] },
      seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    },
  });

  new kplus.k8s.KubePodDisruptionBudget(chart, 'pdb', {
    metadata: { name: OPERATOR_NAME, labels },
    spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: deployment.matchLabels } },
  });

  new kplus.Service(chart, 'metrics', {
    metadata: { name: `${OPERATOR_NAME}-metrics`, labels },
    selector: deployment,
    ports: [{ name: 'metrics', port: OPERATOR_PORT, targetPort: OPERATOR_PORT }],
  });

  return postProcess(chart.toJson() as Obj[]);
}

const defaultDump = (objs: Obj[]): string => objs.map(dumpYaml).join('---\n');

/** What cdk8s-plus leaves for Helm to fill, and the few fields it cannot express. */
function postProcess(objs: Obj[]): Obj[] {
  for (const o of objs) {
    if (o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding') delete (o.metadata as Obj).namespace;
    for (const r of (o.rules ?? []) as Obj[])
      if (Array.isArray(r.resourceNames) && r.resourceNames.length === 0) delete r.resourceNames;
    if (o.kind === 'Deployment') {
      const spec = o.spec as Obj;
      spec.replicas = '__OPERATOR_REPLICAS__';
      const pod = (spec.template as Obj).spec as Obj;
      // Spread the two replicas over nodes when the scheduler can.
      pod.affinity = {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                topologyKey: 'kubernetes.io/hostname',
                labelSelector: { matchLabels: (spec.selector as Obj).matchLabels },
              },
            },
          ],
        },
      };
      pod.securityContext = { ...(pod.securityContext as Obj), seccompProfile: { type: 'RuntimeDefault' } };
      pod.terminationGracePeriodSeconds = 30;
      for (const c of pod.containers as Obj[]) {
        c.imagePullPolicy = '__OPERATOR_PULL_POLICY__';
        c.resources = {
          requests: { cpu: '__OPERATOR_CPU_REQUEST__', memory: '__OPERATOR_MEMORY_REQUEST__' },
          limits: { memory: '__OPERATOR_MEMORY_LIMIT__' },
        };
      }
    }
    if (o.kind === 'ClusterRole') {
      // cdk8s-plus writes one rule per resource; one per verb set and group reads better
      const merged = new Map<string, Obj>();
      for (const r of o.rules as Obj[]) {
        const key = `${JSON.stringify(r.apiGroups)}|${JSON.stringify(r.verbs)}`;
        const prev = merged.get(key);
        if (prev) prev.resources = [...(prev.resources as string[]), ...(r.resources as string[])];
        else merged.set(key, { ...r });
      }
      o.rules = [...merged.values()];
    }
  }
  return objs;
}

/**
 * Serializes the operator's objects as a Helm template guarded by `operator.enabled`; `dump` is
 * the chart's serializer and `chart` the chart's own placeholders (the release name).
 */
export function operatorTemplate(
  objs: readonly Obj[],
  header: string,
  dump: (objs: Obj[]) => string = defaultDump,
  chart: PlaceholderTable = {},
): string {
  const body = fillPlaceholders(dump([...objs]), {
    values: { ...OPERATOR_PLACEHOLDERS.values, ...chart.values },
    blocks: { ...OPERATOR_PLACEHOLDERS.blocks, ...chart.blocks },
  });
  return `${header}{{- if .Values.operator.enabled }}\n${body}{{- end }}\n`;
}
