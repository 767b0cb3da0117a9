import type { TrafficName } from '../config/types.ts';

/**
 * What each router can do, so plans can be checked before anything is written. `maxHeaderRoutes`:
 * how many header routes it holds at once (ingress-nginx matches one header per canary Ingress).
 */
export const ROUTER_CAPABILITIES: Record<
  TrafficName,
  { headerRoutes: boolean; maxHeaderRoutes: number; weightsBetween: boolean }
> = {
  replicas: { headerRoutes: false, maxHeaderRoutes: 0, weightsBetween: true },
  service: { headerRoutes: false, maxHeaderRoutes: 0, weightsBetween: false },
  nginx: { headerRoutes: true, maxHeaderRoutes: 1, weightsBetween: true },
  'gateway-api': { headerRoutes: true, maxHeaderRoutes: Infinity, weightsBetween: true },
  istio: { headerRoutes: true, maxHeaderRoutes: Infinity, weightsBetween: true },
  smi: { headerRoutes: false, maxHeaderRoutes: 0, weightsBetween: true },
};
