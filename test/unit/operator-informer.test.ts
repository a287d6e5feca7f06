import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient } from '../../src/operator/kube/client.js';
import { ClusterConfig } from '../../src/operator/kube/config.js';
import { Informer } from '../../src/operator/kube/informer.js';
import type { KubeObject } from '../../src/operator/kube/objects.js';
import { createLogger } from '../../src/operator/logger.js';

/**
 * A fake API server for one resource: serves paginated lists and scripted watches, so that the
 * informer's 410 handling, pagination and restart can be checked without a cluster (the e2e
 * suite does the same against the real kube-apiserver).
 */
class FakeApi {
  lists: string[] = [];
  watches: string[] = [];
  objects: KubeObject[] = [];
  rv = 10;
  /** Scripted watch behaviours, one per watch request; the last one repeats. */
  script: ((res: http.ServerResponse) => void)[] = [];
  private server = http.createServer((req, res) => this.handle(req, res));
  private open = new Set<http.ServerResponse>();
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const r of this.open) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Answer 404 (the CRD is not installed). */
  notFound = false;

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (this.notFound) {
      this.lists.push('404');
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: 'the server could not find the requested resource',
        }),
      );
      return;
    }
    if (url.searchParams.get('watch') === 'true') {
      this.watches.push(url.searchParams.get('resourceVersion') ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      this.open.add(res);
      res.on('close', () => this.open.delete(res));
      const step = this.script.length > 1 ? this.script.shift() : this.script[0];
      step?.(res);
      return;
    }
    // paginated list, 2 per page
    const from = Number(url.searchParams.get('continue') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? '1000');
    this.lists.push(`${from}:${limit}`);
    const items = this.objects.slice(from, from + limit);
    const next = from + limit < this.objects.length ? String(from + limit) : undefined;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ metadata: { resourceVersion: String(this.rv), ...(next ? { continue: next } : {}) }, items }));
  }
}

const obj = (name: string, rv: number): KubeObject => ({
  apiVersion: 'x.io/v1',
  kind: 'Thing',
  metadata: {
    name,
    namespace: 'ns',
    uid: name,
    resourceVersion: String(rv),
    managedFields: [{ big: true }],
  } as unknown as KubeObject['metadata'],
});
const line = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;
const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const clusterOf = (port: number): Promise<ClusterConfig> =>
  ClusterConfig.fromObject({
    clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${port}` } }],
    users: [{ name: 'u', user: { token: 't' } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  });

describe('informer (client-node ListWatch with pagination, slimming, restart)', () => {
  let api: FakeApi;
  let informer: Informer | undefined;
  let client: KubeClient;
  beforeEach(async () => {
    api = new FakeApi();
    await api.start();
    client = new KubeClient(await clusterOf(api.port));
    informer = undefined;
  });
  afterEach(async () => {
    await informer?.stop();
    client.close();
    await api.stop();
  });

  function make(cluster: ClusterConfig, lists: { n: number }, restarts: { n: number }): Informer {
    return new Informer({
      resource: 'things.x.io',
      path: '/apis/x.io/v1/things',
      pageSize: 2,
      slim: (o) => ({
        ...o,
        metadata: {
          name: o.metadata?.name ?? '',
          namespace: o.metadata?.namespace,
          uid: o.metadata?.uid,
          resourceVersion: o.metadata?.resourceVersion,
        },
      }),
      client,
      cluster,
      log: createLogger('silent'),
      backoff: { baseMs: 20, maxMs: 100 },
      onList: () => lists.n++,
      onRestart: () => restarts.n++,
    });
  }

  test('lists in pages, slims, follows the watch, and re-lists on 410 Gone', async () => {
    api.objects = [obj('a', 1), obj('b', 2), obj('c', 3)];
    api.script = [
      (res) => {
        res.write(line('ADDED', obj('d', 11)));
        res.write(line('MODIFIED', obj('a', 12)));
        // the watch cache no longer has our resourceVersion
        res.write(line('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired' }));
        res.end();
      },
      () => undefined, // hold the second watch open
    ];
    const lists = { n: 0 };
    const restarts = { n: 0 };
    informer = make(await clusterOf(api.port), lists, restarts);
    const events: string[] = [];
    informer.on('add', (o) => events.push(`add ${o.metadata?.name}`));
    informer.on('update', (o, previous) =>
      events.push(`update ${o.metadata?.name}${previous ? ` from ${previous.metadata?.resourceVersion}` : ''}`),
    );
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
    // after the 410 the server's state: b and d are gone, e is new
    const relistState = (): void => {
      api.objects = [obj('a', 12), obj('c', 3), obj('e', 20)];
      api.rv = 20;
    };
    const started = informer.start();
    await started;
    expect(
      informer
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    expect(api.lists.slice(0, 2)).toEqual(['0:2', '2:2']);
    relistState();
    await until(() => lists.n === 2 && api.watches.length >= 2);
    await until(() => informer?.get('ns', 'e') !== undefined);
    expect(api.watches).toEqual(['10', '20']);
    expect(
      informer
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(['a', 'c', 'e']);
    expect(events).toEqual(['add a', 'add b', 'add c', 'add d', 'update a from 1', 'delete b', 'delete d', 'add e']);
    expect((informer.get('ns', 'a') as unknown as { metadata: Record<string, unknown> }).metadata.managedFields).toBeUndefined();
    expect(restarts.n).toBe(0);
  });

  test('restarts with backoff when the server goes away, resuming from the last resourceVersion', async () => {
    api.objects = [obj('a', 1)];
    let firstWatch = true;
    api.script = [
      (res) => {
        if (firstWatch) {
          firstWatch = false;
          res.write(line('ADDED', obj('b', 11)));
          // the connection breaks
          setTimeout(() => res.destroy(), 20);
        }
      },
    ];
    const lists = { n: 0 };
    const restarts = { n: 0 };
    const port = api.port;
    informer = make(await clusterOf(port), lists, restarts);
    await informer.start();
    await until(() => informer?.get('ns', 'b') !== undefined);
    // the server goes down (connection refused), then comes back on the same port
    await api.stop();
    await until(() => restarts.n >= 1);
    const back = new FakeApi();
    back.objects = [obj('a', 1), obj('b', 11)];
    back.rv = 11;
    back.script = [(res) => res.write(line('ADDED', obj('c', 12)))];
    await new Promise<void>((r) => (back as unknown as { server: http.Server }).server.listen(port, '127.0.0.1', () => r()));
    api = back;
    await until(() => informer?.get('ns', 'c') !== undefined);
    // resumed the watch from where it was; no second list
    expect(back.watches[0]).toBe('11');
    expect(lists.n).toBe(1);
  });

  test('a kind that is not served (CRD missing) counts as synced and empty, and fills in once it is', async () => {
    api.notFound = true;
    api.script = [() => undefined];
    const lists = { n: 0 };
    const restarts = { n: 0 };
    informer = make(await clusterOf(api.port), lists, restarts);
    await informer.start();
    expect(informer.hasSynced).toBe(true);
    expect(informer.list()).toEqual([]);
    api.objects = [obj('late', 5)];
    api.notFound = false;
    await until(() => informer?.get('ns', 'late') !== undefined);
    expect(restarts.n).toBeGreaterThanOrEqual(1);
  });
});

describe('cluster configuration (kubeconfig or in-cluster)', () => {
  test('token, CA data, client certificate, tls-server-name and skip-verify from the current context', async () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const cluster = await ClusterConfig.fromObject({
      clusters: [
        { name: 'other', cluster: { server: 'https://other:6443' } },
        {
          name: 'c',
          cluster: {
            server: 'https://api.example:6443',
            'certificate-authority-data': b64('CA'),
            'tls-server-name': 'kubernetes',
          },
        },
      ],
      users: [{ name: 'u', user: { token: 'tok', 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    const opts: import('node:https').RequestOptions = {};
    await cluster.apply(opts);
    expect(cluster.server.href).toBe('https://api.example:6443/');
    expect(String(opts.ca)).toBe('CA');
    expect(String(opts.cert)).toBe('CERT');
    expect(String(opts.key)).toBe('KEY');
    expect(opts.servername).toBe('kubernetes');
    expect(opts.headers).toEqual({ Authorization: 'Bearer tok' });
    await expect(ClusterConfig.fromObject({ contexts: [], 'current-context': 'nope' })).rejects.toThrow(
      "no context named 'nope'",
    );
  });
});
