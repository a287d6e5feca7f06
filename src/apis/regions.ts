/**
 * The AWS regions the platform admits, with their partition and the availability-zone letters a
 * new account can use there: one fact, read by the XRD (region enum, zone rule), the Composition
 * (region-dependent default zones) and the docs.
 *
 * Source: not generated. No pinned package carries availability zones (the AWS SDKs' partition
 * data, e.g. botocore's endpoints.json, lists regions but not zones, and zone letters map to
 * zone ids per account). The table is maintained by hand from the AWS documentation
 * "Regions and Zones" (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html)
 * and "AZ IDs" (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html), as of
 * 2025-12. A letter is listed only if every new account has it (`aws ec2
 * describe-availability-zones --region <r>` in a fresh account); letters that only old accounts
 * see (ap-northeast-1b, ca-central-1c) are left out.
 *
 * Partitions: only `aws` (commercial). The Composition's ARNs, service principals and ELB
 * log-delivery accounts are those of the commercial partition; GovCloud (aws-us-gov), China
 * (aws-cn) and the ISO partitions are refused at admission rather than composed wrongly.
 * us-west-1 is left out: most accounts get two zones there and the platform needs three.
 */
export interface RegionInfo {
  readonly partition: 'aws';
  /** Zone letters available to every account, in order; the first three are the default zones. */
  readonly zones: string;
}

const abc = { partition: 'aws', zones: 'abc' } as const;

export const REGIONS: Readonly<Record<string, RegionInfo>> = {
  'us-east-1': { partition: 'aws', zones: 'abcdef' },
  'us-east-2': abc,
  'us-west-2': { partition: 'aws', zones: 'abcd' },
  'af-south-1': abc,
  'ap-east-1': abc,
  'ap-east-2': abc,
  'ap-south-1': abc,
  'ap-south-2': abc,
  'ap-southeast-1': abc,
  'ap-southeast-2': abc,
  'ap-southeast-3': abc,
  'ap-southeast-4': abc,
  'ap-southeast-5': abc,
  'ap-southeast-6': abc,
  'ap-southeast-7': abc,
  'ap-northeast-1': { partition: 'aws', zones: 'acd' },
  'ap-northeast-2': { partition: 'aws', zones: 'abcd' },
  'ap-northeast-3': abc,
  'ca-central-1': { partition: 'aws', zones: 'abd' },
  'ca-west-1': abc,
  'eu-central-1': abc,
  'eu-central-2': abc,
  'eu-west-1': abc,
  'eu-west-2': abc,
  'eu-west-3': abc,
  'eu-south-1': abc,
  'eu-south-2': abc,
  'eu-north-1': abc,
  'il-central-1': abc,
  'me-south-1': abc,
  'me-central-1': abc,
  'mx-central-1': abc,
  'sa-east-1': abc,
};

export const REGION_NAMES: readonly string[] = Object.keys(REGIONS);

/** The partitions the API admits (every region's partition). */
export const PARTITIONS: readonly string[] = [...new Set(Object.values(REGIONS).map((r) => r.partition))];

/** The default availability zones of a region: its first three letters. */
export const defaultZones = (region: string): string[] => [...(REGIONS[region]?.zones ?? 'abc').slice(0, 3)];

/** CEL: a map literal region -> zone letters (`{'us-east-1': 'abcdef', ...}`). */
export const CEL_REGION_ZONES = `{${Object.entries(REGIONS)
  .map(([r, i]) => `'${r}': '${i.zones}'`)
  .join(', ')}}`;

/** CEL: the partition of `regionExpr` (every admitted region is in one of PARTITIONS). */
export const celPartitionOf = (_regionExpr: string): string =>
  PARTITIONS.length === 1
    ? `'${PARTITIONS[0]}'`
    : `{${Object.entries(REGIONS)
        .map(([r, i]) => `'${r}': '${i.partition}'`)
        .join(', ')}}[${_regionExpr}]`;
