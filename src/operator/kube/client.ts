/**
 * A small JSON REST client for the Kubernetes API on one keep-alive connection pool.
 * `@kubernetes/client-node` 1.4 creates a new https.Agent for every request of its generated
 * clients (a TLS handshake per call); the operator's lists and writes go through this client,
 * with the server, CA and credentials of a ClusterConfig (in-cluster token rotation included).
 */
import http from 'node:http';
import https from 'node:https';
import type { ClusterConfig } from './config.js';
import { isObj, type Obj } from './objects.js';

/** An error status from the API server. */
export class ApiError extends Error {
  /** The HTTP status code (409 Conflict, 404 NotFound, 410 Gone, ...). */
  readonly status: number;
  /** The `Status` object's reason, e.g. `AlreadyExists`, when the server sent one. */
  readonly reason: string | undefined;
  constructor(message: string, status: number, reason: string | undefined, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
    this.reason = reason;
  }
}

/** The request went out on a kept-alive connection the server had already closed. */
class StaleSocketError extends Error {}

/** True when `err` is an ApiError with one of the statuses. */
export const isStatus = (err: unknown, ...status: number[]): err is ApiError =>
  err instanceof ApiError && status.includes(err.status);

/** Content types of the PATCH strategies the operator uses. */
export const PATCH = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface RequestOptions {
  readonly query?: Query;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Per-request timeout. @default the client's */
  readonly timeoutMs?: number;
}

/** Called after every request, for metrics. */
export type ResponseObserver = (method: string, status: number, seconds: number) => void;

export interface KubeClientOptions {
  /** Concurrent connections to the API server. @default 16 */
  readonly maxSockets?: number;
  /** @default 30000 */
  readonly timeoutMs?: number;
  readonly observe?: ResponseObserver;
  /** User-Agent header. @default payment-platform-operator */
  readonly userAgent?: string;
}

/** JSON requests to the API server of a KubeConfig's current context. */
export class KubeClient {
  readonly server: URL;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly observe: ResponseObserver | undefined;
  private readonly userAgent: string;

  constructor(
    private readonly cluster: ClusterConfig,
    options: KubeClientOptions = {},
  ) {
    this.server = cluster.server;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16, scheduling: 'lifo' as const };
    this.agent = this.server.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.observe = options.observe;
    this.userAgent = options.userAgent ?? 'payment-platform-operator';
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  /**
   * A request; resolves to the parsed JSON body, rejects with ApiError on an error status.
   * A request that fails because the server had closed the kept-alive connection it was sent on
   * (ECONNRESET / socket hang up on a reused socket: the request never reached a handler) is
   * sent once more on a new connection, as Node's documentation recommends.
   */
  async request<T = Obj>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    try {
      return await this.send<T>(method, path, options, false);
    } catch (err) {
      // Every idle pooled connection may be dead (the server restarted): retry on a new one.
      if (err instanceof StaleSocketError) return this.send<T>(method, path, options, true);
      throw err;
    }
  }

  private async send<T>(method: string, path: string, options: RequestOptions, fresh: boolean): Promise<T> {
    const url = new URL(this.server.pathname.replace(/\/$/, '') + path, this.server);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const opts: https.RequestOptions = { method, headers: {} };
    try {
      await this.cluster.apply(opts);
    } catch (err) {
      throw new Error(`cannot load credentials for ${method} ${path}`, { cause: err });
    }
    const headers: Record<string, string | number | string[]> = {
      ...(opts.headers as Record<string, string | number | string[]> | undefined),
      Accept: 'application/json',
      'User-Agent': this.userAgent,
    };
    if (body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const started = process.hrtime.bigint();
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<T>((resolve, reject) => {
      const req = transport.request(
        url,
        { ...opts, method, headers, agent: fresh ? false : this.agent, timeout: options.timeoutMs ?? this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(new Error(`${method} ${url.pathname}: response failed`, { cause: err })));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            this.observe?.(method, status, Number(process.hrtime.bigint() - started) / 1e9);
            // A list page is megabytes: let its chunks go once they are one string.
            const text = Buffer.concat(chunks).toString('utf8');
            chunks.length = 0;
            let parsed: unknown;
            try {
              parsed = text === '' ? {} : JSON.parse(text);
            } catch (err) {
              parsed = undefined;
              if (status < 400) {
                reject(new Error(`${method} ${url.pathname}: response is not JSON`, { cause: err }));
                return;
              }
            }
            if (status >= 400) {
              const message = isObj(parsed) && typeof parsed.message === 'string' ? parsed.message : text.slice(0, 500);
              const reason = isObj(parsed) && typeof parsed.reason === 'string' ? parsed.reason : undefined;
              reject(new ApiError(`${method} ${url.pathname}: ${status} ${message}`, status, reason));
              return;
            }
            resolve(parsed as T);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${options.timeoutMs ?? this.timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        this.observe?.(method, 0, Number(process.hrtime.bigint() - started) / 1e9);
        const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.message === 'socket hang up');
        reject(
          stale
            ? new StaleSocketError(`${method} ${url.pathname}: kept-alive connection was closed`, { cause: err })
            : new Error(`${method} ${url.pathname} failed`, { cause: err }),
        );
      });
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}
