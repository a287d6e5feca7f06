import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CompositeResourceDefinition } from '@crossplane-models/crossplane/apiextensions.crossplane.io/v2';
import {
  API_GROUP,
  API_VERSION,
  CATEGORIES,
  DEFAULT_COMPOSITION_NAME,
  KIND,
  PLURAL,
  SHORT_NAMES,
  SINGULAR,
  XRD_NAME,
} from './constants.js';
import { parametersSchema, printerColumns, rootValidations, statusSchema, updateValidations } from './payment-platform.js';
import type { JsonSchema } from './schema.js';

/** The whole openAPIV3Schema of the PaymentPlatform version. */
export function openApiSchema(): JsonSchema {
  return {
    type: 'object',
    description: `A ${KIND} is a complete PCI-DSS-ready AWS footprint for one payment application: VPC, ALB, Aurora MySQL, S3, flow logs and alarms.`,
    'x-kubernetes-validations': [...rootValidations, ...updateValidations],
    properties: {
      spec: {
        type: 'object',
        description: `Desired state of the ${KIND}.`,
        default: {},
        properties: { parameters: parametersSchema },
      },
      status: statusSchema,
    },
  };
}

/**
 * The v2, namespaced XRD: a PaymentPlatform is applied by an application team in its own
 * namespace and composes namespaced managed resources.
 */
export class PaymentPlatformXrd extends Construct {
  readonly manifest: Record<string, unknown>;

  constructor(scope: Construct, id = 'xrd') {
    super(scope, id);
    const model = new CompositeResourceDefinition({
      metadata: { name: XRD_NAME },
      spec: {
        scope: 'Namespaced',
        group: API_GROUP,
        names: { kind: KIND, plural: PLURAL, singular: SINGULAR, shortNames: [...SHORT_NAMES], categories: [...CATEGORIES] },
        defaultCompositionRef: { name: DEFAULT_COMPOSITION_NAME },
        versions: [
          {
            name: API_VERSION,
            served: true,
            referenceable: true,
            additionalPrinterColumns: printerColumns.map((c) => ({ ...c })),
            schema: { openAPIV3Schema: openApiSchema() as Record<string, unknown> },
          },
        ],
      },
    });
    model.validate();
    this.manifest = model.toJSON() as Record<string, unknown>;
    new ApiObject(this, 'Resource', this.manifest as never);
  }
}
