import type { Construct } from 'constructs';
import { LB, LBListener, LBTargetGroup } from '@crossplane-models/provider-upjet-aws/elbv2.aws.m.upbound.io/v1beta1';
import { Group } from '@crossplane-models/provider-upjet-aws/cloudwatchlogs.aws.m.upbound.io/v1beta1';
import {
  WebACL,
  WebACLAssociation,
  WebACLLoggingConfiguration,
} from '@crossplane-models/provider-upjet-aws/wafv2.aws.m.upbound.io/v1beta1';
import { DEFAULTS } from '../../apis/payment-platform.js';
import { fromXr, selector, toXr, transform } from '../patches.js';
import { BASE_TAGS, Subsystem } from '../subsystem.js';
import { HAS_CERTIFICATE, IS_PRODUCTION, NO_CERTIFICATE } from '../zones.js';

const R = DEFAULTS.region;

/** AWS managed rule groups of the web ACL (PCI 6.4.2): common exploits, known bad inputs (Log4j), SQL injection, IP reputation, anonymizing proxies. */
export const WAF_MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesAnonymousIpList',
] as const;

const wafRules = () =>
  JSON.stringify(
    WAF_MANAGED_RULE_GROUPS.map((name, i) => ({
      Name: name,
      Priority: i + 1,
      OverrideAction: { None: {} },
      Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } },
      VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: name },
    })),
  );

/**
 * The internet-facing Application Load Balancer on the public subnets, an `ip` target group with
 * the `/health` check, and its listeners: with a certificate, HTTPS on 443 (TLS 1.3 policy) and a
 * 301 redirect on 80; without one (development only), a plain HTTP forward on 80.
 */
export class Edge extends Subsystem {
  constructor(scope: Construct, id = 'edge') {
    super(scope, id);

    this.add('load-balancer', {
      role: 'load-balancer',
      base: new LB({
        spec: {
          forProvider: {
            region: R,
            loadBalancerType: 'application',
            internal: false,
            ipAddressType: 'ipv4',
            subnetSelector: selector('subnet-public'),
            securityGroupSelector: selector('security-group-alb'),
            dropInvalidHeaderFields: true,
            desyncMitigationMode: 'defensive',
            enableHttp2: true,
            idleTimeout: 60,
            enableDeletionProtection: false,
            accessLogs: { enabled: true, prefix: 'alb', bucketSelector: selector('bucket-access-logs') },
            tags: { ...BASE_TAGS },
          },
        },
      }),
      name: { purpose: '', to: 'spec.forProvider.name' },
      patches: [
        fromXr('spec.parameters.environment', 'spec.forProvider.enableDeletionProtection', [
          transform.map({ development: false, staging: false, production: true }),
        ]),
        toXr('status.atProvider.dnsName', 'status.albDnsName'),
        toXr('status.atProvider.arn', 'status.albArn'),
        toXr('status.atProvider.arnSuffix', 'status.albArnSuffix'),
      ],
    });

    this.add('target-group', {
      role: 'target-group',
      base: new LBTargetGroup({
        spec: {
          forProvider: {
            region: R,
            targetType: 'ip',
            protocol: 'HTTP',
            port: DEFAULTS.targetPort,
            vpcIdSelector: selector('vpc'),
            deregistrationDelay: '30',
            healthCheck: {
              enabled: true,
              protocol: 'HTTP',
              path: DEFAULTS.healthCheckPath,
              port: 'traffic-port',
              matcher: '200-399',
              interval: 30,
              timeout: 5,
              healthyThreshold: 2,
              unhealthyThreshold: 3,
            },
            tags: { ...BASE_TAGS },
          },
        },
      }),
      name: { purpose: '', to: 'spec.forProvider.name' },
      patches: [
        fromXr('spec.parameters.loadBalancer.targetPort', 'spec.forProvider.port'),
        fromXr('spec.parameters.loadBalancer.healthCheckPath', 'spec.forProvider.healthCheck.path'),
        toXr('status.atProvider.arn', 'status.targetGroupArn'),
        toXr('status.atProvider.arnSuffix', 'status.targetGroupArnSuffix'),
      ],
    });

    const forward = [{ type: 'forward', targetGroupArnSelector: selector('target-group') }];
    this.add('listener-http-forward', {
      role: 'listener-http',
      includeWhen: NO_CERTIFICATE,
      base: new LBListener({
        spec: {
          forProvider: {
            region: R,
            loadBalancerArnSelector: selector('load-balancer'),
            port: 80,
            protocol: 'HTTP',
            defaultAction: forward,
            tags: { ...BASE_TAGS },
          },
        },
      }),
    });
    this.add('listener-http-redirect', {
      role: 'listener-http',
      includeWhen: HAS_CERTIFICATE,
      base: new LBListener({
        spec: {
          forProvider: {
            region: R,
            loadBalancerArnSelector: selector('load-balancer'),
            port: 80,
            protocol: 'HTTP',
            defaultAction: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } }],
            tags: { ...BASE_TAGS },
          },
        },
      }),
    });
    this.add('listener-https', {
      role: 'listener-https',
      includeWhen: HAS_CERTIFICATE,
      base: new LBListener({
        spec: {
          forProvider: {
            region: R,
            loadBalancerArnSelector: selector('load-balancer'),
            port: 443,
            protocol: 'HTTPS',
            sslPolicy: DEFAULTS.tlsPolicy,
            defaultAction: forward,
            tags: { ...BASE_TAGS },
          },
        },
      }),
      patches: [
        // Optional: without a certificate function-cel-filter drops this listener anyway.
        fromXr('spec.parameters.loadBalancer.certificateArn', 'spec.forProvider.certificateArn'),
        fromXr('spec.parameters.loadBalancer.tlsPolicy', 'spec.forProvider.sslPolicy'),
      ],
    });

    // Production: a WAF web ACL with AWS managed rules in front of the ALB, logging to an
    // encrypted log group kept 365 days (PCI 6.4.2, 10.2.1). Development may go without.
    this.add('waf-web-acl', {
      role: 'waf-web-acl',
      includeWhen: IS_PRODUCTION,
      base: new WebACL({
        spec: {
          forProvider: {
            region: R,
            scope: 'REGIONAL',
            description: 'Payment platform ALB protection',
            defaultAction: { allow: {} },
            ruleJson: wafRules(),
            visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'payment-platform' },
            tags: { ...BASE_TAGS },
          },
        },
      }),
      name: { purpose: 'waf', to: 'spec.forProvider.name' },
    });
    this.add('waf-web-acl-association', {
      role: 'waf-web-acl-association',
      tagged: false,
      includeWhen: IS_PRODUCTION,
      base: new WebACLAssociation({
        spec: {
          forProvider: { region: R, resourceArnSelector: selector('load-balancer'), webAclArnSelector: selector('waf-web-acl') },
        },
      }),
    });
    this.add('waf-log-group', {
      role: 'waf-log-group',
      includeWhen: IS_PRODUCTION,
      base: new Group({
        spec: {
          forProvider: { region: R, retentionInDays: 365, kmsKeyIdSelector: selector('kms-key-logs'), tags: { ...BASE_TAGS } },
        },
      }),
      // WAF only logs to groups whose name starts with aws-waf-logs-.
      name: { purpose: 'waf', prefix: 'aws-waf-logs-' },
    });
    this.add('waf-logging-configuration', {
      role: 'waf-logging-configuration',
      tagged: false,
      includeWhen: IS_PRODUCTION,
      base: new WebACLLoggingConfiguration({
        spec: {
          forProvider: {
            region: R,
            resourceArnSelector: selector('waf-web-acl'),
            logDestinationConfigsSelector: selector('waf-log-group'),
          },
        },
      }),
    });
  }
}
