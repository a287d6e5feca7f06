import type { Construct } from 'constructs';
import { Alias, Key } from '@crossplane-models/provider-upjet-aws/kms.aws.m.upbound.io/v1beta1';
import { DEFAULTS } from '../../apis/payment-platform.js';
import { combineFromXr, selector, toXr } from '../patches.js';
import { BASE_TAGS, Subsystem } from '../subsystem.js';
import { IS_PRODUCTION } from '../zones.js';

const R = DEFAULTS.region;

/** Who besides the account may use a key (key policy statements; `%[1]s` account, `%[2]s` region). */
interface KeySpec {
  /** `data`, `storage`, `alarms`, `logs`. */
  readonly id: 'data' | 'storage' | 'alarms' | 'logs';
  readonly description: string;
  readonly services: readonly object[];
  /** XR status field that receives the key ARN, for fields that have no selector. */
  readonly statusArn?: string;
  readonly includeWhen?: string;
}

const ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];

/** The key policy: the account administers (IAM decides who else), plus the named services. */
function keyPolicy(services: readonly object[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountAdministers',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::%[1]s:root' },
        Action: 'kms:*',
        Resource: '*',
      },
      ...services,
    ],
  });
}

/**
 * The key ARN of a platform key by purpose (the XR status field its ARN is copied to), for the
 * fields that take the ARN as a value: a field with no selector (the SNS topic's), or one inside a
 * list that server-side apply replaces whole (a bucket encryption `rule`), where the ARN a
 * selector resolved would be wiped by Crossplane's next apply and resolved again, over and over.
 */
export const KEY_ARN_STATUS = { alarms: 'status.alarmsKeyArn', storage: 'status.storageKeyArn' } as const;

/**
 * Customer-managed KMS keys with yearly rotation (PCI 3.5.1, 3.6, 3.7.4), one per data domain:
 * `data` (Aurora storage, the Secrets Manager master-user secret, Performance Insights),
 * `storage` (S3, including VPC flow-log delivery), `alarms` (the SNS topic, usable by CloudWatch)
 * and, in production, `logs` (the WAF log group). Each key waits for the account id (from the
 * VPC) because its policy names the account.
 */
export class Encryption extends Subsystem {
  static readonly KEYS: readonly KeySpec[] = [
    {
      id: 'data',
      description: 'Payment platform: Aurora storage, master-user secret, Performance Insights',
      services: [],
    },
    {
      id: 'storage',
      description: 'Payment platform: S3 buckets and VPC flow-log delivery',
      statusArn: KEY_ARN_STATUS.storage,
      services: [
        {
          Sid: 'VpcFlowLogDelivery',
          Effect: 'Allow',
          Principal: { Service: 'delivery.logs.amazonaws.com' },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': '%[1]s' } },
        },
      ],
    },
    {
      id: 'alarms',
      description: 'Payment platform: SNS alarm topic',
      statusArn: KEY_ARN_STATUS.alarms,
      services: [
        {
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': '%[1]s' } },
        },
      ],
    },
    {
      id: 'logs',
      description: 'Payment platform: WAF log group',
      includeWhen: IS_PRODUCTION,
      services: [
        {
          Sid: 'CloudWatchLogs',
          Effect: 'Allow',
          Principal: { Service: 'logs.%[2]s.amazonaws.com' },
          Action: ENCRYPT_ACTIONS,
          Resource: '*',
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:%[2]s:%[1]s:*' } },
        },
      ],
    },
  ];

  constructor(scope: Construct, id = 'encryption') {
    super(scope, id);
    for (const k of Encryption.KEYS) {
      const role = `kms-key-${k.id}`;
      this.add(role, {
        role,
        base: new Key({
          spec: {
            forProvider: {
              region: R,
              description: k.description,
              enableKeyRotation: true,
              deletionWindowInDays: 30,
              keyUsage: 'ENCRYPT_DECRYPT',
              tags: { ...BASE_TAGS },
            },
          },
        }),
        ...(k.includeWhen ? { includeWhen: k.includeWhen } : {}),
        patches: [
          combineFromXr(
            ['status.accountId', 'spec.parameters.region'],
            keyPolicy(k.services),
            'spec.forProvider.policy',
            undefined,
            {
              fromFieldPath: 'Required',
            },
          ),
          ...(k.statusArn ? [toXr('status.atProvider.arn', k.statusArn)] : []),
        ],
      });
      this.add(`kms-alias-${k.id}`, {
        role: `kms-alias-${k.id}`,
        tagged: false,
        base: new Alias({ spec: { forProvider: { region: R, targetKeyIdSelector: selector(role) } } }),
        ...(k.includeWhen ? { includeWhen: k.includeWhen } : {}),
        name: { purpose: k.id, prefix: 'alias/payment-platform/' },
      });
    }
  }
}
