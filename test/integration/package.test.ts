/**
 * The Configuration package, built by the real pinned `crossplane xpkg build` (which lints it as
 * the package manager will): what it holds, that its dependencies are exactly the packages the
 * chart installs (so both install paths run the same versions), and that the linter refuses what a
 * Configuration may not carry (the reason package/prerequisites.yaml stays outside).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { CHART_NAME } from '../../src/apis/constants.js';
import { type Obj } from '../../src/apis/obj.js';
import { buildPackage } from '../../src/package/build.js';
import { ROOT } from '../helpers.js';
import { xpkgFile } from '../reconcile/packages.js';
import { run, toolBin } from '../support/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'pp-package-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const docs = (text: string): Obj[] => (yaml.loadAll(text) as Obj[]).filter((d) => d && typeof d === 'object');
const fileDocs = (path: string): Obj[] => docs(readFileSync(join(ROOT, path), 'utf8'));
const nameOf = (o: Obj): string => String((o.metadata as Obj).name);

describe('make package', () => {
  const xpkg = join(tmp, 'payment-platform.xpkg');
  let objects: Obj[] = [];
  beforeAll(() => {
    buildPackage({ crossplane: toolBin('crossplane'), output: xpkg });
    objects = docs(xpkgFile(xpkg));
  });

  test('holds one Configuration, every XRD and Composition of both layouts, and the activation policy', () => {
    const kinds = objects.map((o) => String(o.kind));
    expect(kinds.filter((k) => k === 'Configuration')).toHaveLength(1);
    const xrds = [...fileDocs('crds/paymentplatforms.platform.payments.io.yaml'), ...fileDocs('crds/nested.yaml')];
    const compositions = [
      ...fileDocs('compositions/paymentplatforms-aws.platform.payments.io.yaml'),
      ...fileDocs('compositions/nested.yaml'),
    ];
    // xpkg build writes the objects back through Crossplane's Go types, which add an empty status.
    const withoutStatus = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'status'));
    const byName = (a: Obj, b: Obj) => nameOf(a).localeCompare(nameOf(b));
    const inPackage = (kind: string) =>
      objects
        .filter((o) => o.kind === kind)
        .map(withoutStatus)
        .sort(byName);
    expect(inPackage('CompositeResourceDefinition')).toEqual(xrds.sort(byName));
    expect(inPackage('Composition')).toEqual(compositions.sort(byName));
    // 1 public XRD + 44 internal ones; the single Composition, the nested root and 44 internal ones.
    expect([xrds.length, compositions.length]).toEqual([45, 46]);
    expect(objects.filter((o) => o.kind === 'ManagedResourceActivationPolicy').map(nameOf)).toEqual(['payment-platform']);
    expect(new Set(kinds)).toEqual(
      new Set(['Configuration', 'CompositeResourceDefinition', 'Composition', 'ManagedResourceActivationPolicy']),
    );
  });

  test('depends on exactly the providers and functions the chart installs, at the same versions', () => {
    const r = run(toolBin('helm'), ['template', 'pp', join(ROOT, 'charts', CHART_NAME), '--namespace', 'crossplane-system']);
    expect(r.code).toBe(0);
    const chart = docs(r.stdout);
    const chartPackages = chart
      .filter((o) => String(o.apiVersion).startsWith('pkg.crossplane.io/') && (o.kind === 'Provider' || o.kind === 'Function'))
      .map((o) => `${String(o.kind)} ${String((o.spec as Obj).package)}`)
      .sort();
    const meta = objects.find((o) => o.kind === 'Configuration') as Obj;
    const dependsOn = ((meta.spec as Obj).dependsOn as Obj[])
      .map((d) => `${String(d.kind)} ${String(d.package)}:${String(d.version)}`)
      .sort();
    expect(dependsOn).toEqual(chartPackages);
    expect(dependsOn).toContain('Function xpkg.crossplane.io/crossplane-contrib/function-patch-and-transform:v0.10.7');
    expect(dependsOn).toContain('Provider xpkg.crossplane.io/crossplane-contrib/provider-aws-rds:v2.7.0');
    expect((meta.spec as Obj).crossplane).toEqual({ version: '>=v2.2.0' });
    // The chart's activation policy activates what the package's does.
    const mrap = (o: Obj[]) => (o.find((x) => x.kind === 'ManagedResourceActivationPolicy')?.spec as Obj).activate;
    expect(mrap(objects)).toEqual(mrap(chart));
  });

  test('the carried examples are the example claims', () => {
    const examples = docs(xpkgFile(xpkg, '.up/examples.yaml'));
    expect(examples).toEqual([...fileDocs('examples/claims/minimal.yaml'), ...fileDocs('examples/claims/production.yaml')]);
  });

  test('the linter refuses a ClusterRole in a Configuration (why the prerequisites stay outside)', () => {
    const root = join(tmp, 'bad-root');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'crossplane.yaml'), readFileSync(join(ROOT, 'package/crossplane.yaml')));
    writeFileSync(join(root, 'prerequisites.yaml'), readFileSync(join(ROOT, 'package/prerequisites.yaml')));
    const r = run(toolBin('crossplane'), ['xpkg', 'build', `--package-root=${root}`, `--package-file=${join(tmp, 'bad.xpkg')}`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('no kind "ClusterRole" is registered');
  });
});
