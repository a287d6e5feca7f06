/**
 * The composed resources of a claim and their references (`*Selector` fields, resolved by label
 * the way the provider resolves them) as a graph, printed as Mermaid. Also draws the README's
 * architecture diagram (src/docs/readme.ts), collapsed to one node per kind.
 */
import type { NamedResource } from '../render/provider-checks.js';
import { type Obj } from '../apis/obj.js';

export interface GraphNode {
  /** Mermaid-safe id. */
  readonly id: string;
  /** Composition resource name, or the kind when collapsed. */
  readonly label: string;
  readonly kind: string;
  /** Subgraph the node is drawn in. */
  readonly group: string;
  /** How many resources the node stands for (1 unless collapsed). */
  readonly count: number;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** The referencing field without `Selector` (`vpcId`, `subnetIds`). */
  readonly field: string;
}

export interface ReferenceGraph {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
}

const RESERVED = new Set(['end', 'graph', 'subgraph', 'flowchart', 'style', 'class', 'click', 'default']);

/** A Mermaid node id from any name. */
export function mermaidId(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  return RESERVED.has(id.toLowerCase()) || /^[0-9]/.test(id) ? `n_${id}` : id;
}

/** The API group's first label (`ec2`, `s3`, `rds`), or `core` for the core API. */
export function apiGroupOf(r: Obj): string {
  const av = String(r.apiVersion ?? '');
  const slash = av.indexOf('/');
  return slash < 0 ? 'core' : av.slice(0, slash).split('.')[0] || 'core';
}

interface FoundSelector {
  /** The edge label: the field without `Selector`; for a Usage's `resourceSelector`, `of` or `by`. */
  readonly field: string;
  readonly selector: Obj;
  /** The kind the selector is restricted to (a Usage's `of.kind`), if any. */
  readonly kind?: string;
}

function* selectorsIn(value: unknown, parentKey: string): Generator<FoundSelector> {
  if (Array.isArray(value)) {
    for (const v of value) yield* selectorsIn(v, parentKey);
  } else if (value !== null && typeof value === 'object') {
    const o = value as Obj;
    for (const [k, v] of Object.entries(o)) {
      if (k.endsWith('Selector') && v !== null && typeof v === 'object') {
        const field = k === 'resourceSelector' ? parentKey : k.replace(/Selector$/, '');
        yield { field, selector: v as Obj, ...(typeof o.kind === 'string' ? { kind: o.kind } : {}) };
      } else yield* selectorsIn(v, k);
    }
  }
}

const labelsOf = (r: Obj): Record<string, string> => ((r.metadata as Obj | undefined)?.labels ?? {}) as Record<string, string>;

/**
 * One node per composed resource and one edge per resolved reference: every `*Selector` of the
 * spec (`spec.forProvider.vpcIdSelector`, a Usage's `spec.of.resourceSelector`) is matched by
 * label against the other resources; a selector that matches several (subnetIds) gives several
 * edges.
 */
export function referenceGraph(
  resources: readonly NamedResource[],
  groupOf: (r: NamedResource) => string = (r) => apiGroupOf(r.resource),
): ReferenceGraph {
  const nodes = resources.map((r): GraphNode => ({
    id: mermaidId(r.name),
    label: r.name,
    kind: String(r.resource.kind),
    group: groupOf(r),
    count: 1,
  }));
  const edges: GraphEdge[] = [];
  for (const r of resources) {
    for (const { field, selector, kind } of selectorsIn(r.resource.spec ?? {}, 'spec')) {
      const want = Object.entries((selector.matchLabels ?? {}) as Record<string, string>);
      if (want.length === 0) continue;
      for (const target of resources) {
        const have = labelsOf(target.resource);
        if (target === r || (kind !== undefined && target.resource.kind !== kind)) continue;
        if (want.every(([k, v]) => have[k] === v)) edges.push({ from: mermaidId(r.name), to: mermaidId(target.name), field });
      }
    }
  }
  return { nodes, edges };
}

/** One node per kind (with the count), edges merged per pair of kinds and field. */
export function collapseByKind(graph: ReferenceGraph): ReferenceGraph {
  const kindOf = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const nodes = new Map<string, GraphNode>();
  for (const n of graph.nodes) {
    const prev = nodes.get(n.kind);
    nodes.set(n.kind, {
      id: mermaidId(n.kind),
      label: n.kind,
      kind: n.kind,
      group: prev?.group ?? n.group,
      count: (prev?.count ?? 0) + 1,
    });
  }
  const seen = new Set<string>();
  const edges: GraphEdge[] = [];
  for (const e of graph.edges) {
    const from = mermaidId(kindOf.get(e.from) ?? e.from);
    const to = mermaidId(kindOf.get(e.to) ?? e.to);
    const key = `${from} ${to} ${e.field}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ from, to, field: e.field });
  }
  return { nodes: [...nodes.values()], edges };
}

export interface MermaidOptions {
  /** @default 'LR' */
  readonly direction?: 'LR' | 'TB';
  /** Lines added after the nodes and edges (extra nodes, links to them). */
  readonly extra?: readonly string[];
  /** Lines added right after the `flowchart` line. */
  readonly header?: readonly string[];
}

const escapeLabel = (s: string): string => s.replace(/"/g, '#quot;');

/** The graph as a Mermaid flowchart, nodes grouped in one subgraph per group. */
export function toMermaid(graph: ReferenceGraph, opts: MermaidOptions = {}): string {
  const lines = [`flowchart ${opts.direction ?? 'LR'}`, ...(opts.header ?? [])];
  const groups = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) groups.set(n.group, [...(groups.get(n.group) ?? []), n]);
  for (const [group, nodes] of groups) {
    lines.push(`  subgraph ${mermaidId(`g_${group}`)}["${escapeLabel(group)}"]`);
    for (const n of nodes) {
      const label = n.count > 1 ? `${n.label} x${n.count}` : n.label === n.kind ? n.label : `${n.label}<br/>${n.kind}`;
      lines.push(`    ${n.id}["${escapeLabel(label)}"]`);
    }
    lines.push('  end');
  }
  for (const e of graph.edges) lines.push(`  ${e.from} -->|${escapeLabel(e.field)}| ${e.to}`);
  lines.push(...(opts.extra ?? []));
  return `${lines.join('\n')}\n`;
}
