// The release state lives in ConfigMap `kube-rollout-<name>` (key `state.json`), written after
// every step so any later run can resume, promote or roll back the release.
import { StateConflictError, StateDamagedError } from '../errors.ts';
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
/**
 * A live object as a release state keeps it for a rollback: without managedFields, the server's
 * record of who set which field (a quarter of a snapshot's bytes), which an apply may not carry.
 */
export function snapshotCopy(obj: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** A ConfigMap holds at most 1 MiB; leave room for metadata and managedFields. */
export const STATE_BUDGET_BYTES = 900 * 1024;

export function stateConfigMapName(name: string): string {
  return ownedObjectName(name);
}

/** A stored release as a run read it. */
export interface LoadedState {
  state: ReleaseState;
  resourceVersion: string;
  /**
   * Secrets of the state that Secret `kube-rollout-<name>` no longer holds (deleted or changed by
   * hand), left out of `state`: enough to return to stable, not to continue the release.
   */
  lostSecrets?: string[];
}

/**
 * The stored release, if any (a StateDamagedError when the ConfigMap exists but holds no readable
 * release). A run holding the Lease passes its `store` memo: the Secret store is then read beside
 * the ConfigMap, and the run's first save need not read it again.
 */
export async function loadReleaseState(
  cluster: Cluster,
  namespace: string,
  name: string,
  store?: StoreMemo,
): Promise<LoadedState | undefined> {
  const [read, storeRead] = await Promise.all([
    readStateConfigMap(cluster, namespace, name),
    store ? readStore(cluster, name, namespace, store) : undefined,
  ]);
  if (!read) return undefined;
  const { parsed, resourceVersion } = read;
  if (typeof parsed === 'string')
    throw new StateDamagedError({ configMap: stateConfigMapName(name), namespace, resourceVersion }, parsed);
  const lost: string[] = [];
  const state = await restoreSecrets(cluster, parsed, namespace, storeRead, lost);
  return { state, resourceVersion, ...(lost.length ? { lostSecrets: lost } : {}) };
}

/**
 * Whether a readable release state speaks for `name` (a damaged one does not). Reads the ConfigMap
 * only, not the Secret store.
 */
export async function hasReadableState(cluster: Cluster, namespace: string, name: string): Promise<boolean> {
  const read = await readStateConfigMap(cluster, namespace, name);
  return read !== undefined && typeof read.parsed !== 'string';
}

/** The state ConfigMap's parsed state (or what is wrong with it), and its resourceVersion. */
async function readStateConfigMap(cluster: Cluster, namespace: string, name: string) {
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: stateConfigMapName(name), namespace };
  const cm = await cluster.get(ref);
  if (!cm) return undefined;
  return { parsed: parseState(cm.data?.[STATE_KEY]), resourceVersion: cm.metadata.resourceVersion ?? '' };
}

const PHASES = new Set(['progressing', 'paused', 'rolling-back', 'promoted', 'rolled-back', 'failed']);

/** The fields a run cannot do without, each with its check. */
const REQUIRED: [keyof ReleaseState, (v: unknown) => boolean][] = [
  ['name', (v) => typeof v === 'string'],
  ['phase', (v) => PHASES.has(v as string)],
  ['strategy', (v) => typeof v === 'string'],
  ['newVersion', (v) => typeof v === 'string'],
  ['currentStep', (v) => Number.isInteger(v)],
  ['rendered', Array.isArray],
  ['stableSnapshot', Array.isArray],
  ['record', (v) => typeof v === 'object' && v !== null && !Array.isArray(v)],
];

/** The release state in a ConfigMap's text, or what is wrong with it (a sentence). Pure. */
export function parseState(text: string | undefined): ReleaseState | string {
  if (text === undefined) return `key ${STATE_KEY} is missing`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `key ${STATE_KEY} is not valid JSON (${(err as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `key ${STATE_KEY} holds no JSON object`;
  const state = value as Record<string, unknown>;
  if (!READABLE_SCHEMAS.includes(state.schema as number))
    return `key ${STATE_KEY} has an unknown state schema ${JSON.stringify(state.schema) ?? 'undefined'} (this version reads schema ${READABLE_SCHEMAS.join(' and ')})`;
  const bad = REQUIRED.filter(([key, ok]) => !ok(state[key])).map(([key]) => key);
  if (bad.length) return `key ${STATE_KEY} has no valid ${bad.join(', ')}`;
  return migrateState(value as Parameters<typeof migrateState>[0]);
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
    if (!(err instanceof KubeApiError)) throw err;
    // Deleted by hand while this run held the Lease: nobody else writes it, so it is written again.
    if (expected && err.code === 404) {
      delete cm.metadata.resourceVersion;
      return (await cluster.create(cm)).metadata.resourceVersion ?? '';
    }
    if (err.code !== 409) throw err;
    return afterConflict(cluster, cm, text, namespace);
  }
}

/**
 * A write that lost its condition: done when the ConfigMap already holds this very text (a retried
 * write whose answer was lost); written over a ConfigMap that holds no readable release (edited by
 * hand while this run held the Lease: no run wrote it); else a StateConflictError naming the run.
 */
async function afterConflict(
  cluster: Cluster,
  cm: KubeObject,
  text: string,
  namespace: string,
): Promise<string> {
  const now = await cluster.get(refOf(cm));
  const resourceVersion = now?.metadata.resourceVersion ?? '';
  if (now?.data?.[STATE_KEY] === text) return resourceVersion;
  const configMap = cm.metadata.name!;
  const parsed = now ? parseState(now.data?.[STATE_KEY]) : undefined;
  if (typeof parsed === 'string') {
    cm.metadata.resourceVersion = resourceVersion;
    return (await cluster.replace(cm)).metadata.resourceVersion ?? '';
  }
  throw new StateConflictError(
    `the release state ConfigMap ${configMap} in ${namespace} was changed by another run${parsed?.holder ? ` (${parsed.holder})` : ''}: this run stops without overwriting it`,
  );
}

/**
 * JSON with every character outside ASCII written as an escape (`\u2192`): the same JSON to any
 * reader, but one `→` in a note no longer makes the whole text a two-byte string, which V8, the
 * API server and etcd handle about twice as slowly (a 71 KB state PUT took 11 ms, now 4-6 ms).
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    NON_ASCII,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
const NON_ASCII = /[\u0080-\uffff]/g;

/**
 * JSON of the state, trimmed to fit the ConfigMap: first log tails, then the oldest measurements
 * and evidence, then the oldest notes (each time saying so in the record's notes).
 */
export function serializeState(state: ReleaseState, budget = STATE_BUDGET_BYTES): string {
  let text = asciiJson(state);
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
    text = asciiJson({ ...copy, record: { ...record, notes: [...record.notes, ...noteFor(done)] } });
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
