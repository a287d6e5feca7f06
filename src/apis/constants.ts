/**
 * The one place for every fact that more than one part of the project needs: the API's group,
 * version and names, the pinned Crossplane packages, label keys and the AWS naming limits.
 * Everything else (XRD, Composition, chart, CLI, operator, tests) imports from here.
 *
 * Versions are the newest the Go module proxy serves whole (module .mod and .zip), so the
 * end-to-end tests run exactly the function builds the chart installs; see hack/PROBE.md.
 */

import { dependencyObjectName } from './xpkg.js';

/** The API group of the PaymentPlatform API. Stable: changing it is a breaking change. */
export const API_GROUP = 'platform.payments.io';
/** The served and referenceable version of the API. */
export const API_VERSION = 'v1alpha1';
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

export const KIND = 'PaymentPlatform';
export const PLURAL = 'paymentplatforms';
export const SINGULAR = 'paymentplatform';
export const SHORT_NAMES = ['pp', 'payplat'];
export const CATEGORIES = ['crossplane', 'composite', 'payments'];
export const XRD_NAME = `${PLURAL}.${API_GROUP}`;

/**
 * The single Composition: every resource composed by the PaymentPlatform itself (optional ones
 * chosen by function-cel-filter). The default before the nested layout; platforms created with it
 * keep it, and a platform may still name it.
 */
export const COMPOSITION_NAME = `${PLURAL}-aws.${API_GROUP}`;

/**
 * The nested layout (issue 11; what a PaymentPlatform gets by default): internal composite resources per part of the
 * platform, composed by the PaymentPlatform's nested Composition (src/composition/nested.ts).
 */
export const NESTED_API_GROUP = `internal.${API_GROUP}`;
export const NESTED_API_VERSION = 'v1alpha1';
export const NESTED_CATEGORIES = ['payments-internal'];
export const NESTED_COMPOSITION_NAME = `${PLURAL}-aws-nested.${API_GROUP}`;
/**
 * The Composition a PaymentPlatform gets when it names none (the XRD's defaultCompositionRef;
 * the offline renderer uses the same): the nested layout. Crossplane writes it into the
 * platform's spec.crossplane.compositionRef, which cannot change afterwards.
 */
export const DEFAULT_COMPOSITION_NAME = NESTED_COMPOSITION_NAME;
/** Whether an object (or a reference to one) is an internal XR of the nested layout: its API group. */
export const isInternalApiVersion = (apiVersion: unknown): boolean =>
  typeof apiVersion === 'string' && apiVersion.startsWith(`${NESTED_API_GROUP}/`);

/** The generated API files (repository-relative): the XRDs and Compositions of both layouts. */
export const API_FILES = {
  xrd: `crds/${XRD_NAME}.yaml`,
  composition: `compositions/${COMPOSITION_NAME}.yaml`,
  nestedXrds: 'crds/nested.yaml',
  nestedCompositions: 'compositions/nested.yaml',
} as const;

/** Chart and product name. */
export const PRODUCT = 'payment-platform';
export const CHART_NAME = 'payment-platform';
export const CHART_VERSION = '0.1.0';
/** One line on what the product is: the chart's and the Configuration package's description. */
export const PRODUCT_DESCRIPTION = `The ${KIND} API: one namespaced object gives a payment application a PCI-DSS-ready AWS footprint (VPC, ALB, Aurora MySQL, S3, flow logs, alarms) through Crossplane v2 and provider-upjet-aws.`;
export const LICENSE = 'Apache-2.0';

/** Label keys the Composition puts on composed resources to wire selectors. */
export const LABEL_ROLE = `${API_GROUP}/resource`;
export const LABEL_ZONE = `${API_GROUP}/zone`;
/** The label on every managed resource of the nested layout: the PaymentPlatform's name. */
export const LABEL_PLATFORM = `${API_GROUP}/platform`;

/** Crossplane annotations the Composition sets. */
export const ANNOTATION_EXTERNAL_NAME = 'crossplane.io/external-name';
export const ANNOTATION_PAUSED = 'crossplane.io/paused';
/** The annotation Crossplane puts on every composed resource: its name in the Composition. */
export const ANNOTATION_COMPOSITION_RESOURCE_NAME = 'crossplane.io/composition-resource-name';

/** The label Crossplane v2 puts on every composed resource: the name of its composite. */
export const LABEL_COMPOSITE = 'crossplane.io/composite';

/** Crossplane and function packages the chart installs, pinned. */
export interface PinnedPackage {
  /** The package's repository name; also the name of the binary built from `goModule`. */
  readonly name: string;
  /** OCI package reference without the tag. */
  readonly package: string;
  /** Version tag. */
  readonly version: string;
  /** Go module that builds the same version locally (for the real control-plane tests). */
  readonly goModule?: string;
}

export const FUNCTIONS = {
  patchAndTransform: {
    name: 'function-patch-and-transform',
    package: 'xpkg.crossplane.io/crossplane-contrib/function-patch-and-transform',
    version: 'v0.10.7',
    goModule: 'github.com/crossplane-contrib/function-patch-and-transform',
  },
  celFilter: {
    name: 'function-cel-filter',
    package: 'xpkg.crossplane.io/crossplane-contrib/function-cel-filter',
    version: 'v0.2.0',
    goModule: 'github.com/crossplane-contrib/function-cel-filter',
  },
  autoReady: {
    name: 'function-auto-ready',
    package: 'xpkg.crossplane.io/crossplane-contrib/function-auto-ready',
    version: 'v0.7.0',
    goModule: 'github.com/crossplane/function-auto-ready',
  },
} as const satisfies Record<string, PinnedPackage>;

/**
 * The composition function this project builds (src/function: the composite's readiness without
 * an `Unready resources` message), which the nested layout's pipelines run last. Its image is
 * built by the Dockerfile's `function` target and versioned with the chart.
 */
export const READINESS_FUNCTION = {
  name: 'function-payments-readiness',
  package: 'ghcr.io/payment-platform/function-payments-readiness',
  version: `v${CHART_VERSION}`,
} as const satisfies PinnedPackage;

/**
 * The name of a Function object, which the Composition's `functionRef` names: the name Crossplane's
 * package manager gives the package when it installs it as a dependency of the Configuration
 * package (`crossplane-contrib-function-patch-and-transform`); the chart uses the same.
 */
export const functionName = (f: PinnedPackage): string => dependencyObjectName(f.package);

/** provider-upjet-aws release whose family providers the chart installs. */
export const PROVIDER_AWS_VERSION = 'v2.7.0';
export const PROVIDER_AWS_REGISTRY = 'xpkg.crossplane.io/crossplane-contrib';

/** The minimum Crossplane version: root-level XRD validation rules need v2.2 (crossplane#7018). */
export const MIN_CROSSPLANE_VERSION = 'v2.2.0';
/** The Kubernetes versions the chart supports (CEL with the IP/CIDR library, SSA, ...). */
export const KUBE_VERSION_CONSTRAINT = '>=1.31.0-0';

/** AWS naming limits for names built from a claim. */
export const AWS_LIMITS = {
  albName: 32,
  targetGroupName: 32,
  bucketName: 63,
  rdsIdentifier: 63,
  securityGroupName: 255,
  alarmName: 255,
  snsTopicName: 256,
  kmsAlias: 256,
  wafName: 128,
} as const;

/**
 * A PaymentPlatform's metadata.name is at most this long; every AWS name is built from it plus
 * 9 characters ("-" and 8 of metadata.uid) plus a purpose suffix, and the longest limited one
 * (ALB and target group: 32) has no suffix: 23 + 9 = 32.
 */
export const MAX_NAME_LENGTH = 23;
/** How many characters of metadata.uid make AWS names unique across namespaces. */
export const UID_CHARS = 8;
