// `smi`: an SMI TrafficSplit with root `<service>` and backends `<service>` and `<service>-canary`
// (the Service pair, composed by the registry, pins the first to the stable version). The API version comes from discovery. A TrafficSplit named by the
// user is changed in place and given back on reset; otherwise the router owns one named `<service>`.
import type { Cluster, KubeObject, ObjectRef } from '../kube/types.ts';
import {
  ANNOTATIONS,
  keptShapeIn,
  TrafficRouterError,
  annotation,
  checkWeight,
  restoreSpecField,
  shareOf,
  specFieldPatch,
  specFieldRestorePatch,
  ownedMetadata,
  stateRouter,
  stateAnnotations,
  type SpecFieldPatch,
} from './common.ts';
import { view, type SplitBackend, type TrafficSplitObject } from './objects.ts';
import { stableService } from './services.ts';
import { canaryServiceName } from '../names.ts';
import type { RouterDefinition, TrafficRouter, TrafficTarget } from './types.ts';

export const SPLIT_GROUP = 'split.smi-spec.io';
/** Newest first; v1alpha1 has Quantity weights, later versions integers. */
export const SPLIT_VERSIONS = ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'] as const;

/** `split.smi-spec.io/<version>` of the newest served version we know, or undefined. */
export function pickSplitApiVersion(served: string[]): string | undefined {
  const versions = new Set(served.map((v) => v.slice(v.lastIndexOf('/') + 1)));
  const best = SPLIT_VERSIONS.find((v) => versions.has(v));
  return best && `${SPLIT_GROUP}/${best}`;
}

export type { SplitBackend } from './objects.ts';

/** A backend weight as a number: v1alpha1 quantities ("900m", "1", "0.9") and plain integers. */
export function splitWeightValue(weight: number | string | undefined): number {
  if (typeof weight === 'number') return weight;
  if (weight === undefined) return 0;
  const milli = /^(\d+)m$/.exec(weight);
  return milli ? Number(milli[1]) / 1000 : Number(weight) || 0;
}

/** The canary share a TrafficSplit's backends carry (0 without one). */
export function trafficSplitWeight(split: KubeObject | undefined, service: string): number {
  if (!split) return 0;
  const backends = view<TrafficSplitObject>(split).spec?.backends ?? [];
  const sum = (name: string) =>
    backends.filter((b) => b.service === name).reduce((n, b) => n + splitWeightValue(b.weight), 0);
  return shareOf(sum(canaryServiceName(service)), sum(service));
}

/** Stable and canary backends for `weight`; v1alpha1 writes weights as milli-quantities (90 → "900m"). */
export function splitBackends(apiVersion: string, service: string, weight: number): SplitBackend[] {
  checkWeight('smi', weight);
  const w = (n: number): number | string => (apiVersion.endsWith('/v1alpha1') ? `${n * 10}m` : n);
  return [
    { service, weight: w(100 - weight) },
    { service: canaryServiceName(service), weight: w(weight) },
  ];
}

/** The TrafficSplit the router owns when the user has none. */
export function ownedTrafficSplit(
  apiVersion: string,
  service: string,
  namespace: string,
  weight: number,
): KubeObject {
  return {
    apiVersion,
    kind: 'TrafficSplit',
    metadata: ownedMetadata('smi', service, namespace, undefined, stateAnnotations(weight, [])),
    spec: { service, backends: splitBackends(apiVersion, service, weight) },
  };
}

/** Merge patch for a user's TrafficSplit: our backends, the user's remembered the first time. */
export function trafficSplitPatch(
  live: KubeObject,
  apiVersion: string,
  service: string,
  weight: number,
): SpecFieldPatch {
  return specFieldPatch(
    live,
    'backends',
    ANNOTATIONS.originalBackends,
    () => splitBackends(apiVersion, service, weight),
    stateAnnotations(weight, []),
  );
}

export function trafficSplitRestorePatch(live: KubeObject): SpecFieldPatch | undefined {
  return specFieldRestorePatch(live, 'backends', ANNOTATIONS.originalBackends);
}

export function createSmiRouter(cluster: Cluster, target: TrafficTarget): TrafficRouter {
  const serviceName = () => stableService('smi', target).metadata.name ?? '';

  async function splitRef(): Promise<ObjectRef> {
    const apiVersion = pickSplitApiVersion(await cluster.groupVersions(SPLIT_GROUP));
    if (!apiVersion)
      throw new TrafficRouterError(
        'smi',
        `the cluster does not serve ${SPLIT_GROUP} (${SPLIT_VERSIONS.join(', ')})`,
      );
    const own = target.routeObject;
    return {
      apiVersion,
      kind: 'TrafficSplit',
      name: own?.metadata.name ?? serviceName(),
      namespace: own?.metadata.namespace ?? target.namespace,
    };
  }

  async function sync(weight: number): Promise<void> {
    const ref = await splitRef();
    if (!target.routeObject) {
      await cluster.apply(
        ownedTrafficSplit(ref.apiVersion, serviceName(), ref.namespace ?? target.namespace, weight),
      );
      return;
    }
    const live = await cluster.get(ref);
    if (!live)
      throw new TrafficRouterError(
        'smi',
        `TrafficSplit "${ref.name}" not found in namespace ${ref.namespace}`,
      );
    await cluster.patch(ref, trafficSplitPatch(live, ref.apiVersion, serviceName(), weight), 'merge');
  }

  const read = async () => cluster.get(await splitRef());
  return stateRouter('smi', {
    read,
    weightOf: (current) => trafficSplitWeight(current, serviceName()),
    describe: () => `the TrafficSplit of Service "${serviceName()}"`,
    sync: (_current, weight) => sync(weight),
    reset: async () => {
      const ref = await splitRef();
      const live = await cluster.get(ref);
      if (live && annotation(live, ANNOTATIONS.createdBy) === 'smi') {
        await cluster.apply(
          ownedTrafficSplit(ref.apiVersion, serviceName(), ref.namespace ?? target.namespace, 0),
        );
        await cluster.delete(ref);
      } else {
        await restoreSpecField(cluster, ref, 'backends', ANNOTATIONS.originalBackends);
      }
    },
    headerRoutes: false,
  });
}

export const smiRouter: RouterDefinition<'smi', 'trafficSplit', 'traffic-split'> = {
  name: 'smi',
  summary: 'an SMI TrafficSplit (created as `<service>` when none is given)',
  capabilities: {
    headerRoutes: false,
    maxHeaderRoutes: 0,
    weightsBetween: true,
    sizesCopies: false,
    pinsStableByVersionLabel: true,
  },
  target: {
    kind: 'TrafficSplit',
    title: 'SMI TrafficSplit',
    group: 'split.smi-spec.io',
    resource: 'trafficsplits',
    input: 'traffic-split',
    configKey: 'trafficSplit',
    required: false,
    // The stable backend the split weighs (spec.service is the name clients call).
    routedServices: (object) => (view<TrafficSplitObject>(object).spec?.backends ?? []).map((b) => b.service),
    // The user's TrafficSplit keeps its backends; one the router made for itself names no input.
    marked: (o) =>
      keptShapeIn(ANNOTATIONS.originalBackends)(o) ??
      (annotation(o, ANNOTATIONS.createdBy) !== undefined ? {} : undefined),
  },
  needsService: true,
  servicePair: true,
  // Without `traffic-split`, the TrafficSplit `<service>` is applied (created) and deleted.
  access: [
    { group: 'split.smi-spec.io', resource: 'trafficsplits', verbs: ['get', 'create', 'patch', 'delete'] },
  ],
  create: createSmiRouter,
};
