// Typed views of the objects the simulator reads and writes. A KubeObject's spec and status are
// `unknown` (the store keeps JSON of every kind); a view is the same object, only typed, and holds
// just the fields the simulator's controllers, kubelet, traffic model and tables read. Every field
// is optional: the store holds what clients sent, so readers keep their `?.` and defaults.
// Declared here, not taken from the product, so the simulator stays independent of the code it tests.
import type { KubeObject } from './types.ts';

export type ObjectMeta = KubeObject['metadata'];

/**
 * An object whose spec and status have known shapes. The spec is typed as present so that the
 * controllers' writes need no guard; readers keep the `?.` they had, which is what decides at run
 * time for an object stored without one. A type alias, not an interface, so a view stays
 * assignable to KubeObject and goes back to the store as it is.
 */
export type TypedObject<Spec, Status = unknown> = {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
};

/**
 * The one place an object's untyped spec and status take a view's shapes, for an object whose kind
 * the caller knows (listed or fetched by kind, or checked). Nothing is checked or copied.
 */
export function view<View extends TypedObject<unknown, unknown>>(obj: KubeObject): View {
  return obj as View;
}

/** `view` over a list of objects of one kind. */
export function viewAll<View extends TypedObject<unknown, unknown>>(objs: KubeObject[]): View[] {
  return objs as View[];
}

/** A JSON object of fields the simulator does not model, read key by key. */
export type JsonObject = Record<string, unknown>;

/** metav1.Condition and the per-kind condition types (they share these fields). */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
  observedGeneration?: number;
}

/** Any kind, read only for its status conditions. */
export type ConditionedView = TypedObject<unknown, { conditions?: Condition[] }>;

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type IntOrString = number | string;

/** A configMapKeyRef or secretKeyRef. */
export interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: KeyRef;
    secretKeyRef?: KeyRef;
    fieldRef?: { apiVersion?: string; fieldPath?: string };
  } & JsonObject;
}

export interface EnvFromSource {
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface Volume {
  name: string;
  configMap?: { name: string; optional?: boolean };
  secret?: { secretName: string; optional?: boolean };
  [key: string]: unknown;
}

export interface ContainerPort {
  name?: string;
  containerPort?: number;
  protocol?: string;
}

export interface Probe {
  httpGet?: { path?: string; port?: IntOrString; scheme?: string } & JsonObject;
  tcpSocket?: { port?: IntOrString } & JsonObject;
  exec?: { command?: string[] };
  grpc?: JsonObject;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: ContainerPort[];
  resources?: { requests?: Record<string, IntOrString>; limits?: Record<string, IntOrString> };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  restartPolicy?: string;
  [key: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  hostname?: string;
  subdomain?: string;
  volumes?: Volume[];
  [key: string]: unknown;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } & JsonObject;
  spec?: PodSpec;
}

export interface ContainerStateTerminated {
  exitCode: number;
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
  containerID?: string;
}

export interface ContainerState {
  running?: { startedAt?: string };
  terminated?: ContainerStateTerminated;
  waiting?: { reason?: string; message?: string };
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  image?: string;
  imageID?: string;
  containerID?: string;
  state?: ContainerState;
  lastState?: ContainerState;
  [key: string]: unknown;
}

export interface PodStatus {
  phase?: string;
  conditions?: Condition[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  podIP?: string;
  podIPs?: { ip: string }[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  startTime?: string;
  qosClass?: string;
  reason?: string;
  message?: string;
  [key: string]: unknown;
}

export type PodView = TypedObject<PodSpec, PodStatus>;

export interface RollingUpdate {
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  partition?: number;
}

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelector;
  template: PodTemplate;
  strategy?: { type?: string; rollingUpdate?: RollingUpdate };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  terminatingReplicas?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

export type DeploymentView = TypedObject<DeploymentSpec, DeploymentStatus>;

export interface ReplicaSetSpec {
  replicas?: number;
  selector?: LabelSelector;
  template: PodTemplate;
  minReadySeconds?: number;
}

/**
 * The spec of any of Deployment, ReplicaSet, StatefulSet and DaemonSet, as validation and defaults
 * read it before the kind's own rules run.
 */
export type WorkloadSpec = Partial<DeploymentSpec & StatefulSetSpec & DaemonSetSpec>;

export interface ReplicaSetStatus {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  terminatingReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

export type ReplicaSetView = TypedObject<ReplicaSetSpec, ReplicaSetStatus>;

export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelector;
  template: PodTemplate;
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: RollingUpdate };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  volumeClaimTemplates?: JsonObject[];
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  conditions?: Condition[];
}

export type StatefulSetView = TypedObject<StatefulSetSpec, StatefulSetStatus>;

export interface DaemonSetSpec {
  selector?: LabelSelector;
  template: PodTemplate;
  updateStrategy?: { type?: string; rollingUpdate?: RollingUpdate };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export interface DaemonSetStatus {
  observedGeneration?: number;
  currentNumberScheduled?: number;
  numberMisscheduled?: number;
  desiredNumberScheduled?: number;
  numberReady?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

export type DaemonSetView = TypedObject<DaemonSetSpec, DaemonSetStatus>;

export interface JobSpec {
  parallelism?: number;
  completions?: number;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  suspend?: boolean;
  manualSelector?: boolean;
  selector?: LabelSelector;
  template: PodTemplate;
}

export interface JobStatus {
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  conditions?: Condition[];
  uncountedTerminatedPods?: JsonObject;
}

export type JobView = TypedObject<JobSpec, JobStatus>;

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: IntOrString;
  protocol?: string;
  appProtocol?: string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: string;
  selector?: Record<string, string>;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  publishNotReadyAddresses?: boolean;
}

export type ServiceView = TypedObject<
  ServiceSpec,
  { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } }
>;

export interface MetricTarget {
  type?: string;
  averageUtilization?: number;
  averageValue?: IntOrString;
  value?: IntOrString;
}

export interface MetricSpec {
  type?: string;
  resource?: { name?: string; target?: MetricTarget };
  [key: string]: unknown;
}

export interface HpaSpec {
  scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
  minReplicas?: number;
  maxReplicas?: number;
  metrics?: MetricSpec[];
  behavior?: { scaleUp?: JsonObject; scaleDown?: JsonObject & { stabilizationWindowSeconds?: number } };
}

export interface HpaStatus {
  observedGeneration?: number;
  currentReplicas?: number;
  desiredReplicas?: number;
  lastScaleTime?: string;
  currentMetrics?: {
    type?: string;
    resource?: { name?: string; current?: { averageUtilization?: number } };
  }[];
  conditions?: Condition[];
}

export type HpaView = TypedObject<HpaSpec, HpaStatus>;

export interface PdbSpec {
  selector?: LabelSelector;
  minAvailable?: IntOrString;
  maxUnavailable?: IntOrString;
  unhealthyPodEvictionPolicy?: string;
}

export interface PdbStatus {
  observedGeneration?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  disruptionsAllowed?: number;
  disruptedPods?: Record<string, string>;
  conditions?: Condition[];
}

export type PdbView = TypedObject<PdbSpec, PdbStatus>;

/** What a ControllerRevision's data holds here: the owner's pod template (controllers/revisions.ts). */
export type RevisionData = { spec?: { template?: PodTemplate & { $patch?: string } } };

/**
 * A ControllerRevision's `data` is a RawExtension holding RevisionData, not the string map KubeObject
 * declares for ConfigMaps and Secrets (as the product's KubeObject does, which its tests hand the
 * simulator's objects to). These two functions are the only places it changes type.
 */
export function revisionDataOf(revision: KubeObject): RevisionData | undefined {
  return revision.data as RevisionData | undefined;
}

export function revisionDataField(data: RevisionData): KubeObject['data'] {
  return data as KubeObject['data'];
}

export interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  subresources?: { status?: object; scale?: object };
}

export interface CrdNames {
  plural?: string;
  kind: string;
  singular?: string;
  shortNames?: string[];
  categories?: string[];
}

export type CrdView = TypedObject<{
  group?: string;
  scope?: string;
  names?: CrdNames;
  versions?: CrdVersion[];
}>;

/** A StatefulSet or DaemonSet, the kinds that keep ControllerRevisions. */
export type RevisionOwnerView = StatefulSetView | DaemonSetView;

/** Whatever a scale target or pod owner is (Deployment, StatefulSet, ReplicaSet), read for its size. */
export type ScaleTargetView = TypedObject<
  { replicas?: number; selector?: LabelSelector },
  { replicas?: number; selector?: unknown }
>;

export interface NodeStatus {
  capacity?: Record<string, string>;
  allocatable?: Record<string, string>;
  conditions?: Condition[];
  addresses?: { type: string; address: string }[];
  nodeInfo?: { kubeletVersion?: string } & JsonObject;
  daemonEndpoints?: JsonObject;
}

export type NodeView = TypedObject<
  { unschedulable?: boolean; podCIDR?: string; podCIDRs?: string[] },
  NodeStatus
>;
