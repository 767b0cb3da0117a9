import type { SimCluster } from '@kube-rollout/kube-sim';

/** The requests the simulator saw for one object (by resource and name), as `verb code`. */
export function requestsTo(sim: SimCluster, resource: string, name: string): string[] {
  return sim
    .stats()
    .requests.filter((r) => r.resource === resource && r.name === name)
    .map((r) => `${r.verb} ${r.code}`);
}
