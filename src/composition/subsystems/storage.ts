import type { Construct } from 'constructs';
import {
  Bucket,
  BucketLifecycleConfiguration,
  BucketOwnershipControls,
  BucketPolicy,
  BucketPublicAccessBlock,
  BucketServerSideEncryptionConfiguration,
  BucketVersioning,
} from '@crossplane-models/provider-upjet-aws/s3.aws.m.upbound.io/v1beta1';
import { DEFAULTS } from '../../apis/payment-platform.js';
import { combineFromXr, fromXr, selector, toXr, transform, type Patch } from '../patches.js';
import { BASE_TAGS, Subsystem } from '../subsystem.js';

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
const LOG_DELIVERY = [
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

const policyDocument = (statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

interface BucketSpec {
  /** Stable short name: `assets` or `flow-logs`. */
  readonly id: 'assets' | 'flow-logs';
  /** XR status field prefix (`assets` -> status.assetsBucketName / status.assetsBucketArn). */
  readonly statusPrefix: string;
  readonly sse: 'aws:kms' | 'AES256';
  readonly policy: Patch;
  readonly lifecycle?: boolean;
}

/**
 * Two S3 buckets, each with versioning, default encryption, every public-access block, owner-
 * enforced object ownership (no ACLs) and a bucket policy that denies plain HTTP; the flow-log
 * bucket also lets VPC flow-log delivery write (scoped to this account) and expires old logs.
 */
export class Storage extends Subsystem {
  constructor(scope: Construct, id = 'storage') {
    super(scope, id);
    const buckets: BucketSpec[] = [
      {
        id: 'assets',
        statusPrefix: 'assets',
        sse: 'aws:kms',
        policy: fromXr(
          'status.assetsBucketArn',
          'spec.forProvider.policy',
          [transform.format(policyDocument([DENY_INSECURE_TRANSPORT]))],
          {
            fromFieldPath: 'Required',
          },
        ),
      },
      {
        id: 'flow-logs',
        statusPrefix: 'flowLogs',
        // VPC flow-log delivery cannot write with the AWS managed aws/s3 key.
        sse: 'AES256',
        policy: combineFromXr(
          ['status.flowLogsBucketArn', 'status.accountId'],
          policyDocument([DENY_INSECURE_TRANSPORT, ...LOG_DELIVERY]),
          'spec.forProvider.policy',
          undefined,
          { fromFieldPath: 'Required' },
        ),
        lifecycle: true,
      },
    ];

    for (const b of buckets) {
      const role = `bucket-${b.id}`;
      const bucket = selector(role);
      this.add(role, {
        role,
        dataStore: true,
        base: new Bucket({ spec: { forProvider: { region: R, forceDestroy: false, tags: { ...BASE_TAGS, purpose: b.id } } } }),
        name: { purpose: b.id },
        patches: [
          fromXr('spec.parameters.storage.forceDestroy', 'spec.forProvider.forceDestroy'),
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
              rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: b.sse }, bucketKeyEnabled: b.sse === 'aws:kms' }],
            },
          },
        }),
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
        patches: [b.policy],
      });
      if (b.lifecycle) {
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
                    id: 'retain-then-expire',
                    status: 'Enabled',
                    filter: [{ prefix: '' }],
                    expiration: [{ days: DEFAULTS.logRetentionDays }],
                    noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
                    abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
                  },
                ],
              },
            },
          }),
          patches: [fromXr('spec.parameters.storage.logRetentionDays', 'spec.forProvider.rule[0].expiration[0].days')],
        });
      }
    }
  }
}
