/**
 * Crossplane packages without a registry: the chart's Function and Provider objects are installed
 * unmodified by Crossplane's own package manager, which reads them from its package cache
 * (`--xpkg-cache-dir`) instead of pulling them. For each package this
 *
 * 1. builds the package's contents from the pinned Go module the tools are built from (a
 *    function's `package/crossplane.yaml` and `package/input/*.yaml`; for a provider-aws family
 *    member a `meta.pkg.crossplane.io` Provider with the SafeStart capability, as the published
 *    packages declare it, and that service's namespaced CRDs from the provider module's
 *    `package/crds`), as one YAML stream, the way Crossplane's cache stores a package;
 * 2. writes it to the cache under the name Crossplane's cached client looks for (FriendlyID of the
 *    package source and the stream's sha256 digest: crossplane-runtime pkg/xpkg/name.go);
 * 3. applies an ImageConfig that rewrites the chart's tagged reference to that digest, so the
 *    package manager never needs to resolve a tag against a registry;
 * 4. creates the TLS server secret a package revision with a runtime expects.
 *
 * What differs from a published package: the provider packages omit `dependsOn`
 * provider-family-aws (resolving its version needs a registry); the ProviderConfig CRDs it would
 * bring are installed by hack/control-plane.sh instead.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import yaml from 'js-yaml';
import { CHART_NAME, READINESS_FUNCTION } from '../../src/apis/constants.js';
import { FUNCTION_PACKAGE_DIR } from '../../src/package/function.js';
import { packageRoot } from '../../src/paths.js';
import { type Obj } from '../../src/apis/obj.js';
import { dependencyObjectName, toDnsLabel } from '../../src/apis/xpkg.js';
import { buildPackage } from '../../src/package/build.js';
import { PACKAGE_DIR } from '../../src/package/configuration.js';

/** xpkg.FriendlyID: the cache file name (without .gz) of a package source at a digest. */
export const friendlyId = (source: string, digest: string): string => toDnsLabel(`${source.slice(0, 50)}-${digest.slice(0, 12)}`);

/** The package source of a reference with a tag or a digest (`registry/org/name`). */
export function sourceOf(ref: string): string {
  if (ref.includes('@')) return ref.slice(0, ref.indexOf('@'));
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(0, colon) : ref;
}

/** The last segment of a reference's repository: `xpkg.crossplane.io/org/fn:v1` -> `fn`. */
export const repositoryName = (ref: string): string => sourceOf(ref).slice(sourceOf(ref).lastIndexOf('/') + 1);

/** Writes one cache entry; returns the digest reference (`source@sha256:...`). */
export function seedPackage(cacheDir: string, ref: string, documents: readonly string[]): string {
  const stream = `${documents.map((d) => (d.trimStart().startsWith('---') ? d.trim() : `---\n${d.trim()}`)).join('\n')}\n`;
  const digest = `sha256:${createHash('sha256').update(stream).digest('hex')}`;
  const source = sourceOf(ref);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, `${friendlyId(source, digest)}.gz`), gzipSync(Buffer.from(stream)));
  return `${source}@${digest}`;
}

export interface ChartPackage {
  readonly kind: 'Function' | 'Provider';
  readonly name: string;
  /** The chart's reference, with its tag. */
  readonly ref: string;
}

/** The Function and Provider objects a rendered chart installs. */
export function chartPackages(rendered: string): ChartPackage[] {
  return yaml
    .loadAll(rendered)
    .filter((d): d is Obj => typeof d === 'object' && d !== null)
    .filter((d) => String(d.apiVersion).startsWith('pkg.crossplane.io/') && (d.kind === 'Function' || d.kind === 'Provider'))
    .map((d) => ({
      kind: d.kind as 'Function' | 'Provider',
      name: String((d.metadata as Obj).name),
      ref: String((d.spec as Obj).package),
    }));
}

type ModuleDir = (tool: string) => string;

/** The package contents of one chart package, from the pinned module sources. */
export function packageDocuments(p: ChartPackage, moduleDir: ModuleDir): string[] {
  if (p.kind === 'Function' && repositoryName(p.ref) === READINESS_FUNCTION.name) {
    // This project's own function: its package sources are in the repository (make synth).
    return [readFileSync(join(packageRoot(), FUNCTION_PACKAGE_DIR, 'crossplane.yaml'), 'utf8')];
  }
  if (p.kind === 'Function') {
    // The tool (and Go module) is the repository's last segment; the object may be named otherwise.
    const dir = join(moduleDir(repositoryName(p.ref)), 'package');
    const inputs = join(dir, 'input');
    const inputFiles = readdirSync(inputs).filter((f) => f.endsWith('.yaml'));
    return [
      readFileSync(join(dir, 'crossplane.yaml'), 'utf8'),
      ...inputFiles.sort().map((f) => readFileSync(join(inputs, f), 'utf8')),
    ];
  }
  // The service is in the repository name (provider-aws-ec2), whatever the object is named.
  const repository = repositoryName(p.ref);
  const service = repository.replace(/^provider-aws-/, '');
  if (service === repository) throw new Error(`${p.name}: only provider-aws family members are packaged offline`);
  const crdDir = join(moduleDir('provider-aws'), 'package', 'crds');
  const crds = readdirSync(crdDir)
    .filter((f) => f.startsWith(`${service}.aws.m.upbound.io_`) && f.endsWith('.yaml'))
    .sort();
  if (crds.length === 0) throw new Error(`${p.name}: no ${service}.aws.m.upbound.io CRDs in the provider module`);
  const meta = {
    apiVersion: 'meta.pkg.crossplane.io/v1',
    kind: 'Provider',
    metadata: {
      name: repository,
      labels: { 'pkg.crossplane.io/provider-family': 'provider-family-aws' },
      annotations: { 'meta.crossplane.io/description': `provider-aws ${service} CRDs, packaged offline for tests` },
    },
    spec: { capabilities: ['SafeStart'], crossplane: { version: '>=v1.12.1-0' } },
  };
  return [yaml.dump(meta), ...crds.map((f) => readFileSync(join(crdDir, f), 'utf8'))];
}

/** `hack/tools.sh module TOOL`, memoised. */
export function toolsModuleDir(root: string): ModuleDir {
  const seen = new Map<string, string>();
  return (tool) => {
    let dir = seen.get(tool);
    if (!dir) {
      dir = execFileSync(join(root, 'hack/tools.sh'), ['module', tool], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }).trim();
      seen.set(tool, dir);
    }
    return dir;
  };
}

export interface OfflinePackages {
  /** Objects to apply before the chart: ImageConfigs and TLS secrets. */
  readonly objects: Obj[];
  readonly packages: readonly (ChartPackage & { readonly digestRef: string })[];
}

/** Seeds the cache for every package of the rendered chart; returns the objects to apply. */
export function offlinePackages(opts: {
  readonly renderedChart: string;
  readonly cacheDir: string;
  readonly pkiDir: string;
  readonly namespace: string;
  readonly moduleDir: ModuleDir;
}): OfflinePackages {
  const pki = (f: string): string => readFileSync(join(opts.pkiDir, f)).toString('base64');
  const objects: Obj[] = [];
  const packages = chartPackages(opts.renderedChart).map((p) => {
    const digestRef = seedPackage(opts.cacheDir, p.ref, packageDocuments(p, opts.moduleDir));
    objects.push(
      {
        apiVersion: 'pkg.crossplane.io/v1beta1',
        kind: 'ImageConfig',
        metadata: { name: `offline-${p.name}` },
        spec: { matchImages: [{ type: 'Prefix', prefix: p.ref }], rewriteImage: { prefix: digestRef } },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${p.name}-tls-server`, namespace: opts.namespace },
        type: 'Opaque',
        data: { 'tls.crt': pki('tls.crt'), 'tls.key': pki('tls.key'), 'ca.crt': pki('ca.crt') },
      },
    );
    return { ...p, digestRef };
  });
  return { objects, packages };
}

export interface InstallOptions {
  readonly root: string;
  readonly kubeconfig: string;
  readonly cacheDir: string;
  readonly pkiDir: string;
  readonly helm: string;
  readonly kubectl: string;
  /** `helm --set` values. */
  readonly values?: readonly string[];
  readonly namespace?: string;
  readonly release?: string;
}

/**
 * `helm install` of the chart with its packages made installable offline: seeds the cache, applies
 * the ImageConfigs and TLS secrets, then installs the chart as a user would.
 */
export function installChartOffline(o: InstallOptions): OfflinePackages['packages'] {
  const namespace = o.namespace ?? 'crossplane-system';
  const chart = join(o.root, 'charts', CHART_NAME);
  const set = (o.values ?? []).flatMap((v) => ['--set', v]);
  const exec = (bin: string, args: string[], input?: string): string =>
    execFileSync(bin, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const rendered = exec(o.helm, ['template', o.release ?? 'payment-platform', chart, '--namespace', namespace, ...set]);
  const offline = offlinePackages({
    renderedChart: rendered,
    cacheDir: o.cacheDir,
    pkiDir: o.pkiDir,
    namespace,
    moduleDir: toolsModuleDir(o.root),
  });
  exec(o.kubectl, ['--kubeconfig', o.kubeconfig, 'apply', '-f', '-'], offline.objects.map((d) => yaml.dump(d)).join('---\n'));
  exec(o.helm, [
    '--kubeconfig',
    o.kubeconfig,
    'install',
    o.release ?? 'payment-platform',
    chart,
    '--namespace',
    namespace,
    ...set,
  ]);
  return offline.packages;
}

/** The package.yaml of an xpkg (an OCI image tarball): the layer that holds it, as text. */
export function xpkgFile(xpkg: string, file = 'package.yaml'): string {
  const dir = mkdtempSync(join(dirname(xpkg), 'xpkg-'));
  try {
    execFileSync('tar', ['-xf', xpkg, '-C', dir]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
    for (const layer of manifest[0]?.Layers ?? []) {
      const listing = execFileSync('tar', ['-tzf', join(dir, layer)], { encoding: 'utf8' }).split('\n');
      if (listing.includes(file))
        return execFileSync('tar', ['-xzf', join(dir, layer), '-O', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    }
    throw new Error(`${xpkg}: no layer holds ${file}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The package objects Crossplane's resolver creates for a Configuration's dependsOn (resolver
 * NewPackage): named as dependencyObjectName names them, `spec.package` at the pinned version.
 */
export function dependencyObjects(meta: Obj): Obj[] {
  return (((meta.spec as Obj | undefined)?.dependsOn as Obj[] | undefined) ?? []).map((d) => ({
    apiVersion: String(d.apiVersion),
    kind: String(d.kind),
    metadata: { name: dependencyObjectName(String(d.package)) },
    spec: { package: `${String(d.package)}:${String(d.version)}` },
  }));
}

/**
 * Builds the Configuration package from `root` (a checkout, or a copy with a changed Composition
 * for an upgrade) with the pinned CLI, seeds it in the cache under `ref` and returns the
 * ImageConfig that points `ref` at it.
 */
export function seedConfigurationPackage(o: {
  readonly root: string;
  readonly cacheDir: string;
  readonly crossplane: string;
  readonly ref: string;
}): { readonly packageYaml: string; readonly imageConfig: Obj } {
  const work = mkdtempSync(join(dirname(o.cacheDir), 'package-'));
  let packageYaml: string;
  try {
    packageYaml = xpkgFile(buildPackage({ crossplane: o.crossplane, output: join(work, 'payment-platform.xpkg'), root: o.root }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const digestRef = seedPackage(o.cacheDir, o.ref, [packageYaml]);
  return {
    packageYaml,
    imageConfig: {
      apiVersion: 'pkg.crossplane.io/v1beta1',
      kind: 'ImageConfig',
      metadata: { name: `offline-${toDnsLabel(o.ref)}` },
      spec: { matchImages: [{ type: 'Prefix', prefix: o.ref }], rewriteImage: { prefix: digestRef } },
    },
  };
}

export interface ConfigurationInstall {
  /** The Configuration object applied. */
  readonly configuration: Obj;
  /** Its package.yaml, as built by `crossplane xpkg build`. */
  readonly packageYaml: string;
  readonly dependencies: OfflinePackages['packages'];
}

/**
 * Installs the Configuration package (make package) through Crossplane's package manager,
 * offline: builds it with the pinned CLI and seeds it in the cache like the functions; creates
 * its dependencies as the resolver would (resolving a version constraint needs a registry's tag
 * list, which is not reachable here; the package manager still checks them against dependsOn);
 * applies the Configuration and the prerequisites that a Configuration may not carry.
 */
export function installConfigurationOffline(o: {
  readonly root: string;
  readonly cacheDir: string;
  readonly pkiDir: string;
  readonly crossplane: string;
  readonly apply: (objs: Obj[]) => void;
  readonly namespace?: string;
  /** Where the package is said to come from. @default xpkg.crossplane.io/payments/payment-platform:v0.1.0 */
  readonly ref?: string;
}): ConfigurationInstall {
  const ref = o.ref ?? 'xpkg.crossplane.io/payments/payment-platform:v0.1.0';
  const seeded = seedConfigurationPackage({ root: o.root, cacheDir: o.cacheDir, crossplane: o.crossplane, ref });
  const packageYaml = seeded.packageYaml;
  const meta = (yaml.loadAll(packageYaml) as Obj[]).find((d) => d?.kind === 'Configuration');
  if (!meta) throw new Error('the package has no Configuration');
  const deps = dependencyObjects(meta);
  const offline = offlinePackages({
    renderedChart: deps.map((d) => yaml.dump(d)).join('---\n'),
    cacheDir: o.cacheDir,
    pkiDir: o.pkiDir,
    namespace: o.namespace ?? 'crossplane-system',
    moduleDir: toolsModuleDir(o.root),
  });
  const configuration: Obj = {
    apiVersion: 'pkg.crossplane.io/v1',
    kind: 'Configuration',
    metadata: { name: String((meta.metadata as Obj).name) },
    spec: { package: ref },
  };
  const prerequisites = (yaml.loadAll(readFileSync(join(o.root, PACKAGE_DIR, 'prerequisites.yaml'), 'utf8')) as Obj[]).filter(
    Boolean,
  );
  o.apply([...offline.objects, seeded.imageConfig, ...prerequisites, ...deps]);
  o.apply([configuration]);
  return { configuration, packageYaml, dependencies: offline.packages };
}
