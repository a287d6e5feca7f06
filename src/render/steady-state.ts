/**
 * A simulated steady state: what a claim composes once AWS has answered. AWS is not reachable
 * from here, so observed composed resources get placeholder `status.atProvider` values (ids,
 * ARNs, endpoints; account 123456789012) and a Ready condition, the way provider-upjet-aws would
 * report them. Three passes: create, observe (status flows to the PaymentPlatform), then render
 * the resources that waited for that status (bucket policies, flow log, alarms). Used by tests,
 * the PCI evaluation of a claim before it is applied, and the scanner's input.
 */
import { renderClaim } from './claim.js';
import type { ComposedOutput } from './render.js';

type Obj = Record<string, unknown>;

export function fakeAtProvider(r: Obj, seq: () => number): Obj {
  const kind = String(r.kind);
  const md = (r.metadata ?? {}) as Obj;
  const external = ((md.annotations ?? {}) as Record<string, string>)['crossplane.io/external-name'];
  const id = external ?? `${kind.toLowerCase()}-${seq().toString(16).padStart(8, '0')}`;
  const arn = `arn:aws:${String(r.apiVersion).split('.')[0]}:us-east-1:123456789012:${kind.toLowerCase()}/${id}`;
  const base: Obj = { id, arn };
  switch (kind) {
    case 'VPC':
      return { ...base, ownerId: '123456789012' };
    case 'Bucket':
      return { id, arn: `arn:aws:s3:::${id}` };
    case 'LB':
      return { ...base, dnsName: `${id}.us-east-1.elb.amazonaws.com`, arnSuffix: `app/${id}/0123456789abcdef` };
    case 'LBTargetGroup':
      return { ...base, arnSuffix: `targetgroup/${id}/fedcba9876543210` };
    case 'Cluster':
      return {
        ...base,
        endpoint: `${id}.cluster-abc.us-east-1.rds.amazonaws.com`,
        readerEndpoint: `${id}.cluster-ro-abc.us-east-1.rds.amazonaws.com`,
        port: 3306,
        masterUserSecret: [
          { secretArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-${id}`, secretStatus: 'active' },
        ],
      };
    default:
      return base;
  }
}

export function observe(resources: readonly ComposedOutput[]): Record<string, Obj> {
  let n = 0;
  const seq = () => ++n;
  return Object.fromEntries(
    resources.map((c) => {
      const r = JSON.parse(JSON.stringify(c.resource)) as Obj;
      const md = r.metadata as Obj;
      md.name ??= `${String(md.generateName)}${c.name}`;
      r.status = {
        atProvider: fakeAtProvider(r, seq),
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Synced', status: 'True' },
        ],
      };
      return [c.name, r];
    }),
  );
}

export function renderSteadyState(claim: unknown) {
  const first = renderClaim(claim);
  if (first.findings.length > 0) throw new Error(`invalid claim: ${first.findings.map((f) => f.message).join('; ')}`);
  let observed = observe(first.resources);
  const second = renderClaim(claim, { observed });
  const xr = JSON.parse(JSON.stringify(claim)) as Obj;
  xr.status = second.composite.status;
  const third = renderClaim(xr, { observed });
  observed = observe(third.resources);
  const final = renderClaim(xr, { observed });
  return {
    first,
    final,
    xr,
    status: (second.composite.status ?? {}) as Obj,
    byName: new Map(final.resources.map((r) => [r.name, r.resource])),
  };
}
