import yaml from 'js-yaml';
import { renderClaim } from '../../src/render/claim.js';
import { renderSteadyState } from '../../src/render/steady-state.js';
import { exampleClaims, invalidFixtures, validClaims } from '../helpers.js';
import { cli } from './cli-harness.js';
import { type Obj } from '../../src/apis/obj.js';

const nameOf = (r: Obj) => ((r.metadata as Obj).annotations as Obj)['crossplane.io/composition-resource-name'] as string;

describe.each(validClaims().map((c) => [c.file, c.claim] as const))('render -f %s', (file, claim) => {
  test('yaml (default): one document per composed resource, the same as the renderer', async () => {
    const r = await cli(['render', '-f', file]);
    expect(r.code).toBe(0);
    const docs = yaml.loadAll(r.stdout) as Obj[];
    const expected = renderClaim(claim).resources;
    expect(docs.map(nameOf)).toEqual(expected.map((x) => x.name));
    expect(docs).toEqual(expected.map((x) => x.resource));
  });

  test('json: a List; --steady-state adds the resources that wait for outputs', async () => {
    const first = JSON.parse((await cli(['render', '-f', file, '-o', 'json'])).stdout) as { kind: string; items: Obj[] };
    const steady = await cli(['render', '-f', file, '-o', 'json', '--steady-state']);
    expect(steady.code).toBe(0);
    expect(steady.stderr).toContain('SIMULATED');
    const items = (JSON.parse(steady.stdout) as { items: Obj[] }).items;
    expect(first.kind).toBe('List');
    expect(items.map(nameOf)).toEqual(renderSteadyState(claim).final.resources.map((x) => x.name));
    expect(items.length).toBeGreaterThan(first.items.length);
  });

  test('table: a row per resource with kind and AWS name; stderr names the held-back resources', async () => {
    const r = await cli(['render', '-f', file, '-o', 'table']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RESOURCE\s+KIND\s+API VERSION\s+AWS NAME$/);
    expect(lines).toHaveLength(renderClaim(claim).resources.length + 1);
    expect(r.stdout).toMatch(/\nvpc\s+VPC\s+ec2\.aws\.m\.upbound\.io\/v1beta1\s+\S+-vpc\n/);
    expect(r.stderr).toMatch(/more wait for outputs of others \(.*flow-log.*\); --steady-state shows them/);
  });
});

test('render reads standard input with -f -', async () => {
  const { file } = exampleClaims()[0] ?? { file: '' };
  const text = yaml.dump(exampleClaims()[0]?.claim);
  const viaStdin = await cli(['render', '-f', '-'], { stdin: text });
  const viaFile = await cli(['render', '-f', file]);
  expect(viaStdin.code).toBe(0);
  expect(viaStdin.stdout).toBe(viaFile.stdout);
});

test('a file with a Namespace and a claim renders the claim', async () => {
  const claim = exampleClaims()[0]?.claim;
  const r = await cli(['render', '-f', '-', '-o', 'table'], {
    stdin: `apiVersion: v1\nkind: Namespace\nmetadata: {name: team-payments}\n---\n${yaml.dump(claim)}`,
  });
  expect(r.code).toBe(0);
});

describe.each(invalidFixtures().map((c) => [c.file, c.field] as const))('render -f %s (invalid)', (file, field) => {
  test('exits 1, prints nothing on stdout and names the field on stderr', async () => {
    const r = await cli(['render', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('is not a valid PaymentPlatform');
    expect(r.stderr).toContain(field as string);
    expect(r.stderr).toContain(`kubectl payments validate -f ${file}`);
  });
});

describe('render of broken claims written by hand', () => {
  const base = () => JSON.parse(JSON.stringify(exampleClaims()[0]?.claim)) as Obj;
  const params = (c: Obj) => (c.spec as Obj).parameters as Obj;

  test.each([
    ['missing metadata.name', (c: Obj) => delete (c.metadata as Obj).name, 'metadata.name [required]'],
    ['wrong kind', (c: Obj) => (c.kind = 'Platform'), 'kind [kind]'],
    ['wrong type', (c: Obj) => (params(c).database = { instances: 'two' }), 'spec.parameters.database.instances [type]'],
    [
      'out of bounds',
      (c: Obj) => (params(c).monitoring = { evaluationPeriods: 99 }),
      'spec.parameters.monitoring.evaluationPeriods [maximum]',
    ],
    ['unknown key', (c: Obj) => (params(c).colour = 'blue'), 'spec.parameters.colour [unknown-field]'],
    ['unknown top-level key', (c: Obj) => (c.extra = 1), 'extra [unknown-field]'],
  ])('%s', async (_what, mutate, expected) => {
    const c = base();
    mutate(c);
    const r = await cli(['render', '-f', '-'], { stdin: yaml.dump(c) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(expected);
  });
});
