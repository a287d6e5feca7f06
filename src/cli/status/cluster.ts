/**
 * Reading a PaymentPlatform and its composed resources from the API server through
 * `@kubernetes/client-node` (kubeconfig as kubectl finds it: $KUBECONFIG, ~/.kube/config, or the
 * in-cluster service account).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import { importEsm } from '../../util/esm-import.js';
import { API_GROUP_VERSION, KIND } from '../../apis/constants.js';
import { CliError } from '../errors.js';
import type { Fetched, ResourceRef } from './model.js';
import { isInternalXr, resourceRefsOf } from './model.js';
import { WatchFeed, type ChangeFeed } from './watch.js';
import { type Obj } from '../../apis/obj.js';

/** What `status` and `report` read from a cluster; tests may pass a fake. */
export interface Cluster {
  /** The namespace of the current kubeconfig context (`default` when it names none). */
  readonly defaultNamespace: string;
  /** The PaymentPlatform, or undefined when there is none of that name. */
  getPlatform(namespace: string, name: string): Promise<Obj | undefined>;
  /** A composed resource, or undefined when it does not exist. */
  getResource(ref: ResourceRef, namespace: string): Promise<Obj | undefined>;
  /** Watches the PaymentPlatform (and, once followed, what it composes) for changes. */
  watch(namespace: string, name: string): ChangeFeed;
}

/** client-node (an ES module only, loaded by `connect`: the offline commands never load it). */
let k8s: typeof K8s | undefined;
const isApiException = (e: unknown): e is K8s.ApiException<unknown> => k8s !== undefined && e instanceof k8s.ApiException;

const apiMessage = (e: K8s.ApiException<unknown>): string => {
  const body = e.body;
  if (typeof body === 'string' && body !== '') {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      return body;
    }
  }
  const message = (body as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : `HTTP ${e.code}`;
};

/** A client-node error as a CliError that names the server and the object. */
function explain(e: unknown, what: string, server: string): CliError {
  if (isApiException(e)) {
    const code = e.code;
    if (code === 401 || code === 403)
      return new CliError(`cannot read ${what}: ${code === 401 ? 'unauthorized' : 'forbidden'}: ${apiMessage(e)}`, { cause: e });
    return new CliError(`cannot read ${what}: ${apiMessage(e)} (HTTP ${code})`, { cause: e });
  }
  const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'ETIMEDOUT' ||
    code === 'ECONNRESET' ||
    /fetch failed|ECONNREFUSED/.test(err.message)
  )
    return new CliError(`cannot reach the API server at ${server}: ${code ?? err.cause?.message ?? err.message}`, { cause: e });
  return new CliError(`cannot read ${what}: ${err.message}`, { cause: e });
}

const isNotFound = (e: unknown): boolean => isApiException(e) && e.code === 404;
const isDiscovery = (e: unknown): boolean => e instanceof Error && e.message.startsWith('Failed to fetch resource metadata');

/** The service-account token a pod has (client-node's in-cluster configuration). */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Whether any kubeconfig source exists, in kubectl's order: $KUBECONFIG, ~/.kube/config, the
 * in-cluster service account. Without one, client-node falls back to http://localhost:8080 and
 * fails with a TLS message that does not say what is missing.
 */
export function hasKubeconfig(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): boolean {
  if (env.KUBECONFIG) return true;
  if (env.HOME && exists(join(env.HOME, '.kube', 'config'))) return true;
  return exists(SERVICE_ACCOUNT_TOKEN);
}

/** A Cluster on the kubeconfig of the environment (as kubectl would use). */
export async function connect(): Promise<Cluster> {
  if (!hasKubeconfig())
    throw new CliError(
      'no kubeconfig found: set KUBECONFIG or create ~/.kube/config (as for kubectl), or run in a pod with a service account',
    );
  const client = (k8s ??= await importEsm<typeof K8s>('@kubernetes/client-node'));
  const kc = new client.KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (e) {
    throw new CliError(`cannot load a kubeconfig: ${(e as Error).message}`, { cause: e });
  }
  const server = kc.getCurrentCluster()?.server ?? '(no cluster in the kubeconfig)';
  const context = kc.getContextObject(kc.getCurrentContext());
  const api = client.KubernetesObjectApi.makeApiClient(kc);
  const read = async (header: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace: string;
  }): Promise<Obj | undefined> => {
    const what = `${header.kind} ${header.namespace}/${header.name}`;
    try {
      const o = await api.read<K8s.KubernetesObject>({
        apiVersion: header.apiVersion,
        kind: header.kind,
        metadata: { name: header.name, namespace: header.namespace },
      });
      return o as unknown as Obj;
    } catch (e) {
      if (isNotFound(e) && !isDiscovery(e)) return undefined;
      if (isNotFound(e) || (e instanceof Error && e.message.startsWith('Unrecognized API version and kind')))
        throw new CliError(
          `the API server at ${server} does not serve ${header.apiVersion} ${header.kind} (is its CRD installed?)`,
          {
            cause: e,
          },
        );
      throw explain(e, what, server);
    }
  };
  return {
    defaultNamespace: context?.namespace ?? 'default',
    getPlatform: (namespace, name) => read({ apiVersion: API_GROUP_VERSION, kind: KIND, name, namespace }),
    getResource: (ref, namespace) => read({ ...ref, namespace: ref.namespace ?? namespace }),
    watch: (namespace, name) => new WatchFeed(client, kc, namespace, name),
  };
}

/** The PaymentPlatform and every composed resource it references, fetched in parallel. */
export async function fetchPlatform(
  cluster: Cluster,
  namespace: string,
  name: string,
): Promise<{ xr: Obj; fetched: Fetched[] } | undefined> {
  const xr = await cluster.getPlatform(namespace, name);
  if (!xr) return undefined;
  const fetchAll = async (refs: readonly ResourceRef[]): Promise<Fetched[]> => {
    const level = await Promise.all(
      refs.map(async (ref): Promise<Fetched> => {
        try {
          return { ref, object: await cluster.getResource(ref, namespace) };
        } catch (e) {
          // One unreadable resource (its CRD missing, RBAC) is shown as a problem, not a crash.
          if (e instanceof CliError) return { ref, object: undefined, error: e.message };
          throw e;
        }
      }),
    );
    // The nested layout: an internal XR is listed, then what it composes, level by level.
    const below = await Promise.all(
      level.map((f) => (f.object && isInternalXr(f.ref) ? fetchAll(resourceRefsOf(f.object)) : Promise.resolve([]))),
    );
    return level.flatMap((f, i) => [f, ...(below[i] ?? [])]);
  };
  return { xr, fetched: await fetchAll(resourceRefsOf(xr)) };
}
