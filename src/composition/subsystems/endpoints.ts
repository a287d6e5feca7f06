import type { Construct } from 'constructs';
import { fromXr, transform } from '../patches.js';
import { Subsystem, type ManifestModel } from '../subsystem.js';

/** Keys of the endpoints ConfigMap and the PaymentPlatform status field each one comes from. */
export const ENDPOINT_KEYS: Readonly<Record<string, string>> = {
  VPC_ID: 'status.vpcId',
  ALB_DNS_NAME: 'status.albDnsName',
  TARGET_GROUP_ARN: 'status.targetGroupArn',
  APP_SECURITY_GROUP_ID: 'status.appSecurityGroupId',
  DB_ENDPOINT: 'status.dbEndpoint',
  DB_READER_ENDPOINT: 'status.dbReaderEndpoint',
  DB_PORT: 'status.dbPort',
  DB_MASTER_USER_SECRET_ARN: 'status.dbMasterUserSecretArn',
  ASSETS_BUCKET: 'status.assetsBucketName',
  ALARM_TOPIC_ARN: 'status.alarmTopicArn',
};

/** A plain Kubernetes ConfigMap as a template (no secret values: the DB password stays in Secrets Manager). */
class ConfigMapTemplate implements ManifestModel {
  readonly apiVersion = 'v1';
  readonly kind = 'ConfigMap';
  constructor(private readonly data: Record<string, string>) {}
  toJSON(): object {
    return { apiVersion: this.apiVersion, kind: this.kind, metadata: {}, data: this.data };
  }
  validate(): void {
    for (const [k, v] of Object.entries(this.data)) {
      if (!/^[-._a-zA-Z0-9]+$/.test(k) || typeof v !== 'string') throw new Error(`invalid ConfigMap entry '${k}'`);
    }
  }
}

/**
 * `<name>-endpoints`, a ConfigMap in the PaymentPlatform's namespace with every output the
 * application needs (mount it with envFrom). Crossplane v2 composes it directly; the chart's
 * aggregated ClusterRole lets Crossplane manage ConfigMaps.
 */
export class Endpoints extends Subsystem {
  constructor(scope: Construct, id = 'endpoints') {
    super(scope, id);
    this.add('endpoints', {
      role: 'endpoints',
      managed: false,
      base: new ConfigMapTemplate({}),
      readinessChecks: [{ type: 'None' }],
      patches: [
        fromXr('metadata.name', 'metadata.name', [transform.format('%s-endpoints')]),
        ...Object.entries(ENDPOINT_KEYS).map(([k, from]) =>
          fromXr(from, `data.${k}`, k === 'DB_PORT' ? [transform.toString()] : undefined),
        ),
      ],
    });
  }
}
