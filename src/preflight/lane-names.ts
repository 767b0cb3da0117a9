// Names of the user's that a copied workload would turn into invalid ones (a lane, known once the
// pre-flight has found them): its `-canary`/`-green` copy and the copy's ReplicaSets, and the
// Service and ingress-nginx Ingress a router names `<name>-canary`. Before anything is written,
// naming the manifest's file and line.
import { InputError } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';
import type { ManifestSet, SourcedObject } from '../manifests/types.ts';
import {
  canaryIngressName,
  canaryServiceName,
  copyName,
  MAX_CANARY_INGRESS_BASE,
  MAX_CANARY_SERVICE_BASE,
  maxCopiedWorkloadName,
  type CopySuffix,
} from '../names.ts';
import type { Lane } from '../traffic/lanes.ts';
import type { RouterDefinition } from '../traffic/types.ts';

const at = (s: SourcedObject) => ({ input: 'manifests', file: s.file, line: s.line });
const nameOf = (o: KubeObject) => o.metadata.name ?? '';

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
