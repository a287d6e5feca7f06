/**
 * Where the API server is and how to authenticate: a kubeconfig file (current context), or the
 * in-cluster ServiceAccount (token re-read as the kubelet rotates it). Covers what the operator
 * meets in practice (bearer token, token file, client certificate, CA, insecure-skip-tls-verify);
 * a kubeconfig whose user needs an exec plugin or an auth provider is handed to client-node's
 * KubeConfig, loaded only then: importing it loads client-node's whole generated API (about
 * 45 MB of resident memory the operator otherwise does not need).
 */
import { existsSync, readFileSync } from 'node:fs';
import type https from 'node:https';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import yaml from 'js-yaml';
import { kubeConfigFromYaml } from './client-node.js';
import { isObj, type Obj } from './objects.js';

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const TOKEN_TTL_MS = 60_000;

/** Sets TLS options and headers on a request (delegates to client-node's KubeConfig when needed). */
type Applier = (opts: https.RequestOptions) => Promise<void>;

/** Connection settings of one API server and identity. */
export class ClusterConfig {
  private constructor(
    /** The API server URL. */
    readonly server: URL,
    private readonly applier: Applier,
    /** Where the settings came from, for logs. */
    readonly source: string,
  ) {}

  /** Sets the CA, client certificate and Authorization header on request options. */
  apply(opts: https.RequestOptions): Promise<void> {
    return this.applier(opts);
  }

  /** From a kubeconfig file, or KUBECONFIG, or in-cluster, or ~/.kube/config, in that order. */
  static async load(file?: string, env: NodeJS.ProcessEnv = process.env): Promise<ClusterConfig> {
    if (file) return ClusterConfig.fromFile(file);
    const fromEnv = env.KUBECONFIG?.split(':').find((f) => f !== '' && existsSync(f));
    if (fromEnv) return ClusterConfig.fromFile(fromEnv);
    if (env.KUBERNETES_SERVICE_HOST && existsSync(join(SA_DIR, 'token'))) return ClusterConfig.inCluster(env);
    return ClusterConfig.fromFile(join(homedir(), '.kube', 'config'));
  }

  /** The in-cluster ServiceAccount. */
  static inCluster(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
    const host = env.KUBERNETES_SERVICE_HOST ?? '';
    const port = env.KUBERNETES_SERVICE_PORT ?? '443';
    const server = new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`);
    const ca = readFileSync(join(SA_DIR, 'ca.crt'));
    const token = cachedFile(join(SA_DIR, 'token'));
    return new ClusterConfig(
      server,
      async (opts) => {
        opts.ca = ca;
        opts.headers = { ...opts.headers, Authorization: `Bearer ${token()}` };
      },
      'in-cluster',
    );
  }

  /** A kubeconfig file's current context. */
  static async fromFile(file: string): Promise<ClusterConfig> {
    let doc: unknown;
    try {
      doc = yaml.load(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read kubeconfig ${file}`, { cause: err });
    }
    return ClusterConfig.fromObject(doc, dirname(file), file);
  }

  /** A parsed kubeconfig; relative file paths are resolved against `baseDir`. */
  static async fromObject(doc: unknown, baseDir = '.', source = 'kubeconfig'): Promise<ClusterConfig> {
    if (!isObj(doc)) throw new Error(`${source} is not a kubeconfig`);
    const named = (list: unknown, name: unknown, key: string): Obj => {
      const found = Array.isArray(list) ? list.find((x: unknown) => isObj(x) && x.name === name) : undefined;
      const inner = isObj(found) ? found[key] : undefined;
      if (!isObj(inner)) throw new Error(`${source}: no ${key} named '${String(name)}'`);
      return inner;
    };
    const context = named(doc.contexts, doc['current-context'], 'context');
    const cluster = named(doc.clusters, context.cluster, 'cluster');
    const user = context.user === undefined ? {} : named(doc.users, context.user, 'user');
    if (typeof cluster.server !== 'string') throw new Error(`${source}: the cluster has no server`);
    const server = new URL(cluster.server);
    if (isObj(user.exec) || isObj(user['auth-provider'])) return ClusterConfig.viaClientNode(doc, server, source);

    const path = (p: unknown): string | undefined => (typeof p === 'string' ? (isAbsolute(p) ? p : join(baseDir, p)) : undefined);
    const data = (inline: unknown, file: unknown): Buffer | undefined => {
      if (typeof inline === 'string') return Buffer.from(inline, 'base64');
      const f = path(file);
      return f ? readFileSync(f) : undefined;
    };
    const ca = data(cluster['certificate-authority-data'], cluster['certificate-authority']);
    const cert = data(user['client-certificate-data'], user['client-certificate']);
    const key = data(user['client-key-data'], user['client-key']);
    const skip = cluster['insecure-skip-tls-verify'] === true;
    const servername = typeof cluster['tls-server-name'] === 'string' ? cluster['tls-server-name'] : undefined;
    const tokenFile = path(user.tokenFile);
    const fileToken = tokenFile ? cachedFile(tokenFile) : undefined;
    const staticToken = typeof user.token === 'string' ? user.token : undefined;
    const basic =
      typeof user.username === 'string' && typeof user.password === 'string'
        ? `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`
        : undefined;
    return new ClusterConfig(
      server,
      async (opts) => {
        if (ca) opts.ca = ca;
        if (cert) opts.cert = cert;
        if (key) opts.key = key;
        if (skip) opts.rejectUnauthorized = false;
        if (servername) opts.servername = servername;
        const token = staticToken ?? fileToken?.();
        const auth = token ? `Bearer ${token}` : basic;
        if (auth) opts.headers = { ...opts.headers, Authorization: auth };
      },
      source,
    );
  }

  /** Exec plugins and auth providers: client-node's KubeConfig does the work. */
  private static async viaClientNode(doc: Obj, server: URL, source: string): Promise<ClusterConfig> {
    const kc = await kubeConfigFromYaml(yaml.dump(doc));
    return new ClusterConfig(server, (opts) => kc.applyToHTTPSOptions(opts), `${source} (client-node KubeConfig)`);
  }
}

/** A file's content, re-read at most once a minute (rotated ServiceAccount tokens). */
function cachedFile(file: string): () => string {
  let value = '';
  let readAt = 0;
  return () => {
    if (Date.now() - readAt > TOKEN_TTL_MS) {
      value = readFileSync(file, 'utf8').trim();
      readAt = Date.now();
    }
    return value;
  };
}
