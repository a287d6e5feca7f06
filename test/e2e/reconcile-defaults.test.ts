/**
 * Crossplane's DEFAULT flags (watch-event circuit breaker: burst 100, refill 1 event/s per XR)
 * against a PaymentPlatform, with the stand-in provider producing the events upjet produces per
 * managed resource (finalizer, create-pending, external name, Creating, Available) at upjet's
 * default concurrency of 10. Prints, per claim: time to Ready, composed resources, watch events
 * until Ready, the peak per second, and whether the XR's Responsive condition ever went False.
 * These are measurements, reported in the README; the test fails only if a platform never
 * becomes Ready.
 */
import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { API_GROUP, API_VERSION, PLURAL } from '../../src/apis/constants.js';
import { type Obj } from '../../src/apis/obj.js';
import { ROOT } from '../helpers.js';
import { measureReconcile, type ReconcileFigures } from '../reconcile/measure.js';
import { CrossplaneCluster, isTrue, until } from './reconcile-harness.js';

jest.setTimeout(1_800_000);

const CLAIMS = ['examples/claims/minimal.yaml', 'examples/claims/production.yaml'];
const figures: (ReconcileFigures & { file: string })[] = [];
let cp: CrossplaneCluster;

beforeAll(async () => {
  cp = CrossplaneCluster.start([]); // Crossplane's defaults
  cp.startStandIns(['--create-ms=1000', '--concurrency=10']);
  cp.installChart();
  await until('Functions and Providers Installed and Healthy', 300_000, () => cp.unhealthyPackages().length === 0);
  await until('the activation policy has activated its kinds', 300_000, () => {
    const active = cp
      .list('managedresourcedefinitions.apiextensions.crossplane.io')
      .filter((m) => (m.spec as Obj).state === 'Active');
    return active.length >= 42 && active.every((m) => isTrue(cp.get('crd', String((m.metadata as Obj).name)), 'Established'));
  });
});

afterAll(async () => {
  if (figures.length > 0) {
    console.log(
      [
        'Crossplane default circuit-breaker flags, stand-in provider (create 1 s base, concurrency 10):',
        '| claim | composed | Ready after | watch events to Ready | peak events/s | Responsive=False seen |',
        '| --- | --- | --- | --- | --- | --- |',
        ...figures.map(
          (f) =>
            `| ${f.file} | ${f.composed} | ${f.readySeconds === undefined ? 'not Ready' : `${f.readySeconds.toFixed(0)} s`} | ${f.watchEvents} | ${f.peakEventsPerSecond} | ${f.responsiveFalse ? `yes (${f.responsiveMessages[0]?.slice(0, 120)})` : 'no'} |`,
        ),
      ].join('\n'),
    );
  }
  await cp?.stop();
});

test.each(CLAIMS)('with default flags, %s becomes Ready; the figures are printed', async (file) => {
  const doc = yaml.load(readFileSync(join(ROOT, file), 'utf8')) as Obj;
  const md = doc.metadata as Obj;
  const ns = String(md.namespace);
  cp.namespace(ns);
  const paths = cp
    .list('crd')
    .filter((c) => /\.aws\.m\.upbound\.io$/.test(String((c.spec as Obj).group)) && isTrue(c, 'Established'))
    .map((c) => {
      const spec = c.spec as Obj;
      const version = (spec.versions as Obj[]).find((v) => v.storage === true)!.name;
      return `/apis/${String(spec.group)}/${String(version)}/namespaces/${ns}/${String((spec.names as Obj).plural)}`;
    });
  paths.push(`/api/v1/namespaces/${ns}/configmaps`, `/apis/protection.crossplane.io/v1beta1/namespaces/${ns}/usages`);
  const f = await measureReconcile({
    kubeconfig: cp.kubeconfig,
    xrPath: `/apis/${API_GROUP}/${API_VERSION}/namespaces/${ns}/${PLURAL}/${String(md.name)}`,
    name: String(md.name),
    paths,
    apply: () => cp.apply([doc]),
    timeoutMs: 1_200_000,
  });
  figures.push({ ...f, file });
  console.log(JSON.stringify({ file, ...f }));
  expect(f.readySeconds).toBeDefined();
  expect(f.composed).toBeGreaterThan(80);
});
