// What a release changes. Only workloads whose pod template changes roll (and, for canary and
// blue-green, get copies): every other workload is still applied, so its other fields converge,
// but with its pod template exactly as it runs now, so none of its pods restart.
//
// "Changes" is the API server's own answer: each workload is dry-run with the version label and
// release annotations it has live, and its template changes when the result's template differs
// from the live one (defaults, field ownership and all, as a real apply would see it).
import { type KubeObject, workloadKey } from '../../kube/types.ts';
import { RELEASE_ANNOTATION_KEYS } from '../../labels.ts';
import { containersOf, podTemplateOf } from '../../manifests/pods.ts';
import { asDeployment, isDeployment } from '../../manifests/workload-views.ts';
import type { ManifestSet, SourcedObject } from '../../manifests/types.ts';
import type { WorkloadChange } from '../../record/types.ts';
import { sameJson } from '../../compare.ts';
import type { DryRunResult } from './dry-run.ts';
import { withAnnotationsOf } from '../objects/workloads.ts';

/**
 * `workload` (as the release would apply it) with the version label and release annotations of
 * `live`: applied, it changes nothing of the live pod template that the release did not change.
 */
export function asLive(workload: KubeObject, live: KubeObject, versionLabel: string): KubeObject {
  const probe = structuredClone(workload);
  // A switch to Recreate is written by the apply step (switchToRecreate in handlers/native.ts),
  // not by the apply: the probe keeps the live update strategy.
  const liveStrategy = asDeployment(live)?.spec?.strategy;
  if (
    isDeployment(probe) &&
    liveStrategy &&
    probe.spec.strategy?.type === 'Recreate' &&
    liveStrategy.type !== 'Recreate'
  )
    probe.spec.strategy = liveStrategy;
  const template = podTemplateOf(probe);
  const liveValue = podTemplateOf(live)?.metadata?.labels?.[versionLabel];
  if (template?.metadata?.labels) {
    if (liveValue === undefined) delete template.metadata.labels[versionLabel];
    else template.metadata.labels[versionLabel] = liveValue;
  }
  probe.metadata.annotations = withAnnotationsOf(
    probe.metadata.annotations,
    live.metadata.annotations,
    RELEASE_ANNOTATION_KEYS,
  );
  return probe;
}

/** The dry-run probes: each workload that runs already, in its live version (see asLive). */
export function changeProbes(
  workloads: SourcedObject[],
  planned: KubeObject[],
  live: Map<string, KubeObject | undefined>,
  versionLabel: string,
): Map<SourcedObject, KubeObject> {
  return new Map(
    workloads.map((w, i) => {
      const running = live.get(workloadKey(w.object));
      return [w, running ? asLive(planned[i]!, running, versionLabel) : planned[i]!] as const;
    }),
  );
}

export interface TemplateChanges {
  /** The manifests as the release applies them: unchanged workloads keep their live template. */
  manifests: ManifestSet;
  /** Keys (workloadKey) of the workloads whose pod template changes, new ones included. */
  changed: Set<string>;
  /** One entry per workload, for the report and the `changed-workloads` output. */
  changes: WorkloadChange[];
}

/** What the dry run of the probes says about each workload (see the top of this file). */
export function findChanges(
  manifests: ManifestSet,
  live: Map<string, KubeObject | undefined>,
  dryRun: DryRunResult[],
  probes: Map<SourcedObject, KubeObject>,
): TemplateChanges {
  const results = new Map(dryRun.map((r) => [r.source, r.result] as const));
  const changed = new Set<string>();
  const changes: WorkloadChange[] = [];
  const kept = new Map<SourcedObject, KubeObject>();
  for (const w of manifests.workloads) {
    const key = workloadKey(w.object);
    const running = live.get(key);
    const result = results.get(w);
    const unchanged =
      running !== undefined &&
      result !== undefined &&
      sameJson(podTemplateOf(result)?.spec, podTemplateOf(running)?.spec) &&
      sameJson(podTemplateOf(result)?.metadata, podTemplateOf(running)?.metadata);
    if (unchanged) kept.set(w, probes.get(w)!);
    else changed.add(key);
    changes.push(describeChange(w.object, running, unchanged ? 'unchanged' : running ? 'changed' : 'new'));
  }
  // Replaced once, so `objects` and `workloads` hold the same entries (callers key maps on them).
  const replaced = new Map([...kept].map(([w, object]) => [w, { ...w, object }] as const));
  const swap = (o: SourcedObject) => replaced.get(o) ?? o;
  return {
    manifests: {
      ...manifests,
      objects: manifests.objects.map(swap),
      workloads: manifests.workloads.map(swap),
    },
    changed,
    changes,
  };
}

function describeChange(
  workload: KubeObject,
  running: KubeObject | undefined,
  change: WorkloadChange['change'],
): WorkloadChange {
  const before = new Map(
    containersOf(podTemplateOf(running ?? workload)?.spec ?? {}).map((c) => [c.name, c.image]),
  );
  const images: string[] = [];
  if (change !== 'unchanged')
    for (const c of containersOf(podTemplateOf(workload)?.spec ?? {})) {
      const was = running ? before.get(c.name) : undefined;
      if (was !== c.image) images.push(`${c.name}: ${was ? `${was} → ` : ''}${c.image}`);
    }
  return {
    workload: `${workload.kind}/${workload.metadata.name}`,
    change,
    ...(images.length ? { images } : {}),
  };
}
