/**
 * The README's compliance table (generated from src/policy) names checkov ids for each control;
 * this test makes the table and the external judge agree: every id a control names is one that
 * checkov really evaluates on the production example, and it does not fail there (or it is a
 * documented exception).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { CONTROLS } from '../../src/policy/controls.js';
import { claimToTerraform, scanTerraform } from '../../src/scan/scan.js';
import { ROOT } from '../helpers.js';

const TIMEOUT = 10 * 60 * 1000;

describe('the compliance table matches what the scan checks', () => {
  let evaluated = new Map<string, 'passed' | 'failed'>();
  beforeAll(() => {
    const checkov = execFileSync(join(ROOT, 'scripts', 'scan.sh'), ['checkov'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop() as string;
    const claim = yaml.load(readFileSync(join(ROOT, 'examples/claims/production.yaml'), 'utf8'));
    const report = scanTerraform(checkov, claimToTerraform(claim), mkdtempSync(join(tmpdir(), 'pp-scan-controls-')));
    evaluated = new Map([...report.passed.map((r) => [r.checkId, 'passed'] as const)]);
    for (const r of report.failed) evaluated.set(r.checkId, 'failed');
  }, TIMEOUT);

  test.each(CONTROLS.filter((c) => c.checkov.length > 0).map((c) => [c.id, c.checkov] as const))('%s: %j', (_id, ids) => {
    const excepted = new Set(
      (
        (yaml.load(readFileSync(join(ROOT, 'scan/exceptions.yaml'), 'utf8')) as { exceptions: { check: string }[] }).exceptions ??
        []
      ).map((e) => e.check),
    );
    for (const id of ids) {
      expect([id, evaluated.has(id) ? 'evaluated' : 'never evaluated by checkov']).toEqual([id, 'evaluated']);
      if (evaluated.get(id) === 'failed') expect([id, excepted.has(id)]).toEqual([id, true]);
    }
  });
});
