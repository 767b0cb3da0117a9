// `service`: blue-green by switching the user's Service selector between the two versions. Only
// whole switches exist: weight 0 selects the stable version, weight 100 the new one.
import type { Cluster } from '../kube/types.ts';
import {
  ANNOTATIONS,
  TrafficRouterError,
  annotation,
  checkWeight,
  getLive,
  type TrafficRouterOptions,
} from './common.ts';
import {
  SERVICE_PAIR_ACCESS,
  liveStableVersion,
  pinStableService,
  restoreStableService,
  stableService,
} from './services.ts';
import type { RouterDefinition, TrafficRouter, TrafficTarget } from './types.ts';

/** The version the Service selects at `weight` (0 → stable, 100 → new). */
export function selectedVersion(weight: number, stableVersion: string, newVersion: string): string {
  checkWeight('service', weight);
  if (weight === 0) return stableVersion;
  if (weight === 100) return newVersion;
  throw new TrafficRouterError(
    'service',
    `switches all traffic at once: weight must be 0 or 100, got ${weight} (use a canary router for steps in between)`,
  );
}

export function createServiceRouter(
  cluster: Cluster,
  target: TrafficTarget,
  opts: TrafficRouterOptions = {},
): TrafficRouter {
  async function switchTo(weight: number): Promise<void> {
    // Validate before reading anything so a bad weight fails without a cluster round trip.
    selectedVersion(weight, target.stableVersion, target.newVersion);
    const stableVersion = await liveStableVersion(cluster, target);
    await pinStableService(
      'service',
      cluster,
      target,
      selectedVersion(weight, stableVersion, target.newVersion),
    );
  }

  return {
    name: 'service',
    async prepare() {
      // A Service already pinned by an earlier run keeps its side: preparing again moves no traffic.
      const live = await getLive(cluster, 'service', stableService('service', target), target.namespace);
      if (annotation(live, ANNOTATIONS.originalSelector) === undefined) await switchTo(0);
    },
    setWeight: (percent) => switchTo(percent),
    async setHeaderRoute(route) {
      if (route)
        throw new TrafficRouterError(
          'service',
          'header routes are not supported by a Service selector switch',
        );
    },
    async reset() {
      await switchTo(0);
      await restoreStableService('service', cluster, target, opts);
    },
  };
}

export const serviceRouter: RouterDefinition = {
  name: 'service',
  strategies: ['blue-green'],
  capabilities: { headerRoutes: false, maxHeaderRoutes: 0, weightsBetween: false },
  needsService: true,
  access: SERVICE_PAIR_ACCESS,
  create: createServiceRouter,
};
