/**
 * The contract with @kubernetes/client-node: what the project relies on, checked against the
 * installed package so that an upgrade that changes it fails here, not in a cluster. The operator
 * reaches client-node only through src/operator/kube/client-node.ts; the CLI's `status` command
 * (src/cli/status/cluster.ts, watch.ts) uses the package root directly, and its part is pinned too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createListWatch,
  kubeConfigFromYaml,
  type WatchCallback,
  type WatchDone,
  type WatchQuery,
} from '../../src/operator/kube/client-node.js';
import { ROOT } from '../helpers.js';

interface Obj {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  v?: number;
}
const obj = (name: string, rv: string, v = 0, namespace = 'ns'): Obj => ({
  metadata: { name, namespace, resourceVersion: rv },
  v,
});

/** A scripted watch: records every call, hands the test its callback and done. */
function fakeWatch() {
  const calls: { path: string; query: WatchQuery; callback: WatchCallback; done: WatchDone; controller: AbortController }[] = [];
  const watch = async (path: string, query: WatchQuery, callback: WatchCallback, done: WatchDone) => {
    const controller = new AbortController();
    calls.push({ path, query, callback, done, controller });
    return controller;
  };
  return { calls, watch };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('client-node package', () => {
  test('the version the contract was written for: 1.4.0', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules/@kubernetes/client-node/package.json'), 'utf8'));
    expect(pkg.version).toBe('1.4.0');
    expect(pkg.type).toBe('module');
  });

  test('the deep imports exist and are the classes the root exports', async () => {
    const cache = await import('@kubernetes/client-node/dist/cache.js');
    const watch = await import('@kubernetes/client-node/dist/watch.js');
    const root = await import('@kubernetes/client-node');
    expect(typeof cache.ListWatch).toBe('function');
    expect(typeof watch.Watch).toBe('function');
    expect(root.ListWatch).toBe(cache.ListWatch);
    expect(root.Watch).toBe(watch.Watch);
  });

  test('Watch.watch(path, queryParams, callback, done): four parameters', async () => {
    const { Watch } = await import('@kubernetes/client-node/dist/watch.js');
    expect(Watch.prototype.watch.length).toBe(4);
  });

  test("what the CLI uses from the root: KubeConfig's loaders and accessors, KubernetesObjectApi, ApiException", async () => {
    const root = await import('@kubernetes/client-node');
    for (const m of [
      'loadFromDefault',
      'loadFromString',
      'getCurrentCluster',
      'getCurrentContext',
      'getContextObject',
      'makeApiClient',
      'applyToHTTPSOptions',
    ])
      expect(typeof (root.KubeConfig.prototype as unknown as Record<string, unknown>)[m]).toBe('function');
    expect(typeof root.KubernetesObjectApi.makeApiClient).toBe('function');
    expect(typeof root.KubernetesObjectApi.prototype.read).toBe('function');
    const e = new root.ApiException(404, 'not found', { message: 'gone' }, {});
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe(404);
    expect(e.body).toEqual({ message: 'gone' });
  });
});

describe('ListWatch through the adapter', () => {
  test('lists first, then watches from the list resourceVersion with the label selector; events reach the cache and handlers', async () => {
    const w = fakeWatch();
    let lists = 0;
    const lw = createListWatch<Obj>({
      path: '/apis/g/v1/things',
      watch: w.watch,
      list: async () => {
        lists++;
        return { metadata: { resourceVersion: '10' }, items: [obj('a', '5'), obj('b', '6', 0, 'other')] };
      },
      labelSelector: 'app=x',
    });
    const seen: string[] = [];
    lw.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    lw.on('update', (o) => seen.push(`update ${o.metadata?.name}`));
    lw.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    await lw.start();
    expect(lists).toBe(1);
    expect(w.calls).toHaveLength(1);
    expect(w.calls[0].path).toBe('/apis/g/v1/things');
    expect(w.calls[0].query).toEqual({ resourceVersion: '10', labelSelector: 'app=x' });
    expect(seen).toEqual(['add a', 'add b']);
    expect(lw.list().map((o) => o.metadata?.name)).toEqual(['a', 'b']);
    expect(lw.list('other').map((o) => o.metadata?.name)).toEqual(['b']);
    expect(lw.get('a', 'ns')?.v).toBe(0);

    const { callback } = w.calls[0];
    callback('MODIFIED', obj('a', '11', 1));
    callback('ADDED', obj('c', '12'));
    callback('DELETED', obj('b', '13', 0, 'other'));
    await tick();
    expect(seen).toEqual(['add a', 'add b', 'update a', 'add c', 'delete b']);
    expect(lw.get('a', 'ns')?.v).toBe(1);
    expect(lw.get('b', 'other')).toBeUndefined();
    await lw.stop();
  });

  test('a watch that ends cleanly is re-watched from the last event (a BOOKMARK moves it), without a list', async () => {
    const w = fakeWatch();
    let lists = 0;
    const lw = createListWatch<Obj>({
      path: '/p',
      watch: w.watch,
      list: async () => (lists++, { metadata: { resourceVersion: '1' }, items: [] }),
    });
    await lw.start();
    w.calls[0].callback('BOOKMARK', { metadata: { resourceVersion: '42' } });
    await tick();
    w.calls[0].done(null);
    await tick();
    expect(lists).toBe(1);
    expect(w.calls).toHaveLength(2);
    expect(w.calls[1].query).toEqual({ resourceVersion: '42' });
    expect(w.calls[0].controller.signal.aborted).toBe(true);
    await lw.stop();
  });

  test('410 Gone (statusCode or code) re-lists; any other error stops it and reaches the error handlers', async () => {
    const w = fakeWatch();
    let lists = 0;
    const errors: unknown[] = [];
    const lw = createListWatch<Obj>({
      path: '/p',
      watch: w.watch,
      list: async () => (lists++, { metadata: { resourceVersion: String(lists) }, items: [obj('a', '1')] }),
    });
    const deleted: string[] = [];
    lw.on('delete', (o) => deleted.push(o.metadata?.name ?? ''));
    lw.on('error', (e) => errors.push(e));
    await lw.start();
    w.calls[0].done({ statusCode: 410 });
    await tick();
    expect(lists).toBe(2);
    expect(w.calls[1].query).toEqual({ resourceVersion: '2' });
    w.calls[1].done({ code: 410 });
    await tick();
    expect(lists).toBe(3);
    expect(deleted).toEqual([]); // the same object in every list: nothing deleted
    const boom = new Error('connection reset');
    w.calls[2].done(boom);
    await tick();
    expect(errors).toEqual([boom]);
    expect(w.calls).toHaveLength(3); // not restarted: the informer restarts it with backoff
    expect(lists).toBe(3);
    await lw.stop();
  });

  test('an object gone from a re-list is deleted from the cache and reported', async () => {
    const w = fakeWatch();
    const lists = [[obj('a', '1'), obj('b', '2')], [obj('a', '1')]];
    const lw = createListWatch<Obj>({
      path: '/p',
      watch: w.watch,
      list: async () => ({ metadata: { resourceVersion: '5' }, items: lists.shift() ?? [] }),
    });
    const deleted: string[] = [];
    lw.on('delete', (o) => deleted.push(o.metadata?.name ?? ''));
    await lw.start();
    w.calls[0].done({ statusCode: 410 });
    await tick();
    expect(deleted).toEqual(['b']);
    expect(lw.list().map((o) => o.metadata?.name)).toEqual(['a']);
    await lw.stop();
  });

  test('a failing list reaches the error handlers', async () => {
    const w = fakeWatch();
    const errors: unknown[] = [];
    const lw = createListWatch<Obj>({
      path: '/p',
      watch: w.watch,
      list: async () => {
        throw new Error('403');
      },
    });
    lw.on('error', (e) => errors.push(e));
    await lw.start();
    expect((errors[0] as Error).message).toBe('403');
    expect(w.calls).toHaveLength(0);
  });

  test('stop() aborts the running watch and a later clean end does not re-watch', async () => {
    const w = fakeWatch();
    const lw = createListWatch<Obj>({
      path: '/p',
      watch: w.watch,
      list: async () => ({ metadata: { resourceVersion: '1' }, items: [] }),
    });
    await lw.start();
    await lw.stop();
    expect(w.calls[0].controller.signal.aborted).toBe(true);
    w.calls[0].done(null);
    await tick();
    expect(w.calls).toHaveLength(1);
  });
});

describe('KubeConfig loading (users with exec plugins or auth providers)', () => {
  test('loadFromString + applyToHTTPSOptions set the bearer token, the CA and no agent', async () => {
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
    const kc = await kubeConfigFromYaml(
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: c',
        'contexts: [{name: c, context: {cluster: k, user: u}}]',
        `clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: "${ca}"}}]`,
        'users: [{name: u, user: {token: abc123}}]',
      ].join('\n'),
    );
    const opts: import('node:https').RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(opts);
    expect((opts.headers as Record<string, string>).Authorization).toBe('Bearer abc123');
    expect(String(opts.ca)).toContain('BEGIN CERTIFICATE');
    expect(opts.agent).toBeUndefined();
  });

  test('an exec plugin runs and its token is used', async () => {
    const kc = await kubeConfigFromYaml(
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: c',
        'contexts: [{name: c, context: {cluster: k, user: u}}]',
        'clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}}]',
        'users:',
        '- name: u',
        '  user:',
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1',
        `      command: ${process.execPath}`,
        "      args: [\"-e\", \"process.stdout.write(JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: {token: 'from-exec'}}))\"]",
        '      interactiveMode: Never',
      ].join('\n'),
    );
    const opts: import('node:https').RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(opts);
    expect((opts.headers as Record<string, string>).Authorization).toBe('Bearer from-exec');
  });
});
