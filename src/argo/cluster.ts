/**
 * A Rollout the cluster already has belongs to the Argo controller: releasing its Deployment
 * beside it would leave two controllers fighting over one app. Checked before the first write.
 */
import type { Config } from '../config/types.ts';
import { InputError } from '../errors.ts';
import { KubeApiError, type Cluster } from '../kube/types.ts';

const ROLLOUT_API_VERSION = 'argoproj.io/v1alpha1';

/** The refusal when the cluster serves Rollouts and has one of this name; undefined otherwise. */
export async function rolloutInCluster(
  cluster: Pick<Cluster, 'get'>,
  origin: Config['manifestOrigin'],
): Promise<InputError | undefined> {
  if (origin?.kind !== 'Rollout') return undefined;
  const { name, namespace, file, line } = origin;
  try {
    const live = await cluster.get({ apiVersion: ROLLOUT_API_VERSION, kind: 'Rollout', name, namespace });
    if (!live) return undefined;
  } catch (err) {
    // No Rollout kind served (no Argo installed), or no right to read it: nothing to collide with
    // that this run can see.
    if (err instanceof KubeApiError && (err.code === 404 || err.code === 403)) return undefined;
    throw err;
  }
  return new InputError(
    `the cluster already has Rollout ${name} in namespace ${namespace}: the Argo controller owns that app; delete the Rollout (or release it with Argo) before kube-rollout releases it as a Deployment`,
    { input: 'manifests', file, ...(line ? { line } : {}) },
  );
}
