// Which pods belong to the version being rolled out: only they are judged for fail-fast, so an old
// pod that was already crash-looping does not fail a release that fixes it.
import { LABELS } from '../labels.ts';
import { ownedBy, type Cluster, type KubeObject } from '../kube/types.ts';
import {
  asWorkload,
  view,
  type DeploymentObject,
  type ReplicaSetObject,
} from '../manifests/workload-views.ts';
import { compareText, sameJson } from '../compare.ts';
import { withoutTemplateHash } from '../manifests/pods.ts';

export function selectorString(
  matchLabels: Record<string, string> | undefined,
  extra: Record<string, string> = {},
): string {
  return Object.entries({ ...(matchLabels ?? {}), ...extra })
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/**
 * The ReplicaSet a Deployment is rolling out to: the oldest one it owns whose template is the
 * Deployment's, ignoring the hash label (upstream `FindNewReplicaSet`). Not the one named by the
 * revision annotation: a Recreate rollout creates its new ReplicaSet only once the old pods are
 * gone, and until then that annotation still names the old ReplicaSet, whose pods this release
 * may be replacing because they crash.
 */
export async function newReplicaSet(
  cluster: Cluster,
  deployment: DeploymentObject,
): Promise<KubeObject | undefined> {
  const selector = { labelSelector: selectorString(deployment.spec?.selector?.matchLabels) };
  const listed = await cluster.list('apps/v1', 'ReplicaSet', deployment.metadata.namespace, selector);
  const sets = listed.map(view<ReplicaSetObject>);
  const wanted = withoutTemplateHash(deployment.spec?.template);
  return sets
    .filter((rs) => ownedBy(rs, deployment) && sameJson(withoutTemplateHash(rs.spec?.template), wanted))
    .sort((a, b) => compareText(a.metadata.creationTimestamp ?? '', b.metadata.creationTimestamp ?? ''))[0];
}

/**
 * A label selector for the new version's pods of an observed workload, or undefined when the
 * controller has not created the new revision yet.
 */
export async function newPodSelector(cluster: Cluster, obj: KubeObject): Promise<string | undefined> {
  const workload = asWorkload(obj);
  const matchLabels = workload?.spec?.selector?.matchLabels;
  switch (workload?.kind) {
    case 'Deployment': {
      const rs = await newReplicaSet(cluster, workload);
      const hash = rs?.metadata.labels?.[LABELS.templateHash];
      return hash ? selectorString(matchLabels, { [LABELS.templateHash]: hash }) : undefined;
    }
    case 'StatefulSet': {
      const rev = workload.status?.updateRevision;
      return rev ? selectorString(matchLabels, { [LABELS.revisionHash]: rev }) : undefined;
    }
    case 'DaemonSet': {
      // The DaemonSet controller labels each pod with the generation whose template created it;
      // its newest ControllerRevision may not exist yet when the spec is first observed.
      const generation = workload.metadata.generation;
      return generation
        ? selectorString(matchLabels, { 'pod-template-generation': String(generation) })
        : undefined;
    }
    default:
      return undefined;
  }
}
