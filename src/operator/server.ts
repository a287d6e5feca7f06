/** The HTTP endpoints: /healthz (liveness), /readyz (readiness) and /metrics (Prometheus). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** What the probes report: ok, or the reason it is not. */
export interface Probe {
  readonly ok: boolean;
  readonly detail: string;
}

export interface ProbeServerOptions {
  readonly bindAddress: string;
  readonly port: number;
  readonly registry: Registry;
  readonly healthz: () => Probe;
  readonly readyz: () => Probe;
}

/** Starts the server; resolves with the bound port and a close function. */
export async function startProbeServer(options: ProbeServerOptions): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const probe = (p: Probe): void => {
      res.writeHead(p.ok ? 200 : 503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${p.detail}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/healthz' || path === '/livez') probe(options.healthz());
    else if (path === '/readyz') probe(options.readyz());
    else if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': options.registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(`cannot collect metrics: ${String(err)}\n`);
        },
      );
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found: try /healthz, /readyz or /metrics\n');
    }
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.bindAddress, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
