/**
 * PCI-DSS evidence as an assessor reads it: per requirement, each control with the resource and
 * field that meets it and the value found, in Markdown or JSON.
 */
import type { ControlResult } from '../policy/types.js';

/** One control on one resource. */
export interface EvidenceRow {
  readonly control: string;
  readonly title: string;
  /** Composition resource name; null when no resource of the kind exists. */
  readonly resource: string | null;
  readonly kind: string;
  readonly field: string;
  readonly expected: string;
  readonly value: unknown;
  readonly pass: boolean;
  /** false when the environment relaxes the control (reported, not failed). */
  readonly required: boolean;
  readonly securityHub: readonly string[];
  readonly checkov: readonly string[];
}

export interface RequirementEvidence {
  /** PCI DSS v4.0.1 requirement number (`1.3.1`). */
  readonly requirement: string;
  /** Every required row passes. */
  readonly pass: boolean;
  readonly rows: EvidenceRow[];
}

export interface EvidenceReport {
  readonly standard: 'PCI DSS v4.0.1';
  readonly platform: { readonly namespace: string; readonly name: string };
  readonly environment: string;
  readonly source: { readonly mode: 'live' | 'simulation'; readonly description: string };
  readonly generatedAt: string;
  readonly summary: { readonly checks: number; readonly passed: number; readonly failed: number; readonly relaxed: number };
  readonly requirements: RequirementEvidence[];
}

/** Orders `1.2.1` < `1.3.1` < `10.5.1` (numerically per part). */
export function compareRequirements(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return a.localeCompare(b);
}

/** Groups control results by PCI requirement (a control listing two requirements is in both). */
export function buildEvidence(
  results: readonly ControlResult[],
  meta: Pick<EvidenceReport, 'platform' | 'environment' | 'source' | 'generatedAt'>,
): EvidenceReport {
  const byReq = new Map<string, EvidenceRow[]>();
  for (const r of results) {
    const row: EvidenceRow = {
      control: r.control.id,
      title: r.control.title,
      resource: r.resource ?? null,
      kind: r.control.kind,
      field: r.field,
      expected: r.control.expected,
      value: r.actual === undefined ? null : r.actual,
      pass: r.pass,
      required: r.required,
      securityHub: r.control.securityHub,
      checkov: r.control.checkov,
    };
    for (const req of r.control.pci) byReq.set(req, [...(byReq.get(req) ?? []), row]);
  }
  const requirements = [...byReq.entries()]
    .sort(([a], [b]) => compareRequirements(a, b))
    .map(([requirement, rows]) => ({ requirement, rows, pass: rows.every((x) => x.pass || !x.required) }));
  return {
    standard: 'PCI DSS v4.0.1',
    ...meta,
    summary: {
      checks: results.length,
      passed: results.filter((r) => r.pass).length,
      failed: results.filter((r) => !r.pass && r.required).length,
      relaxed: results.filter((r) => !r.pass && !r.required).length,
    },
    requirements,
  };
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A value for a Markdown cell: JSON, shortened to `max` characters (the JSON report has it whole). */
export function shortValue(v: unknown, max = 100): string {
  const text = v === null || v === undefined ? '(not set)' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const verdict = (row: EvidenceRow): string => (row.pass ? 'pass' : row.required ? '**FAIL**' : 'relaxed');

/** The report as Markdown: a summary, a table of requirements, then one table per requirement. */
export function evidenceMarkdown(r: EvidenceReport): string {
  const s = r.summary;
  const out = [
    `# ${r.standard} evidence: PaymentPlatform ${r.platform.namespace}/${r.platform.name}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Environment | ${r.environment} |`,
    `| Source | ${cell(r.source.description)} |`,
    `| Generated | ${r.generatedAt} |`,
    `| Result | ${s.passed} of ${s.checks} checks pass, ${s.failed} fail, ${s.relaxed} relaxed in ${r.environment} |`,
    '',
  ];
  if (r.source.mode === 'simulation')
    out.push(
      '> This is a SIMULATION: the resources were rendered offline and AWS status values are placeholders.',
      '> It shows what the configuration enforces, not the state of an AWS account.',
      '',
    );
  out.push('## Requirements', '', '| Requirement | Controls | Result |', '| --- | --- | --- |');
  for (const q of r.requirements)
    out.push(
      `| [${q.requirement}](#requirement-${q.requirement.replace(/\./g, '')}) | ${[...new Set(q.rows.map((x) => x.control))].join(', ')} | ${q.pass ? 'pass' : '**FAIL**'} |`,
    );
  for (const q of r.requirements) {
    out.push(
      '',
      `## Requirement ${q.requirement}`,
      '',
      '| Control | Resource | Field | Value | Expected | Result | Security Hub / checkov |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const x of q.rows)
      out.push(
        `| ${cell(`${x.control}: ${x.title}`)} | ${x.resource === null ? `(no ${x.kind})` : `${x.resource} (${x.kind})`} | \`${cell(x.field)}\` | \`${cell(shortValue(x.value))}\` | ${cell(x.expected)} | ${verdict(x)} | ${cell([...x.securityHub, ...x.checkov].join(', ') || '-')} |`,
      );
  }
  return `${out.join('\n')}\n`;
}
