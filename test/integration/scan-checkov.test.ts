/**
 * The real checkov (pinned, installed by scripts/scan.sh into the cache when missing) judging what
 * the converter writes: a deliberately broken resource set fails, the same set fixed passes
 * (including a graph check that needs the references), a broken control of the production
 * example fails the scan, and every object the chart renders (a future Deployment too) is scanned.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckovReport } from '../../src/scan/checkov.js';
import { CHART_NAME } from '../../src/apis/constants.js';
import { judge, loadExceptions } from '../../src/scan/exceptions.js';
import {
  claimToTerraform,
  renderChart,
  scanChart,
  scanDockerfile,
  scanTerraform,
  type ChartRender,
} from '../../src/scan/scan.js';
import { toTerraform, type ComposedResource, type TfBody } from '../../src/scan/terraform.js';
import { exampleClaims, ROOT } from '../helpers.js';
import { toolBin } from '../support/tools.js';
import { type Obj } from '../../src/apis/obj.js';

/** Installing checkov on a fresh machine takes a minute or two; each checkov run a few seconds. */
const TIMEOUT = 10 * 60 * 1000;

let checkov = '';
let work = '';

beforeAll(() => {
  try {
    checkov = execFileSync(join(ROOT, 'scripts', 'scan.sh'), ['checkov'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .pop() as string;
  } catch (e) {
    throw new Error(
      `scripts/scan.sh checkov could not install the pinned checkov (scan/requirements.txt): ${(e as Error).message}`,
      { cause: e },
    );
  }
  work = mkdtempSync(join(tmpdir(), 'pp-scan-test-'));
}, TIMEOUT);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

let n = 0;
const dir = () => join(work, `run-${++n}`);

const has = (r: CheckovReport, outcome: 'passed' | 'failed', checkId: string, resource: string) =>
  r[outcome].some((c) => c.checkId === checkId && c.resource === resource);

function bucketSet(block: boolean): ComposedResource[] {
  const mr = (name: string, kind: string, forProvider: Obj, external?: string): ComposedResource => ({
    name,
    resource: {
      apiVersion: 's3.aws.m.upbound.io/v1beta1',
      kind,
      metadata: {
        labels: { 'platform.payments.io/resource': name },
        ...(external ? { annotations: { 'crossplane.io/external-name': external } } : {}),
      },
      spec: { forProvider: { region: 'eu-west-1', ...forProvider } },
    },
  });
  const bucket = { matchControllerRef: true, matchLabels: { 'platform.payments.io/resource': 'bucket-assets' } };
  return [
    mr('bucket-assets', 'Bucket', { forceDestroy: false }, 'pp-assets-00000000'),
    mr('bucket-assets-public-access-block', 'BucketPublicAccessBlock', {
      bucketSelector: bucket,
      blockPublicAcls: block,
      blockPublicPolicy: block,
      ignorePublicAcls: block,
      restrictPublicBuckets: block,
    }),
  ];
}

describe('checkov on converted resources', () => {
  test(
    'a bucket whose public access block is off fails; switched on, it passes, graph check included',
    () => {
      const broken = scanTerraform(checkov, toTerraform(bucketSet(false)), dir());
      const pab = 'aws_s3_bucket_public_access_block.bucket_assets_public_access_block';
      for (const id of ['CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56'])
        expect([id, has(broken, 'failed', id, pab)]).toEqual([id, true]);
      expect(has(broken, 'failed', 'CKV2_AWS_6', 'aws_s3_bucket.bucket_assets')).toBe(true);

      const fixed = scanTerraform(checkov, toTerraform(bucketSet(true)), dir());
      for (const id of ['CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56'])
        expect([id, has(fixed, 'passed', id, pab)]).toEqual([id, true]);
      // CKV2_AWS_6 passes only through the reference from the access block to the bucket
      expect(has(fixed, 'passed', 'CKV2_AWS_6', 'aws_s3_bucket.bucket_assets')).toBe(true);
    },
    TIMEOUT,
  );

  test(
    'breaking a control of the production example fails the scan with its check id',
    () => {
      const production = exampleClaims().find((c) => c.file.endsWith('production.yaml'))!.claim;
      const conversion = claimToTerraform(production);
      const lb = conversion.document.resource.aws_lb?.load_balancer as TfBody;
      expect(lb.drop_invalid_header_fields).toBe(true);
      lb.drop_invalid_header_fields = false;
      const report = scanTerraform(checkov, conversion, dir());
      expect(report.resourceCount).toBe(conversion.addresses.size);
      const verdict = judge(report.failed, loadExceptions(join(ROOT, 'scan', 'exceptions.yaml')));
      expect(verdict.failed.map((f) => `${f.checkId} ${f.resource}`)).toContain('CKV_AWS_131 aws_lb.load_balancer');
    },
    TIMEOUT,
  );
});

describe('checkov on the chart', () => {
  test(
    'every object helm renders is scanned, a Deployment (the coming operator) included',
    () => {
      const renders = renderChart(toolBin('helm'), join(ROOT, 'charts', CHART_NAME), join(ROOT, 'scan', 'chart-values'));
      const chart = scanChart(checkov, renders, dir());
      expect(chart.resourceCount).toBe(Math.max(...renders.map((r) => r.objects.length)));

      const deployment: ChartRender = {
        label: 'operator.yaml',
        objects: ['Deployment/operator'],
        yaml: [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata: {name: operator, namespace: crossplane-system}',
          'spec:',
          '  selector: {matchLabels: {app: operator}}',
          '  template:',
          '    metadata: {labels: {app: operator}}',
          '    spec:',
          '      containers:',
          '        - {name: operator, image: "example.com/operator:latest"}',
        ].join('\n'),
      };
      const report = scanChart(checkov, [...renders, deployment], dir());
      // an image by tag, no probes, no limits: checkov has findings on the Deployment
      expect(report.failed.some((f) => f.resource === 'Deployment.crossplane-system.operator')).toBe(true);
      expect(report.resourceCount).toBeGreaterThanOrEqual(1);
    },
    TIMEOUT,
  );
});

describe('checkov on the operator image', () => {
  test(
    'the Dockerfile passes every dockerfile check; the same file running as root with no HEALTHCHECK fails',
    () => {
      const ok = scanDockerfile(checkov, join(ROOT, 'Dockerfile'), dir());
      expect(ok.failed.map((f) => f.checkId)).toEqual([]);
      expect(ok.passed.map((c) => c.checkId)).toEqual(expect.arrayContaining(['CKV_DOCKER_2', 'CKV_DOCKER_3', 'CKV_DOCKER_8']));

      const broken = join(work, 'Dockerfile.broken');
      writeFileSync(
        broken,
        readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
          .replace(/^USER .*$/m, 'USER root')
          .replace(/^HEALTHCHECK[^\n]*(\\\n[^\n]*)*$/m, ''),
      );
      const bad = scanDockerfile(checkov, broken, dir());
      expect(bad.failed.map((f) => f.checkId).sort()).toEqual(['CKV_DOCKER_2', 'CKV_DOCKER_8']);
    },
    TIMEOUT,
  );
});
