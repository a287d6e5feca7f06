/**
 * Reconciles one PaymentPlatform: rolls up the health of its composed resources, evaluates the
 * PCI controls on them, and publishes the outcome: Events on transitions (written before the
 * status, so a crash between the two repeats the event write, which the recorder deduplicates,
 * rather than losing it), metrics, and `status.health`.
 */
import { API_GROUP, API_VERSION, KIND, PLURAL } from '../apis/constants.js';
import { complianceTransitions, evaluateLive, type ComplianceSummary } from './compliance.js';
import type { EventRecorder, InvolvedObject } from './events.js';
import { computeHealth, type HealthSummary } from './health.js';
import { judgeResource } from '../apis/health-model.js';
import { MAX_FINDINGS, MAX_HOT_LOOPS, MAX_MESSAGE, type HealthStatus, type HealthStatusHotLoop } from '../apis/health.js';
import type { KubeObject } from './kube/objects.js';
import { isObj } from './kube/objects.js';
import type { Logger } from './logger.js';
import { errorFields } from './logger.js';
import type { OperatorMetrics } from './metrics.js';
import { parsePlatform, parseRefs, type Platform, type ResourceRef } from './platform.js';
import { PermanentError } from './queue.js';
import type { HealthStatusWriter } from './status.js';

/** A reference as the caches answer it. */
export interface Resolved {
  /** False when the reference's kind is not watched. */
  readonly watched: boolean;
  readonly managed: boolean;
  /** An internal XR of the nested layout: followed down through its own references. */
  readonly composite: boolean;
  readonly object: KubeObject | undefined;
}

/** The nested layout is at most this deep; a deeper chain of references is a loop. */
const MAX_DEPTH = 8;

/** What the reconciler reads from the caches. */
export interface PlatformSources {
  platform(namespace: string, name: string): KubeObject | undefined;
  /** The watched object a reference points to. */
  resolve(namespace: string, ref: ResourceRef): Resolved;
  /** Hot-looping resources among these objects. */
  hotLoops(objects: readonly KubeObject[]): HealthStatusHotLoop[];
}

/** The outcome last published for a platform, to detect transitions. */
interface Published {
  readonly uid: string;
  readonly healthKey: string;
  readonly state: HealthStatus['state'];
  readonly lastTransitionTime: string;
  /** Failing compliance keys; undefined when unknown or not evaluated. */
  readonly failing: ReadonlySet<string> | undefined;
  readonly problems: string;
  readonly controlSeries: readonly string[];
}

const healthKey = (state: string, resource?: string, reason?: string): string => `${state}|${resource ?? ''}|${reason ?? ''}`;

/** What an earlier run published, read back from status.health (survives restarts). */
function fromStatus(p: Platform): Published | undefined {
  const h = p.previousHealth;
  if (!h || typeof h.state !== 'string') return undefined;
  const df = isObj(h.deepestFailing) ? h.deepestFailing : {};
  const compliance = isObj(h.compliance) ? h.compliance : {};
  const failingList = Array.isArray(compliance.failing) ? compliance.failing : undefined;
  const evaluated = compliance.state === 'Passing' || compliance.state === 'Failing';
  const failing =
    evaluated && failingList
      ? new Set(failingList.flatMap((f: unknown) => (isObj(f) ? [`${String(f.control)}/${String(f.resource)}`] : [])))
      : undefined;
  return {
    uid: p.uid,
    healthKey: healthKey(
      h.state,
      typeof df.resource === 'string' ? df.resource : undefined,
      typeof df.reason === 'string' ? df.reason : undefined,
    ),
    state: h.state === 'Ready' || h.state === 'NotReady' ? h.state : 'Pending',
    lastTransitionTime: typeof h.lastTransitionTime === 'string' ? h.lastTransitionTime : new Date().toISOString(),
    failing,
    problems: '',
    controlSeries: [],
  };
}

const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 15)} ...(truncated)` : s);

/** Reconciles PaymentPlatforms. */
export class PlatformReconciler {
  private readonly published = new Map<string, Published>();

  constructor(
    private readonly sources: PlatformSources,
    private readonly recorder: EventRecorder,
    private readonly status: HealthStatusWriter,
    private readonly metrics: OperatorMetrics,
    private readonly log: Logger,
  ) {}

  /**
   * The references of a platform, with the internal XRs of the nested layout replaced by what
   * they compose, at every level. An internal XR stays in the list (and so in the health
   * roll-up) only while it is missing, or composes nothing and is not Ready: then what it will
   * compose is not known, and the platform is not Ready. One that is Ready with nothing composed
   * (a part the claim does not use, such as the WAF of a development platform) adds nothing.
   */
  private expand(namespace: string, refs: readonly ResourceRef[], depth = 0): (Resolved & { ref: ResourceRef })[] {
    return refs.flatMap((ref) => {
      const r = { ref, ...this.sources.resolve(namespace, ref) };
      if (!r.composite || !r.object || depth >= MAX_DEPTH) return [r];
      const below = parseRefs(r.object, [], `${ref.kind} ${ref.name} spec.crossplane.resourceRefs`);
      if (below.length > 0) return this.expand(namespace, below, depth + 1);
      return judgeResource(r.object).ready ? [] : [r];
    });
  }

  /** Evaluates and publishes one platform; throws to be retried with backoff. */
  async reconcile(namespace: string, name: string): Promise<void> {
    const key = `${namespace}/${name}`;
    const obj = this.sources.platform(namespace, name);
    if (!obj) {
      this.forget(namespace, name);
      return;
    }
    const p = parsePlatform(obj);
    if (!p) {
      this.metrics.malformed.inc({ kind: KIND });
      throw new PermanentError(`PaymentPlatform ${key} has no usable metadata`);
    }
    const involved: InvolvedObject = { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: KIND, name, namespace, uid: p.uid };
    let prev = this.published.get(key);
    if (prev && prev.uid !== p.uid) {
      this.forget(namespace, name);
      prev = undefined;
    }
    prev ??= fromStatus(p);

    const problems = p.problems.join('; ');
    if (problems !== '' && problems !== prev?.problems) {
      this.metrics.malformed.inc({ kind: KIND });
      this.log.warn({ platform: key, problems: p.problems }, 'malformed PaymentPlatform: evaluating what can be read');
      await this.recorder.record({
        involved,
        type: 'Warning',
        reason: 'MalformedObject',
        message: `cannot interpret: ${problems}`,
        dedupKey: problems,
      });
    }

    // Health: managed resources only; compliance: every watched composed resource.
    const resolved = this.expand(namespace, p.refs);
    const managed = resolved.filter((r) => r.watched && (r.managed || r.composite));
    const byRef = new Map(managed.map((r) => [r.ref, r.object]));
    const health = computeHealth(
      managed.map((r) => r.ref),
      (ref) => byRef.get(ref),
    );
    const watched = resolved.filter((r) => r.watched);
    const observed = watched.flatMap((r) => (r.object ? [r.object] : []));
    const compliance = this.evaluate(p, health, watched.length - observed.length, observed);
    const hotLoops = this.sources.hotLoops(observed);

    const now = new Date().toISOString();
    const hk = healthKey(health.state, health.deepestFailing?.resource, health.deepestFailing?.reason);
    const lastTransitionTime = prev && prev.state === health.state ? prev.lastTransitionTime : now;

    // Events first (see the module comment).
    if (hk !== prev?.healthKey) await this.healthEvent(involved, health);
    const { regressed, recovered } = complianceTransitions(prev?.failing, compliance);
    // One event per evaluation, not one per control: a platform created with ten failing
    // controls gets one Warning listing them (the metric still counts each control).
    if (regressed.length > 0) {
      for (const f of regressed)
        this.metrics.complianceRegressions.inc({ control: f.control, from: prev?.failing ? 'pass' : 'unknown' });
      const lines = regressed.map(
        (f) =>
          `${f.control} (PCI DSS ${f.pci.join(', ')}) fails on ${f.resource ?? 'a missing resource'}: ${f.field} should be ${f.expected}, is ${f.actual}`,
      );
      await this.recorder.record({
        involved,
        type: 'Warning',
        reason: 'ComplianceControlFailed',
        message: `${regressed.length === 1 ? 'a PCI control now fails' : `${regressed.length} PCI controls now fail`}: ${lines.join('; ')}`,
        dedupKey: `fail/${regressed.map((f) => f.key).join(',')}`,
      });
    }
    if (recovered.length > 0) {
      await this.recorder.record({
        involved,
        type: 'Normal',
        reason: 'ComplianceControlPassed',
        message: `${recovered.length === 1 ? 'a PCI control passes again' : `${recovered.length} PCI controls pass again`}: ${recovered.map((k) => k.replace('/', ' on ')).join('; ')}`,
        dedupKey: `pass/${[...recovered].sort().join(',')}`,
      });
    }

    const controlSeries = this.publishMetrics(namespace, name, health, compliance, prev?.controlSeries ?? []);

    const healthStatus: HealthStatus = {
      state: health.state,
      ready: health.ready,
      total: health.total,
      summary: cut(health.summary, 10240),
      ...(health.deepestFailing
        ? { deepestFailing: { ...health.deepestFailing, message: cut(health.deepestFailing.message, MAX_MESSAGE) } }
        : {}),
      compliance: {
        state: compliance.state,
        passed: compliance.passed,
        failed: compliance.failing.length,
        failing: compliance.failing.slice(0, MAX_FINDINGS).map((f) => ({
          control: f.control,
          resource: f.resource ?? '-',
          expected: cut(f.expected, 1024),
          actual: cut(f.actual, 1024),
        })),
        ...(compliance.detail ? { detail: cut(compliance.detail, 1024) } : {}),
      },
      hotLoops: hotLoops.slice(0, MAX_HOT_LOOPS),
      observedGeneration: p.generation,
      lastTransitionTime,
    };
    const result = await this.status.write(
      { group: API_GROUP, version: API_VERSION, plural: PLURAL, kind: KIND, namespace, name, uid: p.uid },
      healthStatus,
      p.previousHealth,
    );
    this.metrics.statusWrites.inc({ result });

    const evaluated = compliance.state === 'Passing' || compliance.state === 'Failing';
    this.published.set(key, {
      uid: p.uid,
      healthKey: hk,
      state: health.state,
      lastTransitionTime,
      failing: evaluated ? new Set(compliance.failing.map((f) => f.key)) : prev?.failing,
      problems,
      controlSeries,
    });
    this.log.debug(
      {
        platform: key,
        state: health.state,
        ready: health.ready,
        total: health.total,
        compliance: compliance.state,
        status: result,
      },
      'reconciled',
    );
  }

  /** Drops what is known about a deleted platform (metrics series, memory). */
  forget(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const prev = this.published.get(key);
    for (const s of prev?.controlSeries ?? []) {
      const [control, resource] = s.split('\0');
      this.metrics.complianceControlFailing.remove({ namespace, platform: name, control, resource });
    }
    this.metrics.forgetPlatform(namespace, name);
    this.published.delete(key);
    this.recorder.forget(namespace, name);
    this.status.forget(namespace, name);
  }

  private evaluate(p: Platform, health: HealthSummary, unobserved: number, observed: readonly KubeObject[]): ComplianceSummary {
    if (!p.environment)
      return { state: 'Error', passed: 0, failing: [], detail: 'spec.parameters.environment is missing or unknown' };
    if (health.total === 0)
      return { state: 'Pending', passed: 0, failing: [], detail: 'Crossplane has not composed any resource yet' };
    if (unobserved > 0)
      return { state: 'Pending', passed: 0, failing: [], detail: `${unobserved} composed resources do not exist yet` };
    try {
      return evaluateLive(observed, p.environment);
    } catch (err) {
      this.metrics.malformed.inc({ kind: 'composed resource' });
      this.log.warn({ platform: `${p.namespace}/${p.name}`, ...errorFields(err) }, 'cannot evaluate the PCI controls');
      return {
        state: 'Error',
        passed: 0,
        failing: [],
        detail: `evaluation failed: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }

  private async healthEvent(involved: InvolvedObject, health: HealthSummary): Promise<void> {
    if (health.state === 'Pending') return;
    if (health.state === 'Ready') {
      await this.recorder.record({
        involved,
        type: 'Normal',
        reason: 'PlatformReady',
        message: `all ${health.total} composed resources are Ready`,
        dedupKey: 'Ready',
      });
      return;
    }
    const d = health.deepestFailing;
    await this.recorder.record({
      involved,
      type: 'Warning',
      reason: 'PlatformNotReady',
      message: health.summary,
      dedupKey: `NotReady/${d?.resource ?? ''}/${d?.reason ?? ''}`,
    });
  }

  private publishMetrics(
    namespace: string,
    platform: string,
    health: HealthSummary,
    compliance: ComplianceSummary,
    previousSeries: readonly string[],
  ): string[] {
    const labels = { namespace, platform };
    this.metrics.platformReady.set(labels, health.state === 'Ready' ? 1 : 0);
    this.metrics.platformResources.set(labels, health.total);
    this.metrics.platformResourcesReady.set(labels, health.ready);
    this.metrics.complianceFailing.set(labels, compliance.failing.length);
    const series = compliance.failing.map((f) => `${f.control}\0${f.resource ?? '-'}`);
    const now = new Set(series);
    for (const s of previousSeries) {
      if (now.has(s)) continue;
      const [control, resource] = s.split('\0');
      this.metrics.complianceControlFailing.remove({ namespace, platform, control, resource });
    }
    for (const s of series) {
      const [control, resource] = s.split('\0');
      this.metrics.complianceControlFailing.set({ namespace, platform, control, resource }, 1);
    }
    return series;
  }
}
