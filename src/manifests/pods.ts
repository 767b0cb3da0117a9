/** Where each kind keeps its pods: the pod template (or the Pod itself) and the containers. */
import type { KubeObject } from '../kube/types.ts';

export { isWorkload } from './workload-views.ts';

export const POD_TEMPLATE_KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
] as const;

export interface PodTemplate {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec: PodSpec;
}

export interface Container {
  name?: string;
  image?: string;
  env?: Array<{ name?: string; valueFrom?: any }>;
  envFrom?: Array<{ configMapRef?: { name?: string }; secretRef?: { name?: string } }>;
  [key: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: any[];
  [key: string]: unknown;
}

/**
 * The pod template of a workload kind (CronJob: the one inside jobTemplate), or for a Pod the Pod
 * itself; undefined for other kinds or when the object has no such spec. Returned by reference.
 */
export function podTemplateOf(obj: KubeObject): PodTemplate | undefined {
  let template: any;
  if (obj.kind === 'Pod') template = obj;
  else if (obj.kind === 'CronJob') template = obj.spec?.jobTemplate?.spec?.template;
  else if ((POD_TEMPLATE_KINDS as readonly string[]).includes(obj.kind)) template = obj.spec?.template;
  if (!template || typeof template !== 'object' || !template.spec || typeof template.spec !== 'object')
    return undefined;
  return template as PodTemplate;
}

/** Every container of a pod spec: init, regular and ephemeral. */
export function containersOf(spec: PodSpec): Container[] {
  return [spec.initContainers, spec.containers, spec.ephemeralContainers].flatMap((list) =>
    Array.isArray(list) ? list : [],
  );
}
