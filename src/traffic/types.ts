import type { HeaderRoute, TrafficName } from '../config/types.ts';
import type { Cluster, KubeObject } from '../kube/types.ts';

/** What a router needs to know about the release it drives. */
export interface TrafficTarget {
  namespace: string;
  app: string;
  /** The user's (stable) Deployment and the canary/green copy. */
  stableWorkload: KubeObject;
  newWorkload: KubeObject;
  /** The user's Service that fronts the app (stable), if any. */
  service?: KubeObject;
  /** Stable Ingress / HTTPRoute / VirtualService / TrafficSplit named by inputs or found in the manifests. */
  ingress?: KubeObject;
  route?: KubeObject;
  virtualService?: KubeObject;
  trafficSplit?: KubeObject;
  versionLabel: string;
  stableVersion: string;
  newVersion: string;
}

/**
 * Moves traffic between the stable and the new version. Implementations are one file each under
 * src/traffic and never call each other; the executor composes them. Every method is idempotent,
 * so a resumed run can call it again.
 */
export interface TrafficRouter {
  readonly name: TrafficName;
  /** Creates the router's own objects (canary Service/Ingress…) with all traffic on stable. */
  prepare(): Promise<void>;
  /** Sends `percent` (0–100) of traffic to the new version. Resolves once the change is applied. */
  setWeight(percent: number): Promise<void>;
  /** Adds (or with null, removes) a header route to the new version. */
  setHeaderRoute(route: HeaderRoute | null, name?: string): Promise<void>;
  /** All traffic back to stable and the user's objects restored to their own shape; removes router objects. */
  reset(): Promise<void>;
}

export type TrafficRouterFactory = (cluster: Cluster, target: TrafficTarget) => TrafficRouter;
