import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collapseByKind, mermaidId, referenceGraph, type ReferenceGraph } from '../../src/cli/diagram.js';
import { architectureDiagram } from '../../src/docs/readme.js';
import { renderSteadyState } from '../../src/render/steady-state.js';
import { synth } from '../../src/synth.js';
import { ROOT, exampleClaims, invalidFixtures, validClaims } from '../helpers.js';
import { cli } from './cli-harness.js';
import { type Obj } from '../../src/apis/obj.js';

/** Node ids declared in a Mermaid flowchart and the ids its edges use. */
function parseMermaid(text: string): { declared: Set<string>; used: Set<string>; subgraphs: number } {
  const declared = new Set<string>();
  const used = new Set<string>();
  let subgraphs = 0;
  let open = 0;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('subgraph ')) {
      subgraphs++;
      open++;
      declared.add(t.slice('subgraph '.length).split('[')[0] ?? '');
    } else if (t === 'end') open--;
    else if (/^[A-Za-z_][A-Za-z0-9_]*\[".*"\]$/.test(t)) declared.add(t.split('[')[0] ?? '');
    else {
      const edge = /^([A-Za-z_][A-Za-z0-9_]*) -->\|[^|]+\| ([A-Za-z_][A-Za-z0-9_]*)$/.exec(t);
      if (edge) {
        used.add(edge[1] ?? '');
        used.add(edge[2] ?? '');
      }
    }
  }
  if (open !== 0) throw new Error('unbalanced subgraph/end');
  return { declared, used, subgraphs };
}

describe.each(validClaims().map((c) => [c.file, c.claim] as const))('diagram -f %s', (file, claim) => {
  test('a Mermaid flowchart: every resource is a node, every edge joins declared nodes', async () => {
    const r = await cli(['diagram', '-f', file]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('flowchart LR\n')).toBe(true);
    const m = parseMermaid(r.stdout);
    const names = renderSteadyState(claim).final.resources.map((x) => mermaidId(x.name));
    expect([...m.declared].filter((d) => !d.startsWith('g_')).sort()).toEqual([...names].sort());
    for (const id of m.used) expect(m.declared.has(id)).toBe(true);
    expect(r.stdout).toContain('internet_gateway -->|vpcId| vpc');
    expect(r.stdout).toContain('db_cluster -->|dbSubnetGroupName| db_subnet_group');
  });

  test('--by kind: a node per kind with counts; json gives nodes and edges', async () => {
    const r = await cli(['diagram', '-f', file, '--by', 'kind']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Subnet\["Subnet x6"\]/);
    expect(r.stdout).toContain('Subnet -->|vpcId| VPC');
    const j = JSON.parse((await cli(['diagram', '-f', file, '--by', 'kind', '-o', 'json'])).stdout) as ReferenceGraph;
    expect(j.nodes.find((n) => n.kind === 'Subnet')?.count).toBe(6);
  });

  test('-o markdown wraps the chart in a mermaid fence', async () => {
    const r = await cli(['diagram', '-f', file, '-o', 'markdown', '--first-reconcile']);
    expect(r.stdout).toMatch(/^```mermaid\nflowchart LR\n[\s\S]*\n```\n$/);
    expect(r.stdout).not.toContain('flow_log[');
  });
});

test('a Usage draws its of/by edges to the resources of the right kind', () => {
  const resources = renderSteadyState(exampleClaims()[0]?.claim).final.resources;
  const g = referenceGraph(resources);
  const usage = resources.find((x) => x.resource.kind === 'Usage');
  if (!usage) return;
  const edges = g.edges
    .filter((e) => e.from === mermaidId(usage.name))
    .map((e) => e.field)
    .sort();
  expect(edges).toEqual(['by', 'of']);
});

test('collapsing merges parallel edges', () => {
  const r = (name: string, kind: string, labels: Obj, spec: Obj = {}) => ({
    name,
    resource: { apiVersion: 'ec2.aws.m.upbound.io/v1beta1', kind, metadata: { labels }, spec: { forProvider: spec } },
  });
  const sel = { vpcIdSelector: { matchControllerRef: true, matchLabels: { role: 'vpc' } } };
  const g = collapseByKind(
    referenceGraph([r('vpc', 'VPC', { role: 'vpc' }), r('a', 'Subnet', {}, sel), r('b', 'Subnet', {}, sel)]),
  );
  expect(g.edges).toEqual([{ from: 'Subnet', to: 'VPC', field: 'vpcId' }]);
  expect(g.nodes.map((n) => [n.id, n.count])).toEqual([
    ['VPC', 1],
    ['Subnet', 2],
  ]);
});

test('mermaid ids are safe', () => {
  expect(mermaidId('db-instance-1')).toBe('db_instance_1');
  expect(mermaidId('end')).toBe('n_end');
  expect(mermaidId('1st')).toBe('n_1st');
});

test('an invalid claim draws nothing and exits 1', async () => {
  const f = invalidFixtures()[0];
  const r = await cli(['diagram', '-f', f?.file ?? '']);
  expect([r.code, r.stdout]).toEqual([1, '']);
});

test("the README's architecture diagram is the one the diagram code draws from the Composition", () => {
  const diagram = architectureDiagram(synth().compositionConstruct);
  const m = parseMermaid(diagram.replace(/^```mermaid\n|\n```$/g, ''));
  expect(m.subgraphs).toBeGreaterThanOrEqual(7);
  for (const id of m.used) expect(m.declared.has(id)).toBe(true);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  expect(readme).toContain(`<!-- generated:diagram -->\n${diagram}\n<!-- /generated:diagram -->`);
});
