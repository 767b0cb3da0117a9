// The one place routers are registered: one line per router. Everything else (config validation,
// the strategies each router can drive, pre-flight checks, the README's Role, action.yml's
// `traffic` text and its target inputs) reads the definitions registered here, and routers with
// `servicePair` are composed with the Service pair here.
import type { Cluster } from '../kube/types.ts';
import { createRegistry } from '../registry.ts';
import type { TrafficRouterOptions } from './common.ts';
import { gatewayApiRouter } from './gateway-api.ts';
import { istioRouter } from './istio.ts';
import { nginxRouter } from './nginx.ts';
import { replicasRouter } from './replicas.ts';
import { SERVICE_PAIR_ACCESS } from './services.ts';
import { withServicePair } from './service-pair.ts';
import { serviceRouter } from './service.ts';
import { smiRouter } from './smi.ts';
import type { RouterDefinition, RouterTarget, TrafficRouter, TrafficTarget } from './types.ts';

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

type Registered = (typeof DEFINITIONS)[number];
/** A registered router's name: what the `traffic` input accepts. */
export type TrafficName = Registered['name'];
/** The Config fields that name a router's target object (`ingress`, `route`…). */
export type RouteConfigKey = NonNullable<Registered['target']>['configKey'];
/** The inputs that name them (`ingress`, `virtual-service`…). */
export type RouteInput = NonNullable<Registered['target']>['input'];
/** The names of the router objects to drive, by Config field: part of Config and stored settings. */
export type RouteNames = { [K in RouteConfigKey]?: string };

// A definition typed `RouterDefinition` instead of `RouterDefinition<'its-name', …>` would widen
// every name to string and the `traffic` input would accept anything: this line then fails to compile.
const namesAreLiterals: string extends TrafficName | RouteConfigKey | RouteInput ? never : true = true;
void namesAreLiterals;

/** A definition with what composing it adds: the Service pair's API access. */
function composed(d: RouterDefinition): RouterDefinition {
  return d.servicePair ? { ...d, access: [...SERVICE_PAIR_ACCESS, ...d.access] } : d;
}

/** Two routers of one target kind share its input; two kinds never share one. */
function targetConflict(d: RouterDefinition, registered: readonly RouterDefinition[]): string | undefined {
  const target = d.target;
  if (!target) return undefined;
  const other = registered.find(
    (r) =>
      r.target &&
      (r.target.input === target.input || r.target.configKey === target.configKey) &&
      r.target.kind !== target.kind,
  );
  return other && `its input '${target.input}' is router '${other.name}''s, for ${other.target!.kind}`;
}

/** Every router, by name; `register` is also the test seam (src/registry.ts). */
export const ROUTERS = createRegistry<RouterDefinition>(
  'traffic router',
  DEFINITIONS.map((d) => composed(d)),
  targetConflict,
);

export function routerDefinition(name: TrafficName): RouterDefinition {
  return ROUTERS.get(name);
}

/** The target objects the registered routers drive, one per input, in registry order. */
export function routeTargets(): RouterTarget[] {
  const byInput = new Map<string, RouterTarget>();
  for (const d of ROUTERS.all())
    if (d.target && !byInput.has(d.target.input)) byInput.set(d.target.input, d.target);
  return [...byInput.values()];
}

/** The name of `target`'s object the settings give (its `configKey` field), if any. */
export function routeNameIn(settings: object, target: RouterTarget): string | undefined {
  const name = (settings as Record<string, unknown>)[target.configKey];
  return typeof name === 'string' ? name : undefined;
}

export function createTrafficRouter(
  name: TrafficName,
  cluster: Cluster,
  target: TrafficTarget,
  opts?: TrafficRouterOptions,
): TrafficRouter {
  const definition = ROUTERS.get(name);
  const router = definition.create(cluster, target, opts);
  return definition.servicePair
    ? withServicePair(router, definition.capabilities, cluster, target, opts)
    : router;
}
