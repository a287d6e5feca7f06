/** `render -f claim.yaml`: the composed resources of claims, offline. */
import { loadClaims } from '../claim-input.js';
import { requireFiles, type CommandInput, type Context } from '../command.js';
import { EXIT } from '../errors.js';
import { reportInvalidClaim } from '../findings-format.js';
import { table, toJson, toYaml } from '../output.js';
import { packageCompositions } from '../../render/package-compositions.js';
import { renderClaim } from '../../render/claim.js';
import { renderComposition, type ComposedOutput } from '../../render/render.js';
import { FUNCTIONS, functionName } from '../../apis/constants.js';
import { renderSteadyState } from '../../render/steady-state.js';
import type { RenderedLevel } from '../../render/tree.js';
import { type Obj } from '../../apis/obj.js';

type Format = 'yaml' | 'json' | 'table';

const awsName = (r: Obj): string => {
  const md = (r.metadata ?? {}) as Obj;
  const ext = ((md.annotations ?? {}) as Obj)['crossplane.io/external-name'];
  const fp = ((r.spec as Obj | undefined)?.forProvider ?? {}) as Obj;
  const tags = (fp.tags ?? {}) as Obj;
  const v = ext ?? fp.name ?? tags.Name ?? md.name;
  return typeof v === 'string' ? v : '-';
};

/** Resources of one claim, with the claim's name when several claims are rendered. */
interface Rendered {
  readonly platform: string;
  readonly resources: readonly ComposedOutput[];
}

/** The resources as the chosen format. */
export function formatResources(rendered: readonly Rendered[], format: Format, several = rendered.length > 1): string {
  const all = rendered.flatMap((r) => r.resources);
  switch (format) {
    case 'json':
      return toJson({ apiVersion: 'v1', kind: 'List', items: all.map((r) => r.resource) });
    case 'table':
      return table(
        [...(several ? ['PLATFORM'] : []), 'RESOURCE', 'KIND', 'API VERSION', 'AWS NAME'],
        rendered.flatMap((x) =>
          x.resources.map((r) => [
            ...(several ? [x.platform] : []),
            r.name,
            String(r.resource.kind),
            String(r.resource.apiVersion),
            awsName(r.resource),
          ]),
        ),
      );
    default:
      return toYaml(all.map((r) => r.resource));
  }
}

/** Names of resources the first reconcile holds back (function-patch-and-transform's warnings). */
const notAdded = (warnings: readonly string[]): string[] =>
  warnings.flatMap((w) => /^not adding new composed resource "([^"]+)"/.exec(w)?.[1] ?? []);

interface Step {
  readonly functionRef: { readonly name: string };
  readonly input?: Obj;
}

/**
 * The resources the first reconcile holds back that this claim composes at all.
 * function-patch-and-transform holds a template back before function-cel-filter decides whether
 * the claim has it (a development claim has no WAF log key), so its warnings alone name too
 * many. The renderer itself answers: the held-back templates without their patches (so that
 * none is held back), through the Composition's own filter steps, with the same composite.
 */
export function heldBack(composition: Obj, xr: Obj, warnings: readonly string[]): string[] {
  const names = new Set(notAdded(warnings));
  if (names.size === 0) return [];
  const spec = composition.spec as { pipeline: Step[] };
  const pt = spec.pipeline.find((s) => s.functionRef.name === functionName(FUNCTIONS.patchAndTransform));
  const templates = ((pt?.input?.resources ?? []) as { name: string }[]).filter((t) => names.has(t.name));
  const pipeline = [
    { ...pt, input: { ...pt?.input, resources: templates.map((t) => ({ ...t, patches: [] })) } },
    ...spec.pipeline.filter((s) => s.functionRef.name === functionName(FUNCTIONS.celFilter)),
  ];
  const kept = new Set(renderComposition({ ...composition, spec: { ...spec, pipeline } }, xr).resources.map((r) => r.name));
  return [...names].filter((n) => kept.has(n));
}

/**
 * Every object a claim composes, at every level: with the nested layout, each internal XR's
 * composed resources follow the XRs of its level (depth first); with the single Composition,
 * its resources.
 */
const everything = (r: { readonly levels: readonly RenderedLevel[] }): ComposedOutput[] =>
  r.levels.flatMap((l) => l.result.resources);

export async function run(input: CommandInput, ctx: Context): Promise<number> {
  const format = input.opts.output as Format;
  const steadyState = input.opts.steadyState === true;
  const claims = loadClaims(requireFiles(input), ctx.io);
  const compositions = packageCompositions();
  const rendered: Rendered[] = [];
  const notes: string[] = [];
  let invalid = false;
  for (const { source, claim } of claims) {
    const first = renderClaim(claim, { compositions });
    if (first.findings.length > 0) {
      reportInvalidClaim(ctx.io, ctx.style, source, first.findings);
      invalid = true;
      continue;
    }
    const md = first.xr.metadata as Obj;
    const platform = `${String(md.namespace)}/${String(md.name)}`;
    const who = claims.length > 1 ? `${source}: ` : '';
    if (steadyState) {
      const steady = everything(renderSteadyState(claim, { compositions }).final);
      rendered.push({ platform, resources: steady });
      notes.push(`note: ${who}${steady.length} resources after a SIMULATED AWS response (placeholder status values)\n`);
      continue;
    }
    const all = everything(first);
    rendered.push({ platform, resources: all });
    for (const w of first.warnings.filter((x) => !/^not adding new composed resource/.test(x)))
      notes.push(`warning: ${who}${w}\n`);
    const held = first.levels.flatMap((l) => heldBack(l.composition, l.xr, l.result.warnings));
    if (held.length > 0)
      notes.push(
        `note: ${who}${all.length} resources on the first reconcile; ${held.length} more wait for outputs of others (${held.join(', ')}); --steady-state shows them\n`,
      );
  }
  if (rendered.length > 0) ctx.io.out(formatResources(rendered, format, claims.length > 1));
  for (const n of notes) ctx.io.err(n);
  return invalid ? EXIT.findings : EXIT.ok;
}
