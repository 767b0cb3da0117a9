// Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for: the upstream
// default columns for the common kinds, Name + Age for everything else.
import type { ResourceEntry } from '../registry.ts';
import type { KubeObject } from '../types.ts';
import {
  view,
  type DaemonSetView,
  type DeploymentView,
  type JobView,
  type LabelSelector,
  type NodeView,
  type ObjectMeta,
  type PodTemplate,
  type PodView,
  type ReplicaSetView,
  type ServiceView,
  type StatefulSetView,
  type TypedObject,
} from '../views.ts';
import { formatLabelSelector } from '../selectors.ts';

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((p) => p.includes('as=Table'));
}

/** kubectl's HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 730) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

const age = (o: KubeObject) =>
  o.metadata.creationTimestamp
    ? humanDuration(Date.now() - Date.parse(o.metadata.creationTimestamp))
    : '<unknown>';
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

type Column<O = KubeObject> = [name: string, type: string, priority: number, cell: (o: O) => unknown];

/** A kind's columns, each cell reading the object through that kind's view. */
function columnsOf<V extends TypedObject<unknown, unknown>>(columns: Column<V>[]): Column[] {
  return columns.map(([name, type, priority, cell]) => [name, type, priority, (o) => cell(view<V>(o))]);
}

/** The fields of a core/v1 Event the table shows (they sit beside metadata, not in a spec). */
type EventView = TypedObject<unknown> & {
  metadata: ObjectMeta;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string };
};

type WithTemplate = { template?: PodTemplate } | undefined;
const containers = (spec: WithTemplate) =>
  (spec?.template?.spec?.containers ?? []).map((c) => c.name).join(',');
const images = (spec: WithTemplate) => (spec?.template?.spec?.containers ?? []).map((c) => c.image).join(',');
const selectorText = (sel: LabelSelector | undefined) => (sel ? formatLabelSelector(sel) : '<none>');

function podStatus(o: PodView): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  for (const s of o.status?.containerStatuses ?? []) {
    if (s.state?.waiting?.reason) return s.state.waiting.reason;
    if (s.state?.terminated?.reason && o.status?.phase !== 'Succeeded') return s.state.terminated.reason;
  }
  return o.status?.reason ?? o.status?.phase ?? 'Pending';
}

const COLUMNS: Record<string, Column[]> = {
  '/Pod': columnsOf<PodView>([
    [
      'Ready',
      'string',
      0,
      (o) => {
        const st = o.status?.containerStatuses ?? [];
        return `${st.filter((s) => s.ready).length}/${(o.spec?.containers ?? []).length}`;
      },
    ],
    ['Status', 'string', 0, podStatus],
    [
      'Restarts',
      'string',
      0,
      (o) => String((o.status?.containerStatuses ?? []).reduce((n: number, s) => n + num(s.restartCount), 0)),
    ],
    ['Age', 'string', 0, age],
    ['IP', 'string', 1, (o) => o.status?.podIP ?? '<none>'],
    ['Node', 'string', 1, (o) => o.spec?.nodeName ?? '<none>'],
  ]),
  'apps/Deployment': columnsOf<DeploymentView>([
    ['Ready', 'string', 0, (o) => `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas)}`],
    ['Up-to-date', 'integer', 0, (o) => num(o.status?.updatedReplicas)],
    ['Available', 'integer', 0, (o) => num(o.status?.availableReplicas)],
    ['Age', 'string', 0, age],
    ['Containers', 'string', 1, (o) => containers(o.spec)],
    ['Images', 'string', 1, (o) => images(o.spec)],
    ['Selector', 'string', 1, (o) => selectorText(o.spec?.selector)],
  ]),
  'apps/ReplicaSet': columnsOf<ReplicaSetView>([
    ['Desired', 'integer', 0, (o) => num(o.spec?.replicas)],
    ['Current', 'integer', 0, (o) => num(o.status?.replicas)],
    ['Ready', 'integer', 0, (o) => num(o.status?.readyReplicas)],
    ['Age', 'string', 0, age],
    ['Containers', 'string', 1, (o) => containers(o.spec)],
    ['Images', 'string', 1, (o) => images(o.spec)],
    ['Selector', 'string', 1, (o) => selectorText(o.spec?.selector)],
  ]),
  'apps/StatefulSet': columnsOf<StatefulSetView>([
    ['Ready', 'string', 0, (o) => `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas)}`],
    ['Age', 'string', 0, age],
    ['Containers', 'string', 1, (o) => containers(o.spec)],
    ['Images', 'string', 1, (o) => images(o.spec)],
  ]),
  'apps/DaemonSet': columnsOf<DaemonSetView>([
    ['Desired', 'integer', 0, (o) => num(o.status?.desiredNumberScheduled)],
    ['Current', 'integer', 0, (o) => num(o.status?.currentNumberScheduled)],
    ['Ready', 'integer', 0, (o) => num(o.status?.numberReady)],
    ['Up-to-date', 'integer', 0, (o) => num(o.status?.updatedNumberScheduled)],
    ['Available', 'integer', 0, (o) => num(o.status?.numberAvailable)],
    [
      'Node Selector',
      'string',
      0,
      (o) =>
        Object.entries(o.spec?.template?.spec?.nodeSelector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
    ],
    ['Age', 'string', 0, age],
  ]),
  '/Service': columnsOf<ServiceView>([
    ['Type', 'string', 0, (o) => o.spec?.type ?? 'ClusterIP'],
    ['Cluster-IP', 'string', 0, (o) => o.spec?.clusterIP ?? '<none>'],
    [
      'External-IP',
      'string',
      0,
      (o) => (o.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname).join(',') || '<none>',
    ],
    [
      'Port(s)',
      'string',
      0,
      (o) =>
        (o.spec?.ports ?? [])
          .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
          .join(',') || '<none>',
    ],
    ['Age', 'string', 0, age],
    [
      'Selector',
      'string',
      1,
      (o) =>
        Object.entries(o.spec?.selector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
    ],
  ]),
  '/Namespace': columnsOf<TypedObject<unknown, { phase?: string }>>([
    ['Status', 'string', 0, (o) => o.status?.phase ?? 'Active'],
    ['Age', 'string', 0, age],
  ]),
  '/ConfigMap': [
    [
      'Data',
      'integer',
      0,
      (o) => Object.keys(o.data ?? {}).length + Object.keys((o.binaryData as object) ?? {}).length,
    ],
    ['Age', 'string', 0, age],
  ],
  '/Secret': [
    ['Type', 'string', 0, (o) => String(o.type ?? 'Opaque')],
    ['Data', 'integer', 0, (o) => Object.keys(o.data ?? {}).length],
    ['Age', 'string', 0, age],
  ],
  '/Node': columnsOf<NodeView>([
    [
      'Status',
      'string',
      0,
      (o) =>
        (o.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status === 'True'
          ? 'Ready'
          : 'NotReady',
    ],
    ['Roles', 'string', 0, () => '<none>'],
    ['Age', 'string', 0, age],
    ['Version', 'string', 0, (o) => o.status?.nodeInfo?.kubeletVersion ?? ''],
  ]),
  '/Event': columnsOf<EventView>([
    [
      'Last Seen',
      'string',
      0,
      (o) => {
        const t = o.lastTimestamp ?? o.eventTime ?? o.firstTimestamp ?? o.metadata.creationTimestamp;
        return t ? humanDuration(Date.now() - Date.parse(t)) : '<unknown>';
      },
    ],
    ['Type', 'string', 0, (o) => o.type ?? ''],
    ['Reason', 'string', 0, (o) => o.reason ?? ''],
    [
      'Object',
      'string',
      0,
      (o) => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`,
    ],
    ['Message', 'string', 0, (o) => o.message ?? ''],
  ]),
  'batch/Job': columnsOf<JobView>([
    [
      'Status',
      'string',
      0,
      (o) => (o.status?.conditions ?? []).find((c) => c.status === 'True')?.type ?? 'Running',
    ],
    ['Completions', 'string', 0, (o) => `${num(o.status?.succeeded)}/${num(o.spec?.completions ?? 1)}`],
    ['Age', 'string', 0, age],
  ]),
};

/** What each row carries (meta.k8s.io TableOptions includeObject; kubectl --sort-by asks for Object). */
function rowObject(entry: ResourceEntry, o: KubeObject, include: string | null | undefined): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object')
    return {
      ...o,
      apiVersion: entry.group ? `${entry.group}/${entry.version}` : entry.version,
      kind: entry.kind,
    };
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function renderTable(
  entry: ResourceEntry,
  list: { kind?: string; metadata?: { resourceVersion?: string; continue?: string }; items?: KubeObject[] },
  includeObject?: string | null,
): Record<string, unknown> {
  const cols: Column[] = [
    ['Name', 'string', 0, (o) => o.metadata.name],
    ...(COLUMNS[`${entry.group}/${entry.kind}`] ?? [['Age', 'string', 0, age]]),
  ];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: list.metadata?.resourceVersion,
      ...(list.metadata?.continue ? { continue: list.metadata.continue } : {}),
    },
    columnDefinitions: cols.map(([name, type, priority]) => ({
      name,
      type,
      format: name === 'Name' ? 'name' : '',
      description: name === 'Name' ? 'Name must be unique within a namespace.' : name,
      priority,
    })),
    rows: (list.items ?? []).map((o: KubeObject) => {
      const object = rowObject(entry, o, includeObject);
      return { cells: cols.map(([, , , cell]) => cell(o)), ...(object ? { object } : {}) };
    }),
  };
}
