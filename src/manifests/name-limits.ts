// Names of the user's that the release would turn into invalid ones: the release name taken from
// the first workload (checked with the manifests), and for each workload released as a copy (a
// lane, checked in the pre-flight once the lanes are known): its `-canary`/`-green` copy and the
// copy's ReplicaSets, and the Service and ingress-nginx Ingress a router names `<name>-canary`.
// Both before anything is written, naming the manifest's file and line.
import type { Config } from '../config/types.ts';
import { InputError } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';
import {
  canaryIngressName,
  canaryServiceName,
  copyName,
  MAX_CANARY_INGRESS_BASE,
  MAX_CANARY_SERVICE_BASE,
  MAX_RELEASE_NAME,
  maxCopiedWorkloadName,
  type CopySuffix,
} from '../names.ts';
import type { Lane } from '../traffic/lanes.ts';
import type { RouterDefinition } from '../traffic/types.ts';
import type { ManifestSet, SourcedObject } from './types.ts';

const at = (s: SourcedObject) => ({ input: 'manifests', file: s.file, line: s.line });
const nameOf = (o: KubeObject) => o.metadata.name ?? '';

/** Without the `name` input the first workload's name is the release's name. */
export function checkReleaseName(set: ManifestSet, config: Pick<Config, 'name'>): InputError[] {
  const first = set.workloads[0];
  const name = first ? nameOf(first.object) : '';
  if (config.name || !first || name.length <= MAX_RELEASE_NAME) return [];
  return [
    new InputError(
      `${first.object.kind} ${name}: its name (${name.length} characters) would be the release's name, which may have at most ${MAX_RELEASE_NAME} ` +
        `(it is the value of label kube-rollout.io/release on ConfigMap, Secret and Lease kube-rollout-<name>); set the 'name' input to a shorter one`,
      at(first),
    ),
  ];
}

/**
 * The names each lane adds: the workload's copy, and the router's `-canary` Service and Ingress.
 * A Service or Ingress that only runs in the cluster is reported at the workload's manifest.
 */
export function checkLaneNames(
  lanes: readonly Lane[],
  release: { manifests: ManifestSet; suffix: CopySuffix; router: RouterDefinition },
): InputError[] {
  const { manifests, suffix, router } = release;
  const errors: InputError[] = [];
  const check = (object: KubeObject | undefined, lane: Lane, max: number, adds: string) => {
    if (!object || nameOf(object).length <= max) return;
    const own = manifests.objects.find((s) => s.object === object);
    const where = own
      ? ''
      : ` (in the cluster, in front of ${lane.workload.object.kind} ${nameOf(lane.workload.object)})`;
    errors.push(
      new InputError(
        `${object.kind} ${nameOf(object)}${where}: its name has ${nameOf(object).length} characters, at most ${max}, because the release adds ${adds}`,
        at(own ?? lane.workload),
      ),
    );
  };
  for (const lane of lanes) {
    check(
      lane.workload.object,
      lane,
      maxCopiedWorkloadName(suffix),
      `Deployment ${copyName('<name>', suffix)}, whose ReplicaSets (<copy>-<pod-template-hash>) must stay within 253 characters`,
    );
    if (router.servicePair)
      check(
        lane.service,
        lane,
        MAX_CANARY_SERVICE_BASE,
        `Service ${canaryServiceName('<name>')} for traffic '${router.name}' (a Service name has at most 63)`,
      );
    if (router.target?.canaryCopy)
      check(
        lane.routeObject,
        lane,
        MAX_CANARY_INGRESS_BASE,
        `Ingress ${canaryIngressName('<name>')} for traffic '${router.name}' (at most 253)`,
      );
  }
  return errors;
}
