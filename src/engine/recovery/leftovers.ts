// What a release's router left without any copy: a run killed after the router's set-up began and
// before the copy ran (or half-way through tearing it down), and then the release's state lost or
// damaged. No copy labels these objects with the release, so they are found through the user's
// Services in front of the release's own workloads: the `<service>-canary` Service a router made
// and the version pin on the user's Service. Another release's objects are left alone. From them,
// orphans.ts rebuilds a release that the ordinary rollback takes apart.
import type { Cluster, KubeObject } from '../../kube/types.ts';
import { KubeApiError } from '../../kube/types.ts';
import { ANNOTATIONS, LABELS } from '../../labels.ts';
import { view, type DeploymentObject, type ServiceObject } from '../../manifests/workload-views.ts';
import { canaryServiceName } from '../../names.ts';
import { frontsWorkload } from '../../traffic/lanes.ts';
import { originalSelector, selectorRestorePatch } from '../../traffic/services.ts';

export interface Leftovers {
  /** The release's live workloads the leftovers stand in front of. */
  stables: DeploymentObject[];
  /** The user's Services in front of them that a router pinned or made a canary Service of. */
  services: KubeObject[];
  /** The `<service>-canary` Services a router made for them. */
  canaryServices: KubeObject[];
}

const madeByRouter = (s: KubeObject) =>
  s.metadata.labels?.[LABELS.role] !== undefined &&
  s.metadata.annotations?.[ANNOTATIONS.createdBy] !== undefined;
const pinned = (s: KubeObject) => s.metadata.annotations?.[ANNOTATIONS.originalSelector] !== undefined;

/** The leftovers of the release of `workloads`, or undefined when a router left none. */
export async function findLeftovers(
  cluster: Cluster,
  namespace: string,
  workloads: readonly string[],
  versionLabel: string,
): Promise<Leftovers | undefined> {
  let all: KubeObject[];
  let live: (KubeObject | undefined)[];
  try {
    all = await cluster.list('v1', 'Service', namespace);
    live = await Promise.all(
      workloads.map((name) => cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace })),
    );
  } catch (err) {
    // Credentials that may not read Services find none: nothing is touched.
    if (err instanceof KubeApiError) return undefined;
    throw err;
  }
  const made = new Map(all.filter(madeByRouter).map((s) => [s.metadata.name ?? '', s] as const));
  const stables = new Set<DeploymentObject>();
  const services: KubeObject[] = [];
  const canaryServices: KubeObject[] = [];
  for (const service of all.filter((s) => !madeByRouter(s))) {
    const canary = made.get(canaryServiceName(service.metadata.name ?? ''));
    if (!canary && !pinned(service)) continue;
    const fronted = live.filter(
      (w): w is DeploymentObject => !!w && frontsWorkload(service, w, versionLabel),
    );
    if (fronted.length === 0) continue;
    fronted.forEach((w) => stables.add(w));
    services.push(service);
    if (canary) canaryServices.push(canary);
  }
  return stables.size ? { stables: [...stables], services, canaryServices } : undefined;
}

/**
 * The version label and the new version a canary Service selects: the key its selector adds to the
 * user's Service's.
 */
export function canaryVersion(leftovers: Leftovers): { label: string; version: string } | undefined {
  for (const canary of leftovers.canaryServices) {
    const user = leftovers.services.find(
      (s) => canaryServiceName(s.metadata.name ?? '') === canary.metadata.name,
    );
    const own = user ? originalSelector(user) : {};
    const selector = view<ServiceObject>(canary).spec?.selector ?? {};
    const label = Object.keys(selector).find((key) => !(key in own));
    if (label) return { label, version: selector[label]! };
  }
  return undefined;
}

/** Undoes the pins a router's reset did not reach (a router found from no object of its own). */
export async function undoPins(cluster: Cluster, services: readonly KubeObject[]): Promise<string[]> {
  const notes: string[] = [];
  for (const service of services) {
    const live = await cluster.get({
      apiVersion: 'v1',
      kind: 'Service',
      name: service.metadata.name!,
      namespace: service.metadata.namespace!,
    });
    const patch = live && selectorRestorePatch(live);
    if (!patch) continue;
    await cluster.patch(
      { apiVersion: 'v1', kind: 'Service', name: live.metadata.name!, namespace: live.metadata.namespace! },
      patch,
      'merge',
    );
    notes.push(
      `Service ${live.metadata.name} was left pinned to one version by a run that stopped: its selector is restored`,
    );
  }
  return notes;
}
