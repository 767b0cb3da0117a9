// PodDisruptionBudgets that leave a workload no room: a release does not evict pods, so they do not
// stop it, but they block node drains and evictions while it runs. The action reports them with the
// budget's own numbers instead of leaving anyone to find a drain waiting.
import type { Cluster } from '../../kube/types.ts';
import type { ManifestSet } from '../../manifests/types.ts';
import {
  asWorkload,
  isDisruptionBudget,
  replicasOf,
  view,
  type DisruptionBudgetObject,
  type LabelSelector,
} from '../../manifests/workload-views.ts';

function selects(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const wanted = Object.entries(selector.matchLabels ?? {});
  if ((selector.matchExpressions ?? []).length) return false; // not judged here
  return wanted.every(([k, v]) => labels?.[k] === v);
}

/** The namespace's PodDisruptionBudgets; none where the token may not list them. */
export function liveBudgets(
  cluster: Pick<Cluster, 'list'>,
  namespace: string,
): Promise<DisruptionBudgetObject[]> {
  return cluster
    .list('policy/v1', 'PodDisruptionBudget', namespace)
    .then((budgets) => budgets.map(view<DisruptionBudgetObject>))
    .catch(() => []);
}

/** Notes for budgets (the manifests' and `live`) selecting a workload's pods that allow no disruption. */
export function blockingBudgets(manifests: ManifestSet, live: DisruptionBudgetObject[]): string[] {
  const fromManifests = manifests.objects.map((o) => o.object).filter(isDisruptionBudget);
  const byName = new Map<string, DisruptionBudgetObject>();
  for (const pdb of [...fromManifests, ...live])
    byName.set(pdb.metadata.name!, { ...byName.get(pdb.metadata.name!), ...pdb });
  const notes: string[] = [];
  for (const pdb of byName.values()) {
    const workload = manifests.workloads.find((w) =>
      selects(pdb.spec?.selector, asWorkload(w.object)?.spec?.template?.metadata?.labels),
    );
    if (!workload) continue;
    const status = live.find((l) => l.metadata.name === pdb.metadata.name)?.status;
    const replicas = replicasOf(workload.object);
    const min = pdb.spec?.minAvailable;
    const noRoom =
      status?.disruptionsAllowed === 0 ||
      pdb.spec?.maxUnavailable === 0 ||
      pdb.spec?.maxUnavailable === '0%' ||
      min === '100%' ||
      (typeof min === 'number' && typeof replicas === 'number' && min >= replicas);
    if (!noRoom) continue;
    const rule = min !== undefined ? `minAvailable ${min}` : `maxUnavailable ${pdb.spec?.maxUnavailable}`;
    const counts = status
      ? ` (status: ${status.currentHealthy} healthy, ${status.desiredHealthy} required, ${status.disruptionsAllowed} disruptions allowed)`
      : '';
    notes.push(
      `PodDisruptionBudget ${pdb.metadata.name} (${rule}) allows no disruption of ${workload.object.kind} ${workload.object.metadata.name}${counts}: evictions and node drains are refused while it holds; the release itself does not evict pods`,
    );
  }
  return notes;
}
