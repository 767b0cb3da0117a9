// What a run finds of a release before the lifecycle table decides: the stored state, or why it
// cannot be read (damaged by hand), and, when none can, the copies the release left running.
import { StateDamagedError } from '../../errors.ts';
import type { Cluster } from '../../kube/types.ts';
import type { DeploymentObject } from '../../manifests/workload-views.ts';
import { loadReleaseState } from '../../state/release-state.ts';
import type { StoreMemo } from '../../state/secret-store-io.ts';
import type { ReleaseDeps } from '../run/deps.ts';
import type { StoredPhase } from './lifecycle.ts';
import { findCopies } from '../recovery/orphans.ts';
import { findLeftovers, type Leftovers } from '../recovery/leftovers.ts';
import type { Stored } from './release-flows.ts';

export interface Found {
  stored: Stored;
  /** The ConfigMap exists but holds no readable release. */
  damage?: StateDamagedError;
  /** Without a readable state: the release's copies still in the cluster. */
  copies: DeploymentObject[];
  /** Without a readable state or copies: what a killed run's router left (leftovers.ts). */
  leftovers?: Leftovers;
}

export async function findRelease(
  deps: ReleaseDeps,
  cluster: Cluster,
  name: string,
  store?: StoreMemo,
): Promise<Found> {
  const { namespace } = deps.config;
  let stored: Stored;
  let damage: StateDamagedError | undefined;
  try {
    stored = await loadReleaseState(cluster, namespace, name, store);
  } catch (err) {
    if (!(err instanceof StateDamagedError)) throw err;
    damage = err;
  }
  if (stored) return { stored, copies: [] };
  const workloads = deps.manifests?.workloads.map((w) => w.object.metadata.name ?? '') ?? [name];
  const copies = await findCopies(cluster, namespace, name, workloads, (m) => deps.log.warn(m));
  const leftovers = copies.length
    ? undefined
    : await findLeftovers(cluster, namespace, workloads, deps.config.versionLabel);
  return { stored, ...(damage ? { damage } : {}), copies, ...(leftovers ? { leftovers } : {}) };
}

/** The row of the lifecycle table a run is in. */
export function phaseOf(found: Found): StoredPhase {
  if (found.stored) return found.stored.state.phase;
  if (found.damage) return 'damaged';
  return found.copies.length || found.leftovers ? 'orphaned' : 'none';
}
