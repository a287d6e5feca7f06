import type { Construct } from 'constructs';
import {
  Bucket,
  BucketLifecycleConfiguration,
  BucketLogging,
  BucketObjectLockConfiguration,
  BucketOwnershipControls,
  BucketPolicy,
  BucketPublicAccessBlock,
  BucketServerSideEncryptionConfiguration,
  BucketVersioning,
} from '@crossplane-models/provider-upjet-aws/s3.aws.m.upbound.io/v1beta1';
import { DEFAULTS } from '../../apis/payment-platform.js';
import { combineFromXr, fromXr, selector, toXr, transform } from '../patches.js';
import { BASE_TAGS, Subsystem } from '../subsystem.js';
import { KEY_ARN_STATUS } from './encryption.js';
import { IS_PRODUCTION } from '../zones.js';

const R = DEFAULTS.region;

/** Statement denying any request that does not use TLS (PCI 4.2.1, S3.5); `%[1]s` is the bucket ARN. */
const DENY_INSECURE_TRANSPORT = {
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: ['%[1]s', '%[1]s/*'],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};

/** VPC flow log delivery to S3 (`%[2]s` is the account id). */
const FLOW_LOG_DELIVERY = [
  {
    Sid: 'AWSLogDeliveryWrite',
    Effect: 'Allow',
    Principal: { Service: 'delivery.logs.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: '%[1]s/AWSLogs/%[2]s/*',
    Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': '%[2]s' } },
  },
  {
    Sid: 'AWSLogDeliveryAclCheck',
    Effect: 'Allow',
    Principal: { Service: 'delivery.logs.amazonaws.com' },
    Action: ['s3:GetBucketAcl', 's3:ListBucket'],
    Resource: '%[1]s',
    Condition: { StringEquals: { 'aws:SourceAccount': '%[2]s' } },
  },
];

const ELB_PRINCIPAL = '__ELB_LOG_DELIVERY_PRINCIPAL__';

/** S3 server access logs and ALB access logs (`%[3]s` is the region's ELB log-delivery principal). */
const ACCESS_LOG_DELIVERY = [
  {
    Sid: 'S3ServerAccessLogs',
    Effect: 'Allow',
    Principal: { Service: 'logging.s3.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: '%[1]s/s3/*',
    Condition: { StringEquals: { 'aws:SourceAccount': '%[2]s' } },
  },
  {
    Sid: 'AlbAccessLogs',
    Effect: 'Allow',
    Principal: ELB_PRINCIPAL,
    Action: 's3:PutObject',
    Resource: '%[1]s/alb/AWSLogs/%[2]s/*',
  },
];

const policyDocument = (statements: object[]): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements }).replace(`"${ELB_PRINCIPAL}"`, '%[3]s');

/**
 * The principal that delivers ALB access logs: the regional Elastic Load Balancing account in
 * regions opened before August 2022, the log-delivery service principal in newer ones.
 */
export const ELB_LOG_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-southeast-3': '589379963580',
  'ap-south-1': '718504428378',
  'ap-northeast-3': '383597477331',
  'ap-northeast-2': '600734575887',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-northeast-1': '582318560864',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-south-1': '635631232127',
  'eu-west-3': '009996457667',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
  'us-gov-west-1': '048591011584',
  'us-gov-east-1': '190560391635',
};
export const elbLogPrincipalTransform = () =>
  transform.match(
    Object.fromEntries(
      Object.entries(ELB_LOG_ACCOUNTS).map(([region, account]) => [
        region,
        JSON.stringify({ AWS: `arn:${region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws'}:iam::${account}:root` }),
      ]),
    ),
    JSON.stringify({ Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }),
  );

interface BucketSpec {
  /** Stable short name. */
  readonly id: 'assets' | 'flow-logs' | 'access-logs';
  /** XR status field prefix (`assets` -> status.assetsBucketName / status.assetsBucketArn). */
  readonly statusPrefix: string;
  /** SSE-KMS with the storage key, or SSE-S3 (the only option ALB log delivery accepts). */
  readonly sse: 'kms' | 'AES256';
  /** The XR status fields the policy needs, in %[n]s order after the bucket ARN. */
  readonly policyInputs: string[];
  readonly statements: object[];
  /** Lifecycle: `logs` expire after the retention period; `data` only expires old versions. */
  readonly lifecycle?: 'logs' | 'data';
  /** Server access logs to the access-log bucket. */
  readonly accessLogged?: boolean;
  /** Object Lock (production). */
  readonly objectLock?: boolean;
}

/**
 * Three S3 buckets: static assets, VPC flow logs and access logs (S3 server access logs and ALB
 * access logs). Each is versioned, encrypted (SSE-KMS with the platform key; SSE-S3 for the
 * access-log bucket, which ALB delivery requires), blocks every kind of public access, disables
 * ACLs and denies plain HTTP. Log buckets keep objects 365 days; in production the flow-log
 * bucket is under Object Lock.
 */
export class Storage extends Subsystem {
  static readonly BUCKETS: readonly BucketSpec[] = [
    {
      id: 'assets',
      statusPrefix: 'assets',
      sse: 'kms',
      policyInputs: [],
      statements: [DENY_INSECURE_TRANSPORT],
      accessLogged: true,
      lifecycle: 'data',
    },
    {
      id: 'flow-logs',
      statusPrefix: 'flowLogs',
      sse: 'kms',
      policyInputs: ['status.accountId'],
      statements: [DENY_INSECURE_TRANSPORT, ...FLOW_LOG_DELIVERY],
      lifecycle: 'logs',
      accessLogged: true,
      objectLock: true,
    },
    {
      id: 'access-logs',
      statusPrefix: 'accessLogs',
      sse: 'AES256',
      policyInputs: ['status.accountId', 'status.elbLogDeliveryPrincipal'],
      statements: [DENY_INSECURE_TRANSPORT, ...ACCESS_LOG_DELIVERY],
      lifecycle: 'logs',
    },
  ];

  constructor(scope: Construct, id = 'storage') {
    super(scope, id);
    for (const b of Storage.BUCKETS) {
      const role = `bucket-${b.id}`;
      const bucket = selector(role);
      this.add(role, {
        role,
        dataStore: true,
        base: new Bucket({
          spec: {
            forProvider: { region: R, forceDestroy: false, objectLockEnabled: false, tags: { ...BASE_TAGS, purpose: b.id } },
          },
        }),
        name: { purpose: b.id },
        patches: [
          fromXr('spec.parameters.storage.forceDestroy', 'spec.forProvider.forceDestroy'),
          ...(b.objectLock
            ? [
                fromXr('spec.parameters.environment', 'spec.forProvider.objectLockEnabled', [
                  transform.map({ development: false, staging: false, production: true }),
                ]),
              ]
            : []),
          toXr('status.atProvider.id', `status.${b.statusPrefix}BucketName`),
          toXr('status.atProvider.arn', `status.${b.statusPrefix}BucketArn`),
        ],
      });
      this.add(`${role}-versioning`, {
        role: `${role}-versioning`,
        tagged: false,
        base: new BucketVersioning({
          spec: { forProvider: { region: R, bucketSelector: bucket, versioningConfiguration: { status: 'Enabled' } } },
        }),
      });
      this.add(`${role}-encryption`, {
        role: `${role}-encryption`,
        tagged: false,
        base: new BucketServerSideEncryptionConfiguration({
          spec: {
            forProvider: {
              region: R,
              bucketSelector: bucket,
              rule: [
                b.sse === 'kms'
                  ? {
                      // The key ARN as a value, not a selector: `rule` is an atomic list.
                      applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' },
                      bucketKeyEnabled: true,
                    }
                  : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: false },
              ],
            },
          },
        }),
        // Never created without its key (as the alarm topic).
        ...(b.sse === 'kms'
          ? {
              patches: [
                fromXr(
                  KEY_ARN_STATUS.storage,
                  'spec.forProvider.rule[0].applyServerSideEncryptionByDefault.kmsMasterKeyId',
                  undefined,
                  { fromFieldPath: 'Required' },
                ),
              ],
            }
          : {}),
      });
      this.add(`${role}-public-access-block`, {
        role: `${role}-public-access-block`,
        tagged: false,
        base: new BucketPublicAccessBlock({
          spec: {
            forProvider: {
              region: R,
              bucketSelector: bucket,
              blockPublicAcls: true,
              blockPublicPolicy: true,
              ignorePublicAcls: true,
              restrictPublicBuckets: true,
            },
          },
        }),
      });
      this.add(`${role}-ownership-controls`, {
        role: `${role}-ownership-controls`,
        tagged: false,
        base: new BucketOwnershipControls({
          spec: { forProvider: { region: R, bucketSelector: bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } } },
        }),
      });
      this.add(`${role}-policy`, {
        role: `${role}-policy`,
        tagged: false,
        base: new BucketPolicy({ spec: { forProvider: { region: R, bucketSelector: bucket } } }),
        patches: [
          combineFromXr(
            [`status.${b.statusPrefix}BucketArn`, ...b.policyInputs],
            policyDocument(b.statements),
            'spec.forProvider.policy',
            undefined,
            {
              fromFieldPath: 'Required',
            },
          ),
        ],
      });
      if (b.accessLogged) {
        this.add(`${role}-logging`, {
          role: `${role}-logging`,
          tagged: false,
          base: new BucketLogging({
            spec: {
              forProvider: {
                region: R,
                bucketSelector: bucket,
                targetBucketSelector: selector('bucket-access-logs'),
                targetPrefix: `s3/${b.id}/`,
              },
            },
          }),
        });
      }
      if (b.lifecycle) {
        const logs = b.lifecycle === 'logs';
        this.add(`${role}-lifecycle`, {
          role: `${role}-lifecycle`,
          tagged: false,
          base: new BucketLifecycleConfiguration({
            spec: {
              forProvider: {
                region: R,
                bucketSelector: bucket,
                rule: [
                  {
                    id: logs ? 'retain-then-expire' : 'expire-old-versions',
                    status: 'Enabled',
                    filter: [{ prefix: '' }],
                    ...(logs ? { expiration: [{ days: DEFAULTS.logRetentionDays }] } : {}),
                    noncurrentVersionExpiration: [{ noncurrentDays: logs ? 30 : 90 }],
                    abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
                  },
                ],
              },
            },
          }),
          patches: logs
            ? [fromXr('spec.parameters.storage.logRetentionDays', 'spec.forProvider.rule[0].expiration[0].days')]
            : [],
        });
      }
      if (b.objectLock) {
        this.add(`${role}-object-lock`, {
          role: `${role}-object-lock`,
          tagged: false,
          includeWhen: IS_PRODUCTION,
          base: new BucketObjectLockConfiguration({
            spec: {
              forProvider: {
                region: R,
                bucketSelector: bucket,
                objectLockEnabled: 'Enabled',
                rule: { defaultRetention: { mode: 'GOVERNANCE', days: DEFAULTS.logRetentionDays } },
              },
            },
          }),
          patches: [fromXr('spec.parameters.storage.logRetentionDays', 'spec.forProvider.rule.defaultRetention.days')],
        });
      }
    }
  }
}
