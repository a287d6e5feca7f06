import type { Construct } from 'constructs';
import { MetricAlarm } from '@crossplane-models/provider-upjet-aws/cloudwatch.aws.m.upbound.io/v1beta1';
import { Topic, TopicSubscription } from '@crossplane-models/provider-upjet-aws/sns.aws.m.upbound.io/v1beta1';
import { DEFAULTS } from '../../apis/payment-platform.js';
import { fromXr, selector, toXr, type Patch } from '../patches.js';
import { BASE_TAGS, Subsystem } from '../subsystem.js';
import { dbClusterIdentifier } from './data.js';
import { KEY_ARN_STATUS } from './encryption.js';
import { HAS_ALARM_EMAIL } from '../zones.js';

const R = DEFAULTS.region;

interface AlarmSpec {
  readonly id: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: 'Average' | 'Maximum';
  readonly threshold: number;
  readonly thresholdFrom: string;
  readonly dimensions: Patch[];
}

/**
 * The three alarms of the seed design (unhealthy targets, Aurora CPU > 80 %, connections > 100),
 * now wired to an SNS topic (the seed design's alarms notified nobody), with an optional e-mail
 * subscription and an optional existing topic (for example an on-call integration).
 */
export class Observability extends Subsystem {
  static readonly ALARMS: readonly AlarmSpec[] = [
    {
      id: 'unhealthy-hosts',
      description: 'Targets of the payment platform load balancer are failing their health check',
      namespace: 'AWS/ApplicationELB',
      metricName: 'UnHealthyHostCount',
      statistic: 'Maximum',
      threshold: DEFAULTS.unhealthyHostsThreshold,
      thresholdFrom: 'spec.parameters.monitoring.unhealthyHostsThreshold',
      dimensions: [
        fromXr('status.targetGroupArnSuffix', 'spec.forProvider.dimensions.TargetGroup', undefined, {
          fromFieldPath: 'Required',
        }),
        fromXr('status.albArnSuffix', 'spec.forProvider.dimensions.LoadBalancer', undefined, { fromFieldPath: 'Required' }),
      ],
    },
    {
      id: 'db-cpu',
      description: 'Aurora cluster CPU utilization is above the threshold',
      namespace: 'AWS/RDS',
      metricName: 'CPUUtilization',
      statistic: 'Average',
      threshold: DEFAULTS.cpuThresholdPercent,
      thresholdFrom: 'spec.parameters.monitoring.cpuThresholdPercent',
      dimensions: [dbClusterIdentifier('spec.forProvider.dimensions.DBClusterIdentifier')],
    },
    {
      id: 'db-connections',
      description: 'Aurora cluster database connections are above the threshold',
      namespace: 'AWS/RDS',
      metricName: 'DatabaseConnections',
      statistic: 'Maximum',
      threshold: DEFAULTS.connectionsThreshold,
      thresholdFrom: 'spec.parameters.monitoring.connectionsThreshold',
      dimensions: [dbClusterIdentifier('spec.forProvider.dimensions.DBClusterIdentifier')],
    },
  ];

  constructor(scope: Construct, id = 'observability') {
    super(scope, id);

    this.add('alarm-topic', {
      role: 'alarm-topic',
      base: new Topic({ spec: { forProvider: { region: R, displayName: 'Payment platform alarms', tags: { ...BASE_TAGS } } } }),
      name: { purpose: 'alarms' },
      patches: [
        // Never created unencrypted: waits for the alarms key (which CloudWatch may use).
        fromXr(KEY_ARN_STATUS.alarms, 'spec.forProvider.kmsMasterKeyId', undefined, { fromFieldPath: 'Required' }),
        toXr('status.atProvider.arn', 'status.alarmTopicArn'),
      ],
    });
    this.add('alarm-topic-email', {
      role: 'alarm-topic-email',
      tagged: false,
      includeWhen: HAS_ALARM_EMAIL,
      base: new TopicSubscription({
        spec: { forProvider: { region: R, protocol: 'email', topicArnSelector: selector('alarm-topic') } },
      }),
      patches: [fromXr('spec.parameters.monitoring.alarmEmail', 'spec.forProvider.endpoint')],
    });

    for (const alarm of Observability.ALARMS) {
      this.add(`alarm-${alarm.id}`, {
        role: `alarm-${alarm.id}`,
        base: new MetricAlarm({
          spec: {
            forProvider: {
              region: R,
              alarmDescription: alarm.description,
              namespace: alarm.namespace,
              metricName: alarm.metricName,
              statistic: alarm.statistic,
              period: 300,
              evaluationPeriods: DEFAULTS.evaluationPeriods,
              comparisonOperator: 'GreaterThanThreshold',
              threshold: alarm.threshold,
              treatMissingData: 'notBreaching',
              actionsEnabled: true,
              tags: { ...BASE_TAGS },
            },
          },
        }),
        name: { purpose: alarm.id },
        patches: [
          fromXr(alarm.thresholdFrom, 'spec.forProvider.threshold'),
          fromXr('spec.parameters.monitoring.evaluationPeriods', 'spec.forProvider.evaluationPeriods'),
          ...alarm.dimensions,
          // Alarm and OK notifications go to the platform's topic and, when given, to an existing one.
          fromXr('status.alarmTopicArn', 'spec.forProvider.alarmActions[0]', undefined, { fromFieldPath: 'Required' }),
          fromXr('status.alarmTopicArn', 'spec.forProvider.okActions[0]', undefined, { fromFieldPath: 'Required' }),
          fromXr('spec.parameters.monitoring.snsTopicArn', 'spec.forProvider.alarmActions[1]'),
          fromXr('spec.parameters.monitoring.snsTopicArn', 'spec.forProvider.okActions[1]'),
        ],
      });
    }
  }
}
