// The release state lives in ConfigMap `kube-rollout-<name>` (key `state.json`), written after
// every step so any later run can resume, promote or roll back the release.
import { StateConflictError } from '../errors.ts';
import type { Cluster, KubeObject } from '../kube/types.ts';
import { KubeApiError, refOf } from '../kube/types.ts';
import type { ReleaseHistory, ReleaseState } from '../record/types.ts';
import { migrateState, READABLE_SCHEMAS } from './migrate.ts';
import { ownedLabels } from '../labels.ts';
import { ownedObjectName } from '../names.ts';
import { readStore, restoreSecrets, storeSecrets, type StoreMemo } from './secret-store-io.ts';

export interface SaveOptions {
  /** Scrubs known secret values from the record's free text (the writer's redaction hook). */
  redactRecord?: (record: ReleaseHistory) => ReleaseHistory;
  /** The writing run's knowledge of its Secret store (secret-store.ts), kept across its saves. */
  store?: StoreMemo;
}

export const STATE_KEY = 'state.json';
/** A ConfigMap holds at most 1 MiB; leave room for metadata and managedFields. */
export const STATE_BUDGET_BYTES = 900 * 1024;

export function stateConfigMapName(name: string): string {
  return ownedObjectName(name);
}

/**
 * The stored release, if any. A run holding the Lease passes its `store` memo: the Secret store is
 * then read beside the ConfigMap, and the run's first save need not read it again.
 */
export async function loadReleaseState(
  cluster: Cluster,
  namespace: string,
  name: string,
  store?: StoreMemo,
): Promise<{ state: ReleaseState; resourceVersion: string } | undefined> {
  const cmName = stateConfigMapName(name);
  const [cm, storeRead] = await Promise.all([
    cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: cmName, namespace }),
    store ? readStore(cluster, name, namespace, store) : undefined,
  ]);
  const text = cm?.data?.[STATE_KEY];
  if (!cm || text === undefined) return undefined;
  let parsed: Parameters<typeof migrateState>[0];
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `ConfigMap ${cmName} in ${namespace}: ${STATE_KEY} is not valid JSON (${(err as Error).message}); delete it to start afresh`,
      { cause: err },
    );
  }
  if (!READABLE_SCHEMAS.includes(parsed?.schema)) {
    throw new Error(
      `ConfigMap ${cmName} in ${namespace}: unknown state schema ${JSON.stringify(parsed?.schema)} (this version reads schema ${READABLE_SCHEMAS.join(' and ')})`,
    );
  }
  const state = await restoreSecrets(cluster, migrateState(parsed), namespace, storeRead);
  return { state, resourceVersion: cm.metadata.resourceVersion ?? '' };
}

/**
 * Writes the state only over the version this run last read or wrote (`expected`; undefined: the
 * state must not exist yet), never over another run's write. Returns the new resourceVersion.
 * A write whose answer was lost and retried finds its own content and counts as done.
 */
export async function saveReleaseState(
  cluster: Cluster,
  state: ReleaseState,
  namespace: string,
  expected: string | undefined,
  opts: SaveOptions = {},
): Promise<string> {
  if (opts.redactRecord) state = { ...state, record: opts.redactRecord(state.record) };
  // Secrets go to Secret kube-rollout-<name> first; the ConfigMap keeps references only.
  state = await storeSecrets(cluster, state, namespace, opts.store);
  const text = serializeState(state);
  const cm: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: stateConfigMapName(state.name),
      namespace,
      labels: ownedLabels(state.name),
      ...(expected ? { resourceVersion: expected } : {}),
    },
    data: { [STATE_KEY]: text },
  };
  try {
    const written = expected ? await cluster.replace(cm) : await cluster.create(cm);
    return written.metadata.resourceVersion ?? '';
  } catch (err) {
    if (!(err instanceof KubeApiError && err.code === 409)) throw err;
    const now = await cluster.get(refOf(cm));
    if (now?.data?.[STATE_KEY] === text) return now.metadata.resourceVersion ?? '';
    const holder = now?.data?.[STATE_KEY] ? parseHolder(now.data[STATE_KEY]) : undefined;
    throw new StateConflictError(
      `the release state ConfigMap ${cm.metadata.name} in ${namespace} was changed by another run${holder ? ` (${holder})` : ''}: this run stops without overwriting it`,
    );
  }
}

function parseHolder(text: string): string | undefined {
  try {
    return (JSON.parse(text) as ReleaseState).holder;
  } catch {
    return undefined;
  }
}

/**
 * JSON of the state, trimmed to fit the ConfigMap: first log tails, then the oldest measurements
 * and evidence, then the oldest notes (each time saying so in the record's notes).
 */
export function serializeState(state: ReleaseState, budget = STATE_BUDGET_BYTES): string {
  let text = JSON.stringify(state);
  if (Buffer.byteLength(text) <= budget) return text;
  const copy: ReleaseState = structuredClone(state);
  const record = copy.record;
  const trims: [string, () => boolean][] = [
    ['log tails shortened to 20 lines', () => shortenLogs(record.evidence, 20)],
    ['log tails shortened to 5 lines', () => shortenLogs(record.evidence, 5)],
    ['older measurements dropped', () => dropOldestHalf(record.measurements)],
    ['older measurements dropped', () => dropOldestHalf(record.measurements)],
    ['older measurements dropped', () => dropOldestHalf(record.measurements)],
    ['older pod evidence dropped', () => dropOldestHalf(record.evidence)],
    ['older weight points dropped', () => dropOldestHalf(record.weights)],
    ['older notes dropped', () => dropOldestHalf(record.notes)],
  ];
  const done = new Set<string>();
  for (const [what, trim] of trims) {
    if (!trim()) continue;
    done.add(what);
    text = JSON.stringify({ ...copy, record: { ...record, notes: [...record.notes, ...noteFor(done)] } });
    if (Buffer.byteLength(text) <= budget) return text;
  }
  throw new Error(
    `release state of "${state.name}" is ${Buffer.byteLength(text)} bytes even after trimming, more than a ConfigMap holds (${budget}); the rendered manifests are too large`,
  );
}

function noteFor(done: Set<string>): string[] {
  return done.size ? [`release state trimmed to fit its ConfigMap: ${[...done].join(', ')}`] : [];
}

function shortenLogs(evidence: { logTail?: string[] }[], lines: number): boolean {
  let changed = false;
  for (const e of evidence) {
    if (e.logTail && e.logTail.length > lines) {
      e.logTail = e.logTail.slice(-lines);
      changed = true;
    }
  }
  return changed;
}

function dropOldestHalf(list: unknown[]): boolean {
  if (list.length === 0) return false;
  list.splice(0, Math.ceil(list.length / 2));
  return true;
}
