// Names in the manifests that the release would turn into invalid ones: the release name taken
// from the first workload, Deployments whose `-canary`/`-green` copy (or its ReplicaSets) would
// be too long, and the Service and Ingress a router names `<name>-canary`. Checked before anything
// is written, each naming the manifest's file and line (or the input).
import type { Config } from '../config/types.ts';
import { InputError } from '../errors.ts';
import {
  canaryIngressName,
  canaryServiceName,
  copyName,
  MAX_CANARY_INGRESS_BASE,
  MAX_CANARY_SERVICE_BASE,
  MAX_RELEASE_NAME,
  maxCopiedWorkloadName,
} from '../names.ts';
import { strategyFor } from '../strategies/index.ts';
import { routerDefinition } from '../traffic/index.ts';
import { routedObject } from './routed.ts';
import type { ManifestSet, SourcedObject } from './types.ts';

type NameConfig = Pick<Config, 'name' | 'strategy' | 'traffic' | 'service' | 'ingress'>;

const at = (s: SourcedObject) => ({ input: 'manifests', file: s.file, line: s.line });
const nameOf = (s: SourcedObject) => s.object.metadata.name ?? '';

export function checkNameLimits(set: ManifestSet, config: NameConfig): InputError[] {
  return [...defaultReleaseName(set, config), ...copiedWorkloads(set, config), ...routedNames(set, config)];
}

/** Without the `name` input the first workload's name is the release's name. */
function defaultReleaseName(set: ManifestSet, config: NameConfig): InputError[] {
  const first = set.workloads[0];
  if (config.name || !first || nameOf(first).length <= MAX_RELEASE_NAME) return [];
  return [
    new InputError(
      `${first.object.kind} ${nameOf(first)}: its name (${nameOf(first).length} characters) would be the release's name, which may have at most ${MAX_RELEASE_NAME} ` +
        `(it is the value of label kube-rollout.io/release on ConfigMap, Secret and Lease kube-rollout-<name>); set the 'name' input to a shorter one`,
      at(first),
    ),
  ];
}

/** Canary and blue-green run each Deployment's new version as `<name>-canary` / `<name>-green`. */
function copiedWorkloads(set: ManifestSet, config: NameConfig): InputError[] {
  const suffix = strategyFor(config.strategy).copySuffix;
  if (!suffix) return [];
  const max = maxCopiedWorkloadName(suffix);
  return set.workloads
    .filter((w) => w.object.kind === 'Deployment' && nameOf(w).length > max)
    .map(
      (w) =>
        new InputError(
          `Deployment ${nameOf(w)}: its name has ${nameOf(w).length} characters, at most ${max} for strategy '${config.strategy}', ` +
            `whose copy ${copyName('<name>', suffix)} and that copy's ReplicaSets (<copy>-<pod-template-hash>) must stay within 253`,
          at(w),
        ),
    );
}

/** The Service (and ingress-nginx's Ingress) a router creates `<name>-canary` beside. */
function routedNames(set: ManifestSet, config: NameConfig): InputError[] {
  if (!strategyFor(config.strategy).movesTraffic) return [];
  const router = routerDefinition(config.traffic);
  const traffic = `with traffic '${config.traffic}', which adds`;
  return [
    ...(router.servicePair
      ? suffixedTarget(
          set,
          'Service',
          { input: 'service', name: config.service },
          MAX_CANARY_SERVICE_BASE,
          `${traffic} Service ${canaryServiceName('<name>')} (a Service name has at most 63)`,
        )
      : []),
    ...(router.target?.canaryCopy
      ? suffixedTarget(
          set,
          'Ingress',
          { input: 'ingress', name: config.ingress },
          MAX_CANARY_INGRESS_BASE,
          `${traffic} Ingress ${canaryIngressName('<name>')} (at most 253)`,
        )
      : []),
  ];
}

/**
 * The router's `kind` object (named by `input`, else the first in the manifests) when its name is
 * longer than `max`: an error at its manifest, or at the input when it is only named there.
 */
function suffixedTarget(
  set: ManifestSet,
  kind: 'Service' | 'Ingress',
  input: { input: 'service' | 'ingress'; name?: string },
  max: number,
  why: string,
): InputError[] {
  const found = routedObject(set, kind, input.name);
  const name = input.name ?? (found && nameOf(found));
  if (!name || name.length <= max) return [];
  const limit = `at most ${max} ${why}`;
  return [
    found
      ? new InputError(`${kind} ${name}: its name has ${name.length} characters, ${limit}`, at(found))
      : new InputError(`${kind} name '${name}' has ${name.length} characters, ${limit}`, {
          input: input.input,
        }),
  ];
}
