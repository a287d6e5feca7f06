/**
 * Checks that every `*Selector` of a rendered set of composed resources resolves the way the
 * provider will resolve it: a single-valued selector must match exactly one composed resource,
 * a multi-valued one at least one. A selector is scoped to its platform either by
 * matchControllerRef (it matches resources of the same composite) or, in the nested layout where
 * the target lives in another internal XR, by the label naming the platform (namespaced
 * selectors match only in the platform's namespace, where platform names are unique).
 */
import { LABEL_PLATFORM } from '../apis/constants.js';
import { type Obj } from '../apis/obj.js';

export interface SelectorFinding {
  readonly resource: string;
  readonly selector: string;
  readonly matches: string[];
  readonly message: string;
}

/** Selectors that fill a list field (subnetIds, securityGroups, ...), by kind. */
const MULTI_VALUED: Readonly<Record<string, readonly string[]>> = {
  SubnetGroup: ['subnetIdSelector'],
  LB: ['subnetSelector', 'securityGroupSelector'],
  Cluster: ['vpcSecurityGroupIdSelector'],
};

function* selectorsIn(value: unknown, path: string): Generator<{ path: string; key: string; selector: Obj }> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* selectorsIn(v, `${path}[${i}]`);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Obj)) {
      if (k.endsWith('Selector') && v && typeof v === 'object') yield { path: `${path}.${k}`, key: k, selector: v as Obj };
      else yield* selectorsIn(v, `${path}.${k}`);
    }
  }
}

const labelsOf = (r: Obj): Record<string, string> => (((r.metadata ?? {}) as Obj).labels ?? {}) as Record<string, string>;

/** The composite that controls a resource (its controller owner reference), as `Kind/name`. */
const controllerOf = (r: Obj): string | undefined => {
  const owner = ((((r.metadata ?? {}) as Obj).ownerReferences ?? []) as Obj[]).find((o) => o.controller === true);
  return owner ? `${String(owner.kind)}/${String(owner.name)}` : undefined;
};

export function checkSelectors(resources: readonly { name: string; resource: Obj }[]): SelectorFinding[] {
  const findings: SelectorFinding[] = [];
  // what a selector matches on, read once per resource (a platform has ~100 selectors and ~100 resources)
  const candidates = resources.map((r) => ({ name: r.name, labels: labelsOf(r.resource), controller: controllerOf(r.resource) }));
  for (const [i, { name, resource }] of resources.entries()) {
    const spec = (resource.spec ?? {}) as Obj;
    for (const s of selectorsIn(spec.forProvider, 'spec.forProvider')) {
      const labels = (s.selector.matchLabels ?? {}) as Record<string, string>;
      const byController = s.selector.matchControllerRef === true;
      if (!byController && labels[LABEL_PLATFORM] === undefined) {
        findings.push({
          resource: name,
          selector: s.path,
          matches: [],
          message: `${name} ${s.path}: matchControllerRef must be true, or matchLabels must name the platform (${LABEL_PLATFORM}); else it would match resources of other platforms`,
        });
        continue;
      }
      const controller = candidates[i]!.controller;
      const wanted = Object.entries(labels);
      const matches = candidates
        .filter((c) => (!byController || c.controller === controller) && wanted.every(([k, v]) => c.labels[k] === v))
        .map((c) => c.name);
      const multi = (MULTI_VALUED[String(resource.kind)] ?? []).includes(s.key);
      if (matches.length === 0 || (!multi && matches.length !== 1)) {
        findings.push({
          resource: name,
          selector: s.path,
          matches,
          message: `${name} ${s.path} (${JSON.stringify(labels)}) matches ${matches.length} composed resources${matches.length ? ` (${matches.join(', ')})` : ''}; it must match ${multi ? 'at least one' : 'exactly one'}`,
        });
      }
    }
  }
  return findings;
}
