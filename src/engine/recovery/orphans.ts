// A release whose state is gone (its ConfigMap deleted, or damaged by hand) can still be returned
// to stable from the cluster alone: its `-canary`/`-green` copies carry the release's label, the
// version they run and the workload they copy; the routers keep the user's own shape of every
// object they change in annotations (src/labels.ts). From those, a release state is rebuilt that
// the ordinary rollback (restoreStable) carries out, and that is written as the fresh state.
import type { Cluster, KubeObject } from '../../kube/types.ts';
import { KubeApiError, refOf, workloadKey } from '../../kube/types.ts';
import { ANNOTATIONS, LABELS } from '../../labels.ts';
import type { DeploymentObject } from '../../manifests/workload-views.ts';
import type { ReleaseSettings, ReleaseState } from '../../record/types.ts';
import type { Config, StrategyName, TrafficName } from '../../config/types.ts';
import type { ManifestSet } from '../../manifests/types.ts';
import { servicesSelecting } from '../../traffic/lanes.ts';
import { ROUTERS, routerDefinition } from '../../traffic/index.ts';
import { defaultRouter, STRATEGIES } from '../../strategies/index.ts';
import type { ReleaseDeps } from '../run/deps.ts';
import { draftState, releaseSettings } from '../run/run-context.ts';
import { userShape, versionOf } from '../objects/workloads.ts';
import { snapshotCopy } from '../../state/release-state.ts';
import { canaryVersion, type Leftovers } from './leftovers.ts';

/**
 * The copies release `name` left in the namespace: those labelled with it, and (made before
 * copies carried that label) those copying one of `workloads`. A list the credentials may not
 * make finds none: the run goes on as if the cluster held no copy.
 */
export async function findCopies(
  cluster: Cluster,
  namespace: string,
  name: string,
  workloads: readonly string[],
  warn: (message: string) => void,
): Promise<DeploymentObject[]> {
  let copies: KubeObject[];
  try {
    copies = await cluster.list('apps/v1', 'Deployment', namespace, { labelSelector: LABELS.role });
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
    warn(`could not look for copies of release ${name} (${err.message}): going on as if there were none`);
    return [];
  }
  return copies.filter((copy) => {
    const release = copy.metadata.labels?.[LABELS.release];
    if (release !== undefined) return release === name;
    return workloads.includes(copy.metadata.annotations?.[ANNOTATIONS.copyOf] ?? '');
  }) as DeploymentObject[];
}

/** The label a copy's selector adds to its workload's: the version label the release pinned. */
export function pinnedLabel(
  copy: DeploymentObject,
  stable: DeploymentObject | undefined,
): string | undefined {
  const own = stable?.spec?.selector?.matchLabels ?? {};
  return Object.keys(copy.spec?.selector?.matchLabels ?? {}).find((key) => !(key in own));
}

/** The workload a copy copies, as the release rendered it (the user's name, selector and size). */
export function workloadOfCopy(copy: DeploymentObject, stable: DeploymentObject): DeploymentObject {
  const rendered = structuredClone(copy);
  const { [LABELS.role]: _role, [LABELS.release]: _release, ...labels } = copy.metadata.labels ?? {};
  const { [ANNOTATIONS.copyOf]: _of, ...annotations } = copy.metadata.annotations ?? {};
  rendered.metadata = {
    name: stable.metadata.name,
    namespace: stable.metadata.namespace,
    labels,
    annotations,
  };
  rendered.spec = { ...rendered.spec, selector: stable.spec.selector, replicas: stable.spec.replicas };
  delete rendered.status;
  return rendered;
}

/** Objects of a kind the cluster may not serve (a CRD not installed): none then. */
async function listOrNone(cluster: Cluster, apiVersion: string, kind: string, namespace: string) {
  return cluster.list(apiVersion, kind, namespace).catch(() => [] as KubeObject[]);
}

/** The objects of every kind a router drives (its target), in the version the cluster prefers. */
async function routeObjects(cluster: Cluster, namespace: string): Promise<KubeObject[]> {
  const targets = new Map(
    ROUTERS.all().flatMap((r) => (r.target ? [[r.target.kind, r.target] as const] : [])),
  );
  const lists = await Promise.all(
    [...targets.values()].map(async ({ group, kind }) => {
      const [version] = await cluster.groupVersions(group).catch(() => [] as string[]);
      return version ? listOrNone(cluster, group ? `${group}/${version}` : version, kind, namespace) : [];
    }),
  );
  return lists.flat();
}

/**
 * Which router moved the release's traffic, from what it left on the objects: the canary Ingress
 * it created (nginx), the user's shape it keeps (gateway-api, istio, smi); else `fallback` (the
 * router a canary Service names), else the strategy's default (replicas for a canary, service for
 * blue-green). Pure.
 */
export function routerOf(
  strategy: StrategyName,
  objects: KubeObject[],
  fallback?: TrafficName,
): { traffic: TrafficName; settings: Partial<ReleaseSettings> } {
  for (const o of objects)
    for (const router of ROUTERS.all()) {
      const target = router.target;
      const marked = target?.kind === o.kind ? target.marked?.(o) : undefined;
      if (!marked) continue;
      const settings = marked.named ? { [target!.configKey]: marked.named } : {};
      return { traffic: router.name as TrafficName, settings };
    }
  return {
    traffic: fallback ?? ((defaultRouter(strategy) ?? ROUTERS.names()[0]) as TrafficName),
    settings: {},
  };
}

/**
 * A release state rebuilt from the cluster: paused between the version the stable workloads run
 * and the one the copies run, through the router found, with the stable workloads as its snapshot.
 * Returns undefined when no copied workload exists any more (nothing to return to).
 */
export async function releaseFromCluster(
  deps: ReleaseDeps,
  cluster: Cluster,
  name: string,
  copies: DeploymentObject[],
): Promise<ReleaseState | undefined> {
  const { namespace } = deps.config;
  const pairs: [DeploymentObject, DeploymentObject][] = [];
  for (const copy of copies) {
    const of = copy.metadata.annotations?.[ANNOTATIONS.copyOf];
    const stable = of ? await cluster.get(refOf({ ...copy, metadata: { name: of, namespace } })) : undefined;
    if (stable) pairs.push([copy, stable as DeploymentObject]);
  }
  if (pairs.length === 0) return undefined;
  const [copy, stable] = pairs[0]!;
  const versionLabel = pinnedLabel(copy, stable) ?? deps.config.versionLabel;
  // The copy's role label is its strategy's copy suffix (`canary`, `green`).
  return rebuild(deps, cluster, name, {
    stables: pairs.map(([, s]) => s),
    workloads: pairs.map(([c, s]) => workloadOfCopy(c, s)),
    role: copy.metadata.labels?.[LABELS.role],
    versionLabel,
    newVersion: copy.metadata.annotations?.[ANNOTATIONS.version] ?? versionOf(copy, versionLabel),
  });
}

/**
 * A release rebuilt from what its router left without a copy (leftovers.ts): the stable workloads
 * as they run, the router named by its canary Service (or found from its route objects).
 */
export function releaseFromLeftovers(
  deps: ReleaseDeps,
  cluster: Cluster,
  name: string,
  leftovers: Leftovers,
): Promise<ReleaseState> {
  const canary = leftovers.canaryServices[0];
  const found = canaryVersion(leftovers);
  const router = canary?.metadata.annotations?.[ANNOTATIONS.createdBy];
  return rebuild(deps, cluster, name, {
    stables: leftovers.stables,
    workloads: leftovers.stables.map((s) => userShape(s)),
    role: canary?.metadata.labels?.[LABELS.role],
    versionLabel: found?.label,
    newVersion: found?.version,
    ...(router && ROUTERS.names().includes(router) ? { traffic: router as TrafficName } : {}),
  });
}

interface Sides {
  stables: DeploymentObject[];
  /** The release's workloads as it rendered them (their new version where a copy shows it). */
  workloads: KubeObject[];
  role: string | undefined;
  versionLabel: string | undefined;
  newVersion: string | undefined;
  traffic?: TrafficName;
}

async function rebuild(
  deps: ReleaseDeps,
  cluster: Cluster,
  name: string,
  sides: Sides,
): Promise<ReleaseState> {
  const { namespace } = deps.config;
  const versionLabel = sides.versionLabel ?? deps.config.versionLabel;
  const strategy = (STRATEGIES.all().find((s) => s.copySuffix === sides.role)?.name ??
    'canary') as StrategyName;
  const newVersion = sides.newVersion ?? 'unknown';
  const stableVersion = versionOf(sides.stables[0], versionLabel);
  const routes = await routeObjects(cluster, namespace);
  const { traffic, settings } = routerOf(strategy, routes, sides.traffic);
  const { workloads } = sides;
  const keys = workloads.map((w) => workloadKey(w));
  const config = { ...deps.config, strategy, traffic, versionLabel, ...settings };
  const fronting = frontingObjects(
    workloads,
    await listOrNone(cluster, 'v1', 'Service', namespace),
    routes,
    config,
  );
  const now = (deps.now ?? (() => new Date()))();
  const state = draftState({ ...deps, config }, name, newVersion, now);
  if (stableVersion) state.record.previousVersion = stableVersion;
  return {
    ...state,
    phase: 'paused',
    strategy,
    traffic,
    ...(stableVersion ? { stableVersion, servingVersion: stableVersion } : {}),
    rendered: [...workloads, ...fronting],
    stableSnapshot: sides.stables.map(snapshotCopy),
    settings: releaseSettings(config),
    scope: { changed: keys, progressive: keys, running: keys, inPlace: [] },
  };
}

/**
 * The user's Services that select the workloads' pods and the user's route objects (of the
 * router's kind) that send traffic to them: what the release had rendered beside its workloads,
 * and all the router's lanes need. Pure.
 */
export function frontingObjects(
  workloads: KubeObject[],
  services: KubeObject[],
  routes: KubeObject[],
  config: Pick<Config, 'traffic' | 'versionLabel' | 'previewService' | 'namespace'>,
): KubeObject[] {
  const inNamespace = asManifests(services);
  const selecting = unique(workloads.flatMap((w) => servicesSelecting(inNamespace, w, config)));
  const target = routerDefinition(config.traffic).target;
  const names = selecting.map((s) => s.metadata.name!);
  const routing = target
    ? routes.filter(
        (r) =>
          r.kind === target.kind &&
          r.metadata.labels?.[LABELS.role] === undefined &&
          target.routedServices(r, config.namespace).some((n) => names.includes(n)),
      )
    : [];
  return [...selecting, ...routing];
}

function asManifests(objects: KubeObject[]): ManifestSet {
  const sourced = objects.map((object) => ({ object, file: '(cluster)', line: 1 }));
  return { objects: sourced, workloads: [], version: 'none' };
}

function unique(objects: KubeObject[]): KubeObject[] {
  return [...new Map(objects.map((o) => [workloadKey(o), o] as const)).values()];
}
