// `action: rollback` of a finished rolling/recreate release: like `kubectl rollout undo
// [--to-revision]`, the template of the chosen revision goes back into each workload.
import type { Cluster, KubeObject } from '../../kube/types.ts';
import { ownedBy, workloadKey } from '../../kube/types.ts';
import { waitForWorkloads } from './handlers/native.ts';
import type { ReleaseResult, ReleaseState } from '../../record/types.ts';
import { beginStep, endStep, recordEvidence } from '../../record/steps.ts';
import type { WaitContext } from './handlers/native.ts';

export type UndoContext = WaitContext & { now(): Date };
import {
  readLive,
  REVISION_ANNOTATION,
  restoreTemplate,
  revisionOf,
  versionOf,
} from '../objects/workloads.ts';
import { view, type PodTemplateSpec, type ReplicaSetObject } from '../../manifests/workload-views.ts';

interface Revision {
  revision: number;
  template: PodTemplateSpec;
  /** The workload's annotations when it ran this revision (a ReplicaSet keeps them). */
  annotations?: Record<string, string>;
}

/** A StatefulSet's or DaemonSet's ControllerRevision keeps its template as a patch of the spec. */
interface RevisionData {
  spec?: { template?: PodTemplateSpec };
}

/** Lists the apps/v1 `kind` in a namespace. */
type ListIn = (
  kind: 'ReplicaSet' | 'ControllerRevision',
  namespace: string | undefined,
) => Promise<KubeObject[]>;

/** The revisions a workload can return to (those that keep a template), newest first. */
export async function revisionsOf(
  cluster: Cluster,
  workload: KubeObject,
  list: ListIn = (kind, namespace) => cluster.list('apps/v1', kind, namespace),
): Promise<Revision[]> {
  const ns = workload.metadata.namespace;
  let found: Array<Partial<Revision> & { revision: number }>;
  if (workload.kind === 'Deployment') {
    const sets = (await list('ReplicaSet', ns)).map(view<ReplicaSetObject>);
    found = sets
      .filter((rs) => ownedBy(rs, workload) && rs.metadata.annotations?.[REVISION_ANNOTATION])
      .map((rs) => ({
        revision: Number(rs.metadata.annotations![REVISION_ANNOTATION]),
        template: rs.spec?.template,
        annotations: rs.metadata.annotations,
      }));
  } else {
    const revisions = await list('ControllerRevision', ns);
    found = revisions
      .filter((cr) => ownedBy(cr, workload))
      .map((cr) => ({ revision: Number(cr.revision), template: (cr.data as RevisionData)?.spec?.template }));
  }
  return found.filter((r): r is Revision => Boolean(r.template)).sort((a, b) => b.revision - a.revision);
}

/**
 * revisionsOf for many workloads, listing each namespace's ReplicaSets or ControllerRevisions once
 * (not once per workload): for reads that no write comes between.
 */
export function revisionReader(cluster: Cluster): (workload: KubeObject) => Promise<Revision[]> {
  const lists = new Map<string, Promise<KubeObject[]>>();
  const listOnce: ListIn = (kind, namespace) => {
    const key = `${kind}/${namespace ?? ''}`;
    const listed = lists.get(key) ?? cluster.list('apps/v1', kind, namespace);
    lists.set(key, listed);
    return listed;
  };
  return (workload) => revisionsOf(cluster, workload, listOnce);
}

export function chooseRevision(
  revisions: Revision[],
  current: number | undefined,
  wanted?: number,
): Revision {
  if (wanted !== undefined) {
    const found = revisions.find((r) => r.revision === wanted);
    if (!found)
      throw new Error(
        `revision ${wanted} not found (available: ${revisions.map((r) => r.revision).join(', ') || 'none'})`,
      );
    return found;
  }
  const previous = previousRevision(revisions, current);
  if (!previous) throw new Error('there is no previous revision to roll back to');
  return previous;
}

/** `kubectl rollout undo`'s target: the newest revision but `current` (the newest when unknown). */
export function previousRevision(revisions: Revision[], current: number | undefined): Revision | undefined {
  return revisions.find((r) => r.revision !== (current ?? revisions[0]?.revision));
}

/**
 * The revision to return to: `wanted` when given (`to-revision`), else the newest earlier revision
 * that runs `version` (the release's stable version), else the previous one (`kubectl rollout undo`).
 */
export function revisionToRestore(
  revisions: Revision[],
  current: number | undefined,
  opts: { wanted?: number; versionLabel: string; version?: string },
): Revision {
  if (opts.wanted === undefined && opts.version) {
    const found = revisions.find(
      (r) => r.revision !== current && r.template?.metadata?.labels?.[opts.versionLabel] === opts.version,
    );
    if (found) return found;
  }
  return chooseRevision(revisions, current, opts.wanted);
}

export interface UndoTarget {
  current: KubeObject;
  currentRevision?: number;
  target: Revision;
}

/**
 * The revision each workload returns to; only reads, so a rollback that cannot happen (no earlier
 * revision, an unknown `to-revision`) is refused before anything is written.
 */
export async function undoTargets(
  ctx: UndoContext,
  workloads: KubeObject[],
  version: string | undefined,
): Promise<UndoTarget[]> {
  const { cluster, config } = ctx;
  const targets: UndoTarget[] = [];
  const live = await readLive(cluster, workloads);
  const revisions = revisionReader(cluster);
  for (const workload of workloads) {
    const current = live.get(workloadKey(workload));
    if (!current)
      throw new Error(
        `${workload.kind}/${workload.metadata.name} does not exist in namespace ${config.namespace}`,
      );
    const currentRevision = revisionOf(current) ?? undefined;
    try {
      const target = revisionToRestore(await revisions(current), currentRevision, {
        wanted: config.toRevision,
        versionLabel: config.versionLabel,
        version,
      });
      targets.push({ current, currentRevision, target });
    } catch (err) {
      throw new Error(
        `cannot roll back ${workload.kind}/${workload.metadata.name}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  return targets;
}

/** Puts every workload back on its target revision's template and waits, like `kubectl rollout undo`. */
export async function undoWorkloads(
  ctx: UndoContext,
  targets: UndoTarget[],
  state: ReleaseState,
  label: string,
): Promise<ReleaseResult> {
  const { cluster, log } = ctx;
  const { record } = state;
  const step = beginStep(record, record.steps.length, 'rollback', label, ctx.now());
  const restored: KubeObject[] = [];
  for (const { current, currentRevision, target } of targets) {
    log.info(
      `${current.kind}/${current.metadata.name}: revision ${currentRevision ?? '?'} → template of revision ${target.revision}`,
    );
    restored.push(await restoreTemplate(cluster, current, target.template, target.annotations));
  }
  const { failure, done } = await waitForWorkloads(ctx, restored);
  if (failure) {
    endStep(step, 'failed', ctx.now(), failure.message);
    recordEvidence(record, failure.evidence);
    record.rollbackReason = failure.message;
    return 'failed';
  }
  const firstName = targets[0]?.current.metadata.name;
  const first = done.find((d) => d.workload.metadata.name === firstName)?.workload ?? done[0]?.workload;
  record.revision = revisionOf(first);
  state.servingVersion = versionOf(first, ctx.config.versionLabel) ?? state.servingVersion;
  endStep(step, 'passed', ctx.now(), done.map((d) => d.message).join('; '));
  return 'rolled-back';
}
