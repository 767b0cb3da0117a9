// The one place routers are registered: one line per router. Everything else (config validation,
// pre-flight checks, the README's Role) reads the definitions listed here.
import type { StrategyName, TrafficName } from '../config/types.ts';
import type { Cluster } from '../kube/types.ts';
import type { TrafficRouterOptions } from './common.ts';
import { gatewayApiRouter } from './gateway-api.ts';
import { istioRouter } from './istio.ts';
import { nginxRouter } from './nginx.ts';
import { replicasRouter } from './replicas.ts';
import { serviceRouter } from './service.ts';
import { smiRouter } from './smi.ts';
import type { RouterDefinition, TrafficRouter, TrafficTarget } from './types.ts';

export type { TrafficRouterOptions } from './common.ts';
export { TrafficRouterError } from './common.ts';
export type { RouterCapabilities, RouterDefinition, RouterTarget } from './types.ts';

const DEFINITIONS = [replicasRouter, serviceRouter, nginxRouter, gatewayApiRouter, istioRouter, smiRouter];

export const ROUTERS: Readonly<Record<TrafficName, RouterDefinition>> = Object.fromEntries(
  DEFINITIONS.map((d) => [d.name, d]),
) as Record<TrafficName, RouterDefinition>;

export function routerDefinition(name: TrafficName): RouterDefinition {
  return ROUTERS[name];
}

/** Routers that can drive `strategy`, in registry order. */
export function routersFor(strategy: StrategyName): TrafficName[] {
  return DEFINITIONS.filter((d) => d.strategies.includes(strategy)).map((d) => d.name);
}

export function createTrafficRouter(
  name: TrafficName,
  cluster: Cluster,
  target: TrafficTarget,
  opts?: TrafficRouterOptions,
): TrafficRouter {
  return ROUTERS[name].create(cluster, target, opts);
}
