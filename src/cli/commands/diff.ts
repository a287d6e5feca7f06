/** `diff -f CLAIM`: what applying a claim (or a new Composition) would change in a live platform. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { COMPOSITION_NAME, KIND } from '../../apis/constants.js';
import { isObj, type Obj } from '../../apis/obj.js';
import { validateClaim } from '../../apis/validate.js';
import { compositionResourceName, diffPlatform, type Action, type FieldChange, type ResourceDiff } from '../../diff/diff.js';
import { SOURCE_TEXT } from '../../diff/replacement.js';
import { formatFieldPath } from '../../render/fieldpath.js';
import { renderComposition } from '../../render/render.js';
import { loadClaim } from '../claim-input.js';
import { clusterOf, requireOneFile, stringOpt, type CommandInput, type Context } from '../command.js';
import { packageComposition, packageCompositions } from '../../render/package-compositions.js';
import { compositionSet, renderTree, type CompositionSet } from '../../render/tree.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { reportInvalidClaim } from '../findings-format.js';
import { toJson, toYaml } from '../output.js';
import { fetchPlatform } from '../status/cluster.js';
import { isInternalXr, type Fetched } from '../status/model.js';

const platformText = (namespace: string, name: string): string => `${KIND} ${namespace}/${name}`;

type Format = 'table' | 'json' | 'yaml';

/** The Composition a YAML stream holds: the only one, else the one of the package's name. */
export function pickComposition(docs: readonly unknown[], source: string): Obj {
  const found = docs.filter((d): d is Obj => isObj(d) && d.kind === 'Composition');
  if (found.length === 1) return found[0] as Obj;
  const named = found.find((c) => isObj(c.metadata) && c.metadata.name === COMPOSITION_NAME);
  if (named) return named;
  throw new CliError(
    found.length === 0
      ? `${source}: no Composition in it`
      : `${source}: ${found.length} Compositions and none named ${COMPOSITION_NAME}`,
  );
}

/** The Compositions of a YAML stream: the one a single-layout platform is compared with, and all of them. */
interface CompositionSource {
  readonly single: Obj;
  readonly all: readonly Obj[];
}

function fromDocs(docs: readonly unknown[], source: string): CompositionSource {
  return { single: pickComposition(docs, source), all: docs.filter((d): d is Obj => isObj(d) && d.kind === 'Composition') };
}

function compositionFile(file: string): CompositionSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read --composition ${file}: ${(e as Error).message}`, { cause: e });
  }
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text);
  } catch (e) {
    throw new CliError(`--composition ${file}: not YAML: ${(e as Error).message}`, { cause: e });
  }
  return fromDocs(docs, file);
}

/** The chart's Compositions, as `helm template` renders them ($HELM, else helm on PATH). */
function chartComposition(dir: string, env: NodeJS.ProcessEnv): CompositionSource {
  const helm = env.HELM ?? 'helm';
  let out: string;
  try {
    out = execFileSync(helm, ['template', 'payment-platform', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 512 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as Error & { code?: string; stderr?: string };
    if (err.code === 'ENOENT') throw new CliError(`--chart needs helm: "${helm}" not found (set HELM or put helm on PATH)`);
    throw new CliError(`helm template ${dir} failed: ${(err.stderr || err.message).trim()}`, { cause: e });
  }
  return fromDocs(yaml.loadAll(out), `helm template ${dir}`);
}

const shown = (v: unknown): string => (v === undefined ? '(none)' : JSON.stringify(v));

const MARK: Readonly<Record<Action, string>> = {
  create: '+',
  update: '~',
  replace: '!',
  delete: '-',
  orphan: '-',
  unchanged: ' ',
};

const ACTION_TEXT: Readonly<Record<Action, string>> = {
  create: 'created',
  update: 'changed in place',
  replace: 'NEEDS A NEW AWS RESOURCE (see the note below)',
  delete: 'DELETED, and the AWS resource with it',
  orphan: 'removed from the platform; the AWS resource is kept (orphaned: deletionPolicy or managementPolicies)',
  unchanged: 'unchanged',
};

const REPLACEMENT_TEXT: Readonly<Record<NonNullable<FieldChange['replacement']>, string>> = {
  ...SOURCE_TEXT,
  'external-name':
    'the external name names another AWS resource; the provider adopts or creates that one and leaves the old one unmanaged',
  kind: 'another kind: Crossplane deletes the old resource and creates the new one',
};

function changeLine(c: FieldChange): string {
  const path = formatFieldPath(c.path);
  const what =
    c.op === 'add'
      ? `+ ${path}: ${shown(c.to)}`
      : c.op === 'remove'
        ? `- ${path}: ${shown(c.from)}`
        : `~ ${path}: ${shown(c.from)} -> ${shown(c.to)}`;
  return c.replacement ? `${what}\n        forces a new resource: ${REPLACEMENT_TEXT[c.replacement]}` : what;
}

const COUNTED: readonly Action[] = ['update', 'replace', 'delete', 'orphan', 'create', 'unchanged'];

export function summary(diffs: readonly ResourceDiff[]): Record<Action, number> {
  return Object.fromEntries(COUNTED.map((a) => [a, diffs.filter((d) => d.action === a).length])) as Record<Action, number>;
}

function diffText(platform: string, source: string, diffs: readonly ResourceDiff[]): string {
  const lines = [`PaymentPlatform ${platform} against ${source}`];
  for (const d of diffs.filter((x) => x.action !== 'unchanged')) {
    lines.push(`${MARK[d.action]} ${d.name} (${d.kind}${d.object ? ` ${d.object}` : ''}): ${ACTION_TEXT[d.action]}`);
    for (const c of d.changes) lines.push(`    ${changeLine(c).replace(/\n/g, '\n    ')}`);
  }
  const s = summary(diffs);
  if (s.replace > 0)
    lines.push(
      `note: provider-upjet-aws never replaces a resource: it refuses such an update ("refuse to update the external
      resource because the following update requires replacing it"), the resource stays Synced=False and AWS keeps the
      old one. Keep the field, or plan a new resource (another name) and what moves to it.`.replace(/\n\s+/g, ' '),
    );
  lines.push(
    `${s.update} changed in place, ${s.replace} need a new AWS resource, ${s.delete} deleted, ${s.orphan} orphaned, ${s.create} created, ${s.unchanged} unchanged`,
  );
  return `${lines.join('\n')}\n`;
}

export async function run(input: CommandInput, ctx: Context): Promise<number> {
  const format = input.opts.output as Format;
  const compositionPath = stringOpt(input, 'composition');
  const chartDir = stringOpt(input, 'chart');
  if (compositionPath !== undefined && chartDir !== undefined)
    throw new UsageError('give --composition or --chart, not both', input.command);
  const { source, claim } = loadClaim(requireOneFile(input), ctx.io);
  const given = compositionPath
    ? compositionFile(compositionPath)
    : chartDir
      ? chartComposition(chartDir, ctx.io.env)
      : undefined;
  const compositions: CompositionSet = given
    ? compositionSet(
        () => given.single,
        () => given.all,
      )
    : packageCompositions();
  const from = compositionPath ?? (chartDir ? `helm template ${chartDir}` : "the plugin's Composition");

  const { defaulted, findings } = validateClaim(claim);
  if (findings.length > 0) {
    reportInvalidClaim(ctx.io, ctx.style, source, findings);
    // Not 1: that exit code says "differences" (as kubectl diff's does).
    return EXIT.error;
  }
  const md = defaulted.metadata as Obj;
  const cluster = await clusterOf(ctx);
  const namespace = typeof md.namespace === 'string' ? md.namespace : cluster.defaultNamespace;
  const name = String(md.name);
  const got = await fetchPlatform(cluster, namespace, name);
  if (!got)
    throw new CliError(
      `${KIND} "${name}" not found in namespace "${namespace}": diff compares with a live platform (render shows what a new one composes)`,
    );
  const unreadable = got.fetched.find((f) => f.error !== undefined);
  if (unreadable) throw new CliError(`cannot diff: ${unreadable.error ?? ''}`);

  // The composite Crossplane would run the pipeline with: the claim's spec (the new desired
  // state) on the live object's identity, Crossplane fields and status.
  const liveSpec = isObj(got.xr.spec) ? got.xr.spec : {};
  const liveMd = isObj(got.xr.metadata) ? got.xr.metadata : {};
  const xr: Obj = {
    ...defaulted,
    metadata: { ...md, namespace, uid: liveMd.uid, labels: { ...(liveMd.labels as Obj), ...(md.labels as Obj) } },
    spec: { ...(defaulted.spec as Obj), crossplane: liveSpec.crossplane },
    status: got.xr.status ?? {},
  };
  // The nested layout: the platform composes internal XRs, each composing managed resources. The
  // whole tree is rendered, each level with what is live of it, and the managed resources of
  // every level are compared (internal XRs are not AWS resources: what they change shows below).
  const nested = got.fetched.some((f) => isInternalXr(f.ref));
  const byName = (fs: readonly Fetched[]): Record<string, Obj> =>
    Object.fromEntries(
      fs.flatMap((f) => {
        const n = f.object ? compositionResourceName(f.object) : undefined;
        return n === undefined || !f.object ? [] : [[n, f.object]];
      }),
    );
  const managed = got.fetched.filter((f) => !isInternalXr(f.ref));
  const live = managed.flatMap((f) => (f.object ? [f.object] : []));
  let composition: Obj;
  let desired: readonly { readonly name: string; readonly resource: Obj }[];
  if (nested) {
    const observed = { resources: byName(managed), composites: byName(got.fetched.filter((f) => isInternalXr(f.ref))) };
    try {
      composition = compositions.forComposite(xr);
      desired = renderTree(composition, xr, compositions, observed).resources;
    } catch (e) {
      // A Composition of the tree missing from --composition/--chart (or renamed).
      throw new CliError(`cannot diff ${platformText(namespace, name)} (nested layout): ${(e as Error).message}`, { cause: e });
    }
  } else {
    composition = given?.single ?? packageComposition();
    desired = renderComposition(composition, xr, { observed: byName(managed) }).resources;
  }
  const compositionName = String((composition.metadata as Obj | undefined)?.name);
  const diffs = diffPlatform(desired, live);
  const platform = `${namespace}/${name}`;
  const liveComposition = ((liveSpec.crossplane as Obj | undefined)?.compositionRef as Obj | undefined)?.name;
  const sourceText = `${from} (Composition ${compositionName})`;
  if (typeof liveComposition === 'string' && liveComposition !== compositionName)
    ctx.io.err(`note: the platform uses Composition ${liveComposition}; compared with ${compositionName}\n`);

  const data = {
    platform,
    composition: { name: compositionName, source: from },
    summary: summary(diffs),
    resources: diffs
      .filter((d) => d.action !== 'unchanged')
      .map((d) => ({ ...d, changes: d.changes.map((c) => ({ ...c, path: formatFieldPath(c.path) })) })),
  };
  if (format === 'json') ctx.io.out(toJson(data));
  else if (format === 'yaml') ctx.io.out(toYaml([data]));
  else ctx.io.out(diffText(platform, sourceText, diffs));
  return diffs.every((d) => d.action === 'unchanged') ? EXIT.ok : EXIT.findings;
}
