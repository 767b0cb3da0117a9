// The one place routers are registered: one line per router. Everything else (config validation,
// pre-flight checks, the README's Role, action.yml's `traffic` description) reads the definitions
// listed here, and routers with `servicePair` are composed with the Service pair here.
import type { Cluster } from '../kube/types.ts';
import type { StrategyName } from '../strategies/names.ts';
import type { TrafficRouterOptions } from './common.ts';
import { gatewayApiRouter } from './gateway-api.ts';
import { istioRouter } from './istio.ts';
import { nginxRouter } from './nginx.ts';
import { replicasRouter } from './replicas.ts';
import { SERVICE_PAIR_ACCESS } from './services.ts';
import { withServicePair } from './service-pair.ts';
import { serviceRouter } from './service.ts';
import { smiRouter } from './smi.ts';
import type { RouterDefinition, TrafficRouter, TrafficTarget } from './types.ts';

export type { TrafficRouterOptions } from './common.ts';
export { TrafficRouterError } from './common.ts';
export type { RouterCapabilities, RouterDefinition, RouterTarget } from './types.ts';

const DEFINITIONS = [
  replicasRouter,
  serviceRouter,
  nginxRouter,
  gatewayApiRouter,
  istioRouter,
  smiRouter,
] as const;

/** A registered router's name: what the `traffic` input accepts. */
export type TrafficName = (typeof DEFINITIONS)[number]['name'];
// A definition typed `RouterDefinition` instead of `RouterDefinition<'its-name'>` would widen every
// name to string and the `traffic` input would accept anything: this line then fails to compile.
const namesAreLiterals: string extends TrafficName ? never : true = true;
void namesAreLiterals;
/** The registered routers' names, in registry order. */
export const TRAFFIC_ROUTERS: readonly TrafficName[] = DEFINITIONS.map((d) => d.name);

/** A definition with what composing it adds: the Service pair's API access. */
function composed<Name extends string>(d: RouterDefinition<Name>): RouterDefinition<Name> {
  return d.servicePair ? { ...d, access: [...SERVICE_PAIR_ACCESS, ...d.access] } : d;
}

type Registry = { readonly [Name in TrafficName]: RouterDefinition<Name> };

export const ROUTERS: Registry = Object.fromEntries(
  DEFINITIONS.map((d) => [d.name, composed<TrafficName>(d)]),
) as Registry;

export function routerDefinition(name: TrafficName): RouterDefinition<TrafficName> {
  return ROUTERS[name];
}

/** Routers that can drive `strategy`, in registry order. */
export function routersFor(strategy: StrategyName): TrafficName[] {
  return DEFINITIONS.filter((d) => d.strategies.includes(strategy)).map((d) => d.name);
}

/** The router a strategy uses when the `traffic` input is not set: the first registered for it. */
export function defaultRouter(strategy: StrategyName): TrafficName {
  return routersFor(strategy)[0] ?? 'replicas';
}

export function createTrafficRouter(
  name: TrafficName,
  cluster: Cluster,
  target: TrafficTarget,
  opts?: TrafficRouterOptions,
): TrafficRouter {
  const definition = ROUTERS[name];
  const router = definition.create(cluster, target, opts);
  return definition.servicePair
    ? withServicePair(router, definition.capabilities, cluster, target, opts)
    : router;
}
