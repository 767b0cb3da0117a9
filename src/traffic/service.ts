// `service`: blue-green by switching the user's Service selector between the two versions. Only
// whole switches exist: weight 0 selects the stable version, weight 100 the new one.
import type { Cluster } from '../kube/types.ts';
import {
  ANNOTATIONS,
  TrafficRouterError,
  annotation,
  checkWeight,
  getLive,
  verifyWeight,
  type TrafficRouterOptions,
} from './common.ts';
import { view, type ServiceObject } from './objects.ts';
import {
  SERVICE_PIN_ACCESS,
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
  const readService = () => getLive(cluster, 'service', stableService('service', target), target.namespace);

  /** 100 while the Service selects the new version, else 0: what the selector really says. */
  async function getWeight(): Promise<number> {
    const live: ServiceObject = view(await readService());
    return live.spec?.selector?.[target.versionLabel] === target.newVersion ? 100 : 0;
  }

  async function switchTo(weight: number): Promise<void> {
    // Validate before reading anything so a bad weight fails without a cluster round trip.
    selectedVersion(weight, target.stableVersion, target.newVersion);
    const stableVersion = await liveStableVersion(cluster, target);
    const version = selectedVersion(weight, stableVersion, target.newVersion);
    await pinStableService('service', cluster, target, version);
    // After promotion stable runs the new version too, so 0 may select it: compare versions.
    const wanted = version === target.newVersion ? 100 : 0;
    verifyWeight(
      'service',
      wanted,
      await getWeight(),
      `Service "${stableService('service', target).metadata.name}"`,
    );
  }

  return {
    name: 'service',
    async prepare() {
      // A Service already pinned by an earlier run keeps its side: preparing again moves no traffic.
      const live = await readService();
      if (annotation(live, ANNOTATIONS.originalSelector) === undefined) await switchTo(0);
    },
    setWeight: (percent) => switchTo(percent),
    getWeight,
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

export const serviceRouter: RouterDefinition<'service', never, never> = {
  name: 'service',
  summary: "switches the app's Service selector between the versions",
  capabilities: {
    headerRoutes: false,
    maxHeaderRoutes: 0,
    weightsBetween: false,
    sizesCopies: false,
    pinsStableByVersionLabel: true,
  },
  needsService: true,
  // The user's Service is this router's own object: it switches the pin itself.
  servicePair: false,
  access: SERVICE_PIN_ACCESS,
  create: createServiceRouter,
};
