// Typed views of the workloads the engine reads and changes (Deployment, StatefulSet, DaemonSet), of
// the objects that act on them (ReplicaSets, autoscalers, disruption budgets, Services, claims) and
// of the pods and Jobs the gates and the job metric read. Specs and statuses are
// @kubernetes/client-node's models, imported as types only (nothing enters the bundle); those models
// are camelCase like the JSON, but hold timestamps as Dates where the JSON has strings, which `Wire`
// puts right. Metadata stays ours. A KubeObject's spec and status are `unknown`; a view is the same
// object, only typed: `isDeployment(obj)` narrows a KubeObject, `asDeployment(obj)?.spec…` reads one
// that may be another kind, and `view<PodObject>(obj)` names the kind of one read by kind.
import type {
  V1ContainerStatus,
  V1JobSpec,
  V1JobStatus,
  V1DaemonSetSpec,
  V1DeploymentCondition,
  V1PodSpec,
  V1PodStatus,
  V1DaemonSetStatus,
  V1DeploymentSpec,
  V1DeploymentStatus,
  V1LabelSelector,
  V1PodDisruptionBudgetSpec,
  V1PodDisruptionBudgetStatus,
  V1PersistentVolumeClaimSpec,
  V1PodTemplateSpec,
  V1ReplicaSetSpec,
  V1ServiceSpec,
  V1StatefulSetSpec,
  V1StatefulSetStatus,
  V2HorizontalPodAutoscalerSpec,
} from '@kubernetes/client-node';
import type { KubeObject, ObjectMeta } from '../kube/types.ts';
import { WORKLOAD_KINDS } from './types.ts';

/** A client-node model as JSON carries it: its Date fields are RFC 3339 strings. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer E)[]
    ? Wire<E>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/**
 * An object whose spec (and status) have known shapes. A type alias, not an interface, so a view
 * stays assignable to KubeObject and goes back to the Cluster as it is.
 */
export type TypedObject<Spec, Status = unknown, Kind extends string = string> = {
  apiVersion: string;
  kind: Kind;
  metadata: ObjectMeta;
  spec?: Spec;
  status?: Status;
};

/**
 * The one place an object's untyped spec and status take a view's shapes, for an object whose kind
 * the caller knows (read by kind from the API server, or checked). Nothing is checked or copied.
 */
export function view<View extends TypedObject<unknown, unknown>>(obj: KubeObject): View {
  return obj as View;
}

/**
 * A workload's spec is typed as present: the API server always returns one and manifest validation
 * refuses a workload without spec.selector. Code that reads manifests before validation keeps `?.`.
 */
type Workload<Kind extends string, Spec, Status> = TypedObject<Wire<Spec>, Wire<Status>, Kind> & {
  spec: Wire<Spec>;
};

export type DeploymentObject = Workload<'Deployment', V1DeploymentSpec, V1DeploymentStatus>;
export type StatefulSetObject = Workload<'StatefulSet', V1StatefulSetSpec, V1StatefulSetStatus>;
export type DaemonSetObject = Workload<'DaemonSet', V1DaemonSetSpec, V1DaemonSetStatus>;
export type WorkloadObject = DeploymentObject | StatefulSetObject | DaemonSetObject;
export type PodTemplateSpec = Wire<V1PodTemplateSpec>;
export type LabelSelector = V1LabelSelector;

/**
 * The spec fields a generic reader (the plan's diff) looks for on any kind: a replica count and a
 * pod template, directly or in a CronJob's jobTemplate. Each is absent on kinds without it.
 */
export interface SpecFields {
  replicas?: unknown;
  template?: PodTemplateSpec;
  jobTemplate?: { spec?: { template?: PodTemplateSpec } };
  [field: string]: unknown;
}

/** The status fields a generic reader (the record's ready pods) looks for on any workload kind. */
export interface StatusFields {
  /** Deployment, StatefulSet, ReplicaSet. */
  readyReplicas?: number;
  /** DaemonSet. */
  numberReady?: number;
  [field: string]: unknown;
}

/** The spec of an object of any kind, read through SpecFields. */
export function specOf(obj: KubeObject): SpecFields | undefined {
  return view<TypedObject<SpecFields>>(obj).spec;
}

/** The status of an object of any kind, read through StatusFields. */
export function statusOf(obj: KubeObject): StatusFields | undefined {
  return view<TypedObject<unknown, StatusFields>>(obj).status;
}

// Objects read from a list or filtered by kind already: views without a kind guard (but for the
// autoscalers, budgets and claims the manifests may hold).
export type ReplicaSetObject = TypedObject<Wire<V1ReplicaSetSpec>>;
export type AutoscalerObject = TypedObject<Wire<V2HorizontalPodAutoscalerSpec>>;
export type DisruptionBudgetObject = TypedObject<
  Wire<V1PodDisruptionBudgetSpec>,
  Wire<V1PodDisruptionBudgetStatus>
>;
export type PodObject = TypedObject<Wire<V1PodSpec>, Wire<V1PodStatus>>;
/** A Service: the manifests' checks and the routers read its selector and ports. */
export type ServiceObject = TypedObject<V1ServiceSpec>;
export type JobObject = TypedObject<Wire<V1JobSpec>, Wire<V1JobStatus>>;
export type ClaimObject = TypedObject<Wire<V1PersistentVolumeClaimSpec>>;
export type ContainerStatus = Wire<V1ContainerStatus>;
/** A workload or ReplicaSet as the health checks read it: its status conditions. */
export type ConditionedObject = TypedObject<unknown, { conditions?: Wire<V1DeploymentCondition>[] }>;

export function isAutoscaler(obj: KubeObject): obj is AutoscalerObject {
  return obj.kind === 'HorizontalPodAutoscaler';
}
export function isDisruptionBudget(obj: KubeObject): obj is DisruptionBudgetObject {
  return obj.kind === 'PodDisruptionBudget';
}
export function isClaim(obj: KubeObject): obj is ClaimObject {
  return obj.kind === 'PersistentVolumeClaim';
}
export function isWorkload(obj: KubeObject | undefined): obj is WorkloadObject {
  return obj !== undefined && (WORKLOAD_KINDS as readonly string[]).includes(obj.kind);
}
export function isDeployment(obj: KubeObject | undefined): obj is DeploymentObject {
  return obj?.kind === 'Deployment';
}
export function isStatefulSet(obj: KubeObject | undefined): obj is StatefulSetObject {
  return obj?.kind === 'StatefulSet';
}
export function isDaemonSet(obj: KubeObject | undefined): obj is DaemonSetObject {
  return obj?.kind === 'DaemonSet';
}
/** The object as a workload, or undefined for any other kind (for optional chains). */
export function asWorkload(obj: KubeObject | undefined): WorkloadObject | undefined {
  return isWorkload(obj) ? obj : undefined;
}
export function asDeployment(obj: KubeObject | undefined): DeploymentObject | undefined {
  return isDeployment(obj) ? obj : undefined;
}
export function asStatefulSet(obj: KubeObject | undefined): StatefulSetObject | undefined {
  return isStatefulSet(obj) ? obj : undefined;
}

/** A workload the engine holds (planned, copied or read back); another kind here is a bug. */
export function workloadOf(obj: KubeObject): WorkloadObject {
  if (!isWorkload(obj)) throw new Error(`${obj.kind} ${obj.metadata.name} is not a workload`);
  return obj;
}

/** Workloads with a replica count (a DaemonSet runs one pod per node instead). */
export type ScalableObject = DeploymentObject | StatefulSetObject;
export function isScalable(obj: KubeObject | undefined): obj is ScalableObject {
  return isDeployment(obj) || isStatefulSet(obj);
}

/** The replica count a workload asks for; undefined when unset or for other kinds. */
export function replicasOf(obj: KubeObject | undefined): number | undefined {
  return isScalable(obj) ? obj.spec?.replicas : undefined;
}
