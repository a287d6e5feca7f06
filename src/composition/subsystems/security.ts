import type { Construct } from 'constructs';
import {
  SecurityGroup,
  SecurityGroupEgressRule,
  SecurityGroupIngressRule,
} from '@crossplane-models/provider-upjet-aws/ec2.aws.m.upbound.io/v1beta1';
import { DEFAULTS } from '../../apis/payment-platform.js';
import { fromXr, selector, toXr } from '../patches.js';
import { BASE_TAGS, Subsystem } from '../subsystem.js';

const R = DEFAULTS.region;

/** One security-group rule: a port from a CIDR or from another group. */
interface RuleSpec {
  readonly name: string;
  readonly group: 'alb' | 'app' | 'db';
  readonly direction: 'ingress' | 'egress';
  readonly port: number;
  readonly description: string;
  readonly cidr?: string;
  readonly peer?: 'alb' | 'app' | 'db';
  /** Take the port from spec.parameters.loadBalancer.targetPort instead. */
  readonly targetPort?: boolean;
}

/**
 * The three layered security groups of the seed design, with exactly its ports (ALB 80/443 from
 * the internet, app 80/8080 from the ALB, MySQL 3306 from the app) and explicit, narrow egress
 * (the provider removes AWS's default allow-all egress): ALB -> app on the target port, app ->
 * HTTPS anywhere (via NAT) and -> MySQL on the DB group; the DB group has no egress at all.
 */
export class Security extends Subsystem {
  static readonly RULES: readonly RuleSpec[] = [
    {
      name: 'alb-in-https',
      group: 'alb',
      direction: 'ingress',
      port: 443,
      cidr: '0.0.0.0/0',
      description: 'HTTPS from the internet',
    },
    {
      name: 'alb-in-http',
      group: 'alb',
      direction: 'ingress',
      port: 80,
      cidr: '0.0.0.0/0',
      description: 'HTTP from the internet (redirected to HTTPS when a certificate is set)',
    },
    {
      name: 'alb-out-app',
      group: 'alb',
      direction: 'egress',
      port: 80,
      peer: 'app',
      targetPort: true,
      description: 'To the application targets',
    },
    { name: 'app-in-http', group: 'app', direction: 'ingress', port: 80, peer: 'alb', description: 'HTTP from the ALB' },
    {
      name: 'app-in-http-alt',
      group: 'app',
      direction: 'ingress',
      port: 8080,
      peer: 'alb',
      description: 'HTTP 8080 from the ALB',
    },
    {
      name: 'app-out-https',
      group: 'app',
      direction: 'egress',
      port: 443,
      cidr: '0.0.0.0/0',
      description: 'HTTPS to AWS APIs and payment processors via NAT',
    },
    { name: 'app-out-mysql', group: 'app', direction: 'egress', port: 3306, peer: 'db', description: 'MySQL to the database' },
    {
      name: 'db-in-mysql',
      group: 'db',
      direction: 'ingress',
      port: 3306,
      peer: 'app',
      description: 'MySQL from the application',
    },
  ];

  constructor(scope: Construct, id = 'security') {
    super(scope, id);
    const groups = {
      alb: 'Application load balancer: HTTP/HTTPS from the internet',
      app: 'Application: HTTP from the load balancer only',
      db: 'Aurora MySQL: 3306 from the application only',
    } as const;
    for (const [group, description] of Object.entries(groups)) {
      this.add(`security-group-${group}`, {
        role: `security-group-${group}`,
        base: new SecurityGroup({
          spec: { forProvider: { region: R, description, vpcIdSelector: selector('vpc'), tags: { ...BASE_TAGS } } },
        }),
        name: { purpose: group, to: 'spec.forProvider.name' },
        patches: group === 'app' ? [toXr('status.atProvider.id', 'status.appSecurityGroupId')] : [],
      });
    }

    for (const rule of Security.RULES) {
      const forProvider = {
        region: R,
        description: rule.description,
        ipProtocol: 'tcp',
        fromPort: rule.port,
        toPort: rule.port,
        securityGroupIdSelector: selector(`security-group-${rule.group}`),
        ...(rule.cidr ? { cidrIpv4: rule.cidr } : {}),
        ...(rule.peer ? { referencedSecurityGroupIdSelector: selector(`security-group-${rule.peer}`) } : {}),
        tags: { ...BASE_TAGS },
      };
      const base =
        rule.direction === 'ingress'
          ? new SecurityGroupIngressRule({ spec: { forProvider } })
          : new SecurityGroupEgressRule({ spec: { forProvider } });
      this.add(`security-group-rule-${rule.name}`, {
        role: `security-group-rule-${rule.name}`,
        base,
        patches: rule.targetPort
          ? [
              fromXr('spec.parameters.loadBalancer.targetPort', 'spec.forProvider.fromPort'),
              fromXr('spec.parameters.loadBalancer.targetPort', 'spec.forProvider.toPort'),
            ]
          : [],
      });
    }
  }
}
