/**
 * Creates fixture platforms in an API server the way Crossplane and a provider would leave them:
 * the PaymentPlatform (with spec.crossplane.resourceRefs), its status applied with Crossplane's
 * field manager, each composed resource, and its status written through the status subresource.
 * For the end-to-end tests and the benchmark.
 */
import { API_GROUP, API_VERSION, PLURAL } from '../../apis/constants.js';
import { isStatus, PATCH, type KubeClient } from '../kube/client.js';
import type { Obj } from '../kube/objects.js';
import type { LivePlatform, LiveResource } from './fixtures.js';

/** Crossplane's field manager for XR status (apiextensions composite reconciler). */
export const CROSSPLANE_XR_MANAGER = 'apiextensions.crossplane.io/composite';
/** The field manager providers use for managed-resource status updates. */
export const PROVIDER_MANAGER = 'provider-aws';

/** Runs `fn` over items with at most `limit` in flight. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
}

export const platformPath = (namespace: string, name?: string): string =>
  `/apis/${API_GROUP}/${API_VERSION}/namespaces/${namespace}/${PLURAL}${name ? `/${name}` : ''}`;

export const resourcePath = (r: { apiVersion: string; plural: string }, namespace: string, name?: string): string =>
  `/apis/${r.apiVersion}/namespaces/${namespace}/${r.plural}${name ? `/${name}` : ''}`;

/** Creates a namespace (ignores AlreadyExists). */
export async function ensureNamespace(client: KubeClient, name: string): Promise<void> {
  try {
    await client.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
  } catch (err) {
    if (!isStatus(err, 409)) throw err;
  }
}

/** Applies a PaymentPlatform's status as Crossplane does (SSA, its manager, forced). */
export async function applyPlatformStatus(client: KubeClient, namespace: string, name: string, status: Obj): Promise<Obj> {
  return client.request('PATCH', `${platformPath(namespace, name)}/status`, {
    contentType: PATCH.apply,
    query: { fieldManager: CROSSPLANE_XR_MANAGER, force: true },
    body: { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: 'PaymentPlatform', metadata: { name, namespace }, status },
  });
}

/** Writes a composed resource's status through the status subresource (merge patch, as a provider's update). */
export async function patchResourceStatus(client: KubeClient, r: LiveResource, namespace: string, status: Obj): Promise<Obj> {
  const name = String((r.object.metadata as Obj).name);
  return client.request('PATCH', `${resourcePath(r, namespace, name)}/status`, {
    contentType: PATCH.merge,
    query: { fieldManager: PROVIDER_MANAGER },
    body: { status },
  });
}

export interface SeedOptions {
  /** Requests in flight. @default 16 */
  readonly concurrency?: number;
  /** Give the composed resources a status (Ready). @default true */
  readonly withStatus?: boolean;
}

/** Creates a platform and its composed resources; returns the platform's uid. */
export async function seedPlatform(client: KubeClient, p: LivePlatform, options: SeedOptions = {}): Promise<string> {
  const md = p.platform.metadata as Obj;
  const namespace = String(md.namespace);
  const name = String(md.name);
  const created = await client.request('POST', platformPath(namespace), { body: p.platform, query: { fieldManager: 'kubectl' } });
  const uid = String((created.metadata as Obj).uid);
  await applyPlatformStatus(client, namespace, name, p.platformStatus);
  const owner = {
    apiVersion: `${API_GROUP}/${API_VERSION}`,
    kind: 'PaymentPlatform',
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
  await pool(p.resources, options.concurrency ?? 16, async (r) => {
    const object = { ...r.object, metadata: { ...(r.object.metadata as Obj), ownerReferences: [owner] } };
    await client.request('POST', resourcePath(r, namespace), { body: object, query: { fieldManager: CROSSPLANE_XR_MANAGER } });
    if (options.withStatus !== false) await patchResourceStatus(client, r, namespace, r.status);
  });
  return uid;
}
