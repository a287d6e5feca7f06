/**
 * Offline rendering of a PaymentPlatform: what `crossplane render` does with this project's
 * Composition, in milliseconds and without Docker or Go. It runs the pipeline's three steps
 * itself: function-patch-and-transform (the subset of patches and transforms the Composition
 * uses; anything else throws UnsupportedError), function-cel-filter and function-auto-ready, and
 * this project's function-payments-readiness (the nested layout's last step).
 */
import { jsonClone } from '../paths.js';
import {
  ANNOTATION_COMPOSITION_RESOURCE_NAME,
  FUNCTIONS,
  functionName,
  LABEL_COMPOSITE,
  READINESS_FUNCTION,
} from '../apis/constants.js';
import { compositeReady, parseInput, releasedStatus } from '../function/readiness.js';
import { Environment } from '@marcbachmann/cel-js';
import { expandPatchSets, type Patch, type PatchSet, type Transform } from '../composition/patches.js';
import { findField, MISSING, setField } from './fieldpath.js';
import { goSprintf } from './sprintf.js';
import { applyTransforms, UnsupportedError } from './transforms.js';
import { evaluateCached } from '../util/cel.js';
import { type Obj } from '../apis/obj.js';

export interface TemplateResource {
  name: string;
  base: Obj;
  patches?: Patch[];
  readinessChecks?: { type: string; matchCondition?: { type: string; status: string } }[];
}

interface PipelineStep {
  step: string;
  functionRef: { name: string };
  input?: Obj;
}

export interface ComposedOutput {
  /** The Composition's resource name (crossplane.io/composition-resource-name). */
  readonly name: string;
  readonly resource: Obj;
  readonly ready: boolean;
}

export interface RenderResult {
  /** The desired composite: its status carries what ToCompositeFieldPath patches wrote. */
  readonly composite: Obj;
  readonly resources: ComposedOutput[];
  /** Warnings as the functions would report them (for example a held-back resource). */
  readonly warnings: string[];
  /**
   * The composite's readiness when a step set it (function-payments-readiness); otherwise
   * undefined, and Crossplane derives it from the composed resources.
   */
  readonly ready?: boolean;
}

export interface RenderOptions {
  /**
   * Observed composed resources by composition resource name (to see status propagate). Not
   * changed in place between renders: a template's last render is reused while its observed
   * resource is the same object (a changed resource is a new object, as a fresh read gives).
   */
  readonly observed?: Readonly<Record<string, Obj>>;
  /**
   * Where to keep each template's last render, to reuse it while nothing it reads has changed
   * (see RenderMemo). Without one every template is rendered afresh.
   */
  readonly memo?: RenderMemo;
}

const FN_PT = functionName(FUNCTIONS.patchAndTransform);
const FN_FILTER = functionName(FUNCTIONS.celFilter);
const FN_AUTO_READY = functionName(FUNCTIONS.autoReady);
const FN_READINESS = functionName(READINESS_FUNCTION);

const clone = jsonClone;

/**
 * What one patch did: `applied`; `skipped`, a patch to the composite from a composed resource not
 * observed yet; `missing`, a field it reads does not exist (function-patch-and-transform's "field
 * not found": the patch does nothing, unless its policy requires the field). Returned, not
 * thrown: a render reads about a thousand absent fields.
 */
type PatchOutcome = 'applied' | 'skipped' | 'missing';

/** The values of a combine's variables, or MISSING when one does not exist. */
function variables(src: Obj, p: { combine: { variables: { fromFieldPath: string }[] } }): unknown[] | typeof MISSING {
  const vars: unknown[] = [];
  for (const v of p.combine.variables) {
    const value = findField(src, v.fromFieldPath);
    if (value === MISSING) return MISSING;
    vars.push(value);
  }
  return vars;
}

function applyPatch(p: Patch, xr: Obj, toComposite: CompositeWrite, desired: Obj, observed: Obj | undefined): PatchOutcome {
  switch (p.type) {
    case 'FromCompositeFieldPath': {
      const from = findField(xr, p.fromFieldPath);
      if (from === MISSING) return 'missing';
      const v = applyTransforms(p.transforms as Transform[] | undefined, clone(from));
      setField(desired, p.toFieldPath, v, p.policy?.toFieldPath === 'MergeObjects');
      return 'applied';
    }
    case 'CombineFromComposite': {
      const vars = variables(xr, p);
      if (vars === MISSING) return 'missing';
      const v = applyTransforms(p.transforms as Transform[] | undefined, goSprintf(p.combine.string.fmt, vars));
      setField(desired, p.toFieldPath, v, p.policy?.toFieldPath === 'MergeObjects');
      return 'applied';
    }
    case 'ToCompositeFieldPath': {
      if (!observed) return 'skipped';
      const from = findField(observed, p.fromFieldPath);
      if (from === MISSING) return 'missing';
      const v = applyTransforms(p.transforms as Transform[] | undefined, clone(from));
      toComposite(p.toFieldPath, v, p.policy?.toFieldPath === 'MergeObjects');
      return 'applied';
    }
    case 'CombineToComposite': {
      if (!observed) return 'skipped';
      const vars = variables(observed, p);
      if (vars === MISSING) return 'missing';
      toComposite(
        p.toFieldPath,
        applyTransforms(p.transforms as Transform[] | undefined, goSprintf(p.combine.string.fmt, vars)),
        false,
      );
      return 'applied';
    }
    default:
      throw new UnsupportedError(`patch type ${(p as { type: string }).type} is not supported offline`);
  }
}

const toComposed = (p: Patch): boolean => p.type === 'FromCompositeFieldPath' || p.type === 'CombineFromComposite';

function isReadyCondition(o: Obj | undefined): boolean {
  const conditions = ((o?.status as Obj | undefined)?.conditions as { type: string; status: string }[] | undefined) ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The last render of each template, to reuse while nothing it reads has changed: the composite
 * fields its patches read (compared by value) and its observed resource (the same object; the
 * steady state, steady-state.ts, passes the same object while the resource is unchanged). The
 * steady state renders the whole tree nine times or more while a few fields change per
 * reconcile. One entry per template, so memory stays bounded. A reused render is the same
 * object as the last one (renderComposition copies only what it adds), so a memo belongs to one
 * sequence of renders whose results nobody changes in place: renderSteadyState makes one per
 * call and drops it when it returns. Opt-in, so that a one-shot render shares nothing.
 */
interface TemplateMemo {
  readonly reads: readonly unknown[];
  readonly obs: Obj | undefined;
  readonly desired: Obj;
  readonly ready: boolean;
  readonly skip: boolean;
  /** What its ToComposite patches wrote to the desired composite, in order. */
  readonly writes: readonly { readonly path: string; readonly value: unknown; readonly merge: boolean }[];
  readonly warnings: readonly string[];
}
/** The last render of each template of a sequence of renders (RenderOptions.memo). */
export interface RenderMemo {
  readonly templates: WeakMap<object, TemplateMemo>;
  /**
   * The composed resource last made from a template's reused render (that render with the
   * metadata Crossplane adds), with what that metadata was made from: reused while both are the
   * same, so that an unchanged resource is the same object from one render to the next.
   */
  readonly outputs: WeakMap<object, { readonly key: string; readonly resource: Obj }>;
}

export const newRenderMemo = (): RenderMemo => ({ templates: new WeakMap(), outputs: new WeakMap() });

function reads(patches: readonly Patch[], xr: Obj): unknown[] {
  const out: unknown[] = [];
  for (const p of patches) {
    if (p.type === 'FromCompositeFieldPath') out.push(findField(xr, p.fromFieldPath));
    else if (p.type === 'CombineFromComposite') for (const v of p.combine.variables) out.push(findField(xr, v.fromFieldPath));
  }
  return out;
}

const sameValue = (a: unknown, b: unknown): boolean =>
  a === b ||
  (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b));

const sameReads = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((v, i) => sameValue(v, b[i]));

/**
 * A template's patches with its PatchSets expanded, once per template object and input: the
 * steady state renders every template of the Composition in each of its reconciles, and the
 * startup snapshot of `kubectl payments` keeps what its warm-up expanded.
 */
const expanded = new WeakMap<
  object,
  { readonly source: readonly Patch[] | undefined; readonly sets: readonly PatchSet[]; readonly patches: readonly Patch[] }
>();
function templatePatches(t: TemplateResource, sets: readonly PatchSet[]): readonly Patch[] {
  const hit = expanded.get(t);
  if (hit && hit.source === t.patches && hit.sets === sets) return hit.patches;
  const patches = expandPatchSets(t.patches ?? [], sets);
  expanded.set(t, { source: t.patches, sets, patches });
  return patches;
}
const NO_PATCH_SETS: readonly PatchSet[] = [];

function patchAndTransform(
  input: Obj,
  xr: Obj,
  dxr: Obj,
  observed: Readonly<Record<string, Obj>>,
  warnings: string[],
  memos: RenderMemo | undefined,
) {
  const patchSets = (input.patchSets as PatchSet[] | undefined) ?? NO_PATCH_SETS;
  const out = new Map<string, { resource: Obj; ready: boolean }>();
  for (const t of (input.resources as TemplateResource[]) ?? []) {
    const patches = templatePatches(t, patchSets);
    const obs = observed[t.name];
    const read = memos ? reads(patches, xr) : [];
    let memo = memos?.templates.get(t);
    if (!memo || memo.obs !== obs || !sameReads(memo.reads, read)) {
      memo = { reads: read, obs, ...renderTemplate(t, patches, xr, obs) };
      memos?.templates.set(t, memo);
    }
    for (const w of memo.writes) setField(dxr, w.path, clone(w.value), w.merge);
    warnings.push(...memo.warnings);
    if (!memo.skip) out.set(t.name, { resource: memo.desired, ready: memo.ready });
  }
  return out;
}

type CompositeWrite = (path: string, value: unknown, merge: boolean) => void;

/** One template through its patches: the desired resource, and what it writes to the composite. */
function renderTemplate(
  t: TemplateResource,
  patches: readonly Patch[],
  xr: Obj,
  obs: Obj | undefined,
): Omit<TemplateMemo, 'reads' | 'obs'> {
  const warnings: string[] = [];
  const writes: { path: string; value: unknown; merge: boolean }[] = [];
  const toComposite: CompositeWrite = (path, value, merge) => writes.push({ path, value, merge });
  {
    const desired = clone(t.base);
    let ready = false;
    if (obs) {
      const md = (obs.metadata ?? {}) as Obj;
      const dmd = ((desired.metadata as Obj | undefined) ?? {}) as Obj;
      if (md.name !== undefined) dmd.name = md.name;
      if (md.namespace !== undefined) dmd.namespace = md.namespace;
      desired.metadata = dmd;
      const checks = t.readinessChecks ?? [];
      ready =
        checks.length === 0
          ? isReadyCondition(obs)
          : checks.every(
              (c) =>
                c.type === 'None' ||
                (c.type === 'MatchCondition' &&
                  c.matchCondition &&
                  ((obs.status as Obj | undefined)?.conditions as { type: string; status: string }[] | undefined)?.some(
                    (x) => x.type === c.matchCondition?.type && x.status === c.matchCondition?.status,
                  )),
            );
    }
    let skip = false;
    for (const [i, p] of patches.entries()) {
      let outcome: PatchOutcome;
      try {
        outcome = applyPatch(p, xr, toComposite, desired, obs);
      } catch (e) {
        if (e instanceof UnsupportedError) throw e;
        throw new Error(`cannot render composed resource "${t.name}" "${p.type}" patch at index ${i}: ${(e as Error).message}`, {
          cause: e,
        });
      }
      if (outcome !== 'missing' || p.type === 'PatchSet' || p.policy?.fromFieldPath !== 'Required') continue;
      if (toComposed(p) && !obs) {
        warnings.push(
          `not adding new composed resource "${t.name}" to desired state because "${p.type}" patch at index ${i} has 'policy.fromFieldPath: Required'`,
        );
        skip = true;
        break;
      }
      warnings.push(
        `cannot render composed resource "${t.name}" "${p.type}" patch at index ${i}: ignoring 'policy.fromFieldPath: Required' because 'to' resource already exists`,
      );
    }
    return { desired, ready, skip, writes, warnings };
  }
}

const celEnv = new Environment({ unlistedVariablesAreDyn: true });

/** A filter's name as an anchored regular expression, compiled once per name. */
const filterPatterns = new Map<string, RegExp>();
const filterPattern = (name: string): RegExp => {
  let re = filterPatterns.get(name);
  if (!re) filterPatterns.set(name, (re = new RegExp(`^${name}$`)));
  return re;
};

function celFilter(input: Obj, xr: Obj, desired: Map<string, { resource: Obj; ready: boolean }>) {
  const filters = (input.filters as { name: string; expression: string }[]) ?? [];
  const vars = {
    observed: { composite: { resource: xr } },
    desired: { resources: Object.fromEntries([...desired].map(([n, d]) => [n, { resource: d.resource }])) },
    context: {},
  };
  for (const name of [...desired.keys()]) {
    for (const f of filters) {
      if (!filterPattern(f.name).test(name)) continue;
      let keep: unknown;
      try {
        keep = evaluateCached(celEnv, f.expression, vars);
      } catch (e) {
        throw new Error(`cannot evaluate filter for "${name}" (${f.expression}): ${(e as Error).message}`, { cause: e });
      }
      if (typeof keep !== 'boolean') throw new Error(`filter expression for "${name}" returned ${typeof keep}, not bool`);
      if (!keep) desired.delete(name);
      break;
    }
  }
}

/**
 * Renders a composite (already defaulted as the API server would) through the Composition's
 * pipeline. The composite needs metadata.name, metadata.namespace and metadata.uid.
 */
export function renderComposition(composition: Obj, composite: Obj, opts: RenderOptions = {}): RenderResult {
  const spec = composition.spec as { mode?: string; pipeline?: PipelineStep[] };
  if (spec.mode !== 'Pipeline' || !spec.pipeline)
    throw new UnsupportedError('only mode: Pipeline Compositions can be rendered offline');
  const xr = clone(composite);
  const dxr: Obj = {
    apiVersion: xr.apiVersion,
    kind: xr.kind,
    metadata: { name: (xr.metadata as Obj).name, namespace: (xr.metadata as Obj).namespace },
  };
  const observed = opts.observed ?? {};
  const warnings: string[] = [];
  let desired = new Map<string, { resource: Obj; ready: boolean }>();
  let ready: boolean | undefined;
  for (const step of spec.pipeline) {
    switch (step.functionRef.name) {
      case FN_PT:
        desired = patchAndTransform(step.input ?? {}, xr, dxr, observed, warnings, opts.memo);
        break;
      case FN_FILTER:
        celFilter(step.input ?? {}, xr, desired);
        break;
      case FN_AUTO_READY:
        for (const [name, d] of desired) if (!d.ready && isReadyCondition(observed[name])) d.ready = true;
        break;
      case FN_READINESS: {
        const input = parseInput(step.input);
        ready = compositeReady(desired, input.expectedResources);
        if (dxr.status !== undefined && input.holdUntilReady.length > 0)
          dxr.status = releasedStatus(dxr.status as Obj, xr.status as Obj | undefined, input.holdUntilReady, ready);
        break;
      }
      default:
        throw new UnsupportedError(
          `function ${step.functionRef.name} (step ${step.step}) is not supported by the offline renderer`,
        );
    }
  }
  const md = xr.metadata as Obj;
  const rootName = ((md.labels as Obj | undefined)?.[LABEL_COMPOSITE] as string | undefined) ?? md.name;
  const resources: ComposedOutput[] = [...desired].map(([name, d]) => {
    const key = opts.memo && [xr.apiVersion, xr.kind, md.name, md.namespace, md.uid, rootName, name].join('\n');
    const last = key === undefined ? undefined : opts.memo!.outputs.get(d.resource);
    if (last && last.key === key) return { name, resource: last.resource, ready: d.ready };
    // A copy with the metadata Crossplane adds: d.resource may be a template's last render (memo).
    const r = { ...d.resource };
    const rmd = (r.metadata as Obj | undefined) ?? {};
    r.metadata = {
      ...rmd,
      ...(rmd.name === undefined ? { generateName: `${md.name}-` } : {}),
      namespace: md.namespace,
      // The root composite's name: a composite composed by another (the nested layout) passes on
      // the label it carries, as Crossplane does.
      labels: { ...((rmd.labels as Obj) ?? {}), [LABEL_COMPOSITE]: rootName },
      annotations: { ...((rmd.annotations as Obj) ?? {}), [ANNOTATION_COMPOSITION_RESOURCE_NAME]: name },
      ownerReferences: [
        { apiVersion: xr.apiVersion, kind: xr.kind, name: md.name, uid: md.uid, controller: true, blockOwnerDeletion: true },
      ],
    };
    if (key !== undefined) opts.memo!.outputs.set(d.resource, { key, resource: r });
    return { name, resource: r, ready: d.ready };
  });
  return { composite: dxr, resources, warnings, ...(ready === undefined ? {} : { ready }) };
}
