/**
 * Plays Crossplane's "External" package runtime (`crossplane core start --package-runtime=External`):
 * with that runtime Crossplane's package manager installs the package's objects (CRDs, MRDs) but
 * runs no Deployment; whoever runs the package's process reports it on the package revision. Here
 * the functions run as local processes (hack/control-plane.sh --crossplane) and the provider is
 * the stand-in (./provider.ts), so for every Active FunctionRevision and ProviderRevision this
 * writes what a runtime would: `status.endpoint` (functions: where the gRPC server listens),
 * the TLS secret names the revision's establisher expects, and RuntimeHealthy=True.
 */
import { readFileSync } from 'node:fs';
import { type Obj } from '../../src/apis/obj.js';
import { KubeClient, isStatus } from '../../src/operator/kube/client.js';
import { ClusterConfig } from '../../src/operator/kube/config.js';
import { listWatch } from './informer.js';
import { repositoryName } from './packages.js';

export const LABEL_PACKAGE = 'pkg.crossplane.io/package';

/** `NAME ENDPOINT` lines (DIR/functions of hack/control-plane.sh --crossplane). */
export function readEndpoints(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [name, endpoint] = line.trim().split(/\s+/);
    if (name && endpoint) out.set(name, endpoint);
  }
  return out;
}

export interface ExternalRuntimeOptions {
  readonly kubeconfig: string;
  /** Function binary (its repository name) -> gRPC endpoint (host:port). */
  readonly endpoints: ReadonlyMap<string, string>;
  readonly log?: (entry: Obj) => void;
}

export class ExternalRuntime {
  private readonly abort = new AbortController();
  private readonly log: (entry: Obj) => void;
  private client!: KubeClient;

  constructor(private readonly options: ExternalRuntimeOptions) {
    this.log = options.log ?? ((e) => process.stdout.write(`${JSON.stringify(e)}\n`));
  }

  async start(): Promise<void> {
    const cluster = await ClusterConfig.fromFile(this.options.kubeconfig);
    this.client = new KubeClient(cluster, { userAgent: 'payment-platform-external-runtime' });
    for (const plural of ['functionrevisions', 'providerrevisions']) {
      void listWatch({
        client: this.client,
        cluster,
        path: `/apis/pkg.crossplane.io/v1/${plural}`,
        signal: this.abort.signal,
        onError: (err) => this.log({ ts: new Date().toISOString(), event: 'error', where: plural, error: String(err) }),
        onObject: (type, rev) => {
          if (type !== 'DELETED') void this.report(plural, rev).catch((err: unknown) => this.retry(plural, rev, err));
        },
      });
    }
  }

  stop(): void {
    this.abort.abort();
    this.client?.close();
  }

  private retry(plural: string, rev: Obj, err: unknown): void {
    if (this.abort.signal.aborted) return;
    if (!isStatus(err, 409, 404)) this.log({ ts: new Date().toISOString(), event: 'error', where: plural, error: String(err) });
    // A conflict means a newer version is on its way through the watch; refetch anyway.
    setTimeout(() => {
      const name = String((rev.metadata as Obj).name);
      this.client
        .request('GET', `/apis/pkg.crossplane.io/v1/${plural}/${name}`)
        .then((fresh) => this.report(plural, fresh))
        .catch((e: unknown) => this.retry(plural, rev, e));
    }, 500);
  }

  /** Writes the runtime's part of an Active revision's status, unless it is already there. */
  private async report(plural: string, rev: Obj): Promise<void> {
    const md = rev.metadata as Obj;
    const spec = (rev.spec ?? {}) as Obj;
    if (spec.desiredState !== 'Active') return;
    const pkg = ((md.labels ?? {}) as Record<string, string>)[LABEL_PACKAGE];
    if (!pkg) return;
    const status = { ...((rev.status ?? {}) as Obj) };
    const conditions = ((status.conditions as Obj[] | undefined) ?? []).filter((c) => c.type !== 'RuntimeHealthy');
    const healthy = ((status.conditions as Obj[] | undefined) ?? []).some(
      (c) => c.type === 'RuntimeHealthy' && c.status === 'True',
    );
    // The local functions are known by their binary: the image repository's last segment.
    const endpoint = plural === 'functionrevisions' ? this.options.endpoints.get(repositoryName(String(spec.image))) : undefined;
    if (plural === 'functionrevisions' && !endpoint) {
      this.log({ ts: new Date().toISOString(), event: 'error', error: `no local endpoint for function ${pkg}` });
      return;
    }
    const want: Obj = { tlsServerSecretName: `${pkg}-tls-server`, tlsClientSecretName: `${pkg}-tls-client` };
    if (endpoint) want.endpoint = endpoint;
    if (healthy && Object.entries(want).every(([k, v]) => status[k] === v)) return;
    await this.client.request('PUT', `/apis/pkg.crossplane.io/v1/${plural}/${String(md.name)}/status`, {
      body: {
        ...rev,
        status: {
          ...status,
          ...want,
          conditions: [
            ...conditions,
            {
              type: 'RuntimeHealthy',
              status: 'True',
              reason: 'HealthyPackageRevision',
              lastTransitionTime: new Date().toISOString(),
            },
          ],
        },
      },
    });
    this.log({ ts: new Date().toISOString(), event: 'runtime-healthy', revision: `${plural}/${String(md.name)}`, ...want });
  }
}
