import type { Construct } from 'constructs';
import { Usage } from '@crossplane-models/crossplane/protection.crossplane.io/v1beta1';
import { selector } from '../patches.js';
import { Subsystem, type ComposedResource } from '../subsystem.js';

interface UsageSpec {
  /** Composition resource name of the resource in use. */
  readonly of: string;
  /** Composition resource name of the user. */
  readonly by: string;
  readonly reason: string;
}

/**
 * Deletion order (PCI 12.10, resilience): Crossplane `Usage`s keep a resource until the ones that
 * use it are gone, so deleting a platform does not race AWS (a subnet or security group still
 * holding the database's or the load balancer's network interfaces cannot be deleted, and the
 * flow log must stop before its bucket goes).
 */
export class Protection extends Subsystem {
  static readonly USAGES: readonly UsageSpec[] = [
    { of: 'subnet-private-az1', by: 'db-cluster', reason: 'Aurora network interfaces live in the private subnets' },
    { of: 'subnet-private-az2', by: 'db-cluster', reason: 'Aurora network interfaces live in the private subnets' },
    { of: 'subnet-private-az3', by: 'db-cluster', reason: 'Aurora network interfaces live in the private subnets' },
    { of: 'security-group-db', by: 'db-cluster', reason: 'the database security group is attached to Aurora' },
    { of: 'kms-key-data', by: 'db-cluster', reason: 'the data key encrypts Aurora storage and its secret' },
    { of: 'subnet-public-az1', by: 'load-balancer', reason: 'ALB network interfaces live in the public subnets' },
    { of: 'subnet-public-az2', by: 'load-balancer', reason: 'ALB network interfaces live in the public subnets' },
    { of: 'subnet-public-az3', by: 'load-balancer', reason: 'ALB network interfaces live in the public subnets' },
    { of: 'security-group-alb', by: 'load-balancer', reason: 'the ALB security group is attached to the ALB' },
    { of: 'bucket-flow-logs', by: 'flow-log', reason: 'the flow log delivers into the bucket' },
  ];

  constructor(scope: Construct, composed: readonly ComposedResource[], id = 'protection') {
    super(scope, id);
    const byName = new Map(composed.map((r) => [r.name, r]));
    const ref = (name: string) => {
      const r = byName.get(name);
      if (!r) throw new Error(`Usage refers to '${name}', which is not a composed resource`);
      const zone = r.props.zone;
      return { apiVersion: String(r.base.apiVersion), kind: String(r.base.kind), resourceSelector: selector(r.props.role, zone) };
    };
    for (const u of Protection.USAGES) {
      this.add(`usage-${u.by}-${u.of}`, {
        role: `usage-${u.by}`,
        managed: false,
        // A Usage is ready as soon as it exists; it protects, it does not provision.
        readinessChecks: [{ type: 'None' }],
        base: new Usage({ spec: { of: ref(u.of), by: ref(u.by), reason: u.reason, replayDeletion: true } }),
      });
    }
  }
}
