/**
 * The PaymentPlatform API, written once: spec.parameters and status as structural OpenAPI with
 * CEL rules. The XRD construct, the README's API reference and the offline validator all read
 * these definitions.
 */
import { MAX_NAME_LENGTH } from './constants.js';
import {
  MYSQL_RESERVED_WORDS,
  RESERVED_MASTER_USERNAMES,
  S3_RESERVED_PREFIXES,
  SUPPORTED_MANAGEMENT_POLICIES,
  SYSTEM_SCHEMAS,
  TAG_CHARACTERS,
} from './aws-names.js';
import { CEL_REGION_ZONES, celPartitionOf, REGION_NAMES } from './regions.js';
import { HEALTH_STATUS_SCHEMA } from './health.js';
import { arr, bool, int, map, num, obj, str, withNestedDefaults, type JsonSchema, type ValidationRule } from './schema.js';

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const NAT_MODES = ['Single', 'OnePerAz'] as const;

/** TLS policies allowed on the HTTPS listener: TLS 1.3 capable policies only (PCI 4.2.1). */
export const TLS_POLICIES = [
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04',
] as const;

/** The default engine: the current Aurora MySQL 3 LTS line (3.10), not the original 3.04.0. */
export const DEFAULT_ENGINE_VERSION = '8.0.mysql_aurora.3.10.0';

/** The seed design's values, used as defaults where they are sound. */
export const DEFAULTS = {
  environment: 'development',
  region: 'us-east-1',
  vpcCidr: '10.0.0.0/16',
  /** Third octet of the public and private /24s inside the /16 (10.0.1-3.0/24, 10.0.11-13.0/24). */
  publicSubnetOctets: [1, 2, 3],
  privateSubnetOctets: [11, 12, 13],
  minCapacity: 0.5,
  maxCapacity: 2,
  instances: 2,
  backupRetentionDays: 35,
  backupWindow: '03:00-04:00',
  maintenanceWindow: 'sun:04:00-sun:05:00',
  databaseName: 'payments',
  masterUsername: 'dbadmin',
  healthCheckPath: '/health',
  targetPort: 80,
  tlsPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
  cpuThresholdPercent: 80,
  connectionsThreshold: 100,
  unhealthyHostsThreshold: 0,
  evaluationPeriods: 2,
  logRetentionDays: 365,
  providerConfigName: 'default',
  providerConfigKind: 'ClusterProviderConfig',
} as const;

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/*
 * Formats that CEL rules take apart (substring, split). Each is the field's `pattern` and the
 * guard of those rules: a value the pattern refuses gets the pattern's one error, not also an
 * evaluation error ("end index out of range", "index out of bounds") from every rule that reads it.
 */
const BACKUP_WINDOW = '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$';
const MAINTENANCE_WINDOW =
  '^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$';
const CERTIFICATE_ARN = '^arn:aws(-[a-z]+)*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$';
const SNS_TOPIC_ARN = '^arn:aws(-[a-z]+)*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$';
/** CEL: `rule` where `e` matches `pattern`; true (nothing to say) where it does not. */
const whereMatches = (e: string, pattern: string, rule: string): string => `!${e}.matches(${JSON.stringify(pattern)}) || ${rule}`;

/** CEL: a string list literal. */
const celList = (items: readonly string[]): string => `[${items.map((i) => `'${i}'`).join(', ')}]`;
/** CEL: minutes since midnight of the `hh:mm` at `offset` of the string `e`. */
const hhmm = (e: string, offset: number): string =>
  `(int(${e}.substring(${offset}, ${offset + 2})) * 60 + int(${e}.substring(${offset + 3}, ${offset + 5})))`;
const DAY_INDEX = "{'mon': 0, 'tue': 1, 'wed': 2, 'thu': 3, 'fri': 4, 'sat': 5, 'sun': 6}";
/** CEL: minutes since Monday 00:00 of the `ddd:hh:mm` at `offset` of `e`. */
const dddhhmm = (e: string, offset: number): string =>
  `(${DAY_INDEX}[${e}.substring(${offset}, ${offset + 3})] * 1440 + ${hhmm(e, offset + 4)})`;
/** CEL: `x` modulo `m`, never negative. */
const mod = (x: string, m: number): string => `(((${x}) % ${m} + ${m}) % ${m})`;
/** CEL over a `hh:mm-hh:mm` string: start and length in minutes (a window may cross midnight). */
const backupStart = (e: string) => hhmm(e, 0);
const backupLength = (e: string) => mod(`${hhmm(e, 6)} - ${hhmm(e, 0)}`, 1440);
/** CEL over a `ddd:hh:mm-ddd:hh:mm` string: start (in the week) and length in minutes. */
const maintenanceStart = (e: string) => dddhhmm(e, 0);
const maintenanceLength = (e: string) => mod(`${dddhhmm(e, 10)} - ${dddhhmm(e, 0)}`, 10080);
/** RDS: "must be at least 30 minutes" for both windows (CreateDBCluster, PreferredBackupWindow / PreferredMaintenanceWindow). */
export const MIN_WINDOW_MINUTES = 30;

/** The tag keys the platform sets on every resource it tags (or on some: `purpose`, `tier`); its values win. */
export const PLATFORM_TAG_KEYS = [
  'Name',
  'environment',
  'managed-by',
  'payment-platform',
  'kubernetes-namespace',
  'purpose',
  'tier',
] as const;

export const parametersSchema: JsonSchema = withNestedDefaults(
  obj(
    'What the platform should look like. Every field has a default; a minimal claim sets only `environment` (and, in production, a certificate and an alarm recipient).',
    {
      environment: str(
        'Deployment tier. `production` turns on the strictest controls: NAT gateway per AZ, WAF, Object Lock on the log bucket, orphan-on-delete for data stores, and requires a certificate, deletion protection, two or more DB instances and an alarm recipient.',
        { enum: ENVIRONMENTS, default: DEFAULTS.environment },
      ),
      region: str(
        'AWS region of every resource: a commercial (`aws` partition) region with three or more availability zones for every account (see the region table below).',
        { default: DEFAULTS.region, enum: REGION_NAMES, maxLength: 20 },
      ),
      network: obj('The VPC: public and private subnets in three availability zones.', {
        vpcCidr: str(
          'IPv4 CIDR of the VPC. Must be a /16 with zero host bits; the subnets are the /24s .1-.3 (public) and .11-.13 (private) inside it.',
          {
            default: DEFAULTS.vpcCidr,
            pattern: '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){2}0\\.0/16$',
            maxLength: 18,
            'x-kubernetes-validations': [
              {
                rule: "self.startsWith('10.') || self.matches('^172\\\\.(1[6-9]|2[0-9]|3[01])\\\\.') || self.startsWith('192.168.')",
                message:
                  'spec.parameters.network.vpcCidr must be a private (RFC 1918) range: 10.x.0.0/16, 172.16-31.0.0/16 or 192.168.0.0/16',
              },
            ],
          },
        ),
        availabilityZones: arr(
          "The three availability zones, as the letters that follow the region name (`a` means `<region>a`); each must be a zone the region has for every account (region table below). Unset: the region's first three zones (us-east-1: a, b, c; ap-northeast-1: a, c, d; ca-central-1: a, b, d).",
          str('Zone letter.', { pattern: '^[a-z]$', maxLength: 1 }),
          {
            minItems: 3,
            maxItems: 3,
            'x-kubernetes-list-type': 'set',
          },
        ),
        natGateways: str(
          'NAT gateways: `Single` (one, in the first zone) or `OnePerAz` (one per zone, each private route table uses its own). Unset: `OnePerAz` in production, `Single` otherwise.',
          { enum: NAT_MODES },
        ),
      }),
      database: obj(
        'Aurora MySQL Serverless v2 cluster.',
        {
          engineVersion: str(
            'Initial Aurora MySQL 3 engine version (set at creation; later minor versions are applied by AWS automatic minor upgrades, so the field is not enforced afterwards).',
            {
              default: DEFAULT_ENGINE_VERSION,
              pattern: '^8\\.0\\.mysql_aurora\\.3\\.[0-9]{2}\\.[0-9]+$',
              maxLength: 32,
              'x-kubernetes-validations': [
                {
                  // Aurora User Guide, "Requirements and limitations for Aurora Serverless v2":
                  // Aurora MySQL 3.02.0 or higher.
                  rule: "!self.matches('^8\\\\.0\\\\.mysql_aurora\\\\.3\\\\.0[01]\\\\.')",
                  message:
                    'spec.parameters.database.engineVersion must be Aurora MySQL 3.02.0 or later: 3.00 and 3.01 do not support Serverless v2 (db.serverless)',
                },
              ],
            },
          ),
          minCapacity: num('Minimum Serverless v2 capacity in ACUs (steps of 0.5).', {
            default: DEFAULTS.minCapacity,
            minimum: 0.5,
            maximum: 256,
            'x-kubernetes-validations': [
              {
                // Not multipleOf: the API server checks an integer value such as 2 against a
                // fractional multipleOf with an integer factor (0) and rejects it.
                rule: 'self * 2.0 == double(int(self * 2.0))',
                message: 'spec.parameters.database.minCapacity must be a multiple of 0.5 (Serverless v2 capacity steps)',
              },
            ],
          }),
          maxCapacity: num('Maximum Serverless v2 capacity in ACUs (steps of 0.5).', {
            default: DEFAULTS.maxCapacity,
            minimum: 1,
            maximum: 256,
            'x-kubernetes-validations': [
              {
                // Not multipleOf: the API server checks an integer value such as 2 against a
                // fractional multipleOf with an integer factor (0) and rejects it.
                rule: 'self * 2.0 == double(int(self * 2.0))',
                message: 'spec.parameters.database.maxCapacity must be a multiple of 0.5 (Serverless v2 capacity steps)',
              },
            ],
          }),
          instances: int('Number of `db.serverless` instances (the first is the writer).', {
            default: DEFAULTS.instances,
            minimum: 1,
            maximum: 3,
          }),
          backupRetentionDays: int('Days of automated backups.', {
            default: DEFAULTS.backupRetentionDays,
            minimum: 1,
            maximum: 35,
          }),
          backupWindow: str('Daily backup window, UTC, `hh:mm-hh:mm`.', {
            default: DEFAULTS.backupWindow,
            pattern: BACKUP_WINDOW,
            maxLength: 11,
            'x-kubernetes-validations': [
              {
                rule: whereMatches('self', BACKUP_WINDOW, `${backupLength('self')} >= ${MIN_WINDOW_MINUTES}`),
                message: `spec.parameters.database.backupWindow must be at least ${MIN_WINDOW_MINUTES} minutes long (RDS)`,
              },
            ],
          }),
          maintenanceWindow: str('Weekly maintenance window, UTC, `ddd:hh:mm-ddd:hh:mm`.', {
            default: DEFAULTS.maintenanceWindow,
            pattern: MAINTENANCE_WINDOW,
            maxLength: 19,
            'x-kubernetes-validations': [
              {
                rule: whereMatches('self', MAINTENANCE_WINDOW, `${maintenanceLength('self')} >= ${MIN_WINDOW_MINUTES}`),
                message: `spec.parameters.database.maintenanceWindow must be at least ${MIN_WINDOW_MINUTES} minutes long (RDS)`,
              },
            ],
          }),
          deletionProtection: bool('Protect the cluster from deletion. Required in production.', { default: true }),
          databaseName: str('Name of the initial database.', {
            default: DEFAULTS.databaseName,
            pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,63}$',
            maxLength: 64,
            'x-kubernetes-validations': [
              {
                rule: `!(self.lowerAscii() in ${celList([...SYSTEM_SCHEMAS, ...MYSQL_RESERVED_WORDS])})`,
                message:
                  'spec.parameters.database.databaseName must not be a MySQL system schema (mysql, sys, information_schema, performance_schema) or a MySQL 8.0 reserved word, in any case',
              },
            ],
          }),
          masterUsername: str(
            'Master user name. The password is generated and rotated by AWS Secrets Manager (`manageMasterUserPassword`); it is never in Git or in the cluster.',
            {
              default: DEFAULTS.masterUsername,
              pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,15}$',
              maxLength: 16,
              'x-kubernetes-validations': [
                {
                  rule: `!(self.lowerAscii() in ${celList(RESERVED_MASTER_USERNAMES)})`,
                  message: `spec.parameters.database.masterUsername must not be a reserved or default name (${RESERVED_MASTER_USERNAMES.join(', ')}), in any case`,
                },
                {
                  rule: `!(self.lowerAscii() in ${celList(MYSQL_RESERVED_WORDS)})`,
                  message: 'spec.parameters.database.masterUsername must not be a MySQL 8.0 reserved word, in any case',
                },
              ],
            },
          ),
        },
        {
          'x-kubernetes-validations': [
            {
              rule: 'self.minCapacity <= self.maxCapacity',
              message: 'spec.parameters.database.minCapacity must be <= spec.parameters.database.maxCapacity',
              fieldPath: '.minCapacity',
            },
            {
              // The backup window is daily, the maintenance window weekly: they overlap if the
              // maintenance window meets the backup window of any day. Windows are half-open, so
              // 03:00-04:00 and sun:04:00-sun:05:00 (the defaults) do not overlap.
              rule: whereMatches(
                'self.backupWindow',
                BACKUP_WINDOW,
                whereMatches(
                  'self.maintenanceWindow',
                  MAINTENANCE_WINDOW,
                  `(${maintenanceLength('self.maintenanceWindow')} < 1440 && ${mod(
                    `${maintenanceStart('self.maintenanceWindow')} - ${backupStart('self.backupWindow')}`,
                    1440,
                  )} >= ${backupLength('self.backupWindow')} && ${mod(
                    `${backupStart('self.backupWindow')} - ${maintenanceStart('self.maintenanceWindow')}`,
                    1440,
                  )} >= ${maintenanceLength('self.maintenanceWindow')})`,
                ),
              ),
              message:
                'spec.parameters.database.backupWindow must not overlap spec.parameters.database.maintenanceWindow (RDS refuses overlapping windows)',
              fieldPath: '.backupWindow',
            },
          ],
        },
      ),
      loadBalancer: obj('Internet-facing Application Load Balancer.', {
        certificateArn: str(
          'ACM certificate for the HTTPS listener. When set, port 443 serves HTTPS and port 80 only redirects (301) to it; when unset (not allowed in production), port 80 forwards to the targets.',
          {
            pattern: CERTIFICATE_ARN,
            maxLength: 128,
          },
        ),
        tlsPolicy: str('TLS security policy of the HTTPS listener (TLS 1.3 policies only).', {
          enum: TLS_POLICIES,
          default: DEFAULTS.tlsPolicy,
        }),
        healthCheckPath: str('HTTP path of the target group health check.', {
          default: DEFAULTS.healthCheckPath,
          pattern: "^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$",
          maxLength: 1024,
        }),
        targetPort: int('Port the application listens on (the app security group admits 80 and 8080 from the ALB).', {
          enum: [80, 8080],
          default: DEFAULTS.targetPort,
        }),
      }),
      storage: obj('S3 buckets for static assets and VPC flow logs.', {
        forceDestroy: bool('Empty buckets on deletion so that they can be deleted. Not allowed in production.', {
          default: false,
        }),
        logRetentionDays: int('Days flow-log objects are kept before expiry (PCI 10.5.1: at least 365 in production).', {
          default: DEFAULTS.logRetentionDays,
          minimum: 1,
          maximum: 3650,
        }),
      }),
      monitoring: obj('CloudWatch alarms and where they notify.', {
        alarmEmail: str('E-mail address subscribed to the alarm topic.', {
          pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
          maxLength: 254,
        }),
        snsTopicArn: str(
          "An existing SNS topic (for example an on-call integration) notified besides the platform's own topic.",
          {
            pattern: SNS_TOPIC_ARN,
            maxLength: 300,
          },
        ),
        cpuThresholdPercent: num('Alarm when the Aurora cluster CPU exceeds this percentage.', {
          default: DEFAULTS.cpuThresholdPercent,
          minimum: 1,
          maximum: 100,
        }),
        connectionsThreshold: int('Alarm when database connections exceed this number.', {
          default: DEFAULTS.connectionsThreshold,
          minimum: 1,
          maximum: 100000,
        }),
        unhealthyHostsThreshold: int('Alarm when the number of unhealthy targets exceeds this number.', {
          default: DEFAULTS.unhealthyHostsThreshold,
          minimum: 0,
          maximum: 1000,
        }),
        evaluationPeriods: int('Consecutive 5-minute periods over the threshold before an alarm fires.', {
          default: DEFAULTS.evaluationPeriods,
          minimum: 1,
          maximum: 24,
        }),
      }),
      tags: map(
        'Tags added to every AWS resource (besides `environment`, `managed-by` and `payment-platform`).',
        str('Tag value: letters, digits, spaces and `_ . : / = + - @` (what S3, RDS and ELB accept).', {
          maxLength: 256,
          pattern: TAG_CHARACTERS,
        }),
        {
          maxProperties: 40,
          'x-kubernetes-validations': [
            {
              rule: 'self.all(k, size(k) >= 1 && size(k) <= 128)',
              message: 'spec.parameters.tags keys must be 1 to 128 characters',
            },
            {
              rule: "self.all(k, !k.lowerAscii().startsWith('aws:') && !k.startsWith('rds:'))",
              message: 'spec.parameters.tags keys must not start with "aws:" (in any case) or "rds:" (AWS and RDS reserve them)',
            },
            {
              rule: `self.all(k, k.matches('${TAG_CHARACTERS}'))`,
              message:
                'spec.parameters.tags keys may only contain letters, digits, spaces and _ . : / = + - @ (S3, RDS and ELB refuse other characters)',
            },
            {
              // IAM (the RDS monitoring role is tagged) treats tag keys case-insensitively.
              rule: 'self.all(a, self.all(b, a == b || a.lowerAscii() != b.lowerAscii()))',
              message:
                'spec.parameters.tags keys must not differ only in case from each other (IAM tag keys are case-insensitive)',
            },
            {
              rule: `self.all(k, k in ${celList(PLATFORM_TAG_KEYS)} || !(k.lowerAscii() in ${celList(
                PLATFORM_TAG_KEYS.map((k) => k.toLowerCase()),
              )}))`,
              message: `spec.parameters.tags keys must not differ only in case from the platform's own tags (${PLATFORM_TAG_KEYS.join(', ')}): IAM tag keys are case-insensitive. The same key is allowed; the platform's value wins`,
            },
          ],
        },
      ),
      providerConfigName: str('Name of the provider-upjet-aws (Cluster)ProviderConfig every managed resource uses.', {
        default: DEFAULTS.providerConfigName,
        pattern: DNS_LABEL,
        maxLength: 63,
      }),
      providerConfigKind: str('Kind of that provider config.', {
        enum: ['ClusterProviderConfig', 'ProviderConfig'],
        default: DEFAULTS.providerConfigKind,
      }),
      managementPolicies: arr(
        "Crossplane management policies of every managed resource, applied verbatim when set (`['*']` = full control; `['Observe']` = import only). Unset: full control, except that in production the data stores (buckets, Aurora) get no `Delete` and are orphaned when the platform is deleted.",
        str('Policy.', { enum: ['*', 'Create', 'Observe', 'Update', 'Delete', 'LateInitialize'] }),
        {
          minItems: 1,
          maxItems: 6,
          'x-kubernetes-list-type': 'set',
          'x-kubernetes-validations': [
            {
              // crossplane-runtime v2 (v2.1.0 to v2.5.0), pkg/reconciler/managed/policies.go,
              // defaultSupportedManagementPolicies: any other set fails every managed resource.
              rule: `[${SUPPORTED_MANAGEMENT_POLICIES.map(celList).join(', ')}].exists(s, size(s) == size(self) && self.all(p, p in s))`,
              message:
                "spec.parameters.managementPolicies must be a combination Crossplane supports: ['*'] alone, or 'Observe' with any of Create, Update, Delete, LateInitialize except Delete without Create unless alone with Observe (['Observe', 'Delete'])",
            },
          ],
        },
      ),
    },
    {
      'x-kubernetes-validations': [
        {
          rule: "self.environment != 'production' || has(self.loadBalancer.certificateArn)",
          message: 'spec.parameters.loadBalancer.certificateArn is required in production (no HTTP-only production path)',
          fieldPath: '.loadBalancer.certificateArn',
          reason: 'FieldValueRequired',
        },
        {
          rule: "self.environment != 'production' || self.database.deletionProtection",
          message: 'spec.parameters.database.deletionProtection must be true in production',
          fieldPath: '.database.deletionProtection',
        },
        {
          rule: "self.environment != 'production' || self.database.instances >= 2",
          message: 'spec.parameters.database.instances must be at least 2 in production (a reader in another AZ)',
          fieldPath: '.database.instances',
        },
        {
          rule: "self.environment != 'production' || !has(self.network.natGateways) || self.network.natGateways == 'OnePerAz'",
          message: 'spec.parameters.network.natGateways must be OnePerAz in production',
          fieldPath: '.network.natGateways',
        },
        {
          rule: "self.environment != 'production' || !self.storage.forceDestroy",
          message: 'spec.parameters.storage.forceDestroy must be false in production',
          fieldPath: '.storage.forceDestroy',
        },
        {
          rule: "self.environment != 'production' || self.storage.logRetentionDays >= 365",
          message: 'spec.parameters.storage.logRetentionDays must be at least 365 in production (PCI DSS 10.5.1)',
          fieldPath: '.storage.logRetentionDays',
        },
        {
          rule: "self.environment != 'production' || has(self.monitoring.alarmEmail) || has(self.monitoring.snsTopicArn)",
          message:
            'spec.parameters.monitoring.alarmEmail or spec.parameters.monitoring.snsTopicArn is required in production (alarms must notify someone)',
          fieldPath: '.monitoring',
          reason: 'FieldValueRequired',
        },
        {
          rule: `!has(self.monitoring.snsTopicArn) || ${whereMatches('self.monitoring.snsTopicArn', SNS_TOPIC_ARN, "self.monitoring.snsTopicArn.split(':')[3] == self.region")}`,
          message: 'spec.parameters.monitoring.snsTopicArn must be in spec.parameters.region',
          fieldPath: '.monitoring.snsTopicArn',
        },
        {
          rule: `!has(self.monitoring.snsTopicArn) || ${whereMatches('self.monitoring.snsTopicArn', SNS_TOPIC_ARN, `self.monitoring.snsTopicArn.split(':')[1] == ${celPartitionOf('self.region')}`)}`,
          message: "spec.parameters.monitoring.snsTopicArn must be in spec.parameters.region's partition (arn:aws:...)",
          fieldPath: '.monitoring.snsTopicArn',
        },
        {
          rule: `!has(self.loadBalancer.certificateArn) || ${whereMatches('self.loadBalancer.certificateArn', CERTIFICATE_ARN, "self.loadBalancer.certificateArn.split(':')[3] == self.region")}`,
          message:
            'spec.parameters.loadBalancer.certificateArn must be an ACM certificate in spec.parameters.region (an ALB only uses certificates of its own region)',
          fieldPath: '.loadBalancer.certificateArn',
        },
        {
          rule: `!has(self.loadBalancer.certificateArn) || ${whereMatches('self.loadBalancer.certificateArn', CERTIFICATE_ARN, `self.loadBalancer.certificateArn.split(':')[1] == ${celPartitionOf('self.region')}`)}`,
          message: "spec.parameters.loadBalancer.certificateArn must be in spec.parameters.region's partition (arn:aws:...)",
          fieldPath: '.loadBalancer.certificateArn',
        },
        {
          rule: `!has(self.network.availabilityZones) || !(self.region in ${CEL_REGION_ZONES}) || self.network.availabilityZones.all(z, ${CEL_REGION_ZONES}[self.region].contains(z))`,
          message:
            'spec.parameters.network.availabilityZones must be zones spec.parameters.region has for every account (see the region table; for example ap-northeast-1 has a, c, d and ca-central-1 has a, b, d)',
          fieldPath: '.network.availabilityZones',
        },
        {
          rule: "self.environment != 'production' || self.database.backupRetentionDays >= 7",
          message:
            'spec.parameters.database.backupRetentionDays must be at least 7 in production (PP-DB-BACKUPS, PCI DSS 12.10.1)',
          fieldPath: '.database.backupRetentionDays',
        },
        {
          rule: "self.environment != 'production' || !has(self.managementPolicies) || !self.managementPolicies.exists(p, p == '*' || p == 'Delete')",
          message:
            "spec.parameters.managementPolicies must not contain '*' or 'Delete' in production: data stores are orphaned, never deleted, with the platform (PP-DATA-ORPHANED)",
          fieldPath: '.managementPolicies',
        },
      ],
    },
  ),
);

const ids = (what: string): JsonSchema => arr(what, str('Id.'), { maxItems: 3 });

export const statusSchema: JsonSchema = obj('Outputs of the platform, filled as AWS reports them.', {
  vpcId: str('VPC id.'),
  publicSubnetIds: ids('Public subnet ids, zones a, b, c.'),
  privateSubnetIds: ids('Private subnet ids, zones a, b, c.'),
  albDnsName: str('DNS name of the load balancer.'),
  albArn: str('ARN of the load balancer.'),
  albArnSuffix: str('ARN suffix of the load balancer (CloudWatch dimension).'),
  targetGroupArn: str('ARN of the target group (register the application here).'),
  targetGroupArnSuffix: str('ARN suffix of the target group (CloudWatch dimension).'),
  dbEndpoint: str('Aurora writer endpoint.'),
  dbReaderEndpoint: str('Aurora reader endpoint.'),
  dbPort: int('Aurora port.'),
  dbMasterUserSecretArn: str('ARN of the Secrets Manager secret that holds the master credentials.'),
  assetsBucketName: str('Name of the static assets bucket.'),
  assetsBucketArn: str('ARN of the static assets bucket.'),
  flowLogsBucketName: str('Name of the VPC flow logs bucket.'),
  flowLogsBucketArn: str('ARN of the VPC flow logs bucket.'),
  alarmTopicArn: str('ARN of the SNS topic the alarms notify.'),
  appSecurityGroupId: str('Security group to attach to the application (admits traffic from the ALB only).'),
  accountId: str('AWS account that owns the VPC.'),
  accessLogsBucketName: str('Name of the access-log bucket (S3 server access logs and ALB access logs).'),
  accessLogsBucketArn: str('ARN of the access-log bucket.'),
  alarmsKeyArn: str('ARN of the KMS key that encrypts the alarm topic.'),
  storageKeyArn: str('ARN of the KMS key that encrypts the assets and flow-log buckets.'),
  elbLogDeliveryPrincipal: str('Internal: the IAM principal that delivers ALB access logs in this region (JSON).'),
  health: HEALTH_STATUS_SCHEMA,
});

/** Rules on the whole object (Crossplane >= v2.2 keeps root-level rules; see constants). */
export const rootValidations: readonly ValidationRule[] = [
  {
    rule: `size(self.metadata.name) <= ${MAX_NAME_LENGTH} && self.metadata.name.matches('^[a-z]([a-z0-9]|-[a-z0-9])*$')`,
    message: `metadata.name must be at most ${MAX_NAME_LENGTH} characters of lowercase letters, digits and single hyphens, starting with a letter (it names AWS resources with tight limits: ALB and target group names are 32 characters)`,
    fieldPath: '.metadata.name',
  },
  {
    rule: "!self.metadata.name.startsWith('internal-')",
    message: 'metadata.name must not start with "internal-" (AWS reserves that prefix for internal load balancer names)',
    fieldPath: '.metadata.name',
  },
  {
    // Security groups are named <metadata.name>-<tier>-<uid8>; EC2 refuses names that start with
    // "sg-" (found by the property test of test/unit/cli-property.test.ts with metadata.name "sg").
    rule: "!(self.metadata.name + '-').startsWith('sg-')",
    message:
      'metadata.name must not be "sg" or start with "sg-" (EC2 refuses security group names that start with "sg-"; they are named <metadata.name>-<tier>-<uid>)',
    fieldPath: '.metadata.name',
  },
  {
    // Bucket names are <metadata.name>-<purpose>-<uid8>, so the name followed by a hyphen is
    // their prefix.
    rule: S3_RESERVED_PREFIXES.map((p) => `!(self.metadata.name + '-').startsWith('${p}')`).join(' && '),
    message: `metadata.name must not make bucket names that start with a prefix S3 reserves (${S3_RESERVED_PREFIXES.join(', ')}): the buckets are named <metadata.name>-<purpose>-<uid>`,
    fieldPath: '.metadata.name',
  },
];

/**
 * Rules that judge an update (they read `oldSelf`): a PaymentPlatform keeps the Composition it
 * was first composed with. Moving between the single Composition and the nested layout would
 * make Crossplane delete every managed resource of the old tree and create new ones (a new VPC,
 * subnets and database), so it is refused; see the README's "Nested layout".
 */
export const updateValidations: readonly ValidationRule[] = [
  {
    rule: '!has(oldSelf.spec.crossplane) || !has(oldSelf.spec.crossplane.compositionRef) || (has(self.spec.crossplane) && has(self.spec.crossplane.compositionRef) && self.spec.crossplane.compositionRef.name == oldSelf.spec.crossplane.compositionRef.name)',
    message:
      'spec.crossplane.compositionRef cannot change once set: moving a platform between the single Composition and the nested layout would delete its managed resources and create new ones (a new VPC, subnets and database); not supported in v1alpha1',
    fieldPath: '.spec.crossplane.compositionRef',
  },
];

export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'date' | 'boolean' | 'number';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

/**
 * Columns of `kubectl get paymentplatforms`. Crossplane adds SYNCED, READY, COMPOSITION and AGE
 * itself, so these are the platform's own.
 */
export const printerColumns: readonly PrinterColumn[] = [
  { name: 'ENV', type: 'string', jsonPath: '.spec.parameters.environment' },
  { name: 'ALB', type: 'string', jsonPath: '.status.albDnsName' },
  { name: 'DB-ENDPOINT', type: 'string', jsonPath: '.status.dbEndpoint' },
  { name: 'HEALTH', type: 'string', jsonPath: '.status.health.summary', priority: 1 },
  { name: 'REGION', type: 'string', jsonPath: '.spec.parameters.region', priority: 1 },
];
