// The table of kinds the simulated API server serves: built-ins, the CRD-backed kinds the action
// talks to (served without installing a CRD, as if their CRDs were installed), and kinds added at
// run time by creating a CustomResourceDefinition.
import type { KubeObject, ResourceInfo, Row } from './types.ts';
import { view, type CrdView } from './views.ts';
import { APP_KINDS } from './app-kinds.ts';

/** One served resource, with what discovery and the store need beyond ResourceInfo. */
export interface ResourceEntry extends ResourceInfo {
  singularName: string;
  categories?: string[];
  /** The strategy sets metadata.generation (workloads, CRs); core kinds like ConfigMap do not. */
  generation: boolean;
  /** Custom resource: no strategic merge patch, schemaless storage. */
  custom: boolean;
  /** Served from a CustomResourceDefinition object (removed when the CRD is deleted). */
  fromCrd?: boolean;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const BUILTIN: Row[] = [
  {
    gv: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    sub: ['status', 'finalize'],
    short: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  {
    gv: 'v1',
    resource: 'pods',
    kind: 'Pod',
    sub: ['status', 'log', 'eviction'],
    short: ['po'],
    cat: ['all'],
  },
  {
    gv: 'v1',
    resource: 'services',
    kind: 'Service',
    sub: ['status'],
    short: ['svc'],
    cat: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { gv: 'v1', resource: 'endpoints', kind: 'Endpoints', short: ['ep'] },
  { gv: 'v1', resource: 'configmaps', kind: 'ConfigMap', short: ['cm'] },
  { gv: 'v1', resource: 'secrets', kind: 'Secret' },
  { gv: 'v1', resource: 'events', kind: 'Event', short: ['ev'] },
  { gv: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', short: ['sa'] },
  { gv: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, sub: ['status'], short: ['no'] },
  {
    gv: 'apps/v1',
    resource: 'deployments',
    kind: 'Deployment',
    sub: ['status', 'scale'],
    short: ['deploy'],
    cat: ['all'],
    generation: true,
  },
  {
    gv: 'apps/v1',
    resource: 'replicasets',
    kind: 'ReplicaSet',
    sub: ['status', 'scale'],
    short: ['rs'],
    cat: ['all'],
    generation: true,
  },
  {
    gv: 'apps/v1',
    resource: 'statefulsets',
    kind: 'StatefulSet',
    sub: ['status', 'scale'],
    short: ['sts'],
    cat: ['all'],
    generation: true,
  },
  {
    gv: 'apps/v1',
    resource: 'daemonsets',
    kind: 'DaemonSet',
    sub: ['status'],
    short: ['ds'],
    cat: ['all'],
    generation: true,
  },
  { gv: 'apps/v1', resource: 'controllerrevisions', kind: 'ControllerRevision' },
  { gv: 'batch/v1', resource: 'jobs', kind: 'Job', sub: ['status'], cat: ['all'], generation: true },
  {
    gv: 'networking.k8s.io/v1',
    resource: 'ingresses',
    kind: 'Ingress',
    sub: ['status'],
    short: ['ing'],
    generation: true,
  },
  { gv: 'coordination.k8s.io/v1', resource: 'leases', kind: 'Lease' },
  { gv: 'discovery.k8s.io/v1', resource: 'endpointslices', kind: 'EndpointSlice' },
  {
    gv: 'apiextensions.k8s.io/v1',
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    sub: ['status'],
    short: ['crd', 'crds'],
    generation: true,
  },
  { gv: 'rbac.authorization.k8s.io/v1', resource: 'roles', kind: 'Role' },
  { gv: 'rbac.authorization.k8s.io/v1', resource: 'rolebindings', kind: 'RoleBinding' },
  { gv: 'rbac.authorization.k8s.io/v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false },
  {
    gv: 'rbac.authorization.k8s.io/v1',
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
  },
  // Self reviews: create-only, answered and never stored (http/review.ts).
  {
    gv: 'authorization.k8s.io/v1',
    resource: 'selfsubjectaccessreviews',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
  },
  {
    gv: 'authorization.k8s.io/v1',
    resource: 'selfsubjectrulesreviews',
    kind: 'SelfSubjectRulesReview',
    namespaced: false,
    verbs: ['create'],
  },
  ...APP_KINDS,
  // CRD-backed kinds the action drives, served as if their CRDs were installed.
  ...['v1', 'v1beta1'].map((v): Row => ({
    gv: `gateway.networking.k8s.io/${v}`,
    resource: 'httproutes',
    kind: 'HTTPRoute',
    sub: ['status'],
    custom: true,
    generation: true,
    cat: ['gateway-api'],
  })),
  ...['v1', 'v1beta1'].flatMap((v): Row[] => [
    {
      gv: `networking.istio.io/${v}`,
      resource: 'virtualservices',
      kind: 'VirtualService',
      sub: ['status'],
      short: ['vs'],
      custom: true,
      generation: true,
      cat: ['istio-io', 'networking-istio-io'],
    },
    {
      gv: `networking.istio.io/${v}`,
      resource: 'destinationrules',
      kind: 'DestinationRule',
      sub: ['status'],
      short: ['dr'],
      custom: true,
      generation: true,
      cat: ['istio-io', 'networking-istio-io'],
    },
  ]),
  ...['v1alpha3', 'v1alpha2'].map((v): Row => ({
    gv: `split.smi-spec.io/${v}`,
    resource: 'trafficsplits',
    kind: 'TrafficSplit',
    short: ['ts'],
    custom: true,
    generation: true,
  })),
  {
    gv: 'argoproj.io/v1alpha1',
    resource: 'rollouts',
    kind: 'Rollout',
    sub: ['status', 'scale'],
    short: ['ro'],
    cat: ['all'],
    custom: true,
    generation: true,
  },
  {
    gv: 'argoproj.io/v1alpha1',
    resource: 'analysistemplates',
    kind: 'AnalysisTemplate',
    short: ['at'],
    custom: true,
    generation: true,
  },
];

function fromRow(row: Row): ResourceEntry {
  const [group, version] = row.gv.includes('/') ? row.gv.split('/') : ['', row.gv];
  return {
    group,
    version,
    resource: row.resource,
    kind: row.kind,
    namespaced: row.namespaced ?? true,
    verbs: row.verbs ?? ALL_VERBS,
    subresources: row.sub ?? [],
    ...(row.short ? { shortNames: row.short } : {}),
    singularName: row.kind.toLowerCase(),
    ...(row.cat ? { categories: row.cat } : {}),
    generation: row.generation ?? false,
    custom: row.custom ?? false,
  };
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `deployments.apps`, `pods`: how the API server names a resource in messages. */
export function qualifiedResource(entry: ResourceInfo): string {
  return entry.group ? `${entry.resource}.${entry.group}` : entry.resource;
}

/** Mutable resource table; CRDs add and remove rows. Versions of a group are listed newest first. */
export class Registry {
  private entries: ResourceEntry[] = BUILTIN.map(fromRow);
  private listeners = new Set<() => void>();

  all(): ResourceEntry[] {
    return this.entries;
  }

  byKind(apiVersion: string, kind: string): ResourceEntry | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.entries.find((e) => e.group === group && e.version === version && e.kind === kind);
  }

  /** Any served version of a group+kind (objects are stored once per group+kind). */
  byGroupKind(group: string, kind: string): ResourceEntry | undefined {
    return this.entries.find((e) => e.group === group && e.kind === kind);
  }

  byResource(group: string, version: string, resource: string): ResourceEntry | undefined {
    return this.entries.find((e) => e.group === group && e.version === version && e.resource === resource);
  }

  /** Groups in discovery order, each with its versions (preferred first). */
  groups(): { name: string; versions: string[] }[] {
    const out: { name: string; versions: string[] }[] = [];
    for (const e of this.entries) {
      let g = out.find((x) => x.name === e.group);
      if (!g) out.push((g = { name: e.group, versions: [] }));
      if (!g.versions.includes(e.version)) g.versions.push(e.version);
    }
    return out;
  }

  /** Serve (or stop serving) the kinds of one CRD object. */
  applyCrd(obj: KubeObject, present: boolean): void {
    const crd = view<CrdView>(obj);
    const group = crd.spec?.group;
    const plural = crd.spec?.names?.plural;
    if (!group || !plural) return;
    this.entries = this.entries.filter((e) => !(e.fromCrd && e.group === group && e.resource === plural));
    if (present) {
      const names = crd.spec.names!; // plural came from it
      const versions = (crd.spec.versions ?? []).filter((v) => v.served !== false);
      // Storage version first: it is the preferred version in discovery.
      versions.sort((a, b) => Number(Boolean(b.storage)) - Number(Boolean(a.storage)));
      const builtin = this.entries.some((e) => !e.fromCrd && e.group === group && e.resource === plural);
      if (!builtin) {
        for (const v of versions) {
          const sub: string[] = [];
          if (v.subresources?.status) sub.push('status');
          if (v.subresources?.scale) sub.push('scale');
          this.entries.push({
            group,
            version: v.name,
            resource: plural,
            kind: names.kind,
            namespaced: crd.spec.scope !== 'Cluster',
            verbs: ALL_VERBS,
            subresources: sub,
            ...(names.shortNames ? { shortNames: names.shortNames } : {}),
            singularName: names.singular ?? names.kind.toLowerCase(),
            ...(names.categories ? { categories: names.categories } : {}),
            generation: true,
            custom: true,
            fromCrd: true,
          });
        }
      }
    }
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
