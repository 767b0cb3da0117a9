// Pre-flight as the actions call it before the Lease: deploy's read of the live workloads, and the
// checks promote and rollback run against the release as stored. A read the credentials may not
// do is folded into the pre-flight message, which lists everything missing at once.
import { KubeApiError, type KubeObject } from '../../kube/types.ts';
import type { ManifestSet } from '../../manifests/types.ts';
import { preflight, preflightAction } from '../../preflight/index.ts';
import type { ReleaseDeps } from '../run/deps.ts';
import { transitionFor, writes } from '../lifecycle/lifecycle.ts';
import { findRelease, phaseOf, type Found } from '../lifecycle/find-release.ts';
import { storedConfig, storedManifests } from '../run/run-context.ts';
import { readLive } from '../objects/workloads.ts';

const isForbidden = (err: unknown) => err instanceof KubeApiError && err.code === 403;

/** The live copies of the manifests' workloads; a 403 becomes the full pre-flight message. */
export async function readLiveChecked(
  deps: ReleaseDeps,
  name: string,
  manifests: ManifestSet,
): Promise<Map<string, KubeObject | undefined>> {
  try {
    return await readLive(
      deps.cluster,
      manifests.workloads.map((w) => w.object),
    );
  } catch (err) {
    if (!isForbidden(err)) throw err;
    // Without the live copies the requested strategy stands in for the plan's.
    await preflight(deps, deps.config.strategy, manifests, { name, live: new Map() });
    throw err;
  }
}

/**
 * Reads the stored release for promote or rollback and, when the lifecycle table says the action
 * will write, checks the router's targets and every permission it needs before the Lease is taken.
 * The state is read again under the Lease; this read only decides what to check. (A release
 * rebuilt from the cluster has no stored plan to check before the Lease.)
 */
export async function checkBeforeLock(
  deps: ReleaseDeps,
  name: string,
  action: 'promote' | 'rollback',
): Promise<Found> {
  const { config, cluster } = deps;
  let found: Found = { stored: undefined, copies: [] };
  let denied: unknown;
  try {
    found = await findRelease(deps, cluster, name);
  } catch (err) {
    if (!isForbidden(err)) throw err;
    denied = err;
  }
  const { stored } = found;
  const phase = phaseOf(found);
  if (!denied && !writes(transitionFor(phase, action))) return found;
  if (stored) {
    const { state } = stored;
    await preflightAction(
      { config: storedConfig(config, state), cluster },
      state.strategy,
      storedManifests(state),
    );
  } else if (denied || (phase === 'none' && action === 'rollback' && deps.manifests)) {
    const manifests = deps.manifests ?? { objects: [], workloads: [], version: 'none' };
    await preflightAction(deps, config.strategy, manifests);
  }
  if (denied) throw denied;
  return found;
}
