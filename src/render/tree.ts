/**
 * Rendering a composite the way Crossplane reconciles it when its Composition composes other
 * composites (the nested layout, src/composition/nested.ts): each internal XR the pipeline
 * desires is itself rendered through the Composition its kind uses, level by level, down to the
 * managed resources. With the single Composition the tree has one level and this is
 * renderComposition.
 *
 * What is observed is given by name: managed resources (and the ConfigMap) by their composition
 * resource name, which is unique across the whole tree, and internal XRs by theirs (the child's
 * id in its parent's Composition). A name may be both (the flow-log leaf holds the flow-log
 * resource), so they are kept apart.
 */
import { COMPOSITION_NAME, DEFAULT_COMPOSITION_NAME, isInternalApiVersion, KIND } from '../apis/constants.js';
import { isObj, type Obj } from '../apis/obj.js';
import { renderComposition, type ComposedOutput, type RenderMemo, type RenderResult } from './render.js';

/** An internal composite resource (its API group is the nested layout's). */
export const isInternalComposite = (o: Obj): boolean => isInternalApiVersion(o.apiVersion);

/** The Compositions a render can use, by name. */
export interface CompositionSet {
  /** The Composition a composite uses: its `spec.crossplane.compositionRef`, else its kind's default. */
  forComposite(xr: Obj): Obj;
}

const compositeKind = (c: Obj): unknown => ((c.spec as Obj | undefined)?.compositeTypeRef as Obj | undefined)?.kind;
const nameOf = (c: Obj): string => String((c.metadata as Obj | undefined)?.name);

/**
 * A set over the single Composition and the nested layout's Compositions (loaded only when a
 * composite needs one of them). A PaymentPlatform without a compositionRef uses the XRD's
 * defaultCompositionRef (DEFAULT_COMPOSITION_NAME, the nested layout's root); an internal kind
 * has exactly one Composition.
 */
export function compositionSet(flat: () => Obj, nested: () => readonly Obj[]): CompositionSet {
  const byName = (name: string): Obj | undefined =>
    name === COMPOSITION_NAME ? flat() : nested().find((c) => nameOf(c) === name);
  return {
    forComposite(xr) {
      const ref = (((xr.spec as Obj | undefined)?.crossplane as Obj | undefined)?.compositionRef as Obj | undefined)?.name;
      let c: Obj | undefined;
      if (typeof ref === 'string') {
        c = byName(ref);
        if (!c)
          throw new Error(
            `${String(xr.kind)} ${String((xr.metadata as Obj | undefined)?.name)}: spec.crossplane.compositionRef.name "${ref}" is not a Composition of this package (it has ${[COMPOSITION_NAME, ...nested().map(nameOf)].filter((n) => !n.includes('.internal.')).join(', ')})`,
          );
      } else if (xr.kind === KIND) c = byName(DEFAULT_COMPOSITION_NAME);
      else c = nested().find((x) => compositeKind(x) === xr.kind);
      if (!c) throw new Error(`no Composition of this package composes ${String(xr.kind)}`);
      if (compositeKind(c) !== xr.kind)
        throw new Error(`Composition ${nameOf(c)} composes ${String(compositeKind(c))}, not ${String(xr.kind)}`);
      return c;
    },
  };
}

/** What is observed of a tree: managed resources and internal XRs, each by composition resource name. */
export interface ObservedTree {
  readonly resources?: Readonly<Record<string, Obj>>;
  readonly composites?: Readonly<Record<string, Obj>>;
}

/** One composite of the tree as rendered: the composite given to its Composition, and the result. */
export interface RenderedLevel {
  /** Composition resource names from the root to this composite ([] for the root). */
  readonly path: readonly string[];
  readonly composition: Obj;
  readonly xr: Obj;
  readonly result: RenderResult;
}

export interface TreeRender {
  /** The desired root composite (its status: what the root's ToCompositeFieldPath patches wrote). */
  readonly composite: Obj;
  /** Every composed resource that is not an internal XR, at every level, depth first. */
  readonly resources: ComposedOutput[];
  /** The internal XRs, depth first. */
  readonly composites: ComposedOutput[];
  readonly levels: RenderedLevel[];
  readonly warnings: string[];
}

/** The composite a desired internal XR becomes: as desired, with what the API server holds of it. */
function childComposite(desired: Obj, observed: Obj | undefined, uid: unknown): Obj {
  const md = (desired.metadata ?? {}) as Obj;
  const omd = ((observed?.metadata as Obj | undefined) ?? {}) as Obj;
  return {
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    metadata: {
      name: omd.name ?? md.name,
      namespace: md.namespace,
      // Offline an internal XR has no uid of its own; AWS names come from spec.platform.uid.
      uid: omd.uid ?? uid,
      ...(isObj(md.labels) ? { labels: md.labels } : {}),
    },
    spec: desired.spec,
    ...(isObj(observed?.status) ? { status: observed.status } : {}),
  };
}

/**
 * Renders `xr` through `composition` and every internal XR it composes through theirs; with a
 * `memo` (render.ts, RenderMemo), each template's last render is reused at every level.
 */
export function renderTree(
  composition: Obj,
  xr: Obj,
  compositions: CompositionSet,
  observed: ObservedTree = {},
  memo?: RenderMemo,
): TreeRender {
  const out: TreeRender = { composite: {}, resources: [], composites: [], levels: [], warnings: [] };
  const uid = (xr.metadata as Obj | undefined)?.uid;
  const level = (c: Obj, x: Obj, path: string[]): RenderResult => {
    const templates = ((c.spec as Obj).pipeline as { input?: Obj }[] | undefined)?.flatMap(
      (s) => (s.input?.resources as { name: string; base?: Obj }[] | undefined) ?? [],
    );
    const seen: Record<string, Obj> = {};
    for (const t of templates ?? []) {
      const o = t.base && isInternalComposite(t.base) ? observed.composites?.[t.name] : observed.resources?.[t.name];
      if (o) seen[t.name] = o;
    }
    const result = renderComposition(c, x, { observed: seen, memo });
    out.levels.push({ path, composition: c, xr: x, result });
    out.warnings.push(...result.warnings);
    for (const r of result.resources) {
      if (!isInternalComposite(r.resource)) {
        out.resources.push(r);
        continue;
      }
      out.composites.push(r);
      const child = childComposite(r.resource, observed.composites?.[r.name], uid);
      level(compositions.forComposite(child), child, [...path, r.name]);
    }
    return result;
  };
  const root = level(composition, xr, []);
  return { ...out, composite: root.composite };
}
