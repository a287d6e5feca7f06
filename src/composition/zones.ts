/** Zone slots: the first, second and third availability zone of spec.parameters.network. */
export const ZONE_SLOTS = ['az1', 'az2', 'az3'] as const;
export type ZoneSlot = (typeof ZONE_SLOTS)[number];

/** The PaymentPlatform as the CEL filter sees it. */
export const XR = 'observed.composite.resource';
const P = `${XR}.spec.parameters`;

/** CEL: the resolved NAT mode is OnePerAz (explicit, or unset in production). */
export const NAT_PER_AZ = `(has(${P}.network.natGateways) ? ${P}.network.natGateways : (${P}.environment == 'production' ? 'OnePerAz' : 'Single')) == 'OnePerAz'`;
/** CEL: a certificate is set, so HTTPS is served and HTTP redirects. */
export const HAS_CERTIFICATE = `has(${P}.loadBalancer.certificateArn)`;
export const NO_CERTIFICATE = `!${HAS_CERTIFICATE}`;
export const HAS_ALARM_EMAIL = `has(${P}.monitoring.alarmEmail)`;
export const IS_PRODUCTION = `${P}.environment == 'production'`;
export const dbInstancesAtLeast = (n: number): string => `${P}.database.instances >= ${n}.0`;
