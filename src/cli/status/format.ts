/** `status` output: a table and the problems (text), or the view as JSON/YAML. */
import type { Style } from '../io.js';
import { table } from '../output.js';
import { age, type PlatformStatus, type Problem, type Tri } from './model.js';

/** `17/43 ready`. */
export const progressLine = (s: PlatformStatus): string => `${s.readyCount}/${s.total} ready`;

const paint = (style: Style, v: Tri): string => (v === 'True' ? style.green(v) : v === 'False' ? style.red(v) : style.yellow(v));

function problemText(p: Problem, now: number, style: Style): string[] {
  const when = p.since ? `, ${age(p.since, now)} ago` : '';
  const head = `  ${style.bold(p.resource)} (${p.kind} ${p.name}): ${style.red(`${p.condition}${p.condition === 'NotFound' ? '' : '=False'}`)}${p.reason ? ` ${p.reason}` : ''}${when}`;
  const lines = [head];
  if (p.cause !== undefined) lines.push(`    cause:   ${p.cause}`);
  lines.push(`    message: ${p.message}`);
  return lines;
}

/** The human-readable status: header, progress, every resource, every problem (deepest first). */
export function statusText(s: PlatformStatus, now: number, style: Style): string {
  const env = s.environment ? ` (${s.environment})` : '';
  const out = [
    `${style.bold(`PaymentPlatform ${s.namespace}/${s.name}`)}${env}  Ready: ${paint(style, s.ready)}  Synced: ${paint(style, s.synced)}  Age: ${age(s.createdAt, now)}`,
    `${progressLine(s)}${s.isReady ? '' : s.total === 0 ? ' (no composed resources yet)' : ''}`,
    '',
  ];
  if (s.total > 0) {
    out.push(
      table(
        ['RESOURCE', 'KIND', 'NAME', 'READY', 'SYNCED', 'AGE'],
        s.resources.map((r) => [
          r.resource,
          r.kind,
          r.found ? r.name : `${r.name} (not found)`,
          r.isReady && r.ready === '-' ? style.green('yes') : paint(style, r.ready),
          paint(style, r.synced),
          age(r.createdAt, now),
        ]),
      ).trimEnd(),
    );
  }
  if (s.problems.length > 0) {
    out.push('', style.bold(`Problems (${s.problems.length}, deepest cause first):`));
    for (const p of s.problems) out.push(...problemText(p, now, style));
  }
  return `${out.join('\n')}\n`;
}

/** The status as data for `-o json|yaml` (ages computed at `now`). */
export function statusData(s: PlatformStatus, now: number): Record<string, unknown> {
  return {
    apiVersion: 'platform.payments.io/cli/v1',
    kind: 'PaymentPlatformStatus',
    namespace: s.namespace,
    name: s.name,
    ...(s.environment ? { environment: s.environment } : {}),
    ready: s.ready,
    synced: s.synced,
    age: age(s.createdAt, now),
    progress: { ready: s.readyCount, total: s.total },
    resources: s.resources.map((r) => ({
      resource: r.resource,
      apiVersion: r.apiVersion,
      kind: r.kind,
      name: r.name,
      found: r.found,
      ready: r.ready,
      synced: r.synced,
      age: age(r.createdAt, now),
    })),
    problems: s.problems,
  };
}
