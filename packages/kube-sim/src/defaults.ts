// Upstream defaulting (the API server's SetDefaults_* functions) for the kinds the simulator serves.
// Applied on every create and update, so objects read back look like a real cluster's.
import type { KubeObject } from './types.ts';
import {
  view,
  type Container,
  type DaemonSetView,
  type DeploymentView,
  type JobView,
  type PodSpec,
  type PodTemplate,
  type PodView,
  type ReplicaSetView,
  type ServiceSpec,
  type ServiceView,
  type StatefulSetView,
  type TypedObject,
} from './views.ts';
import { applyKindDefaults } from './defaults-kinds.ts';
import { defaultPodSpec, setIfMissing } from './defaults-pod.ts';

function defaultTemplate(spec: { template?: PodTemplate }, restartPolicy?: string): void {
  if (spec?.template) {
    spec.template.metadata ??= {};
    // The real server keeps a null creationTimestamp in templates; clients ignore it.
    defaultPodSpec((spec.template.spec ??= {}), restartPolicy);
  }
}

function defaultDeployment(spec: DeploymentView['spec']): void {
  setIfMissing(spec, 'replicas', 1);
  spec.strategy ??= {};
  setIfMissing(spec.strategy, 'type', 'RollingUpdate');
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    setIfMissing(spec.strategy.rollingUpdate, 'maxUnavailable', '25%');
    setIfMissing(spec.strategy.rollingUpdate, 'maxSurge', '25%');
  }
  setIfMissing(spec, 'revisionHistoryLimit', 10);
  setIfMissing(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec);
}

function defaultStatefulSet(spec: StatefulSetView['spec']): void {
  setIfMissing(spec, 'replicas', 1);
  setIfMissing(spec, 'podManagementPolicy', 'OrderedReady');
  spec.updateStrategy ??= {};
  setIfMissing(spec.updateStrategy, 'type', 'RollingUpdate');
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    setIfMissing(spec.updateStrategy.rollingUpdate, 'partition', 0);
  }
  setIfMissing(spec, 'revisionHistoryLimit', 10);
  setIfMissing(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
  defaultTemplate(spec);
}

function defaultDaemonSet(spec: DaemonSetView['spec']): void {
  spec.updateStrategy ??= {};
  setIfMissing(spec.updateStrategy, 'type', 'RollingUpdate');
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    setIfMissing(spec.updateStrategy.rollingUpdate, 'maxUnavailable', 1);
    setIfMissing(spec.updateStrategy.rollingUpdate, 'maxSurge', 0);
  }
  setIfMissing(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec);
}

function defaultJob(obj: KubeObject): void {
  const spec = view<JobView>(obj).spec;
  setIfMissing(spec, 'parallelism', 1);
  setIfMissing(spec, 'completions', 1);
  setIfMissing(spec, 'backoffLimit', 6);
  setIfMissing(spec, 'completionMode', 'NonIndexed');
  setIfMissing(spec, 'suspend', false);
  setIfMissing(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  if (!spec.manualSelector && obj.metadata.uid) {
    // The job strategy generates a selector on the controller uid and stamps it into the template.
    const uid = obj.metadata.uid;
    spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    spec.template ??= {};
    spec.template.metadata ??= {};
    spec.template.metadata.labels = {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': obj.metadata.name ?? '',
      'controller-uid': uid,
      'job-name': obj.metadata.name ?? '',
      ...(spec.template.metadata.labels ?? {}),
    };
  }
  defaultTemplate(spec, 'Never');
}

let nextClusterIp = 10;

function defaultService(spec: ServiceSpec): void {
  setIfMissing(spec, 'type', 'ClusterIP');
  setIfMissing(spec, 'sessionAffinity', 'None');
  if (spec.type !== 'ExternalName') {
    if (!spec.clusterIP) {
      const n = nextClusterIp++;
      spec.clusterIP = `10.96.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
    }
    if (spec.clusterIP !== 'None') setIfMissing(spec, 'clusterIPs', [spec.clusterIP]);
    setIfMissing(spec, 'ipFamilies', ['IPv4']);
    setIfMissing(spec, 'ipFamilyPolicy', 'SingleStack');
    setIfMissing(spec, 'internalTrafficPolicy', 'Cluster');
  }
  for (const p of spec.ports ?? []) {
    setIfMissing(p, 'protocol', 'TCP');
    setIfMissing(p, 'targetPort', p.port);
  }
}

/**
 * Apply upstream defaults in place. Like the real JSON, zero values with `omitempty`
 * (minReadySeconds 0, paused false) are left out rather than written.
 */
export function applyDefaults(obj: KubeObject): void {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  const key = `${group}/${obj.kind}`;
  switch (key) {
    case 'apps/Deployment':
      obj.spec ??= {};
      defaultDeployment(view<DeploymentView>(obj).spec);
      break;
    case 'apps/ReplicaSet':
      obj.spec ??= {};
      setIfMissing(view<ReplicaSetView>(obj).spec, 'replicas', 1);
      defaultTemplate(view<ReplicaSetView>(obj).spec);
      break;
    case 'apps/StatefulSet':
      obj.spec ??= {};
      defaultStatefulSet(view<StatefulSetView>(obj).spec);
      break;
    case 'apps/DaemonSet':
      obj.spec ??= {};
      defaultDaemonSet(view<DaemonSetView>(obj).spec);
      break;
    case 'batch/Job':
      obj.spec ??= {};
      defaultJob(obj);
      break;
    case '/Pod':
      obj.spec ??= {};
      defaultPodSpec(view<PodView>(obj).spec);
      break;
    case '/Service':
      obj.spec ??= {};
      defaultService(view<ServiceView>(obj).spec);
      break;
    case '/Namespace':
      obj.spec ??= {};
      setIfMissing(view<TypedObject<object>>(obj).spec, 'finalizers', ['kubernetes']);
      obj.metadata.labels = {
        ...(obj.metadata.labels ?? {}),
        'kubernetes.io/metadata.name': obj.metadata.name ?? '',
      };
      break;
    case '/Secret':
      setIfMissing(obj, 'type', 'Opaque');
      // stringData is write-only: the API server folds it into data.
      if (obj.stringData && typeof obj.stringData === 'object') {
        obj.data = { ...(obj.data ?? {}) };
        for (const [k, v] of Object.entries(obj.stringData))
          obj.data[k] = Buffer.from(String(v)).toString('base64');
        delete obj.stringData;
      }
      break;
    default:
      applyKindDefaults(obj, key);
  }
}

/** Pod QoS class as the API server computes it on create. */
export function podQosClass(spec: PodSpec | undefined): string {
  const containers: Container[] = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  let anySet = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c?.resources?.requests ?? {};
    const lim = c?.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r])))
        guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Status the strategy sets on create (PrepareForCreate). `undefined` = keep what was sent. */
export function initialStatus(obj: KubeObject, hasStatusSubresource: boolean): unknown {
  if (obj.kind === 'Pod' && obj.apiVersion === 'v1')
    return { phase: 'Pending', qosClass: podQosClass(view<PodView>(obj).spec) };
  if (obj.kind === 'Namespace' && obj.apiVersion === 'v1') return { phase: 'Active' };
  if (obj.kind === 'Node' && obj.apiVersion === 'v1') return undefined; // kubelets register nodes with status
  if (obj.kind === 'Service' && obj.apiVersion === 'v1') return { loadBalancer: {} };
  if (hasStatusSubresource) return {};
  return undefined;
}
