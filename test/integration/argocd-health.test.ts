import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ROOT } from '../helpers.js';
import { run } from '../support/tools.js';

/** JSON -> Lua table literal, so the check sees `obj` as Argo CD's gopher-lua would. */
function lua(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `{${v.map(lua).join(', ')}}`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `[${JSON.stringify(k)}] = ${lua(x)}`)
    .join(', ')}}`;
}

const script = readFileSync(join(ROOT, 'examples/argocd/health-paymentplatform.lua'), 'utf8');

function health(obj: unknown): { status: string; message: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pp-lua-'));
  const file = join(dir, 'check.lua');
  writeFileSync(
    file,
    `local function check(obj)\n${script}\nend\nlocal hs = check(${lua(obj)})\nio.write(hs.status, "\\t", hs.message)\n`,
  );
  const r = run('lua5.1', [file]);
  if (r.code !== 0) throw new Error(`lua5.1 failed (${r.code}): ${r.stderr}`);
  const [status, message] = r.stdout.split('\t');
  return { status, message };
}

const cond = (type: string, status: string, message?: string) => ({ type, status, ...(message ? { message } : {}) });

describe('the Argo CD health check, run by a real Lua 5.1 interpreter', () => {
  test('Synced and Ready is Healthy', () => {
    expect(
      health({ status: { albDnsName: 'x.elb.amazonaws.com', conditions: [cond('Synced', 'True'), cond('Ready', 'True')] } }),
    ).toEqual({
      status: 'Healthy',
      message: 'Synced and Ready: x.elb.amazonaws.com',
    });
  });
  test('Synced but not Ready is Progressing with the reason', () => {
    expect(
      health({ status: { conditions: [cond('Synced', 'True'), cond('Ready', 'False', 'Unready resources: db-cluster')] } }),
    ).toEqual({
      status: 'Progressing',
      message: 'Ready=False: Unready resources: db-cluster',
    });
  });
  test('not Synced is Degraded, even if Ready', () => {
    expect(health({ status: { conditions: [cond('Synced', 'False', 'cannot compose'), cond('Ready', 'True')] } }).status).toBe(
      'Degraded',
    );
  });
  test('no status yet is Progressing', () => {
    expect(health({ metadata: { name: 'p' } }).status).toBe('Progressing');
  });
  test('argocd-cm carries the same Lua as the .lua file', () => {
    const cm = yaml.load(readFileSync(join(ROOT, 'examples/argocd/argocd-cm-health.yaml'), 'utf8')) as {
      data: Record<string, string>;
    };
    expect(cm.data['resource.customizations.health.platform.payments.io_PaymentPlatform']).toBe(script);
  });
});
