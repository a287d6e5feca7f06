import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Composition } from '@crossplane-models/crossplane/apiextensions.crossplane.io/v1';
import { API_GROUP, API_GROUP_VERSION, COMPOSITION_NAME, FUNCTIONS, functionName, KIND } from '../apis/constants.js';
import { sharedPatchSets, Subsystem, type ComposedResource } from './subsystem.js';
import { Data, Edge, Encryption, Endpoints, Network, Observability, Protection, Security, Storage } from './subsystems/index.js';

export const STEP_PATCH_AND_TRANSFORM = 'patch-and-transform';
export const STEP_FILTER = 'choose-optional-resources';
export const STEP_AUTO_READY = 'automatically-detect-ready-composed-resources';
/** The nested layout's last step: the composite's readiness, without a message (src/function). */
export const STEP_READINESS = 'set-composite-readiness';

/**
 * The one Composition of the PaymentPlatform API: a pipeline of function-patch-and-transform
 * (every template, patched from the claim), function-cel-filter (drops the templates a claim does
 * not ask for: extra NAT gateways, HTTPS listeners, DB instances, e-mail subscription) and
 * function-auto-ready.
 */
export class PaymentPlatformComposition extends Construct {
  readonly subsystems: Subsystem[];
  readonly resources: ComposedResource[];
  readonly manifest: Record<string, unknown>;

  constructor(scope: Construct, id = 'composition') {
    super(scope, id);
    const provisioning: Subsystem[] = [
      new Network(this),
      new Security(this),
      new Encryption(this),
      new Storage(this),
      new Data(this),
      new Edge(this),
      new Observability(this),
      new Endpoints(this),
    ];
    this.subsystems = [
      ...provisioning,
      new Protection(
        this,
        provisioning.flatMap((s) => s.resources),
      ),
    ];
    this.resources = this.subsystems.flatMap((s) => s.resources);
    const names = new Set<string>();
    for (const r of this.resources) {
      if (names.has(r.name)) throw new Error(`composed resource name '${r.name}' is used by two subsystems`);
      names.add(r.name);
      r.props.base.validate();
    }

    const spec = {
      compositeTypeRef: { apiVersion: API_GROUP_VERSION, kind: KIND },
      mode: 'Pipeline' as const,
      pipeline: [
        {
          step: STEP_PATCH_AND_TRANSFORM,
          functionRef: { name: functionName(FUNCTIONS.patchAndTransform) },
          input: {
            apiVersion: 'pt.fn.crossplane.io/v1beta1',
            kind: 'Resources',
            patchSets: sharedPatchSets(),
            resources: this.resources.map((r) => ({
              name: r.name,
              base: r.base,
              patches: r.patches,
              ...(r.props.readinessChecks ? { readinessChecks: r.props.readinessChecks } : {}),
            })),
          },
        },
        {
          step: STEP_FILTER,
          functionRef: { name: functionName(FUNCTIONS.celFilter) },
          input: {
            apiVersion: 'cel.fn.crossplane.io/v1beta1',
            kind: 'Filters',
            filters: this.resources
              .filter((r) => r.includeWhen !== undefined)
              .map((r) => ({ name: r.name, expression: r.includeWhen as string })),
          },
        },
        { step: STEP_AUTO_READY, functionRef: { name: functionName(FUNCTIONS.autoReady) } },
      ],
    };
    const model = new Composition({
      metadata: {
        name: COMPOSITION_NAME,
        labels: { [`${API_GROUP}/provider`]: 'aws', [`${API_GROUP}/flavor`]: 'namespaced' },
      },
      spec,
    });
    model.validate();
    this.manifest = model.toJSON() as Record<string, unknown>;
    new ApiObject(this, 'Resource', this.manifest as never);
  }
}
