import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import yaml from 'js-yaml';
import { chartPackages, friendlyId, packageDocuments, repositoryName, seedPackage, sourceOf } from '../reconcile/packages.js';

const tmp = mkdtempSync(join(tmpdir(), 'pp-packages-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the package cache names of crossplane-runtime (pkg/xpkg/name.go)', () => {
  test('FriendlyID truncates the source to 50 and the digest to 12 characters', () => {
    // 50 characters of the source, '-', 12 of the digest: 63 characters before the label rules.
    expect(friendlyId('xpkg.crossplane.io/crossplane-contrib/function-auto-ready', 'sha256:abcdef0123456789')).toBe(
      'xpkg-crossplane-io-crossplane-contrib-function-aut-sha256-abcde',
    );
  });
  test('the repository name of a reference is its last segment, without tag or digest', () => {
    expect(repositoryName('xpkg.crossplane.io/org/function-x:v0.7.0')).toBe('function-x');
    expect(repositoryName('localhost:5000/org/fn@sha256:00ff')).toBe('fn');
  });
  test('the source of a reference drops its tag or digest, not a registry port', () => {
    expect(sourceOf('xpkg.crossplane.io/org/fn:v0.7.0')).toBe('xpkg.crossplane.io/org/fn');
    expect(sourceOf('xpkg.crossplane.io/org/fn@sha256:00ff')).toBe('xpkg.crossplane.io/org/fn');
    expect(sourceOf('localhost:5000/org/fn')).toBe('localhost:5000/org/fn');
  });
});

describe('seeding', () => {
  test('writes the gzipped YAML stream under its FriendlyID and returns its digest reference', () => {
    const cache = join(tmp, 'cache');
    const ref = seedPackage(cache, 'xpkg.crossplane.io/org/fn:v1', ['kind: A', '---\nkind: B\n']);
    const stream = '---\nkind: A\n---\nkind: B\n';
    const digest = createHash('sha256').update(stream).digest('hex');
    expect(ref).toBe(`xpkg.crossplane.io/org/fn@sha256:${digest}`);
    const [file] = readdirSync(cache);
    expect(file).toBe(`xpkg-crossplane-io-org-fn-sha256-${digest.slice(0, 5)}.gz`);
    expect(gunzipSync(readFileSync(join(cache, file!))).toString()).toBe(stream);
  });

  test('the chart packages are read from a rendered chart', () => {
    const rendered = [
      { apiVersion: 'pkg.crossplane.io/v1', kind: 'Function', metadata: { name: 'f' }, spec: { package: 'r/o/f:v1' } },
      {
        apiVersion: 'pkg.crossplane.io/v1',
        kind: 'Provider',
        metadata: { name: 'provider-aws-ec2' },
        spec: { package: 'r/o/p:v2' },
      },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
    ]
      .map((d) => yaml.dump(d))
      .join('---\n');
    expect(chartPackages(rendered)).toEqual([
      { kind: 'Function', name: 'f', ref: 'r/o/f:v1' },
      { kind: 'Provider', name: 'provider-aws-ec2', ref: 'r/o/p:v2' },
    ]);
  });

  test("a provider package is a SafeStart meta Provider and its service's namespaced CRDs only", () => {
    const mod = join(tmp, 'provider-aws');
    mkdirSync(join(mod, 'package', 'crds'), { recursive: true });
    for (const f of ['ec2.aws.m.upbound.io_vpcs.yaml', 'ec2.aws.upbound.io_vpcs.yaml', 'rds.aws.m.upbound.io_clusters.yaml'])
      writeFileSync(join(mod, 'package', 'crds', f), `name: ${f}\n`);
    const docs = packageDocuments(
      { kind: 'Provider', name: 'crossplane-contrib-provider-aws-ec2', ref: 'r/o/provider-aws-ec2:v2' },
      () => mod,
    );
    expect(docs).toHaveLength(2);
    const meta = yaml.load(docs[0]!) as { kind: string; spec: { capabilities: string[] } };
    expect(meta.kind).toBe('Provider');
    expect(meta.spec.capabilities).toEqual(['SafeStart']);
    expect(docs[1]).toBe('name: ec2.aws.m.upbound.io_vpcs.yaml\n');
    expect(() => packageDocuments({ kind: 'Provider', name: 'provider-gcp', ref: 'x' }, () => mod)).toThrow(/provider-aws/);
  });
});
