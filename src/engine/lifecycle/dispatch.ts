// The one place the lifecycle table is carried out. Every action (deploy, promote, rollback,
// status) and the post step's `cancel` ask for a column; the stored phase picks the row; the cell
// (a Transition of lifecycle.ts) is run by its flow in FLOWS below, and by nothing else.
import type { Cluster, KubeObject } from '../../kube/types.ts';
import type { RolloutRecord } from '../../record/types.ts';
import { describeRun } from '../../record/workflow-run.ts';
import { findRelease, phaseOf, type Found } from './find-release.ts';
import { releaseFromCluster, releaseFromLeftovers } from '../recovery/orphans.ts';
import { recoverRelease, whyRebuilt } from './recover.ts';
import type { ReleaseDeps } from '../run/deps.ts';
import { transitionFor, type Request, type Transition, type TransitionKind } from './lifecycle.ts';
import { describeRelease, reportOnly } from './release-reports.ts';
import {
  restoreStable,
  resumeStored,
  startRelease,
  supersede,
  undoFinished,
  type FreshRelease,
  type Stored,
} from './release-flows.ts';
import { withRunLock, type RunLock } from '../run/run-lock.ts';
import { undoPins } from '../recovery/leftovers.ts';

/** Everything a transition is carried out with. */
export interface Turn {
  deps: ReleaseDeps;
  name: string;
  /** The column of the table this turn carries out. */
  request: Request;
  /** The release as stored (read under the Lease when the transition writes). */
  stored: Stored;
  /** Why the stored release could not be read, and the copies it left (found.ts). */
  found?: Omit<Found, 'stored'>;
  /** The Lease this run holds; only transitions that write have one. */
  run?: RunLock;
  /** A deploy's release, rendered, planned and checked before the Lease. */
  fresh?: FreshRelease;
  /** Its objects, read under the Lease beside the stored release (see DispatchOptions.current). */
  current?: Promise<Map<string, KubeObject>>;
}

type Flow<K extends TransitionKind> = (
  turn: Turn,
  t: Extract<Transition, { kind: K }>,
) => Promise<RolloutRecord> | RolloutRecord;

function freshOf(turn: Turn): FreshRelease {
  if (!turn.fresh) throw new Error('internal: only a deploy starts a release');
  return turn.fresh;
}

function storedOf(turn: Turn): NonNullable<Stored> {
  if (!turn.stored) throw new Error('internal: this transition needs a stored release');
  return turn.stored;
}

/** The Lease of a transition that writes (lifecycle.ts `writes`); the dispatcher always takes it. */
function lockOf(turn: Turn): RunLock {
  if (!turn.run) throw new Error('internal: a transition that writes needs the release lock');
  return turn.run;
}

/** One flow per kind of cell: a kind without one does not compile. */
const FLOWS: { [K in TransitionKind]: Flow<K> } = {
  start: (turn) =>
    startRelease(turn.deps, lockOf(turn), {
      ...freshOf(turn),
      stored: turn.stored,
      ...(turn.current ? { current: turn.current } : {}),
    }),
  resume: (turn) => resumeStored(turn.deps, lockOf(turn), storedOf(turn)),
  supersede: (turn) => supersede(turn.deps, lockOf(turn), storedOf(turn), freshOf(turn)),
  'restore-stable': async (turn, t) =>
    (await restoreStable(turn.deps, lockOf(turn), storedOf(turn), t.cause)).record,
  undo: (turn) => undoFinished(turn.deps, lockOf(turn), turn.name, turn.stored),
  recover: (turn, t) => recover(turn, t),
  describe: (turn) => describeRelease(turn.deps, turn.name, storedOf(turn)),
  report: (turn, t) => reportOnly(turn.deps, turn.name, turn.stored, withRun(turn, t), turn.found),
};

/** A deploy of an older run says which later run it yields to: "superseded by run 12". */
function withRun(turn: Turn, t: Extract<Transition, { kind: 'report' }>): typeof t {
  const later = turn.stored?.state.startedBy;
  if (turn.request !== 'deploy-older' || !later) return t;
  const mine = turn.deps.workflowRun ? ` (${describeRun(turn.deps.workflowRun)})` : '';
  return {
    ...t,
    why: `superseded by ${describeRun(later)}, which started release ${turn.stored!.state.newVersion}: this run${mine} changes nothing`,
  };
}

/**
 * The release is rebuilt from its copies, or from what its router left without one, and returned
 * to stable; a damaged ConfigMap with neither is removed, and the request is carried out as for
 * no release.
 */
async function recover(turn: Turn, t: Extract<Transition, { kind: 'recover' }>): Promise<RolloutRecord> {
  const { deps, name, request, found } = turn;
  const run = lockOf(turn);
  const rebuilt = found?.copies.length
    ? await releaseFromCluster(deps, run.cluster, name, found.copies)
    : found?.leftovers
      ? await releaseFromLeftovers(deps, run.cluster, name, found.leftovers)
      : undefined;
  if (rebuilt) {
    // First, as a pin with no router object left to name its router is no router's to undo.
    const unpinned = found?.leftovers ? await undoPins(run.cluster, found.leftovers.services) : [];
    unpinned.forEach((note) => deps.log.warn(note));
    const record = await recoverRelease(deps, run, rebuilt, {
      request,
      ...(found?.damage ? { damage: found.damage } : {}),
      ...(t.then === 'start' ? { fresh: freshOf(turn) } : {}),
    });
    record.notes.push(...unpinned);
    return record;
  }
  const damage = found?.damage;
  if (damage) {
    deps.log.warn(
      `${whyRebuilt(name, damage)} and no copy of it runs: removing it, as if nothing were recorded`,
    );
    await run.cluster.delete({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: damage.configMap,
      namespace: damage.namespace,
    });
  }
  const record = await carryOut(transitionFor('none', request), { ...turn, found: { copies: [] } });
  if (damage) record.notes.push(damage.message);
  return record;
}

/** Carries out one cell of the table; the record says what this run did, apart from the release. */
export async function carryOut(t: Transition, turn: Turn): Promise<RolloutRecord> {
  const flow = FLOWS[t.kind] as Flow<TransitionKind>;
  const startedAt = (turn.deps.now ?? (() => new Date()))().toISOString();
  const servedBefore = turn.stored?.state.servingVersion;
  const record = await flow(turn, t);
  record.run = {
    action: turn.deps.config.action,
    startedAt,
    ...(turn.deps.runUrl ? { url: turn.deps.runUrl } : {}),
    ...(turn.deps.workflowRun ? { workflowRun: turn.deps.workflowRun } : {}),
    ...((servedBefore ?? record.previousVersion)
      ? { servedBefore: servedBefore ?? record.previousVersion }
      : {}),
  };
  return record;
}

export interface DispatchOptions {
  /** A deploy's prepared release (the `start` and `supersede` cells need it). */
  fresh?: FreshRelease;
  /** Writes that must precede the Lease (a first release's own Namespace, where the Lease lives). */
  beforeLock?: () => Promise<void>;
  /**
   * A deploy's objects as they run now, read as soon as the Lease is held, beside the stored
   * release: one round trip less before the first write. Only `start` uses the read, the cell that
   * writes nothing before it; every other cell writes first and reads again.
   */
  current?: (cluster: Cluster) => Promise<Map<string, KubeObject>>;
}

/**
 * Takes the release's Lease, reads the stored release under it and carries out what the table
 * says for `request` (a function of the stored release: deploy's column depends on its version).
 * Nothing is written before the run has said which release it works on (`onStarted`, so the post
 * step can recover it) and checked that it was not cancelled.
 */
export async function dispatch(
  deps: ReleaseDeps,
  name: string,
  request: (stored: Stored) => Request,
  opts: DispatchOptions = {},
): Promise<RolloutRecord> {
  deps.signal.throwIfAborted();
  deps.onStarted?.(name, deps.config.namespace);
  await opts.beforeLock?.();
  return withRunLock(deps, name, async (run) => {
    const current = opts.current?.(run.cluster);
    // A read that only a cell other than `start` would have used fails nothing.
    current?.catch(() => undefined);
    const { stored, ...found } = await findRelease(deps, run.cluster, name, run.secretStore);
    // Cancelled while it waited for the Lease: nothing of the release was written yet.
    run.signal.throwIfAborted();
    const asked = request(stored);
    const t = transitionFor(phaseOf({ stored, ...found }), asked);
    return carryOut(t, {
      deps,
      name,
      request: asked,
      stored,
      found,
      run,
      ...(opts.fresh ? { fresh: opts.fresh } : {}),
      ...(current ? { current } : {}),
    });
  });
}

/** A request whose cell writes nothing for the release as read without the Lease (status). */
export async function dispatchReadOnly(
  deps: ReleaseDeps,
  name: string,
  request: Request,
): Promise<RolloutRecord> {
  const { stored, ...found } = await findRelease(deps, deps.cluster, name);
  return carryOut(transitionFor(phaseOf({ stored, ...found }), request), {
    deps,
    name,
    request,
    stored,
    found,
  });
}
