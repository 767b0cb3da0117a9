// `action: plan`: render, server-side dry run, diff against the live objects and list the steps
// the release would take. Reads only: nothing is written to the cluster.
import { type KubeObject, refOf, workloadKey } from '../../kube/types.ts';
import { specOf } from '../../manifests/workload-views.ts';
import type { PlanChange, PlanReport } from '../../report/plan.ts';
import { loadReleaseState } from '../../state/release-state.ts';
import { strategyFor } from '../../strategies/index.ts';
import { stepLabel } from '../../strategies/types.ts';
import { describeChanges, isUnchanged } from '../prepare/diff.ts';
import { dryRunAll } from '../prepare/dry-run.ts';
import { releaseName, type ReleaseDeps } from './release.ts';
import { readLive, versionOf } from '../objects/workloads.ts';

/** What a release would change and the steps it would take: data, rendered by the reporters. */
export async function planRelease(deps: ReleaseDeps): Promise<PlanReport> {
  const { config, cluster } = deps;
  const manifests = deps.manifests;
  if (!manifests) throw new Error("action 'plan' needs the 'manifests' input");
  const name = releaseName(config, manifests);
  const live = await readLive(
    cluster,
    manifests.workloads.map((w) => w.object),
  );
  const plan = strategyFor(config.strategy).plan(config, manifests, { workloads: live });
  const overrides = new Map(manifests.workloads.map((w, i) => [w, plan.workloads[i]]));
  const results = await dryRunAll(cluster, manifests.objects, overrides);

  const changes: PlanChange[] = [];
  for (const { source, result } of results) {
    const desired = result ?? overrides.get(source) ?? source.object;
    const current = await cluster.get(refOf(desired));
    const base = {
      kind: desired.kind,
      name: desired.metadata.name ?? '',
      namespace: desired.metadata.namespace ?? '',
    };
    if (!current) {
      changes.push({ ...base, change: 'added', details: describeAdded(desired) });
    } else if (isUnchanged(current, desired)) {
      changes.push({ ...base, change: 'unchanged', details: [] });
    } else {
      changes.push({ ...base, change: 'changed', details: describeChanges(current, desired) });
    }
  }
  const previous = await loadReleaseState(cluster, config.namespace, name).catch(() => undefined);
  const keys = new Set(manifests.objects.map((o) => workloadKey(o.object)));
  for (const old of previous?.state.rendered ?? []) {
    if (!keys.has(workloadKey(old))) {
      changes.push({
        kind: old.kind,
        name: old.metadata.name ?? '',
        namespace: old.metadata.namespace ?? '',
        change: 'removed',
        details: ['no longer in the manifests (kube-rollout leaves it in the cluster)'],
      });
    }
  }
  const firstLive = live.get(workloadKey(manifests.workloads[0].object));
  const from = versionOf(firstLive, config.versionLabel);
  return {
    name,
    strategy: config.strategy,
    ...(from !== undefined ? { fromVersion: from } : {}),
    toVersion: manifests.version,
    changes,
    steps: plan.steps.map((s) => stepLabel(s)),
  };
}

function describeAdded(obj: KubeObject): string[] {
  const spec = specOf(obj);
  const images = [...(spec?.template?.spec?.containers ?? [])].map((c) => `image ${c.name}: ${c.image}`);
  if (spec?.replicas !== undefined) images.push(`replicas: ${spec.replicas}`);
  return images;
}
