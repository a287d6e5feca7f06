/**
 * Writes `status.health` by server-side apply on the status subresource, with the operator's own
 * field manager and only that field: Crossplane applies `status` with its own manager
 * (apiextensions.crossplane.io/composite) and updates `status.conditions`, neither of which
 * includes `health`, so neither write removes the other's fields. Writes are skipped when the
 * value is unchanged (a no-op apply would still cost a request).
 */
import { createHash } from 'node:crypto';
import type { Logger } from './logger.js';
import { errorFields } from './logger.js';
import { ApiError, isStatus, PATCH, type KubeClient } from './kube/client.js';
import { FIELD_MANAGER, type HealthStatus } from '../apis/health.js';

export type StatusWriteResult = 'applied' | 'unchanged' | 'undeclared' | 'gone';

export interface PlatformTarget {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** JSON with object keys sorted: the API server returns fields in its own order. */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return 'undefined';
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}
/** What the writer remembers per object: a digest, not the whole value. */
const stable = (v: unknown): string => createHash('sha1').update(canonicalJson(v)).digest('base64');

/** Applies status.health; remembers what it applied per object. */
export class HealthStatusWriter {
  private readonly applied = new Map<string, string>();
  private warnedUndeclared = false;

  constructor(
    private readonly client: KubeClient,
    private readonly log: Logger,
  ) {}

  /** Applies `health` unless the object (or this writer's last apply) already has it. */
  async write(target: PlatformTarget, health: HealthStatus, current: unknown): Promise<StatusWriteResult> {
    const key = `${target.namespace}/${target.name}/${target.uid}`;
    const value = stable(health);
    if (this.applied.get(key) === value || stable(current) === value) {
      this.applied.set(key, value);
      return 'unchanged';
    }
    const path = `/apis/${target.group}/${target.version}/namespaces/${target.namespace}/${target.plural}/${target.name}/status`;
    const body = {
      apiVersion: `${target.group}/${target.version}`,
      kind: target.kind,
      metadata: { name: target.name, namespace: target.namespace },
      status: { health },
    };
    try {
      await this.client.request('PATCH', path, {
        body,
        contentType: PATCH.apply,
        query: { fieldManager: FIELD_MANAGER, force: true, fieldValidation: 'Strict' },
      });
    } catch (err) {
      if (isStatus(err, 404)) return 'gone';
      // SSA needs the field in the schema: undeclared, the server answers 500 "field not declared in schema".
      if (err instanceof ApiError && /field not declared in schema|unknown field/i.test(err.message)) {
        if (!this.warnedUndeclared) {
          this.warnedUndeclared = true;
          this.log.warn(
            errorFields(err),
            'the PaymentPlatform schema does not declare status.health: the summary goes to Events and metrics only (declare it in the XRD to see it in kubectl describe)',
          );
        }
        this.applied.set(key, value);
        return 'undeclared';
      }
      throw new Error(`cannot apply status.health of ${target.namespace}/${target.name}`, { cause: err });
    }
    this.applied.set(key, value);
    return 'applied';
  }

  /** Forgets a deleted object. */
  forget(namespace: string, name: string): void {
    const prefix = `${namespace}/${name}/`;
    for (const k of this.applied.keys()) if (k.startsWith(prefix)) this.applied.delete(k);
  }
}
