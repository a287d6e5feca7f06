/**
 * The one shape every part of the project reads Kubernetes and Crossplane objects through: a JSON
 * object as it comes from YAML or the API server, read defensively.
 */

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Kubernetes condition as Crossplane and the provider write it. */
export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}
