/**
 * function-payments-readiness as Crossplane runs it: the built server (dist/src/function/main.js)
 * as a process, serving mutual TLS with certificates made by openssl, called through gRPC as
 * Crossplane calls a function (apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  FunctionRunnerServiceService,
  RunFunctionRequest,
  type RunFunctionResponse,
} from '@crossplane-org/function-sdk-typescript';
import { INPUT_API_VERSION, INPUT_KIND, READY_FALSE, READY_TRUE } from '../../src/function/readiness.js';
import { ROOT } from '../helpers.js';

const MAIN = join(ROOT, 'dist/src/function/main.js');
const dir = mkdtempSync(join(tmpdir(), 'pp-fn-'));

/** A CA and a leaf it signs for localhost/127.0.0.1, usable as server and client (as Crossplane's test PKI). */
function pki(name: string): { ca: string; crt: string; key: string } {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const ossl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  // A new P-256 key, unencrypted (openssl req -newkey).
  const newKey = (file: string) => [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(d, file),
  ];
  ossl(
    'req',
    '-x509',
    ...newKey('ca.key'),
    '-out',
    join(d, 'ca.crt'),
    '-days',
    '1',
    '-subj',
    `/CN=${name}-ca`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  ossl('req', ...newKey('tls.key'), '-out', join(d, 'tls.csr'), '-subj', '/CN=localhost');
  writeFileSync(
    join(d, 'leaf.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n',
  );
  ossl(
    'x509',
    '-req',
    '-in',
    join(d, 'tls.csr'),
    '-CA',
    join(d, 'ca.crt'),
    '-CAkey',
    join(d, 'ca.key'),
    '-CAcreateserial',
    '-out',
    join(d, 'tls.crt'),
    '-days',
    '1',
    '-extfile',
    join(d, 'leaf.ext'),
  );
  return { ca: join(d, 'ca.crt'), crt: join(d, 'tls.crt'), key: join(d, 'tls.key') };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const Client = grpc.makeGenericClientConstructor(FunctionRunnerServiceService, 'FunctionRunnerService');

function call(
  port: number,
  creds: grpc.ChannelCredentials,
  req: RunFunctionRequest,
  waitMs = 10_000,
): Promise<RunFunctionResponse> {
  const client = new Client(`localhost:${port}`, creds);
  return new Promise((resolve, reject) => {
    client.waitForReady(Date.now() + waitMs, (err) => {
      if (err) {
        client.close();
        return reject(err);
      }
      (
        client as unknown as {
          runFunction: (r: RunFunctionRequest, cb: (e: Error | null, r: RunFunctionResponse) => void) => void;
        }
      ).runFunction(req, (e, r) => {
        client.close();
        if (e) reject(e);
        else resolve(r);
      });
    });
  });
}

const request = (ready: number): RunFunctionRequest =>
  RunFunctionRequest.fromJSON({
    meta: { tag: 'tag-1' },
    observed: { composite: { resource: { apiVersion: 'x.example.io/v1', kind: 'X', metadata: { name: 'x' }, status: {} } } },
    desired: {
      composite: { resource: { apiVersion: 'x.example.io/v1', kind: 'X', status: { vpcId: 'vpc-1', keyArn: 'arn:k' } } },
      resources: { vpc: { resource: { apiVersion: 'v1', kind: 'ConfigMap' }, ready } },
    },
    input: { apiVersion: INPUT_API_VERSION, kind: INPUT_KIND, expectedResources: ['vpc'], holdUntilReady: ['vpcId'] },
  });

let server: ChildProcess;
let port: number;
let good: ReturnType<typeof pki>;
let stranger: ReturnType<typeof pki>;
let output = '';

beforeAll(async () => {
  good = pki('good');
  stranger = pki('stranger');
  port = await freePort();
  server = spawn(process.execPath, [MAIN, `--address=127.0.0.1:${port}`, `--tls-certs-dir=${join(dir, 'good')}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 20_000;
  while (!output.includes('"serving"')) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the function did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}, 30_000);

afterAll(() => {
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const clientCreds = (p: ReturnType<typeof pki>, ca = good.ca) =>
  grpc.credentials.createSsl(readFileSync(ca), readFileSync(p.key), readFileSync(p.crt));

test('a client with a certificate the CA signed gets the readiness and the held outputs left out', async () => {
  const rsp = await call(port, clientCreds(good), request(READY_FALSE));
  expect(rsp.meta?.tag).toBe('tag-1');
  expect(rsp.desired?.composite?.ready).toBe(READY_FALSE);
  expect((rsp.desired?.composite?.resource as { status: unknown }).status).toEqual({ keyArn: 'arn:k' });
  expect(Object.keys(rsp.desired?.resources ?? {})).toEqual(['vpc']);
});

test('once every expected resource is ready: READY_TRUE and every output', async () => {
  const rsp = await call(port, clientCreds(good), request(READY_TRUE));
  expect(rsp.desired?.composite?.ready).toBe(READY_TRUE);
  expect((rsp.desired?.composite?.resource as { status: unknown }).status).toEqual({ vpcId: 'vpc-1', keyArn: 'arn:k' });
});

test('a client without a certificate is refused (mutual TLS, as the Go SDK serves)', async () => {
  await expect(call(port, grpc.credentials.createSsl(readFileSync(good.ca)), request(READY_TRUE), 2_000)).rejects.toThrow();
}, 15_000);

test('a client whose certificate another CA signed is refused', async () => {
  await expect(call(port, clientCreds(stranger), request(READY_TRUE), 2_000)).rejects.toThrow();
}, 15_000);

test('a plaintext client is refused', async () => {
  await expect(call(port, grpc.credentials.createInsecure(), request(READY_TRUE), 2_000)).rejects.toThrow();
}, 15_000);

test('missing TLS files: exit 2 with what is missing, not a stack trace', () => {
  let err: { status?: number; stderr?: Buffer } = {};
  try {
    execFileSync(process.execPath, [MAIN, '--tls-certs-dir=/nonexistent', '--address=127.0.0.1:0'], { stdio: 'pipe' });
  } catch (e) {
    err = e as typeof err;
  }
  expect(err.status).toBe(2);
  expect(String(err.stderr)).toMatch(/^function-payments-readiness: cannot read the TLS files: .*\/nonexistent\/ca\.crt/);
});

test('--help prints the flags; an unknown flag exits 2', () => {
  expect(execFileSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8' })).toMatch(/--tls-certs-dir DIR/);
  let status: number | undefined;
  try {
    execFileSync(process.execPath, [MAIN, '--tls-dir=x'], { stdio: 'pipe' });
  } catch (e) {
    status = (e as { status?: number }).status;
  }
  expect(status).toBe(2);
});
