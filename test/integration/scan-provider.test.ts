/**
 * The scanner's tables (src/scan/kinds.ts, src/scan/terraform.ts) against the source of the
 * provider-upjet-aws release the chart installs (PROVIDER_AWS_VERSION, as a Go module):
 * each kind's Terraform type and naming argument, each selector's target field and extracted
 * attribute, and every converted claim against the provider's Terraform schema (config/schema.json);
 * and the diff's replacement table (src/diff/replacement.ts) against the provider's argument docs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVIDER_AWS_VERSION } from '../../src/apis/constants.js';
import { AWS_KINDS, type KindMapping } from '../../src/scan/kinds.js';
import { claimToTerraform } from '../../src/scan/scan.js';
import { LIST_SELECTORS, referenceAttribute, type TfBody, type TfValue } from '../../src/scan/terraform.js';
import { validClaims } from '../helpers.js';
import { isObj } from '../../src/apis/obj.js';
import { FORCE_NEW } from '../../src/diff/replacement.js';
import yaml from 'js-yaml';

const MODULE = 'github.com/upbound/provider-aws/v2';

/**
 * The source of the provider release the chart installs (PROVIDER_AWS_VERSION), from the Go module
 * cache (downloaded, and checked against the Go checksum database, if missing).
 */
function providerDir(): string {
  const version = PROVIDER_AWS_VERSION;
  let out: string;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', `${MODULE}@${version}`], {
      cwd: tmpdir(), // outside any module: only the module cache is touched
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    throw new Error(
      `cannot download ${MODULE}@${version} with the Go toolchain (README: Go 1.26 is a development requirement): ${(e as Error).message}`,
      { cause: e },
    );
  }
  const dir = (JSON.parse(out) as { Dir?: string }).Dir;
  if (!dir || !existsSync(dir)) throw new Error(`go mod download gave no directory for ${MODULE}@${version}: ${out}`);
  return dir;
}

interface GoField {
  readonly goName: string;
  readonly goType: string;
  readonly json: string;
  readonly tf: string | undefined;
  readonly comments: readonly string[];
}

/** The structs of a generated types file: name -> fields (with the comment lines above each). */
function goStructs(file: string): Map<string, GoField[]> {
  const text = readFileSync(file, 'utf8');
  const structs = new Map<string, GoField[]>();
  for (const m of text.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
    const fields: GoField[] = [];
    let comments: string[] = [];
    for (const line of (m[2] as string).split('\n')) {
      const t = line.trim();
      if (t.startsWith('//')) {
        comments.push(t.replace(/^\/\/\s?/, ''));
        continue;
      }
      const f = /^(\w+)\s+(\S+)\s+`json:"([^",]*)[^"]*"(?:\s+tf:"([^",]*)[^"]*")?/.exec(t);
      if (f) fields.push({ goName: f[1] as string, goType: f[2] as string, json: f[3] as string, tf: f[4], comments });
      comments = [];
    }
    structs.set(m[1] as string, fields);
  }
  return structs;
}

const dir = providerDir();
const apis = join(dir, 'apis', 'namespaced');
const kinds = Object.entries(AWS_KINDS).map(([key, mapping]) => {
  const [group, kind] = key.split('/') as [string, string];
  const svc = group.split('.')[0] as string;
  return { key, kind, svc, mapping, base: join(apis, svc, 'v1beta1', `zz_${kind.toLowerCase()}`) };
});

describe('the kind table agrees with the pinned provider', () => {
  test.each(kinds.map((k) => [k.key, k] as const))('%s', (_key, k) => {
    const terraformed = readFileSync(`${k.base}_terraformed.go`, 'utf8');
    const type = new RegExp(`func \\(mg \\*${k.kind}\\) GetTerraformResourceType\\(\\) string \\{\\s*return "([a-z0-9_]+)"`).exec(
      terraformed,
    )?.[1];
    expect(type).toBe(k.mapping.type);
  });

  test('naming arguments follow the provider external-name configuration', () => {
    const config = readFileSync(join(dir, 'config', 'externalname.go'), 'utf8');
    const expected = (type: string): KindMapping['name'] | 'unknown' => {
      const line = new RegExp(`^\\s*"${type}":\\s*(.+),\\s*$`, 'm').exec(config)?.[1];
      if (!line) return 'unknown';
      const param = /ParameterAsIdentifier\("([a-z_]+)"\)/.exec(line)?.[1];
      if (param) return { argument: param };
      if (line === 'config.NameAsIdentifier' || /TemplatedStringAsIdentifier\("name",/.test(line)) return { argument: 'name' };
      if (line === 'kmsAlias()') return { argument: 'name', prefix: 'alias/' };
      return undefined; // IdentifierFromProvider and formatted ids: the external name is not an argument
    };
    const got = Object.fromEntries(kinds.map((k) => [k.mapping.type, k.mapping.name]));
    const want = Object.fromEntries(kinds.map((k) => [k.mapping.type, expected(k.mapping.type)]));
    expect(got).toEqual(want);
  });

  test('every selector fills the field and reads the attribute the provider uses', () => {
    const byGroupKind = new Map(kinds.map((k) => [`${k.svc}/${k.kind}`, k.mapping]));
    const problems: string[] = [];
    let checked = 0;
    for (const k of kinds) {
      for (const [structName, fields] of goStructs(`${k.base}_types.go`)) {
        if (!structName.endsWith('Parameters') || structName.endsWith('InitParameters')) continue;
        for (const sel of fields.filter((f) => f.json.endsWith('Selector') && f.goType.includes('NamespacedSelector'))) {
          const c = sel.comments.join(' ');
          const m = /Selector for an? (list of )?(\w+) in (\w+) to populate (\w+)\./.exec(c);
          if (!m) {
            problems.push(`${k.kind}.${sel.json}: no "Selector for ..." comment in ${structName}: ${c}`);
            continue;
          }
          const [, list, targetKind, targetSvc, populates] = m as unknown as [string, string | undefined, string, string, string];
          const target = fields.find((f) => f.json === populates);
          if (!target) {
            problems.push(`${k.kind}.${sel.json}: populates ${populates}, not in ${structName}`);
            continue;
          }
          checked++;
          const listField = LIST_SELECTORS[`${k.kind}.${sel.json}`];
          if (list && listField !== populates)
            problems.push(`${k.kind}.${sel.json} fills the list ${populates}: LIST_SELECTORS has ${listField}`);
          if (!list && (listField !== undefined || sel.json !== `${populates}Selector`)) {
            problems.push(`${k.kind}.${sel.json} fills the single value ${populates}`);
          }
          const extractor = target.comments.find((x) => x.startsWith('+crossplane:generate:reference:extractor='));
          const targetMapping = byGroupKind.get(`${targetSvc}/${targetKind}`);
          const externalName = targetMapping?.externalNameAttribute ?? 'id';
          const want = !extractor
            ? externalName
            : /ARNExtractor\(\)/.test(extractor)
              ? 'arn'
              : /ExtractResourceID\(\)/.test(extractor)
                ? externalName
                : (/ExtractParamPath\("([a-z_]+)"/.exec(extractor)?.[1] ?? `unknown extractor ${extractor}`);
          const got = referenceAttribute(k.kind, populates, targetMapping);
          // aws_lb, aws_lb_target_group, aws_lb_listener: the Terraform id is the ARN.
          const same =
            got === want ||
            (want === 'id' && got === 'arn' && /^aws_lb(_target_group|_listener)?$/.test(targetMapping?.type ?? ''));
          if (!same)
            problems.push(
              `${k.kind}.${populates} (from ${targetSvc}.${targetKind}): reads ${got}, the provider extracts ${want}`,
            );
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });
});

interface TfBlock {
  attributes?: Record<string, { type: unknown }>;
  block_types?: Record<string, { nesting_mode: string; block: TfBlock; max_items?: number }>;
}

describe('converted claims are valid Terraform for the pinned provider', () => {
  const schema = JSON.parse(readFileSync(join(dir, 'config', 'schema.json'), 'utf8')) as {
    provider_schemas: Record<string, { resource_schemas: Record<string, { block: TfBlock }> }>;
  };
  const resources = (Object.values(schema.provider_schemas)[0] as { resource_schemas: Record<string, { block: TfBlock }> })
    .resource_schemas;

  function checkBody(body: TfBody, block: TfBlock, path: string, problems: string[], refs: string[]): void {
    for (const [arg, value] of Object.entries(body)) {
      const attr = block.attributes?.[arg];
      const nested = block.block_types?.[arg];
      if (attr) {
        const t = attr.type;
        const kind = Array.isArray(t) ? (t[0] as string) : (t as string);
        const ok =
          kind === 'map' || kind === 'object'
            ? isObj(value)
            : kind === 'list' || kind === 'set'
              ? Array.isArray(value)
              : !isObj(value) && !Array.isArray(value);
        if (!ok)
          problems.push(
            `${path}.${arg}: ${JSON.stringify(value).slice(0, 80)} does not fit the attribute type ${JSON.stringify(t)}`,
          );
      } else if (nested) {
        if (!Array.isArray(value) || !value.every(isObj)) {
          problems.push(`${path}.${arg}: a block must be a list of objects`);
          continue;
        }
        if (nested.nesting_mode === 'single' || nested.max_items === 1) {
          if (value.length > 1) problems.push(`${path}.${arg}: at most one block`);
        }
        value.forEach((v, i) => checkBody(v as TfBody, nested.block, `${path}.${arg}[${i}]`, problems, refs));
      } else {
        problems.push(`${path}.${arg}: not an argument or block of the resource`);
      }
      collectRefs(value, refs);
    }
  }

  function collectRefs(v: TfValue, refs: string[]): void {
    if (typeof v === 'string') for (const m of v.matchAll(/(?<!\$)\$\{([^}]*)\}/g)) refs.push(m[1] as string);
    else if (Array.isArray(v)) v.forEach((e) => collectRefs(e, refs));
    else if (isObj(v)) Object.values(v).forEach((e) => collectRefs(e as TfValue, refs));
  }

  test.each(validClaims().map((c) => [c.file, c.claim] as const))('%s', (_file, claim) => {
    const { document } = claimToTerraform(claim);
    const problems: string[] = [];
    const refs: string[] = [];
    for (const [type, byName] of Object.entries(document.resource)) {
      const s = resources[type];
      if (!s) {
        problems.push(`${type}: not a resource of the provider`);
        continue;
      }
      for (const [name, body] of Object.entries(byName)) checkBody(body, s.block, `${type}.${name}`, problems, refs);
    }
    for (const ref of refs) {
      const [type, name, attr] = ref.split('.') as [string, string, string];
      if (!document.resource[type]?.[name]) problems.push(`reference ${ref}: no such resource`);
      else if (!resources[type]?.block.attributes?.[attr]) problems.push(`reference ${ref}: ${type} has no attribute ${attr}`);
    }
    expect(problems).toEqual([]);
    expect(refs.length).toBeGreaterThan(20);
  });
});

describe('the replacement table (src/diff/replacement.ts) agrees with the pinned provider', () => {
  /** The argument docs of every Terraform resource type, as the provider release carries them. */
  const metadata = yaml.load(readFileSync(join(dir, 'config', 'provider-metadata.yaml'), 'utf8')) as {
    resources: Record<string, { argumentDocs?: Record<string, unknown> }>;
  };
  const FORCES_NEW = /forces? (a )?new resource/i;

  test('every row is a kind of the kind table', () => {
    expect(Object.keys(FORCE_NEW).filter((key) => !(key in AWS_KINDS))).toEqual([]);
  });

  test.each(kinds.map((k) => [k.key, k] as const))('%s', (_key, k) => {
    // The spec.forProvider struct: the one <Kind>Spec names (VPCParameters_2 where the name is taken).
    const types = `${k.base}_types.go`;
    const forProvider = new RegExp(`^type ${k.kind}Spec struct \\{[\\s\\S]*?ForProvider\\s+(\\w+)`, 'm').exec(
      readFileSync(types, 'utf8'),
    )?.[1];
    const params = goStructs(types).get(forProvider ?? '') ?? [];
    expect(params.length).toBeGreaterThan(0);
    const docs = metadata.resources[k.mapping.type]?.argumentDocs ?? {};
    // Top-level spec.forProvider fields whose Terraform argument is documented as forcing a new resource.
    const documented = params.filter((f) => f.tf !== undefined && FORCES_NEW.test(String(docs[f.tf] ?? ''))).map((f) => f.json);
    const rows = Object.entries(FORCE_NEW[k.key] ?? {});
    expect(
      rows
        .filter(([, source]) => source === 'provider-docs')
        .map(([field]) => field)
        .sort(),
    ).toEqual([...new Set(documented)].sort());
    // The hand-kept rows name real fields, and none of them is one the docs already cover.
    const schemaRows = rows.filter(([, source]) => source === 'terraform-schema').map(([field]) => field);
    expect(schemaRows.filter((f) => !params.some((p) => p.json === f))).toEqual([]);
    expect(schemaRows.filter((f) => documented.includes(f))).toEqual([]);
  });
});
