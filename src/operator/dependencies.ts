/**
 * Which composed resources a managed resource depends on, read from its own spec the way the
 * provider resolves them: `*Selector.matchLabels` (label selectors among the platform's composed
 * resources; the Composition sets matchControllerRef) and `*Ref.name` / `*Refs[].name`.
 */
import { isObj, pathValue, type KubeObject } from './kube/objects.js';

function labelsOf(o: KubeObject): Readonly<Record<string, string>> {
  return o.metadata?.labels ?? {};
}

const matches = (labels: Readonly<Record<string, string>>, selector: Record<string, unknown>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Selectors and reference names found anywhere under `spec.forProvider`. */
export function referencesOf(o: KubeObject): { selectors: Record<string, unknown>[]; names: string[] } {
  const selectors: Record<string, unknown>[] = [];
  const names: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    if (!isObj(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (k.endsWith('Selector') && isObj(x) && isObj(x.matchLabels)) selectors.push(x.matchLabels);
      else if (k.endsWith('Ref') && isObj(x) && typeof x.name === 'string') names.push(x.name);
      else if (k.endsWith('Refs') && Array.isArray(x)) {
        for (const r of x) if (isObj(r) && typeof r.name === 'string') names.push(r.name);
      } else walk(x, depth + 1);
    }
  };
  walk(pathValue(o, ['spec', 'forProvider']), 0);
  return { selectors, names };
}

/**
 * The dependency graph of a platform's composed resources: for each object name, the names of
 * the siblings it depends on (never itself).
 */
export function dependencyGraph(objects: readonly KubeObject[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const byName = new Set(objects.map((o) => o.metadata?.name ?? ''));
  for (const o of objects) {
    const name = o.metadata?.name ?? '';
    const deps = new Set<string>();
    const { selectors, names } = referencesOf(o);
    for (const sel of selectors) {
      for (const other of objects) {
        const otherName = other.metadata?.name ?? '';
        if (otherName !== name && matches(labelsOf(other), sel)) deps.add(otherName);
      }
    }
    for (const n of names) if (n !== name && byName.has(n)) deps.add(n);
    graph.set(name, deps);
  }
  return graph;
}
