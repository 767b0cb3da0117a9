// A Deployment whose current template never finished rolling out (a run killed half-way whose
// release state was then lost or damaged) does not serve that template: its last complete revision
// is the one before. A release judges it from there, so the template is "changed" even when the
// manifests ask for it again: the release waits for it and fails fast, and a failure returns the
// workload to the revision before instead of keeping the broken one as "stable".
import { type Cluster, type KubeObject } from '../../kube/types.ts';
import { asDeployment, type DeploymentObject } from '../../manifests/workload-views.ts';
import { withoutTemplateHash } from '../../manifests/pods.ts';
import { previousRevision, revisionReader } from '../steps/undo.ts';
import { REVISION_ANNOTATION, revisionOf, withAnnotationsOf } from '../objects/workloads.ts';
import { RELEASE_ANNOTATION_KEYS } from '../../labels.ts';

/**
 * The Deployment controller sets Progressing to NewReplicaSetAvailable once a template rolled out
 * and keeps it until the template changes (upstream `syncRolloutStatus` stops estimating progress
 * for a complete deployment), so any other reason means the current template never finished.
 */
export function neverFinished(workload: KubeObject | undefined): workload is DeploymentObject {
  const deployment = asDeployment(workload);
  if (!deployment || deployment.spec?.paused) return false;
  const status = deployment.status;
  if ((status?.observedGeneration ?? 0) < (deployment.metadata.generation ?? 0)) return false;
  const progressing = status?.conditions?.find((c) => c.type === 'Progressing');
  return progressing !== undefined && progressing.reason !== 'NewReplicaSetAvailable';
}

/**
 * `live` with every Deployment that never finished its current template shown as it was at the
 * revision before (template and release annotations), with a note for each. Only when no readable
 * release state speaks for what runs (`stateless`, asked only if one is unfinished): a run under
 * way, or one whose state survived it, owns its unfinished rollout, and the lifecycle table decides
 * what becomes of it. A Deployment with no earlier revision stays as it is: there is nothing to
 * return to.
 */
export async function asBeforeUnfinished(
  cluster: Cluster,
  live: Map<string, KubeObject | undefined>,
  stateless: () => Promise<boolean>,
): Promise<{ live: Map<string, KubeObject | undefined>; notes: string[] }> {
  const notes: string[] = [];
  if (![...live.values()].some(neverFinished) || !(await stateless())) return { live, notes };
  const revisions = revisionReader(cluster);
  const entries = await Promise.all(
    [...live].map(async ([key, workload]) => {
      if (!neverFinished(workload)) return [key, workload] as const;
      const current = revisionOf(workload);
      const before = previousRevision(await revisions(workload), current);
      if (!before) return [key, workload] as const;
      notes.push(
        `Deployment/${workload.metadata.name} never finished rolling out revision ${current ?? '?'}: this release judges it as a change from revision ${before.revision}, the one before`,
      );
      const shown = structuredClone(workload);
      shown.spec = { ...shown.spec, template: withoutTemplateHash(before.template) };
      shown.metadata.annotations = withAnnotationsOf(shown.metadata.annotations, before.annotations, [
        ...RELEASE_ANNOTATION_KEYS,
        REVISION_ANNOTATION,
      ]);
      return [key, shown] as const;
    }),
  );
  return { live: new Map(entries), notes };
}
