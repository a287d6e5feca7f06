/**
 * One watch request as a stream of events, on its own connection, with the operator's
 * credentials (ClusterConfig). The same contract as client-node's `Watch.watch` (callback per
 * event, `done` exactly once, an AbortController to stop it), so client-node's ListWatch runs
 * on it unchanged.
 */
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { ClusterConfig } from './config.js';
import { isObj } from './objects.js';

export type WatchQuery = Readonly<Record<string, string | number | boolean | undefined>>;

/** An HTTP error answer to a watch; `statusCode` is what ListWatch checks for 410. */
export class WatchError extends Error {
  readonly statusCode: number;
  constructor(message: string, statusCode: number) {
    super(message);
    this.name = 'WatchError';
    this.statusCode = statusCode;
  }
}

/** Starts a watch; resolves once the request is sent. */
export async function watchStream(
  cluster: ClusterConfig,
  path: string,
  query: WatchQuery,
  onEvent: (type: string, object: unknown, raw: unknown) => void,
  onDone: (err: Error | null) => void,
): Promise<AbortController> {
  const controller = new AbortController();
  let finished = false;
  const done = (err: Error | null): void => {
    if (finished) return;
    finished = true;
    controller.abort();
    onDone(err);
  };
  const url = new URL(cluster.server.pathname.replace(/\/$/, '') + path, cluster.server);
  url.searchParams.set('watch', 'true');
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  const opts: https.RequestOptions = {
    method: 'GET',
    headers: { Accept: 'application/json' },
    agent: false,
    signal: controller.signal,
  };
  try {
    await cluster.apply(opts);
  } catch (err) {
    done(new Error(`cannot load credentials for the watch of ${path}`, { cause: err }));
    return controller;
  }
  const transport = url.protocol === 'https:' ? https : http;
  const req = transport.request(url, opts, (res) => {
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => done(new WatchError(`watch ${path}: ${status} ${body.slice(0, 300)}`, status)));
      res.on('error', (err) => done(err));
      return;
    }
    res.socket.setKeepAlive(true, 30_000);
    const lines = createInterface({ input: res });
    lines.on('error', (err) => done(err));
    lines.on('line', (line) => {
      if (finished || line === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return; // not an event (a truncated line at close)
      }
      if (isObj(parsed) && typeof parsed.type === 'string') onEvent(parsed.type, parsed.object, parsed);
    });
    res.on('error', (err) => done(err));
    res.on('close', () => done(null));
  });
  req.on('error', (err) => done(err));
  req.end();
  return controller;
}
