/**
 * The reconcile stand-ins as processes (the reconcile suite and `make demo` run them as children,
 * so they can be stopped, restarted and measured like the components they stand in for):
 *
 *   node dist/test/reconcile/main.js provider --kubeconfig FILE [--create-ms N] [--concurrency N] [--observe-ms N]
 *   node dist/test/reconcile/main.js runtime  --kubeconfig FILE --functions FILE
 *   node dist/test/reconcile/main.js install-chart --kubeconfig FILE --cache DIR --pki DIR \
 *        --helm BIN --kubectl BIN [--set K=V]...
 *
 * `provider` is the stand-in for provider-upjet-aws (./provider.ts); `runtime` plays Crossplane's
 * External package runtime (./runtime.ts). Both log JSON lines on stdout and stop on SIGTERM.
 * `install-chart` seeds the package cache and `helm install`s the chart (./packages.ts), then exits.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { installChartOffline } from './packages.js';
import { StandInProvider } from './provider.js';
import { ExternalRuntime, readEndpoints } from './runtime.js';

const USAGE = `usage: main.js provider --kubeconfig FILE [--create-ms N] [--concurrency N] [--observe-ms N]
       main.js runtime --kubeconfig FILE --functions FILE
       main.js install-chart --kubeconfig FILE --cache DIR --pki DIR --helm BIN --kubectl BIN [--set K=V]...`;

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${v}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [role, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      kubeconfig: { type: 'string' },
      functions: { type: 'string' },
      'create-ms': { type: 'string' },
      concurrency: { type: 'string' },
      'observe-ms': { type: 'string' },
      cache: { type: 'string' },
      pki: { type: 'string' },
      helm: { type: 'string' },
      kubectl: { type: 'string' },
      set: { type: 'string', multiple: true },
    },
    strict: true,
  });
  if (!values.kubeconfig) throw new Error(`--kubeconfig is required\n${USAGE}`);
  let stop: () => void;
  if (role === 'install-chart') {
    const need = (k: 'cache' | 'pki' | 'helm' | 'kubectl'): string => {
      const v = values[k];
      if (!v) throw new Error(`--${k} is required\n${USAGE}`);
      return v;
    };
    const packages = installChartOffline({
      root: fileURLToPath(new URL('../../..', import.meta.url)),
      kubeconfig: values.kubeconfig,
      cacheDir: need('cache'),
      pkiDir: need('pki'),
      helm: need('helm'),
      kubectl: need('kubectl'),
      values: values.set ?? [],
    });
    for (const p of packages)
      process.stdout.write(
        `${JSON.stringify({ event: 'seeded', kind: p.kind, name: p.name, ref: p.ref, digestRef: p.digestRef })}\n`,
      );
    return 0;
  }
  if (role === 'provider') {
    const p = new StandInProvider({
      kubeconfig: values.kubeconfig,
      createMs: positiveInt('create-ms', values['create-ms'], 500),
      concurrency: positiveInt('concurrency', values.concurrency, 10) || 1,
      observeMs: positiveInt('observe-ms', values['observe-ms'], 0),
    });
    await p.start();
    stop = () => p.stop();
  } else if (role === 'runtime') {
    if (!values.functions) throw new Error(`--functions is required\n${USAGE}`);
    const r = new ExternalRuntime({ kubeconfig: values.kubeconfig, endpoints: readEndpoints(values.functions) });
    await r.start();
    stop = () => r.stop();
  } else {
    throw new Error(USAGE);
  }
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve());
  });
  stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
