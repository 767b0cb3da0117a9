// Built-in kinds of a 1.32 cluster that application manifests carry beyond workloads and Services:
// autoscalers, disruption budgets, cron jobs, storage claims, network policies, quotas, priority
// and storage classes. Their field types live in schema/kinds.ts, their defaults in
// defaults-kinds.ts.
import type { Row } from './types.ts';

export const APP_KINDS: Row[] = [
  {
    gv: 'v1',
    resource: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    sub: ['status'],
    short: ['pvc'],
  },
  {
    gv: 'v1',
    resource: 'persistentvolumes',
    kind: 'PersistentVolume',
    namespaced: false,
    sub: ['status'],
    short: ['pv'],
  },
  { gv: 'v1', resource: 'resourcequotas', kind: 'ResourceQuota', sub: ['status'], short: ['quota'] },
  { gv: 'v1', resource: 'limitranges', kind: 'LimitRange', short: ['limits'] },
  {
    gv: 'autoscaling/v2',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    sub: ['status'],
    short: ['hpa'],
    cat: ['all'],
  },
  {
    gv: 'batch/v1',
    resource: 'cronjobs',
    kind: 'CronJob',
    sub: ['status'],
    short: ['cj'],
    cat: ['all'],
    generation: true,
  },
  {
    gv: 'policy/v1',
    resource: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    sub: ['status'],
    short: ['pdb'],
    generation: true,
  },
  {
    gv: 'networking.k8s.io/v1',
    resource: 'networkpolicies',
    kind: 'NetworkPolicy',
    short: ['netpol'],
    generation: true,
  },
  { gv: 'networking.k8s.io/v1', resource: 'ingressclasses', kind: 'IngressClass', namespaced: false },
  {
    gv: 'scheduling.k8s.io/v1',
    resource: 'priorityclasses',
    kind: 'PriorityClass',
    namespaced: false,
    short: ['pc'],
  },
  {
    gv: 'storage.k8s.io/v1',
    resource: 'storageclasses',
    kind: 'StorageClass',
    namespaced: false,
    short: ['sc'],
  },
];
