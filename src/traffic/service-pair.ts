// The Service pair, composed with a router the way Flagger composes its routers with the
// KubernetesRouter: `<service>-canary` selects only the new version and the user's Service is
// pinned to the stable version, so a router that splits between the two Services (nginx,
// gateway-api, istio without subsets, smi) only writes its own object. The pair is set up before
// the router writes (so no share ever reaches new pods through the user's Service) and torn down
// after the router has given its object back.
import type { Cluster } from '../kube/types.ts';
import { checkWeight, type TrafficRouterOptions } from './common.ts';
import {
  deleteCanaryService,
  ensureCanaryService,
  liveStableVersion,
  pinStableService,
  restoreStableService,
} from './services.ts';
import type { RouterCapabilities, TrafficRouter, TrafficTarget } from './types.ts';

/** `router` with the Service pair around it; every method stays idempotent. */
export function withServicePair(
  router: TrafficRouter,
  capabilities: RouterCapabilities,
  cluster: Cluster,
  target: TrafficTarget,
  opts: TrafficRouterOptions = {},
): TrafficRouter {
  const { name } = router;
  const inUse = async (): Promise<boolean> => (router.usesServicePair ? router.usesServicePair() : true);

  /** Creates or repairs the pair (a resumed run, or someone deleted the canary Service). */
  async function ensure(): Promise<void> {
    if (!(await inUse())) return;
    await ensureCanaryService(name, cluster, target);
    // After promotion stable runs the new version: the pin follows what stable really runs.
    await pinStableService(name, cluster, target, await liveStableVersion(cluster, target));
  }

  return {
    name,
    async prepare() {
      await ensure();
      await router.prepare();
    },
    async setWeight(percent) {
      // A bad weight fails before anything is written.
      checkWeight(name, percent);
      await ensure();
      await router.setWeight(percent);
    },
    getWeight: () => router.getWeight(),
    async setHeaderRoute(route, routeName) {
      // A router without header routes refuses on its own, before anything is written.
      if (route && capabilities.headerRoutes) await ensure();
      await router.setHeaderRoute(route, routeName);
    },
    async reset() {
      // The pin follows what stable runs now (after promotion: the new version) before the router
      // sends traffic back to the user's Service, or requests would find no pod in between.
      await ensure();
      // The router's object goes back next: until then it may still point at `<service>-canary`.
      await router.reset();
      await deleteCanaryService(name, cluster, target);
      await restoreStableService(name, cluster, target, opts);
    },
  };
}
