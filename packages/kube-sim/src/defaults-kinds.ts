// Upstream defaulting (SetDefaults_*) for the kinds of app-kinds.ts. Called by defaults.ts.
import type { KubeObject } from './types.ts';
import { view, type HpaView, type LabelSelector, type PodTemplate, type TypedObject } from './views.ts';
import { defaultPodSpec, setIfMissing } from './defaults-pod.ts';

/** autoscaling/v2: min 1, CPU at 80% when no metric is given, behavior rules filled in when set. */
function defaultHpa(spec: HpaView['spec']): void {
  setIfMissing(spec, 'minReplicas', 1);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
      },
    ];
  }
  const behavior = spec.behavior;
  if (!behavior || typeof behavior !== 'object') return;
  behavior.scaleUp ??= {};
  setIfMissing(behavior.scaleUp, 'stabilizationWindowSeconds', 0);
  setIfMissing(behavior.scaleUp, 'selectPolicy', 'Max');
  setIfMissing(behavior.scaleUp, 'policies', [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ]);
  behavior.scaleDown ??= {};
  setIfMissing(behavior.scaleDown, 'stabilizationWindowSeconds', 300);
  setIfMissing(behavior.scaleDown, 'selectPolicy', 'Max');
  setIfMissing(behavior.scaleDown, 'policies', [{ type: 'Percent', value: 100, periodSeconds: 15 }]);
}

type CronJobView = TypedObject<{ jobTemplate?: { spec?: { template?: PodTemplate } } }>;

function defaultCronJob(spec: CronJobView['spec']): void {
  setIfMissing(spec, 'concurrencyPolicy', 'Allow');
  setIfMissing(spec, 'suspend', false);
  setIfMissing(spec, 'successfulJobsHistoryLimit', 3);
  setIfMissing(spec, 'failedJobsHistoryLimit', 1);
  const template = spec.jobTemplate?.spec?.template;
  if (template && typeof template === 'object') {
    template.metadata ??= {};
    defaultPodSpec((template.spec ??= {}));
  }
}

/** policyTypes: Ingress always, Egress when egress rules are given; port protocol TCP. */
type NetworkPolicyRule = { ports?: unknown[] };
type NetworkPolicyView = TypedObject<{
  policyTypes?: string[];
  ingress?: NetworkPolicyRule[];
  egress?: NetworkPolicyRule[];
  podSelector?: LabelSelector;
}>;

function defaultNetworkPolicy(spec: NetworkPolicyView['spec']): void {
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule?.ports ?? [])
      if (port && typeof port === 'object') setIfMissing(port, 'protocol', 'TCP');
  }
  spec.podSelector ??= {};
}

export function applyKindDefaults(obj: KubeObject, key: string): void {
  switch (key) {
    case 'autoscaling/HorizontalPodAutoscaler':
      obj.spec ??= {};
      defaultHpa(view<HpaView>(obj).spec);
      break;
    case 'batch/CronJob':
      obj.spec ??= {};
      defaultCronJob(view<CronJobView>(obj).spec);
      break;
    case 'networking.k8s.io/NetworkPolicy':
      obj.spec ??= {};
      defaultNetworkPolicy(view<NetworkPolicyView>(obj).spec);
      break;
    case '/PersistentVolumeClaim':
      obj.spec ??= {};
      setIfMissing(view<TypedObject<object>>(obj).spec, 'volumeMode', 'Filesystem');
      break;
    case 'scheduling.k8s.io/PriorityClass':
      setIfMissing(obj, 'preemptionPolicy', 'PreemptLowerPriority');
      break;
    case 'storage.k8s.io/StorageClass':
      setIfMissing(obj, 'reclaimPolicy', 'Delete');
      setIfMissing(obj, 'volumeBindingMode', 'Immediate');
      break;
  }
}
