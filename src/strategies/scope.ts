// Which changed workloads a canary or blue-green runs as copies beside stable, and why the others
// roll in place instead. A copy is a second set of pods of the same workload: never made for a
// workload that must not run twice (a singleton, a claim only one pod can mount) or that has no
// stable version to run beside.
import { type KubeObject, workloadKey } from '../kube/types.ts';
import type { ManifestSet, SourcedObject } from '../manifests/types.ts';
import { isClaim, isDeployment, type DeploymentObject } from '../manifests/workload-views.ts';
import type { ReleaseScope } from './types.ts';

export type { ReleaseScope } from './types.ts';

/** Access modes under which more than one pod (on any node) can mount a claim. */
const SHARED_ACCESS = new Set(['ReadWriteMany', 'ReadOnlyMany']);

function claimsOf(deployment: DeploymentObject): string[] {
  return (deployment.spec.template.spec?.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : [],
  );
}

/** A claim a second pod could not mount: ReadWriteOnce(Pod), or one the manifests do not describe. */
function exclusiveClaim(deployment: DeploymentObject, manifests: ManifestSet): string | undefined {
  return claimsOf(deployment).find((name) => {
    const claim = manifests.objects
      .map((o) => o.object)
      .filter(isClaim)
      .find((o) => o.metadata.name === name);
    const modes = claim?.spec?.accessModes ?? [];
    return modes.length === 0 || !modes.every((m) => SHARED_ACCESS.has(m));
  });
}

/** Why a changed workload is not copied (undefined: it is). */
export function whyNotCopied(
  workload: SourcedObject,
  facts: { manifests: ManifestSet; running: boolean; named?: readonly string[] },
): string | undefined {
  const object = workload.object;
  const name = object.metadata.name ?? '';
  if (!facts.running) return 'new: there is no stable version to run beside';
  if (!isDeployment(object))
    return object.kind === 'StatefulSet'
      ? 'a StatefulSet rolls through its own ordinals, never as a copy'
      : `a ${object.kind} rolls in place, never as a copy`;
  if (facts.named && !facts.named.includes(name)) return "not named in the 'workloads' input";
  const claim = exclusiveClaim(object, facts.manifests);
  if (claim)
    return `mounts PersistentVolumeClaim ${claim}, which a second pod could not mount (not ReadWriteMany or ReadOnlyMany)`;
  if (object.spec.strategy?.type === 'Recreate' && (object.spec.replicas ?? 1) === 1)
    return 'a Recreate Deployment of one replica must never run twice';
  return undefined;
}

/** The scope of a release whose strategy runs copies (`copies`: false for rolling and recreate). */
export function releaseScope(
  config: { workloads?: readonly string[] },
  manifests: ManifestSet,
  live: Map<string, KubeObject | undefined>,
  changed: ReadonlySet<string>,
  copies: boolean,
): ReleaseScope {
  const progressive = new Set<string>();
  const inPlace = new Map<string, string>();
  const running = new Set([...changed].filter((key) => live.get(key) !== undefined));
  if (!copies) return { changed, progressive, inPlace, running };
  for (const w of manifests.workloads) {
    const key = workloadKey(w.object);
    if (!changed.has(key)) continue;
    const why = whyNotCopied(w, {
      manifests,
      running: running.has(key),
      ...(config.workloads ? { named: config.workloads } : {}),
    });
    if (why) inPlace.set(key, why);
    else progressive.add(key);
  }
  return { changed, progressive, inPlace, running };
}

/**
 * Why a canary or blue-green has no copy to run (undefined when it has one): the release is then
 * applied as a plain rolling update, and the report says why.
 */
export function nothingToCopy(scope: ReleaseScope): string | undefined {
  if (scope.progressive.size > 0) return undefined;
  if (scope.changed.size === 0)
    return "no workload's pod template changes, so there is nothing to run beside stable";
  const names = (keys: Iterable<string>) => [...keys].map((k) => k.split('/').pop()).join(', ');
  if (scope.running.size === 0)
    return `first release of ${names(scope.changed)}: there is no stable version yet`;
  const reasons = [...scope.inPlace].map(([key, why]) => `${key.split('/')[0]} ${names([key])}: ${why}`);
  return `no changed workload can run as a copy (${reasons.join('; ')})`;
}

/** Every workload changes: what an older release state (with no scope stored) meant. */
export function everythingChanges(manifests: ManifestSet, copies: boolean): ReleaseScope {
  const all = manifests.workloads.map((w) => workloadKey(w.object));
  const deployments = manifests.workloads
    .filter((w) => isDeployment(w.object))
    .map((w) => workloadKey(w.object));
  return {
    changed: new Set(all),
    progressive: new Set(copies ? deployments : []),
    inPlace: new Map(),
    running: new Set(all),
  };
}

/** The scope as the release state keeps it (JSON). */
export interface StoredScope {
  changed: string[];
  progressive: string[];
  running: string[];
  inPlace: [string, string][];
}

export function storedScope(scope: ReleaseScope): StoredScope {
  return {
    changed: [...scope.changed],
    progressive: [...scope.progressive],
    running: [...scope.running],
    inPlace: [...scope.inPlace],
  };
}

export function scopeFromStored(stored: StoredScope): ReleaseScope {
  return {
    changed: new Set(stored.changed),
    progressive: new Set(stored.progressive),
    running: new Set(stored.running),
    inPlace: new Map(stored.inPlace),
  };
}

/** Those of `workloads` whose pod template the release changes (`changed` holds workloadKeys). */
export function changedAmong(workloads: readonly KubeObject[], changed: Iterable<string>): KubeObject[] {
  const keys = new Set(changed);
  return workloads.filter((w) => keys.has(workloadKey(w)));
}
