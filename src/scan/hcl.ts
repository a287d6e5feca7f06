/**
 * Terraform JSON rendered as native HCL. checkov's `terraform` framework reads only `.tf` files
 * from a directory (its parser skips `.tf.json`, "TODO: add support for .tf.json" in checkov 3.x,
 * and the separate `terraform_json` framework names resources `resource.<name>` in Python
 * checks), so the scanner writes the same configuration in both syntaxes and scans the HCL.
 *
 * The mapping is the one Terraform defines for its JSON syntax: an array of objects is a sequence
 * of nested blocks, any other value is an argument expression; strings are templates in both
 * syntaxes, so `${aws_vpc.vpc.id}` stays a reference and an escaped `$${` stays a literal.
 */
import type { TerraformDocument, TfBody, TfValue } from './terraform.js';

const isBlockList = (v: TfValue): v is TfBody[] =>
  Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e));

/** A quoted HCL template string with the given (template) content. */
export function hclString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function expression(v: TfValue, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return hclString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((e) => `${inner}${expression(e, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, e]) => `${inner}${hclString(k)} = ${expression(e, inner)}`).join('\n')}\n${indent}}`;
}

function body(b: TfBody, indent: string): string[] {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(b)) {
    if (isBlockList(v)) {
      for (const block of v) lines.push(`${indent}${k} {`, ...body(block, `${indent}  `), `${indent}}`);
    } else {
      lines.push(`${indent}${k} = ${expression(v, indent)}`);
    }
  }
  return lines;
}

/** The `resource` blocks of a Terraform JSON document as HCL text (one `.tf` file). */
export function toHcl(doc: TerraformDocument): string {
  const out: string[] = [];
  for (const [type, byName] of Object.entries(doc.resource)) {
    for (const [name, b] of Object.entries(byName)) {
      out.push(`resource ${hclString(type)} ${hclString(name)} {`, ...body(b, '  '), '}', '');
    }
  }
  return out.join('\n');
}
