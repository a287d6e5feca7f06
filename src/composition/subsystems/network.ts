import {
  DefaultSecurityGroup,
  EIP,
  FlowLog,
  InternetGateway,
  NATGateway,
  Route,
  RouteTable,
  RouteTableAssociation,
  Subnet,
  VPC,
  VPCEndpoint,
  VPCEndpointRouteTableAssociation,
} from '@crossplane-models/provider-upjet-aws/ec2.aws.m.upbound.io/v1beta1';
import { DEFAULTS } from '../../apis/payment-platform.js';
import { API_GROUP, LABEL_ZONE } from '../../apis/constants.js';
import { elbLogPrincipalTransform } from './storage.js';
import { defaultZones, REGION_NAMES } from '../../apis/regions.js';

const ANNOTATION_ELB_LOG_PRINCIPAL = `${API_GROUP}/elb-log-delivery-principal`;
import { combineFromXr, fromXr, key, selector, toXr, transform } from '../patches.js';
import { BASE_TAGS, Subsystem } from '../subsystem.js';
import { NAT_PER_AZ, ZONE_SLOTS } from '../zones.js';

/** `10.0.0.0/16` -> `10.0.<octet>.0/24`: the subnet CIDRs of the seed design inside any /16. */
const R = DEFAULTS.region;

const subnetCidr = (octet: number) => [transform.regexp('^([0-9]+\\.[0-9]+)\\.', 1), transform.format(`%s.${octet}.0/24`)];

/**
 * The VPC and everything routed in it: 3 public and 3 private subnets over 3 zones, internet
 * gateway, one NAT gateway (or one per zone), route tables, routes and associations, the default
 * security group stripped of its rules, an S3 gateway endpoint and the VPC flow log to S3.
 */
export class Network extends Subsystem {
  constructor(scope: import('constructs').Construct, id = 'network') {
    super(scope, id);

    this.add('vpc', {
      role: 'vpc',
      base: new VPC({
        spec: {
          forProvider: {
            region: R,
            cidrBlock: DEFAULTS.vpcCidr,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            tags: { ...BASE_TAGS },
          },
        },
      }),
      patches: [
        fromXr('spec.parameters.network.vpcCidr', 'spec.forProvider.cidrBlock'),
        toXr('status.atProvider.id', 'status.vpcId'),
        toXr('status.atProvider.ownerId', 'status.accountId'),
        // The region's ALB log-delivery principal, carried on the VPC (which exists first) to the
        // status, where the access-log bucket policy reads it.
        fromXr('spec.parameters.region', `metadata.annotations${key(ANNOTATION_ELB_LOG_PRINCIPAL)}`, [
          elbLogPrincipalTransform(),
        ]),
        toXr(`metadata.annotations${key(ANNOTATION_ELB_LOG_PRINCIPAL)}`, 'status.elbLogDeliveryPrincipal'),
      ],
    });

    this.add('internet-gateway', {
      role: 'internet-gateway',
      base: new InternetGateway({ spec: { forProvider: { region: R, vpcIdSelector: selector('vpc'), tags: { ...BASE_TAGS } } } }),
    });

    ZONE_SLOTS.forEach((zone, i) => {
      for (const tier of ['public', 'private'] as const) {
        const octet = (tier === 'public' ? DEFAULTS.publicSubnetOctets : DEFAULTS.privateSubnetOctets)[i];
        this.add(`subnet-${tier}-${zone}`, {
          role: `subnet-${tier}`,
          zone,
          base: new Subnet({
            spec: {
              forProvider: {
                region: R,
                cidrBlock: `10.0.${octet}.0/24`,
                mapPublicIpOnLaunch: false,
                vpcIdSelector: selector('vpc'),
                tags: { ...BASE_TAGS, tier },
              },
            },
          }),
          patches: [
            fromXr('spec.parameters.network.vpcCidr', 'spec.forProvider.cidrBlock', subnetCidr(octet)),
            // The region's default zone for this slot (src/apis/regions.ts), replaced by the claim's
            // own zone when it names one.
            fromXr('spec.parameters.region', 'spec.forProvider.availabilityZone', [
              transform.match(
                Object.fromEntries(REGION_NAMES.map((r) => [r, `${r}${defaultZones(r)[i]}`])),
                `${DEFAULTS.region}${defaultZones(DEFAULTS.region)[i]}`,
              ),
            ]),
            combineFromXr(
              ['spec.parameters.region', `spec.parameters.network.availabilityZones[${i}]`],
              '%s%s',
              'spec.forProvider.availabilityZone',
            ),
            toXr('status.atProvider.id', `status.${tier}SubnetIds[${i}]`),
          ],
        });
      }

      // The first zone's NAT gateway always exists; the others only with one NAT per zone.
      const perAz = i === 0 ? undefined : NAT_PER_AZ;
      this.add(`nat-eip-${zone}`, {
        role: 'nat-eip',
        zone,
        base: new EIP({ spec: { forProvider: { region: R, domain: 'vpc', tags: { ...BASE_TAGS } } } }),
        ...(perAz ? { includeWhen: perAz } : {}),
      });
      this.add(`nat-gateway-${zone}`, {
        role: 'nat-gateway',
        zone,
        base: new NATGateway({
          spec: {
            forProvider: {
              region: R,
              connectivityType: 'public',
              allocationIdSelector: selector('nat-eip', zone),
              subnetIdSelector: selector('subnet-public', zone),
              tags: { ...BASE_TAGS },
            },
          },
        }),
        ...(perAz ? { includeWhen: perAz } : {}),
      });
    });

    this.add('route-table-public', {
      role: 'route-table-public',
      base: new RouteTable({ spec: { forProvider: { region: R, vpcIdSelector: selector('vpc'), tags: { ...BASE_TAGS } } } }),
    });
    this.add('route-public-default', {
      role: 'route-public-default',
      tagged: false,
      base: new Route({
        spec: {
          forProvider: {
            region: R,
            destinationCidrBlock: '0.0.0.0/0',
            routeTableIdSelector: selector('route-table-public'),
            gatewayIdSelector: selector('internet-gateway'),
          },
        },
      }),
    });

    ZONE_SLOTS.forEach((zone) => {
      this.add(`route-table-association-public-${zone}`, {
        role: 'route-table-association-public',
        zone,
        tagged: false,
        base: new RouteTableAssociation({
          spec: {
            forProvider: {
              region: R,
              routeTableIdSelector: selector('route-table-public'),
              subnetIdSelector: selector('subnet-public', zone),
            },
          },
        }),
      });
      this.add(`route-table-private-${zone}`, {
        role: 'route-table-private',
        zone,
        base: new RouteTable({ spec: { forProvider: { region: R, vpcIdSelector: selector('vpc'), tags: { ...BASE_TAGS } } } }),
      });
      // Each private route table uses the NAT gateway of its own zone in OnePerAz mode and the
      // first zone's otherwise: the selector's zone label is chosen by environment, then by the
      // explicit natGateways setting when there is one.
      const natZone = `spec.forProvider.natGatewayIdSelector.matchLabels${key(LABEL_ZONE)}`;
      this.add(`route-private-default-${zone}`, {
        role: 'route-private-default',
        zone,
        tagged: false,
        base: new Route({
          spec: {
            forProvider: {
              region: R,
              destinationCidrBlock: '0.0.0.0/0',
              routeTableIdSelector: selector('route-table-private', zone),
              natGatewayIdSelector: selector('nat-gateway', ZONE_SLOTS[0]),
            },
          },
        }),
        patches:
          zone === ZONE_SLOTS[0]
            ? []
            : [
                fromXr('spec.parameters.environment', natZone, [
                  transform.map({ development: ZONE_SLOTS[0], staging: ZONE_SLOTS[0], production: zone }),
                ]),
                fromXr('spec.parameters.network.natGateways', natZone, [
                  transform.map({ Single: ZONE_SLOTS[0], OnePerAz: zone }),
                ]),
              ],
      });
      this.add(`route-table-association-private-${zone}`, {
        role: 'route-table-association-private',
        zone,
        tagged: false,
        base: new RouteTableAssociation({
          spec: {
            forProvider: {
              region: R,
              routeTableIdSelector: selector('route-table-private', zone),
              subnetIdSelector: selector('subnet-private', zone),
            },
          },
        }),
      });
    });

    // PCI 1.3.1 / EC2.2: the default security group admits nothing (adopting it removes its rules).
    this.add('default-security-group', {
      role: 'default-security-group',
      base: new DefaultSecurityGroup({
        spec: { forProvider: { region: R, vpcIdSelector: selector('vpc'), ingress: [], egress: [], tags: { ...BASE_TAGS } } },
      }),
    });

    // S3 traffic from the private subnets stays on the AWS network (gateway endpoint, no cost).
    this.add('s3-gateway-endpoint', {
      role: 's3-gateway-endpoint',
      base: new VPCEndpoint({
        spec: {
          forProvider: {
            region: R,
            serviceName: 'com.amazonaws.us-east-1.s3',
            vpcEndpointType: 'Gateway',
            vpcIdSelector: selector('vpc'),
            tags: { ...BASE_TAGS },
          },
        },
      }),
      patches: [fromXr('spec.parameters.region', 'spec.forProvider.serviceName', [transform.format('com.amazonaws.%s.s3')])],
    });
    ZONE_SLOTS.forEach((zone) => {
      this.add(`s3-gateway-endpoint-route-table-${zone}`, {
        role: 's3-gateway-endpoint-route-table',
        zone,
        tagged: false,
        base: new VPCEndpointRouteTableAssociation({
          spec: {
            forProvider: {
              region: R,
              vpcEndpointIdSelector: selector('s3-gateway-endpoint'),
              routeTableIdSelector: selector('route-table-private', zone),
            },
          },
        }),
      });
    });

    // VPC flow logs straight to S3: no IAM role (S3 delivery does not use one) and a literal
    // bucket ARN (logDestinationSelector only resolves CloudWatch log groups).
    this.add('flow-log', {
      role: 'flow-log',
      base: new FlowLog({
        spec: {
          forProvider: {
            region: R,
            logDestinationType: 's3',
            trafficType: 'ALL',
            maxAggregationInterval: 600,
            vpcIdSelector: selector('vpc'),
            destinationOptions: { fileFormat: 'plain-text', perHourPartition: true, hiveCompatiblePartitions: false },
            tags: { ...BASE_TAGS },
          },
        },
      }),
      patches: [fromXr('status.flowLogsBucketArn', 'spec.forProvider.logDestination', undefined, { fromFieldPath: 'Required' })],
    });
  }
}
