// The one place routers are registered: one line per router.
import type { TrafficName } from '../config/types.ts';
import type { Cluster } from '../kube/types.ts';
import type { TrafficRouterOptions } from './common.ts';
import { createGatewayApiRouter } from './gateway-api.ts';
import { createIstioRouter } from './istio.ts';
import { createNginxRouter } from './nginx.ts';
import { createReplicasRouter } from './replicas.ts';
import { createServiceRouter } from './service.ts';
import { createSmiRouter } from './smi.ts';
import type { TrafficRouter, TrafficTarget } from './types.ts';

export type { TrafficRouterOptions } from './common.ts';
export { TrafficRouterError } from './common.ts';

type Factory = (cluster: Cluster, target: TrafficTarget, opts?: TrafficRouterOptions) => TrafficRouter;

const ROUTERS: Record<TrafficName, Factory> = {
  replicas: createReplicasRouter,
  service: createServiceRouter,
  nginx: createNginxRouter,
  'gateway-api': createGatewayApiRouter,
  istio: createIstioRouter,
  smi: createSmiRouter,
};

export { ROUTER_CAPABILITIES } from './capabilities.ts';

export function createTrafficRouter(
  name: TrafficName,
  cluster: Cluster,
  target: TrafficTarget,
  opts?: TrafficRouterOptions,
): TrafficRouter {
  return ROUTERS[name](cluster, target, opts);
}
