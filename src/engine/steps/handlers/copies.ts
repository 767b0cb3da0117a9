// The new version's workload copies (`<name>-canary`, `<name>-green`): the user's rendered
// workload under another name, selecting only its own version's pods.
import type { KubeObject } from '../../../kube/types.ts';
import type { DeploymentObject } from '../../../manifests/workload-views.ts';
import { ANNOTATIONS, LABELS } from '../../../labels.ts';
import { copyName as copiedName, type CopySuffix } from '../../../names.ts';
import { copyReplicas } from '../../objects/autoscaler.ts';

export const ROLE_LABEL = LABELS.role;

export function copyName(workload: KubeObject, suffix: CopySuffix): string {
  return copiedName(workload.metadata.name ?? '', suffix);
}

/**
 * A copy of a Deployment named `<name>-<suffix>` whose selector also pins the version label (only
 * Deployments get copies: StatefulSets take the new version through their partition). With
 * `release`, it carries its release's label and version, so a rollback finds it from the cluster
 * alone when the release state is gone (src/engine/recovery/orphans.ts).
 */
export function newVersionCopy(
  workload: DeploymentObject,
  suffix: CopySuffix,
  versionLabel: string,
  version: string,
  replicas?: number,
  release?: string,
): DeploymentObject {
  const copy = structuredClone(workload);
  copy.metadata = {
    name: copyName(workload, suffix),
    namespace: workload.metadata.namespace,
    labels: {
      ...(workload.metadata.labels ?? {}),
      [ROLE_LABEL]: suffix,
      ...(release ? { [LABELS.release]: release } : {}),
    },
    annotations: {
      ...(workload.metadata.annotations ?? {}),
      [ANNOTATIONS.copyOf]: workload.metadata.name!,
      ...(release ? { [ANNOTATIONS.version]: version } : {}),
    },
  };
  copy.spec.selector = {
    ...copy.spec.selector,
    matchLabels: { ...(copy.spec.selector?.matchLabels ?? {}), [versionLabel]: version },
  };
  copy.spec.template.metadata = copy.spec.template.metadata ?? {};
  copy.spec.template.metadata.labels = {
    ...(copy.spec.template.metadata.labels ?? {}),
    [versionLabel]: version,
  };
  if (replicas !== undefined) copy.spec.replicas = replicas;
  delete copy.status;
  return copy;
}

export function desiredReplicas(workload: KubeObject | undefined): number {
  return copyReplicas(workload);
}
