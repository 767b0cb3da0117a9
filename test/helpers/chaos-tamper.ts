// State tampering for the chaos runs (issue 20): between two runs a person edits the release's
// state by hand — deletes its ConfigMap or its Secret store, removes the data key, breaks the JSON
// or writes another schema. Drawn from a random stream of its own, so the rest of a seed's
// sequence stays what it was without tampering.
import type { SimCluster } from '@kube-rollout/kube-sim';
import { STATE_SCHEMA } from '../../src/record/types.ts';

export const TAMPERS = ['delete-state', 'delete-secret', 'drop-key', 'bad-json', 'other-schema'] as const;
export type Tamper = (typeof TAMPERS)[number];

/** Share of the gaps between runs in which the state is tampered with. */
const TAMPER_SHARE = 0.3;

/** Maybe tampers with release `name`'s state; returns what was done (undefined: nothing). */
export function tamperBetweenRuns(
  sim: SimCluster,
  namespace: string,
  name: string,
  rand: () => number,
): Tamper | undefined {
  if (rand() >= TAMPER_SHARE) return undefined;
  const tamper = TAMPERS[Math.floor(rand() * TAMPERS.length)]!;
  const objectName = `kube-rollout-${name}`;
  if (tamper === 'delete-secret') {
    sim.store.delete('v1', 'Secret', namespace, objectName);
    return tamper;
  }
  const cm = sim.store.get('v1', 'ConfigMap', namespace, objectName);
  if (!cm) return undefined;
  if (tamper === 'delete-state') {
    sim.store.delete('v1', 'ConfigMap', namespace, objectName);
    return tamper;
  }
  const text = cm.data?.['state.json'] ?? '';
  const data: Record<string, string> = { ...(cm.data ?? {}) };
  if (tamper === 'drop-key') delete data['state.json'];
  if (tamper === 'bad-json') data['state.json'] = text.slice(0, Math.floor(text.length / 2));
  if (tamper === 'other-schema')
    data['state.json'] = JSON.stringify({ ...safeParse(text), schema: STATE_SCHEMA + 1 });
  sim.store.update({ ...cm, data });
  return tamper;
}

function safeParse(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
