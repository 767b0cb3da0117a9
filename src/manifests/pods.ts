/** Where each kind keeps its pods: the pod template (or the Pod itself) and the containers. */
import { LABELS } from '../labels.ts';
import type { KubeObject } from '../kube/types.ts';
import { specOf } from './workload-views.ts';

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

/** Part of a pod spec that may name a ConfigMap or Secret (`configMapKeyRef`, `secret`, …). */
type NameHolder = Record<string, unknown> | null | undefined;

export interface Container {
  name?: string;
  image?: string;
  env?: Array<{ name?: string; valueFrom?: { configMapKeyRef?: NameHolder; secretKeyRef?: NameHolder } }>;
  envFrom?: Array<{ configMapRef?: NameHolder; secretRef?: NameHolder }>;
  [key: string]: unknown;
}

export interface Volume {
  configMap?: NameHolder;
  secret?: NameHolder;
  projected?: { sources?: Array<{ configMap?: NameHolder; secret?: NameHolder }> };
  [key: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
  [key: string]: unknown;
}

/**
 * The pod template of a workload kind (CronJob: the one inside jobTemplate), or for a Pod the Pod
 * itself; undefined for other kinds or when the object has no such spec. Returned by reference.
 */
export function podTemplateOf(obj: KubeObject): PodTemplate | undefined {
  let template: { spec?: unknown } | undefined;
  if (obj.kind === 'Pod') template = obj;
  else if (obj.kind === 'CronJob') template = specOf(obj)?.jobTemplate?.spec?.template;
  else if ((POD_TEMPLATE_KINDS as readonly string[]).includes(obj.kind)) template = specOf(obj)?.template;
  if (!template || typeof template !== 'object' || !template.spec || typeof template.spec !== 'object')
    return undefined;
  return template as PodTemplate;
}

/**
 * A copy of a pod template without the controller's hash label: a ReplicaSet's template as its
 * Deployment holds it.
 */
export function withoutTemplateHash<T>(template: T): T {
  const copy = structuredClone(template) as T & { metadata?: { labels?: Record<string, string> } };
  delete copy?.metadata?.labels?.[LABELS.templateHash];
  return copy;
}

/** Every container of a pod spec: init, regular and ephemeral. */
export function containersOf(spec: PodSpec): Container[] {
  return [spec.initContainers, spec.containers, spec.ephemeralContainers].flatMap((list) =>
    Array.isArray(list) ? list : [],
  );
}

export type ConfigKind = 'ConfigMap' | 'Secret';

type RefVisitor = (kind: ConfigKind, name: string, rename: (to: string) => void) => void;

/** Visits every ConfigMap / Secret name a pod spec uses: env, envFrom, volumes, projected volumes. */
export function forEachConfigRef(spec: PodSpec, visit: RefVisitor): void {
  const at = (kind: ConfigKind, holder: NameHolder, field: string) => {
    const name = holder?.[field];
    if (holder && typeof name === 'string') visit(kind, name, (to) => (holder[field] = to));
  };
  for (const container of containersOf(spec)) {
    for (const env of container.env ?? []) {
      at('ConfigMap', env?.valueFrom?.configMapKeyRef, 'name');
      at('Secret', env?.valueFrom?.secretKeyRef, 'name');
    }
    for (const from of container.envFrom ?? []) {
      at('ConfigMap', from?.configMapRef, 'name');
      at('Secret', from?.secretRef, 'name');
    }
  }
  for (const volume of spec.volumes ?? []) {
    at('ConfigMap', volume?.configMap, 'name');
    at('Secret', volume?.secret, 'secretName');
    for (const source of volume?.projected?.sources ?? []) {
      at('ConfigMap', source?.configMap, 'name');
      at('Secret', source?.secret, 'name');
    }
  }
}

/** The names of the Secrets a pod spec uses (env, envFrom, volumes, projected volumes). */
export function secretsUsedBy(spec: PodSpec): string[] {
  const names = new Set<string>();
  forEachConfigRef(spec, (kind, name) => kind === 'Secret' && names.add(name));
  return [...names];
}
