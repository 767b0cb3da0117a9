// Typed views of the objects routers read and write. Ingress specs come from @kubernetes/client-node
// (they hold no timestamps, so the plain JSON we get matches them; metadata stays ours, with string
// timestamps), as does the Service view, which the manifests' checks share (workload-views.ts). The
// CRDs (Gateway API, Istio, SMI) get small local interfaces with only the fields we touch;
// `[key: string]: unknown` keeps the rest when copying.
import type { V1IngressBackend, V1IngressSpec, V1ServicePort } from '@kubernetes/client-node';
import type { KubeObject } from '../kube/types.ts';
import { view, type ServiceObject, type TypedObject } from '../manifests/workload-views.ts';

export { view, type ServiceObject, type TypedObject };

export type IngressObject = TypedObject<V1IngressSpec>;
export type IngressBackend = V1IngressBackend;
export type ServicePort = V1ServicePort;

// Gateway API HTTPRoute (gateway.networking.k8s.io/v1).
export interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
  [key: string]: unknown;
}
export interface HTTPHeaderMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}
export interface HTTPRouteMatch {
  path?: { type?: string; value?: string };
  headers?: HTTPHeaderMatch[];
  [key: string]: unknown;
}
export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  backendRefs?: BackendRef[];
  [key: string]: unknown;
}
export type HTTPRouteObject = TypedObject<{ rules?: HTTPRouteRule[]; [key: string]: unknown }>;

// Istio VirtualService and DestinationRule (networking.istio.io).
export type StringMatch = { exact: string } | { prefix: string } | { regex: string };
export interface IstioDestination {
  host: string;
  subset?: string;
  [key: string]: unknown;
}
export interface IstioRouteDestination {
  destination: IstioDestination;
  weight?: number;
  [key: string]: unknown;
}
export interface IstioMatch {
  headers?: Record<string, StringMatch>;
  [key: string]: unknown;
}
export interface IstioHttpRoute {
  name?: string;
  match?: IstioMatch[];
  route?: IstioRouteDestination[];
  [key: string]: unknown;
}
export type VirtualServiceObject = TypedObject<{ http?: IstioHttpRoute[]; [key: string]: unknown }>;
export interface IstioSubset {
  name: string;
  labels?: Record<string, string>;
  [key: string]: unknown;
}
export type DestinationRuleObject = TypedObject<{
  host?: string;
  subsets?: IstioSubset[];
  [key: string]: unknown;
}>;

// SMI TrafficSplit (split.smi-spec.io); v1alpha1 writes weights as quantities ("900m").
export interface SplitBackend {
  service: string;
  weight: number | string;
}
export type TrafficSplitObject = TypedObject<{ service: string; backends?: SplitBackend[] }>;

/** A typed object handed back to the Cluster, which takes any KubeObject. */
export function plain<Spec>(obj: TypedObject<Spec>): KubeObject {
  return { ...obj };
}
