import yaml from 'js-yaml';
import { PLURAL, API_GROUP } from '../../src/apis/constants.js';
import { invalidFixtures, validClaims } from '../helpers.js';
import { dumpAll, ensureNamespace, installXrdCrd, kubectl, kubectlOk } from './cluster.js';
import { type Obj } from '../../src/apis/obj.js';

describe('claims judged by the real API server (structural schema + CEL)', () => {
  beforeAll(() => {
    const crd = yaml.load(installXrdCrd()) as Obj;
    expect(crd.kind).toBe('CustomResourceDefinition');
    for (const c of [...validClaims(), ...invalidFixtures()]) ensureNamespace(String((c.claim.metadata as Obj).namespace));
  });

  test('the converted CRD keeps the root-level and nested CEL rules', () => {
    const crd = JSON.parse(kubectlOk(['get', 'crd', `${PLURAL}.${API_GROUP}`, '-o', 'json'])) as Obj;
    const text = JSON.stringify(crd);
    expect(text).toContain('metadata.name must be at most 23 characters');
    expect(text).toContain('certificateArn is required in production');
  });

  test.each(validClaims().map((c) => [c.file, c.claim] as const))('%s is accepted', (_f, claim) => {
    const r = kubectl(['apply', '--validate=strict', '-f', '-'], dumpAll([claim]));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test.each(invalidFixtures().map((c) => [c.file, c.claim, c.field] as const))(
    '%s is rejected, naming its field, and no CEL rule fails to evaluate',
    (_f, claim, field) => {
      const r = kubectl(['apply', '--validate=strict', '--dry-run=server', '-f', '-'], dumpAll([claim]));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(field as string);
      // A rule that cannot evaluate (a value cut at offsets or split where its pattern already
      // failed) adds "(error: ... index out of range ...)" to the server's answer.
      expect(r.stderr).not.toMatch(/\(error: |out of range|out of bounds|type error/);
    },
  );

  test('defaults are applied by the server', () => {
    const name = String((validClaims()[0].claim.metadata as Obj).name);
    const ns = String((validClaims()[0].claim.metadata as Obj).namespace);
    const got = JSON.parse(kubectlOk(['get', PLURAL, name, '-n', ns, '-o', 'json'])) as { spec: { parameters: Obj } };
    expect(got.spec.parameters).toMatchObject({ region: 'us-east-1', database: { backupRetentionDays: 35, instances: 2 } });
  });
});
