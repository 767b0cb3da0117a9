// Which Service and which route object carry each progressive workload's traffic: one lane per
// workload that runs as a copy. A workload's Service is one whose selector matches its pods (from
// the manifests, else one that runs already); the router's own object (Ingress, HTTPRoute,
// VirtualService, TrafficSplit) must route to that Service. Pure: the pre-flight reports every
// problem with the objects' files and lines before anything is written, and the step handlers
// build the same lanes from the stored release.
import type { Config } from '../config/types.ts';
import { InputError } from '../errors.ts';
import type { Cluster, KubeObject } from '../kube/types.ts';
import { ANNOTATIONS, LABELS, MANAGED_BY_VALUE } from '../labels.ts';
import { podTemplateOf } from '../manifests/pods.ts';
import type { ManifestSet, SourcedObject } from '../manifests/types.ts';
import { selectorMatches } from '../manifests/validate.ts';
import { jsonAnnotation } from './common.ts';
import { routeNameIn } from './index.ts';
import type { RouterDefinition } from './types.ts';
import { view, type ServiceObject } from './objects.ts';

export interface Lane {
  /** The progressive workload as the release applies it. */
  workload: SourcedObject;
  /** Its Service: the one whose selector matches its pods. */
  service?: ServiceObject;
  /** The router's object that routes to `service`. */
  routeObject?: KubeObject;
}

export interface LaneInputs {
  router: RouterDefinition;
  config: Pick<
    Config,
    | 'namespace'
    | 'versionLabel'
    | 'service'
    | 'previewService'
    | 'ingress'
    | 'route'
    | 'virtualService'
    | 'trafficSplit'
  >;
  manifests: ManifestSet;
  progressive: readonly SourcedObject[];
  /** Services of the namespace that are not in the manifests, for a workload none there selects. */
  runningServices?: readonly KubeObject[];
}

type Sourced = { object: KubeObject; file?: string; line?: number };

const where = (s: Sourced) => (s.file ? ` (${s.file}${s.line ? `:${s.line}` : ''})` : ' (in the cluster)');
const named = (s: Sourced) => `${s.object.kind} ${s.object.metadata.name}${where(s)}`;
const at = (s: SourcedObject) => ({ input: 'manifests', file: s.file, line: s.line });

/** The pod labels a Service must select: the template's, without the release's own version label. */
function podLabels(workload: KubeObject, versionLabel: string): Record<string, string> {
  const { [versionLabel]: _version, ...labels } = podTemplateOf(workload)?.metadata?.labels ?? {};
  return labels;
}

/** The user's selector of a Service (the remembered one while a release pins it). */
function userSelector(service: KubeObject): Record<string, string> {
  return (
    jsonAnnotation<Record<string, string>>(service, ANNOTATIONS.originalSelector) ??
    view<ServiceObject>(service).spec?.selector ??
    {}
  );
}

function selects(service: KubeObject, labels: Record<string, string>): boolean {
  const selector = userSelector(service);
  return Object.keys(selector).length > 0 && selectorMatches({ matchLabels: selector }, labels);
}

/** Whether `service` (by the user's selector) selects the pods of `workload`, version aside. */
export function frontsWorkload(service: KubeObject, workload: KubeObject, versionLabel: string): boolean {
  return selects(service, podLabels(workload, versionLabel));
}

/** Services of the user: not the preview Service, not one the action made for itself. */
function isUserService(service: KubeObject, previewService: string | undefined): boolean {
  return (
    service.kind === 'Service' &&
    service.metadata.name !== previewService &&
    service.metadata.labels?.[LABELS.managedBy] !== MANAGED_BY_VALUE &&
    service.metadata.annotations?.[ANNOTATIONS.createdBy] === undefined
  );
}

/**
 * findLanes, with the namespace's running Services read when a workload that needs one has none
 * in the manifests.
 */
export async function findLanesIn(
  cluster: Pick<Cluster, 'list'>,
  inputs: Omit<LaneInputs, 'runningServices'>,
): Promise<{ lanes: Lane[]; errors: InputError[] }> {
  const first = findLanes(inputs);
  if (!inputs.router.needsService || first.lanes.every((lane) => lane.service)) return first;
  return findLanes({
    ...inputs,
    runningServices: await cluster.list('v1', 'Service', inputs.config.namespace),
  });
}

/** The user's Services in the manifests that select `workload`'s pods. */
export function servicesSelecting(
  manifests: ManifestSet,
  workload: KubeObject,
  config: Pick<Config, 'versionLabel' | 'previewService'>,
): KubeObject[] {
  const labels = podLabels(workload, config.versionLabel);
  return manifests.objects
    .map((o) => o.object)
    .filter((s) => isUserService(s, config.previewService) && selects(s, labels));
}

export function findLanes(inputs: LaneInputs): { lanes: Lane[]; errors: InputError[] } {
  const errors: InputError[] = [];
  const lanes = inputs.progressive.map((workload) => laneOf(inputs, workload, errors));
  errors.push(...sharedObjects(lanes));
  return { lanes, errors };
}

function laneOf(inputs: LaneInputs, workload: SourcedObject, errors: InputError[]): Lane {
  const service = serviceOf(inputs, workload, errors);
  const lane: Lane = { workload, ...(service ? { service: view<ServiceObject>(service.object) } : {}) };
  if (!service || !inputs.router.target) return lane;
  const routeObject = routeObjectOf(inputs, workload, service, errors);
  return routeObject ? { ...lane, routeObject } : lane;
}

/** The Service that selects the workload's pods; a problem when the router needs one and it is unclear. */
function serviceOf(inputs: LaneInputs, workload: SourcedObject, errors: InputError[]): Sourced | undefined {
  const { config, manifests, router } = inputs;
  const labels = podLabels(workload.object, config.versionLabel);
  const userServices = (list: Sourced[]) =>
    list.filter((s) => isUserService(s.object, config.previewService) && selects(s.object, labels));
  let candidates: Sourced[] = userServices(manifests.objects);
  if (candidates.length === 0)
    candidates = userServices((inputs.runningServices ?? []).map((object) => ({ object })));
  const picked = config.service
    ? candidates.filter((s) => s.object.metadata.name === config.service)
    : candidates;
  const what = `${named(workload)}, released as a copy,`;
  if (picked.length === 1) {
    const others = sharingWorkloads(manifests, workload, picked[0]!.object, config.versionLabel);
    if (others.length && router.needsService)
      errors.push(
        new InputError(
          `${what} is selected by ${named(picked[0]!)}, which also selects the pods of ${others.map(named).join(', ')}: the '${router.name}' router would take those out of service while it pins the Service to one version; release them together with traffic 'replicas', or give each workload its own Service`,
          at(workload),
        ),
      );
    return picked[0];
  }
  if (!router.needsService) return undefined;
  if (config.service)
    errors.push(
      new InputError(
        `${what} is not selected by Service ${config.service} (input 'service')${candidates.length ? `; these select it: ${candidates.map(named).join(', ')}` : ''}`,
        at(workload),
      ),
    );
  else if (candidates.length === 0)
    errors.push(
      new InputError(
        `${what} is selected by no Service (its pod labels: ${formatLabels(labels)}): the '${router.name}' router sends traffic through the workload's Service; add one${config.previewService ? ` (the preview Service ${config.previewService} does not count)` : ''}`,
        at(workload),
      ),
    );
  else
    errors.push(
      new InputError(
        `${what} is selected by ${candidates.length} Services (${candidates.map(named).join(', ')}): name the one that fronts it with the 'service' input`,
        at(workload),
      ),
    );
  return undefined;
}

/** Other workloads of the manifests whose pods the Service also selects. */
function sharingWorkloads(
  manifests: ManifestSet,
  workload: SourcedObject,
  service: KubeObject,
  versionLabel: string,
): SourcedObject[] {
  return manifests.workloads.filter(
    (w) => w !== workload && selects(service, podLabels(w.object, versionLabel)),
  );
}

/** The router's object that routes to the workload's Service. */
function routeObjectOf(
  inputs: LaneInputs,
  workload: SourcedObject,
  service: Sourced,
  errors: InputError[],
): KubeObject | undefined {
  const { config, manifests, router } = inputs;
  const target = router.target!;
  const serviceName = service.object.metadata.name ?? '';
  const candidates = manifests.objects.filter((o) => o.object.kind === target.kind);
  const routes = (o: SourcedObject) =>
    target.routedServices(o.object, config.namespace).includes(serviceName);
  const name = routeNameIn(config, target);
  // A named object outside the manifests is the pre-flight's own finding (checks.ts).
  const pool = name ? candidates.filter((o) => o.object.metadata.name === name) : candidates;
  const routing = pool.filter(routes);
  const chain = `the changed workload ${named(workload)} is selected by ${named(service)}`;
  if (routing.length === 1) return routing[0]!.object;
  if (routing.length > 1) {
    errors.push(
      new InputError(
        `${routing.map(named).join(' and ')} all route to Service ${serviceName}: name the one to drive with the '${target.input}' input (${chain})`,
        at(workload),
      ),
    );
  } else if (pool.length > 0) {
    const describe = (o: SourcedObject) => {
      const to = target.routedServices(o.object, config.namespace);
      return `${named(o)} routes ${to.length ? `only to Service ${to.join(', ')}` : 'to no Service'}`;
    };
    errors.push(
      new InputError(
        `${pool.map(describe).join('; ')}; ${chain}: route it there, or name the workloads to release progressively with the 'workloads' input`,
        at(workload),
      ),
    );
  } else if (target.required && !name) {
    errors.push(
      new InputError(
        `traffic '${router.name}' needs a ${target.kind} that routes to Service ${serviceName}; none is in the manifests (${chain})`,
        at(workload),
      ),
    );
  }
  return undefined;
}

/** Two lanes on one Service or one route object would undo each other's changes to it. */
function sharedObjects(lanes: Lane[]): InputError[] {
  const errors: InputError[] = [];
  for (const field of ['service', 'routeObject'] as const) {
    const seen = new Map<string, Lane>();
    for (const lane of lanes) {
      const object = lane[field];
      if (!object) continue;
      const key = `${object.kind}/${object.metadata.name}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, lane);
        continue;
      }
      errors.push(
        new InputError(
          `${named(first.workload)} and ${named(lane.workload)} would both be released as copies through ${object.kind} ${object.metadata.name}: release one at a time (the 'workloads' input), or give each its own ${object.kind}`,
          at(lane.workload),
        ),
      );
    }
  }
  return errors;
}

function formatLabels(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')}}`;
}
