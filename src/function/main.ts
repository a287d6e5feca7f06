#!/usr/bin/env node
/**
 * function-payments-readiness: the composition function that sets the composite's readiness
 * (./readiness.ts) as the last step of the nested layout's pipelines. A gRPC server of
 * Crossplane's FunctionRunnerService (apiextensions.fn.proto.v1), built on Crossplane's
 * TypeScript function SDK.
 *
 *   node dist/src/function/main.js [--address HOST:PORT] [--tls-certs-dir DIR | --insecure] [--debug]
 *
 * Like the Go SDK's functions it serves mutual TLS: DIR (or TLS_SERVER_CERTS_DIR, which
 * Crossplane's function runtime sets) holds tls.crt and tls.key, its certificate, and ca.crt, the
 * CA that must have signed the client's certificate. A client without one is refused (the
 * TypeScript SDK's own server makes client certificates optional). `--insecure` is for
 * `crossplane render`'s Development runtime only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { FunctionRunner, getServer } from '@crossplane-org/function-sdk-typescript';
import { pino } from 'pino';
import { runFunction } from './response.js';

export const FUNCTION_BINARY = 'function-payments-readiness';

const USAGE = `Usage: ${FUNCTION_BINARY} [flags]

A Crossplane composition function. Sets the composite resource's readiness (Ready when every
expected composed resource is desired and every desired one is ready), so that Crossplane does not
rewrite the XR's Ready message each time one becomes ready, and leaves the status fields its input
names (holdUntilReady) out of the desired composite until it is ready. Everything else in the
desired state passes through unchanged.

Flags:
  --address HOST:PORT    where to serve gRPC (default 0.0.0.0:9443)
  --tls-certs-dir DIR    tls.crt, tls.key and the client CA ca.crt (default $TLS_SERVER_CERTS_DIR,
                         else /tls/server); clients must present a certificate the CA signed
  --insecure             serve without TLS (crossplane render's Development runtime only)
  --debug                log every request
  -h, --help             this help
`;

function credentials(dir: string): grpc.ServerCredentials {
  const file = (f: string) => readFileSync(join(dir, f));
  return grpc.ServerCredentials.createSsl(file('ca.crt'), [{ private_key: file('tls.key'), cert_chain: file('tls.crt') }], true);
}

function main(argv: string[]): void {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        address: { type: 'string', default: '0.0.0.0:9443' },
        'tls-certs-dir': { type: 'string', default: process.env.TLS_SERVER_CERTS_DIR || '/tls/server' },
        insecure: { type: 'boolean', default: false },
        debug: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`${FUNCTION_BINARY}: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const log = pino(
    { level: values.debug ? 'debug' : 'info', base: { function: FUNCTION_BINARY } },
    pino.destination({ dest: 1, sync: true }),
  );
  let creds: grpc.ServerCredentials;
  try {
    creds = values.insecure ? grpc.ServerCredentials.createInsecure() : credentials(values['tls-certs-dir']);
  } catch (err) {
    process.stderr.write(`${FUNCTION_BINARY}: cannot read the TLS files: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const server = getServer(new FunctionRunner({ RunFunction: async (req) => runFunction(req) }, log), log);
  server.bindAsync(values.address, creds, (err, port) => {
    if (err) {
      log.fatal({ err: err.message }, 'cannot listen');
      process.exit(1);
    }
    log.info({ address: values.address, port, tls: !values.insecure }, 'serving');
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.tryShutdown(() => process.exit(0)));
}

main(process.argv.slice(2));
