/** The API reference (README and chart README), generated from the same schema as the XRD. */
import { API_GROUP_VERSION, KIND } from './constants.js';
import { PLATFORM_TAG_KEYS, parametersSchema, rootValidations, statusSchema, updateValidations } from './payment-platform.js';
import { REGIONS } from './regions.js';
import { walkSchema, type JsonSchema } from './schema.js';

const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function constraints(f: JsonSchema): string {
  const c: string[] = [];
  if (f.enum) c.push(`one of ${f.enum.map((e) => `\`${e}\``).join(', ')}`);
  if (f.minimum !== undefined) c.push(`>= ${f.minimum}`);
  if (f.maximum !== undefined) c.push(`<= ${f.maximum}`);
  if (f.multipleOf !== undefined) c.push(`multiple of ${f.multipleOf}`);
  if (f.minItems !== undefined) c.push(`${f.minItems}..${f.maxItems ?? ''} items`);
  if (f.maxLength !== undefined) c.push(`max ${f.maxLength} chars`);
  if (f.maxProperties !== undefined) c.push(`max ${f.maxProperties} entries`);
  if (f.pattern) c.push(`pattern \`${f.pattern}\``);
  return c.join('; ');
}

const fmtDefault = (v: unknown): string => (v === undefined ? '' : `\`${JSON.stringify(v)}\``);

export function apiReference(): string {
  const rows = ['| Field | Type | Default | Constraints | Description |', '| --- | --- | --- | --- | --- |'];
  walkSchema(parametersSchema, (path, f) => {
    if (!path || path.endsWith('[]') || path.endsWith('.*')) return;
    const type =
      f.type === 'array' ? `${f.items?.type}[]` : f.type === 'object' && f.additionalProperties ? 'map[string]string' : f.type;
    const shownDefault = f.type === 'object' ? '' : fmtDefault(f.default);
    rows.push(
      `| \`spec.parameters.${path}\` | ${type} | ${cell(shownDefault)} | ${cell(constraints(f))} | ${cell(f.description ?? '')} |`,
    );
  });
  const rules: string[] = [];
  walkSchema(parametersSchema, (path, f) => {
    for (const r of f['x-kubernetes-validations'] ?? [])
      rules.push(`- \`${path ? `spec.parameters.${path}` : 'spec.parameters'}\`: ${r.message}`);
  });
  for (const r of rootValidations) rules.push(`- \`metadata.name\`: ${r.message}`);
  for (const r of updateValidations) rules.push(`- \`spec.crossplane.compositionRef\` (on update): ${r.message}`);
  const status = ['| Field | Description |', '| --- | --- |'];
  walkSchema(statusSchema, (path, f) => {
    if (path && !path.endsWith('[]')) status.push(`| \`status.${path}\` | ${cell(f.description ?? '')} |`);
  });
  return [
    `\`apiVersion: ${API_GROUP_VERSION}\`, \`kind: ${KIND}\`, namespaced.`,
    '',
    '### spec.parameters',
    '',
    ...rows,
    '',
    '### Validation rules (CEL, enforced by the API server at admission)',
    '',
    ...rules,
    '',
    '### Regions and availability zones',
    '',
    'The regions `spec.parameters.region` admits, with the zone letters every account has there (the first three are the default `availabilityZones`). Maintained by hand from the AWS documentation (see `src/apis/regions.ts`). Only the commercial partition (`aws`) is admitted: the composed ARNs, service principals and ELB log-delivery accounts are those of that partition, so GovCloud, China and ISO regions are refused rather than composed wrongly; us-west-1 gives most accounts two zones and the platform needs three.',
    '',
    '| Region | Partition | Zones | Default zones |',
    '| --- | --- | --- | --- |',
    ...Object.entries(REGIONS).map(
      ([r, i]) => `| \`${r}\` | ${i.partition} | ${[...i.zones].join(', ')} | ${[...i.zones.slice(0, 3)].join(', ')} |`,
    ),
    '',
    '### Tags: which value wins',
    '',
    `The platform sets ${PLATFORM_TAG_KEYS.map((k) => `\`${k}\``).join(', ')} itself. A claim may use the same keys, but the platform's value wins (function-patch-and-transform merges \`spec.parameters.tags\` with \`MergeObjects\`, which keeps the keys a resource already has, and sets the others after the merge); the offline renderer does the same. A key that differs from one of these only in case is refused, because IAM treats tag keys case-insensitively.`,
    '',
    '### status',
    '',
    ...status,
  ].join('\n');
}
