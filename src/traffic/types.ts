import type { ApiAccess, Cluster, KubeObject } from '../kube/types.ts';
import type { ServiceObject } from './objects.ts';

/** A route that sends requests carrying a header to the new version (the `setHeaderRoute` step). */
export interface HeaderRoute {
  name: string;
  header: string;
  match: { exact: string } | { prefix: string } | { regex: string };
}

export interface TrafficRouterOptions {
  /** `replicas`: leave the stable Deployment's count alone (an HPA owns it) and only size the canary. */
  keepStableFullSize?: boolean;
  /**
   * `replicas`: the canary may add up to this many pods (or percent of stable) above stable's size,
   * and the sizes follow Argo Rollouts' basic-canary arithmetic (closest share within the surge).
   */
  maxSurge?: number | string;
  /** Limit for scaled pods to become ready (`replicas`). Default 10 minutes. */
  readyTimeoutMs?: number;
  /**
   * Limit, on reset, for pods of another version to leave the user's Service selector before the
   * selector is restored (they usually are terminating already). Default 2 minutes.
   */
  drainTimeoutMs?: number;
  signal?: AbortSignal;
}

/** What a router needs to know about the release it drives. */
export interface TrafficTarget {
  namespace: string;
  app: string;
  /** The user's (stable) Deployment and the canary/green copy. */
  stableWorkload: KubeObject;
  newWorkload: KubeObject;
  /** The user's Service whose selector matches the stable workload's pods, if any. */
  service?: ServiceObject;
  /**
   * The user's object of the router's target kind (RouterDefinition.target: an Ingress, HTTPRoute,
   * VirtualService or TrafficSplit) that routes to `service`; undefined when the router makes its own.
   */
  routeObject?: KubeObject;
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
  readonly name: string;
  /** Creates the router's own objects (canary Ingress…) with all traffic on stable. */
  prepare(): Promise<void>;
  /**
   * Sends `percent` (0–100) of traffic to the new version. Resolves once the change is applied and
   * read back from the data plane object (a TrafficRouterError when it carries another weight).
   */
  setWeight(percent: number): Promise<void>;
  /**
   * The share the data plane object carries now (the canary Ingress's `canary-weight`, the route
   * weights, the TrafficSplit backends, the replica ratio), not our own annotation copy; 0 before
   * `prepare`.
   */
  getWeight(): Promise<number>;
  /**
   * Whether this release splits traffic through the Service pair (`<service>-canary` plus the
   * stable pin); only asked of routers whose definition has `servicePair`. Istio with a
   * DestinationRule splits by subsets instead. Default: yes.
   */
  usesServicePair?(): Promise<boolean>;
  /** Adds (or with null, removes) a header route to the new version. */
  setHeaderRoute(route: HeaderRoute | null, name?: string): Promise<void>;
  /** All traffic back to stable and the user's objects restored to their own shape; removes router objects. */
  reset(): Promise<void>;
}

export type TrafficRouterFactory = (
  cluster: Cluster,
  target: TrafficTarget,
  opts?: TrafficRouterOptions,
) => TrafficRouter;

/**
 * What a router can do. Plans are checked against it before anything is written, strategies say
 * which of these they need (src/strategies/), and the engine asks it instead of a router's name.
 */
export interface RouterCapabilities {
  /** Sends requests to the new version by a header. */
  headerRoutes: boolean;
  /** How many header routes it holds at once (ingress-nginx matches one header per canary Ingress). */
  maxHeaderRoutes: number;
  /** Weights between 0 and 100 (a Service selector switch only knows all or nothing). */
  weightsBetween: boolean;
  /**
   * Sizes the canary copy from the weight itself: the copy starts with no pods, and a
   * setCanaryScale step has nothing to size.
   */
  sizesCopies: boolean;
  /**
   * Pins the stable side by the version label (a Service selector, subsets): stable's pods must
   * carry it before the first weight, and a rollback that restores stable's template keeps it.
   */
  pinsStableByVersionLabel: boolean;
}

/**
 * The user's object a router drives beyond the Service, and the input that names it. Routers of
 * the same kind share one input.
 */
export interface RouterTarget<Key extends string = string, Input extends string = string> {
  kind: string;
  /** How the docs name the kind: `Ingress`, `Istio VirtualService`. */
  title: string;
  /** Its API group (the version is the one the cluster prefers) and REST resource. */
  group: string;
  resource: string;
  /** The action input that names it, and its Config field (the stored settings keep it too). */
  input: Input;
  configKey: Key;
  /** False: the router creates its own object when none is given. */
  required: boolean;
  /** The Services (names in `namespace`) an object of this kind sends traffic to. */
  routedServices(object: KubeObject, namespace: string): string[];
  /** The router creates a copy of it named `<name>-canary` (ingress-nginx's canary Ingress). */
  canaryCopy?: boolean;
  /**
   * Whether `object`, of this kind, bears the marks the router leaves while a release runs (on the
   * user's object it changed, or on one it made), and the name the input then takes to find the
   * user's object (none when the router made it on its own). A release whose state is lost is
   * rebuilt from these marks (src/engine/recovery/orphans.ts); without it, such a release falls back to the
   * router a canary Service names.
   */
  marked?(object: KubeObject): { named?: string } | undefined;
}

/**
 * One router's definition: the registry, config validation, pre-flight checks, the strategies it
 * can drive and the README's Role are all derived from it, so adding a router is its file plus
 * one registry line.
 */
export interface RouterDefinition<
  Name extends string = string,
  Key extends string = string,
  Input extends string = string,
> {
  /** What the `traffic` input says to choose it; the list of names is derived from the registry. */
  name: Name;
  /** How it moves traffic, one short phrase for action.yml and the README (e.g. "the pod ratio"). */
  summary: string;
  capabilities: RouterCapabilities;
  /** The user's object the router changes, beyond the Service. */
  target?: RouterTarget<Key, Input>;
  /** Needs the user's Service (it must exist before the release starts). */
  needsService: boolean;
  /**
   * Composed with the Service pair (src/traffic/service-pair.ts): `<service>-canary` selecting the
   * new version and the user's Service pinned to stable, set up before the router's own object is
   * written and torn down after it is reset. The router itself never touches the Services.
   */
  servicePair: boolean;
  /** API access the router needs for its own objects (the registry adds the Service pair's). */
  access: readonly ApiAccess[];
  create: TrafficRouterFactory;
}
