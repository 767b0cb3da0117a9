// Canary Services a release left behind without any copy: a run killed after a router made
// `<service>-canary` but before the copy ran, and then the release's state lost or damaged. No
// copy labels them with the release, so they are found through the Services in front of the
// release's own workloads; another release's canary Services are left alone.
import type { Cluster, KubeObject } from '../kube/types.ts';
import { KubeApiError } from '../kube/types.ts';
import { ANNOTATIONS, LABELS } from '../labels.ts';
import { canaryServiceName } from '../names.ts';
import { frontsWorkload } from '../traffic/lanes.ts';

export async function strayCanaryServices(
  cluster: Cluster,
  namespace: string,
  workloads: readonly string[],
  versionLabel: string,
): Promise<KubeObject[]> {
  try {
    const made = (await cluster.list('v1', 'Service', namespace, { labelSelector: LABELS.role })).filter(
      (s) => s.metadata.annotations?.[ANNOTATIONS.createdBy] !== undefined,
    );
    if (!made.length) return [];
    const services = await cluster.list('v1', 'Service', namespace);
    const live = await Promise.all(
      workloads.map((name) => cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace })),
    );
    const fronting = new Set(
      services
        .filter((s) => live.some((w) => w && frontsWorkload(s, w, versionLabel)))
        .map((s) => canaryServiceName(s.metadata.name ?? '')),
    );
    return made.filter((s) => fronting.has(s.metadata.name ?? ''));
  } catch (err) {
    // Credentials that may not list Services find none: nothing is removed.
    if (err instanceof KubeApiError) return [];
    throw err;
  }
}

/** Removes them, saying which; returns the notes for the report. */
export async function removeStrayServices(
  cluster: Cluster,
  strays: readonly KubeObject[],
): Promise<string[]> {
  const notes: string[] = [];
  for (const s of strays) {
    await cluster.delete({
      apiVersion: 'v1',
      kind: 'Service',
      name: s.metadata.name!,
      namespace: s.metadata.namespace!,
    });
    notes.push(`Service ${s.metadata.name} was left by a run that stopped before its copy ran: removed`);
  }
  return notes;
}
