import type { Construct } from 'constructs';
import { Role, RolePolicyAttachment } from '@crossplane-models/provider-upjet-aws/iam.aws.m.upbound.io/v1beta1';
import {
  Cluster,
  ClusterInstance,
  ClusterParameterGroup,
  SubnetGroup,
} from '@crossplane-models/provider-upjet-aws/rds.aws.m.upbound.io/v1beta1';
import { DEFAULT_ENGINE_VERSION, DEFAULTS } from '../../apis/payment-platform.js';
import { fromXr, selector, toXr } from '../patches.js';
import { awsName, BASE_TAGS, Subsystem, withNewerFields } from '../subsystem.js';
import { dbInstancesAtLeast } from '../zones.js';

const R = DEFAULTS.region;
export const ENGINE = 'aurora-mysql';
/** The four log exports of the seed design. */
export const LOG_EXPORTS = ['audit', 'error', 'general', 'slowquery'];
/** The parameter group family of Aurora MySQL 3. */
export const PARAMETER_GROUP_FAMILY = 'aurora-mysql8.0';
/** Cluster parameters: the Advanced Auditing events PCI 10.2 asks for, and TLS-only connections. */
export const AUDIT_PARAMETERS = [
  { name: 'server_audit_logging', value: '1' },
  { name: 'server_audit_events', value: 'CONNECT,QUERY_DCL,QUERY_DDL' },
  { name: 'require_secure_transport', value: 'ON' },
];
/** Instances pre-declared in the Composition; spec.parameters.database.instances picks how many exist. */
export const MAX_DB_INSTANCES = 3;

/**
 * Aurora MySQL Serverless v2 on the private subnets: encrypted, 35-day backups, the seed design's
 * windows and log exports, a master password that AWS Secrets Manager generates and rotates (no
 * password anywhere), IAM authentication, deletion protection and a final snapshot.
 */
export class Data extends Subsystem {
  constructor(scope: Construct, id = 'data') {
    super(scope, id);

    this.add('db-subnet-group', {
      role: 'db-subnet-group',
      base: new SubnetGroup({
        spec: {
          forProvider: {
            region: R,
            description: 'Private subnets of the payment platform database',
            subnetIdSelector: selector('subnet-private'),
            tags: { ...BASE_TAGS },
          },
        },
      }),
      name: { purpose: 'db' },
    });

    // Audit logging (PCI 10.2.1) and TLS-only client connections (PCI 4.2.1) are cluster
    // parameters: the log export alone ships an empty audit log.
    this.add('db-cluster-parameter-group', {
      role: 'db-cluster-parameter-group',
      base: new ClusterParameterGroup({
        spec: {
          forProvider: {
            region: R,
            family: PARAMETER_GROUP_FAMILY,
            description: 'Payment platform Aurora MySQL: audit logging, TLS only',
            parameter: AUDIT_PARAMETERS.map((p) => ({ ...p, applyMethod: 'pending-reboot' })),
            tags: { ...BASE_TAGS },
          },
        },
      }),
      name: { purpose: 'db-params' },
    });

    this.add('db-cluster', {
      role: 'db-cluster',
      dataStore: true,
      base: withNewerFields(
        new Cluster({
          spec: {
            forProvider: {
              region: R,
              engine: ENGINE,
              engineMode: 'provisioned',
              serverlessv2ScalingConfiguration: { minCapacity: DEFAULTS.minCapacity, maxCapacity: DEFAULTS.maxCapacity },
              databaseName: DEFAULTS.databaseName,
              masterUsername: DEFAULTS.masterUsername,
              manageMasterUserPassword: true,
              storageEncrypted: true,
              iamDatabaseAuthenticationEnabled: true,
              backupRetentionPeriod: DEFAULTS.backupRetentionDays,
              preferredBackupWindow: DEFAULTS.backupWindow,
              preferredMaintenanceWindow: DEFAULTS.maintenanceWindow,
              enabledCloudwatchLogsExports: LOG_EXPORTS,
              copyTagsToSnapshot: true,
              deletionProtection: true,
              skipFinalSnapshot: false,
              dbSubnetGroupNameSelector: selector('db-subnet-group'),
              dbClusterParameterGroupNameSelector: selector('db-cluster-parameter-group'),
              vpcSecurityGroupIdSelector: selector('security-group-db'),
              kmsKeyIdSelector: selector('kms-key-data'),
              masterUserSecretKmsKeyIdSelector: selector('kms-key-data'),
              tags: { ...BASE_TAGS },
            },
            // The full engine version is set once: automatic minor upgrades move it afterwards, and
            // a pinned forProvider value would make the provider fight AWS.
            initProvider: { engineVersion: DEFAULT_ENGINE_VERSION },
          },
        }),
        { autoMinorVersionUpgrade: true },
      ),
      name: { purpose: 'db' },
      patches: [
        fromXr('spec.parameters.database.engineVersion', 'spec.initProvider.engineVersion'),
        fromXr('spec.parameters.database.minCapacity', 'spec.forProvider.serverlessv2ScalingConfiguration.minCapacity'),
        fromXr('spec.parameters.database.maxCapacity', 'spec.forProvider.serverlessv2ScalingConfiguration.maxCapacity'),
        fromXr('spec.parameters.database.databaseName', 'spec.forProvider.databaseName'),
        fromXr('spec.parameters.database.masterUsername', 'spec.forProvider.masterUsername'),
        fromXr('spec.parameters.database.backupRetentionDays', 'spec.forProvider.backupRetentionPeriod'),
        fromXr('spec.parameters.database.backupWindow', 'spec.forProvider.preferredBackupWindow'),
        fromXr('spec.parameters.database.maintenanceWindow', 'spec.forProvider.preferredMaintenanceWindow'),
        fromXr('spec.parameters.database.deletionProtection', 'spec.forProvider.deletionProtection'),
        awsName({ purpose: 'db-final', to: 'spec.forProvider.finalSnapshotIdentifier' }),
        toXr('status.atProvider.endpoint', 'status.dbEndpoint'),
        toXr('status.atProvider.readerEndpoint', 'status.dbReaderEndpoint'),
        toXr('status.atProvider.port', 'status.dbPort'),
        toXr('status.atProvider.masterUserSecret[0].secretArn', 'status.dbMasterUserSecretArn'),
      ],
    });

    // Enhanced Monitoring (OS metrics every 60 s) needs a role RDS can assume.
    this.add('db-monitoring-role', {
      role: 'db-monitoring-role',
      regional: false,
      base: new Role({
        spec: {
          forProvider: {
            description: 'Payment platform: RDS Enhanced Monitoring',
            assumeRolePolicy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' }, Action: 'sts:AssumeRole' }],
            }),
            tags: { ...BASE_TAGS },
          },
        },
      }),
      name: { purpose: 'rds-monitoring' },
    });
    this.add('db-monitoring-role-policy', {
      role: 'db-monitoring-role-policy',
      regional: false,
      tagged: false,
      base: new RolePolicyAttachment({
        spec: {
          forProvider: {
            policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
            roleSelector: selector('db-monitoring-role'),
          },
        },
      }),
    });

    for (let n = 1; n <= MAX_DB_INSTANCES; n++) {
      this.add(`db-instance-${n}`, {
        role: 'db-instance',
        dataStore: true,
        base: new ClusterInstance({
          spec: {
            forProvider: {
              region: R,
              engine: ENGINE,
              instanceClass: 'db.serverless',
              clusterIdentifierSelector: selector('db-cluster'),
              publiclyAccessible: false,
              autoMinorVersionUpgrade: true,
              performanceInsightsEnabled: true,
              performanceInsightsKmsKeyIdSelector: selector('kms-key-data'),
              performanceInsightsRetentionPeriod: 7,
              monitoringInterval: 60,
              monitoringRoleArnSelector: selector('db-monitoring-role'),
              copyTagsToSnapshot: true,
              promotionTier: n - 1,
              tags: { ...BASE_TAGS },
            },
          },
        }),
        name: { purpose: `db-${n}` },
        ...(n > 1 ? { includeWhen: dbInstancesAtLeast(n) } : {}),
      });
    }
  }
}

/** The cluster identifier, for alarm dimensions: the same name the cluster gets. */
export const dbClusterIdentifier = (to: string) => awsName({ purpose: 'db', to });
