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

test('every Usage draws its of/by edges to the resources it protects and is used by', () => {
  const minimal = exampleClaims().find((c) => c.file.endsWith('minimal.yaml'))?.claim;
  const g = referenceGraph(renderSteadyState(minimal).final.resources);
  const usageEdges = g.edges
    .filter((e) => e.from.startsWith('usage_'))
    .map((e) => `${e.from} -${e.field}-> ${e.to}`)
    .sort();
  // the Usages of the Composition: usage-<by>-<of>
  const usages: [string, string, string][] = [
    ['usage_db_cluster_kms_key_data', 'kms_key_data', 'db_cluster'],
    ['usage_db_cluster_security_group_db', 'security_group_db', 'db_cluster'],
    ['usage_db_cluster_subnet_private_az1', 'subnet_private_az1', 'db_cluster'],
    ['usage_db_cluster_subnet_private_az2', 'subnet_private_az2', 'db_cluster'],
    ['usage_db_cluster_subnet_private_az3', 'subnet_private_az3', 'db_cluster'],
    ['usage_flow_log_bucket_flow_logs', 'bucket_flow_logs', 'flow_log'],
    ['usage_load_balancer_security_group_alb', 'security_group_alb', 'load_balancer'],
    ['usage_load_balancer_subnet_public_az1', 'subnet_public_az1', 'load_balancer'],
    ['usage_load_balancer_subnet_public_az2', 'subnet_public_az2', 'load_balancer'],
    ['usage_load_balancer_subnet_public_az3', 'subnet_public_az3', 'load_balancer'],
  ];
  expect(usageEdges).toEqual(usages.flatMap(([u, of, by]) => [`${u} -by-> ${by}`, `${u} -of-> ${of}`]).sort());
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
