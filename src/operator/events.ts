/**
 * Kubernetes Events (core/v1, which `kubectl describe` lists) without storms or duplicates.
 * An event's name is derived from what it reports (involved object uid, reason, a dedup key),
 * so the same outcome maps to the same Event object: recording it again while this process
 * remembers it counts it up (count, lastTimestamp); after a restart (or on another replica) the
 * create answers 409 AlreadyExists and the outcome is not written twice. Callers record
 * transitions, not states.
 */
import { createHash } from 'node:crypto';
import type { Logger } from './logger.js';
import { isStatus, PATCH, type KubeClient } from './kube/client.js';

/** The object an Event is about. */
export interface InvolvedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
}

export interface EventSpec {
  readonly involved: InvolvedObject;
  readonly type: 'Normal' | 'Warning';
  /** UpperCamelCase, at most 128 characters. */
  readonly reason: string;
  readonly message: string;
  /** What makes two events the same outcome (with uid and reason). @default the message */
  readonly dedupKey?: string;
}

export type RecordResult = 'created' | 'counted' | 'deduplicated';

/** Events are at most this long; longer messages are cut with a marker (status.health keeps them whole). */
export const MAX_EVENT_MESSAGE = 4096;

/** The Event object name for a spec: `<involved name>.<16 hex of sha256(uid, reason, key)>`. */
export function eventName(spec: EventSpec): string {
  const hash = createHash('sha256')
    .update(`${spec.involved.uid}\0${spec.reason}\0${spec.dedupKey ?? spec.message}`)
    .digest('hex')
    .slice(0, 16);
  return `${spec.involved.name.slice(0, 200)}.${hash}`;
}

const eventTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Writes Events as one component and instance. */
export class EventRecorder {
  /** Event name -> count written by this process. */
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly client: KubeClient,
    private readonly component: string,
    private readonly instance: string,
    private readonly log: Logger,
    private readonly observe: (reason: string, type: string, result: RecordResult) => void = () => undefined,
  ) {}

  /** Records one occurrence of an outcome. */
  async record(spec: EventSpec): Promise<RecordResult> {
    const name = eventName(spec);
    const ns = spec.involved.namespace;
    const path = `/api/v1/namespaces/${ns}/events`;
    const now = eventTime(new Date());
    const message =
      spec.message.length > MAX_EVENT_MESSAGE ? `${spec.message.slice(0, MAX_EVENT_MESSAGE - 15)} ...(truncated)` : spec.message;
    const id = `${ns}/${name}`;
    const known = this.counts.get(id);
    let result: RecordResult;
    if (known !== undefined) {
      try {
        await this.client.request('PATCH', `${path}/${name}`, {
          body: { count: known + 1, lastTimestamp: now, message },
          contentType: PATCH.merge,
        });
        this.counts.set(id, known + 1);
        result = 'counted';
      } catch (err) {
        if (!isStatus(err, 404)) throw new Error(`cannot count up Event ${ns}/${name}`, { cause: err });
        this.counts.delete(id); // expired (event TTL): create it again
        return this.record(spec);
      }
    } else {
      const body = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: { ...spec.involved },
        type: spec.type,
        reason: spec.reason,
        message,
        source: { component: this.component },
        reportingComponent: this.component,
        reportingInstance: this.instance.slice(0, 128),
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      };
      try {
        await this.client.request('POST', path, { body });
        this.counts.set(id, 1);
        result = 'created';
      } catch (err) {
        if (!isStatus(err, 409)) throw new Error(`cannot create Event ${ns}/${name}`, { cause: err });
        // Written before (by an earlier run or another replica): the same outcome, not a new one.
        this.counts.set(id, 1);
        result = 'deduplicated';
      }
    }
    this.log.debug(
      { event: `${ns}/${name}`, reason: spec.reason, object: `${spec.involved.kind}/${spec.involved.name}`, result },
      'event',
    );
    this.observe(spec.reason, spec.type, result);
    return result;
  }

  /** Forgets the events of a deleted object. */
  forget(namespace: string, involvedName: string): void {
    const prefix = `${namespace}/${involvedName.slice(0, 200)}.`;
    for (const k of this.counts.keys()) if (k.startsWith(prefix)) this.counts.delete(k);
  }
}
