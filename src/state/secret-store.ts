// Secret values never go into the release-state ConfigMap: the built-in `view` role reads
// ConfigMaps but not Secrets. Before the state is written, every Secret in `rendered` and
// `stableSnapshot` becomes a reference (its name and the sha256 of its data) and the Secrets
// themselves go into one Secret owned by the release, `kube-rollout-<name>`, beside the
// ConfigMap; reading the state puts them back.
import { createHash } from 'node:crypto';
import type { Cluster, KubeObject, ObjectRef } from '../kube/types.ts';
import { ANNOTATIONS, ownedLabels, ownedObjectName } from '../labels.ts';
import { mapSensitive, type SensitiveField } from '../secrets/credential-fields.ts';
import { hasUrlCredentials } from '../secrets/url-credentials.ts';
import type { ReleaseState } from '../record/types.ts';

/** What the ConfigMap keeps of a Secret. */
export interface SecretRef extends KubeObject {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name?: string; namespace?: string };
  /** `entry`: where it is kept in the release's Secret; `sha256`: of its canonical data. */
  storedSecret: { entry: string; sha256: string };
}

/** The Secrets a state refers to, by entry id (each with its data canonical: `data` only). */
export type SecretPayload = Record<string, KubeObject>;

/** A Secret holds at most 1 MiB, like the ConfigMap; leave room for metadata. */
const STORE_BUDGET_BYTES = 900 * 1024;

export function secretStoreRef(name: string, namespace: string): ObjectRef {
  return { apiVersion: 'v1', kind: 'Secret', name: ownedObjectName(name), namespace };
}

/** The state with every Secret replaced by a reference, and the Secrets themselves. */
export function splitSecrets(state: ReleaseState): { state: ReleaseState; payload: SecretPayload } {
  const payload: SecretPayload = {};
  const strip = (objects: KubeObject[]): KubeObject[] =>
    objects.map((o) => {
      if (!isSecret(o)) return o;
      const secret = canonicalSecret(o);
      const entry = digest(JSON.stringify(secret)).slice(0, 16);
      payload[entry] = secret;
      const ref: SecretRef = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: pick(o.metadata, ['name', 'namespace']),
        storedSecret: { entry, sha256: dataDigest(secret.data ?? {}) },
      };
      return ref;
    });
  const settings = state.settings && stripHeaders(state.settings, payload);
  return {
    state: {
      ...state,
      rendered: strip(state.rendered),
      stableSnapshot: strip(state.stableSnapshot),
      ...(settings ? { settings } : {}),
    },
    payload,
  };
}

/** What a stored value reads in the ConfigMap: `kube-rollout-stored:<entry>/<key>`. */
const HEADER_REF = 'kube-rollout-stored:';

/** A header value always; a URL only when it carries credentials (userinfo, a token parameter). */
const isSensitive = (value: string, field: SensitiveField) =>
  field.kind === 'header' || hasUrlCredentials(value);

/**
 * Web metric `headers` (an Authorization header, an API key) and URLs with credentials in them
 * are kept like a Secret: the values go into one payload entry, the settings keep references.
 */
function stripHeaders<T>(settings: T, payload: SecretPayload): T {
  const values: string[] = [];
  mapSensitive(settings, (value, field) => (isSensitive(value, field) && values.push(value), value));
  if (values.length === 0) return settings;
  const data = Object.fromEntries(values.map((v, i) => [`h${i}`, Buffer.from(v).toString('base64')]));
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'analysis-headers' },
    data,
  };
  const entry = digest(JSON.stringify(secret)).slice(0, 16);
  payload[entry] = secret;
  let i = 0;
  return mapSensitive(settings, (value, field) =>
    isSensitive(value, field) ? `${HEADER_REF}${entry}/h${i++}` : value,
  );
}

function restoreHeaders<T>(settings: T, payload: SecretPayload, release: string): T {
  return mapSensitive(settings, (value) => {
    if (!value.startsWith(HEADER_REF)) return value;
    const [entry, key] = value.slice(HEADER_REF.length).split('/');
    const stored = payload[entry]?.data?.[key];
    if (stored === undefined)
      throw new Error(
        `a metric header or URL of release "${release}" is kept in Secret ${ownedObjectName(release)}, which no longer holds it (deleted?)`,
      );
    return Buffer.from(stored, 'base64').toString('utf8');
  });
}

/** The state with its Secret references replaced by the Secrets in `payload`. */
export function joinSecrets(state: ReleaseState, payload: SecretPayload): ReleaseState {
  const restore = (objects: KubeObject[]): KubeObject[] =>
    objects.map((o) => {
      if (!isSecretRef(o)) return o;
      const { entry, sha256 } = o.storedSecret;
      const secret = payload[entry];
      const what = `Secret ${o.metadata.name} (in the release state of "${state.name}")`;
      if (!secret)
        throw new Error(
          `${what} is kept in Secret ${ownedObjectName(state.name)}, which no longer holds it (deleted?); delete ConfigMap and Secret ${ownedObjectName(state.name)} to start afresh`,
        );
      if (dataDigest(secret.data ?? {}) !== sha256)
        throw new Error(
          `${what}: the copy in Secret ${ownedObjectName(state.name)} was changed (sha256 differs)`,
        );
      return structuredClone(secret);
    });
  const settings = state.settings && restoreHeaders(state.settings, payload, state.name);
  return {
    ...state,
    rendered: restore(state.rendered),
    stableSnapshot: restore(state.stableSnapshot),
    ...(settings ? { settings } : {}),
  };
}

export function hasSecretRefs(state: ReleaseState): boolean {
  let header = false;
  if (state.settings) mapSensitive(state.settings, (v) => ((header ||= v.startsWith(HEADER_REF)), v));
  return header || [...state.rendered, ...state.stableSnapshot].some(isSecretRef);
}

/** Writes the state's Secrets to `kube-rollout-<name>`; returns the state to put in the ConfigMap. */
/**
 * What one run knows its release's store holds, as it last read or wrote it (null: there is none).
 * The run holds the release's Lease, so nobody else writes the store: after the first save, the
 * run's saves need not read it again.
 */
export interface StoreMemo {
  known?: { ids: string[]; data: Record<string, string> } | null;
}

export async function storeSecrets(
  cluster: Cluster,
  state: ReleaseState,
  namespace: string,
  memo: StoreMemo = {},
): Promise<ReleaseState> {
  const split = splitSecrets(state);
  await writeStore(cluster, state.name, namespace, split.payload, memo);
  return split.state;
}

/** A read of the store made beside the state's; undefined when that read failed. */
export type StoreRead = Promise<{ store: KubeObject | undefined } | undefined>;

/**
 * Reads the release's store for a run holding its Lease, and remembers it in `memo`, where the
 * run's saves start from. A failure is left to the reads and writes that need the store.
 */
export function readStore(cluster: Cluster, release: string, namespace: string, memo: StoreMemo): StoreRead {
  return cluster.get(secretStoreRef(release, namespace)).then(
    (store) => {
      memo.known = storeContent(store);
      return { store };
    },
    () => undefined,
  );
}

/**
 * The state as read from the ConfigMap, with its Secrets read back from `kube-rollout-<name>`
 * (`prefetched`: a read of the store made beside the state's, used when it succeeded).
 */
export async function restoreSecrets(
  cluster: Cluster,
  state: ReleaseState,
  namespace: string,
  prefetched?: StoreRead,
): Promise<ReleaseState> {
  if (!hasSecretRefs(state)) return state;
  const read = await prefetched;
  const store = read ? read.store : await cluster.get(secretStoreRef(state.name, namespace));
  return joinSecrets(state, decodePayload(store?.data ?? {}));
}

/**
 * Written before the ConfigMap, so the ConfigMap never refers to an entry not yet stored. The
 * entries of the previous state stay one more write: a run killed between the two writes leaves
 * a ConfigMap whose references still resolve. Unchanged entries are not written again.
 */
async function writeStore(
  cluster: Cluster,
  release: string,
  namespace: string,
  payload: SecretPayload,
  memo: StoreMemo,
): Promise<void> {
  const ref = secretStoreRef(release, namespace);
  const ids = Object.keys(payload).sort();
  if (memo.known === undefined) memo.known = storeContent(await cluster.get(ref));
  const existing = memo.known;
  const data = existing?.data ?? {};
  const previous = existing?.ids ?? [];
  if (previous.join(',') === ids.join(',') && ids.every((id) => data[id] !== undefined)) {
    if (existing && ids.length === 0) {
      await cluster.delete(ref);
      memo.known = null;
    }
    return;
  }
  const kept = Object.fromEntries(
    Object.entries(data).filter(([key]) => previous.includes(key.split('.')[0])),
  );
  let next = { ...kept, ...encodePayload(payload) };
  if (JSON.stringify(next).length > STORE_BUDGET_BYTES) next = encodePayload(payload);
  if (JSON.stringify(next).length > STORE_BUDGET_BYTES)
    throw new Error(
      `the Secrets of release "${release}" take more than ${STORE_BUDGET_BYTES} bytes, more than Secret ${ref.name} holds`,
    );
  await cluster.apply(storeObject(ref, release, ids, next));
  memo.known = { ids, data: next };
}

/** The ids (annotation) and data of a store as read, or null when there is none. */
function storeContent(store: KubeObject | undefined): StoreMemo['known'] {
  if (!store) return null;
  const ids = (store.metadata.annotations?.[ANNOTATIONS.storedSecrets] ?? '').split(',').filter(Boolean);
  return { ids, data: store.data ?? {} };
}

function storeObject(
  ref: ObjectRef,
  release: string,
  ids: string[],
  data: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: ref.name,
      namespace: ref.namespace,
      labels: ownedLabels(release),
      annotations: { [ANNOTATIONS.storedSecrets]: ids.join(',') },
    },
    data,
  };
}

/**
 * Entry `<id>` holds the Secret without its data (JSON), `<id>.<key>` each data value as is: the
 * store is an ordinary Secret whose values are the very values it keeps, so whatever reads it
 * (and masks what it reads) sees them.
 */
function encodePayload(payload: SecretPayload): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [id, secret] of Object.entries(payload)) {
    const { data: values, ...shell } = secret;
    data[id] = Buffer.from(JSON.stringify(shell)).toString('base64');
    for (const [key, value] of Object.entries(values ?? {})) data[`${id}.${key}`] = value;
  }
  return data;
}

function decodePayload(data: Record<string, string>): SecretPayload {
  const payload: SecretPayload = {};
  for (const [key, value] of Object.entries(data)) {
    if (key.includes('.')) continue;
    const shell = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as KubeObject;
    const prefix = `${key}.`;
    const values = Object.entries(data).filter(([k]) => k.startsWith(prefix));
    payload[key] = {
      ...shell,
      data: Object.fromEntries(values.map(([k, v]) => [k.slice(prefix.length), v])),
    };
  }
  return payload;
}

/** The Secret with `stringData` folded into `data` (as the API server does), keys sorted. */
function canonicalSecret(secret: KubeObject): KubeObject {
  const { stringData, data, ...rest } = secret;
  const merged: Record<string, string> = { ...(data ?? {}) };
  for (const [key, value] of Object.entries(stringData ?? {}))
    merged[key] = Buffer.from(String(value)).toString('base64');
  const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { ...rest, data: sorted };
}

function dataDigest(data: Record<string, string>): string {
  const sorted = Object.keys(data)
    .sort()
    .map((key) => [key, data[key]]);
  return digest(JSON.stringify(sorted));
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isSecret(o: unknown): o is KubeObject {
  const obj = o as KubeObject | undefined;
  return obj?.kind === 'Secret' && obj.apiVersion === 'v1' && !('storedSecret' in obj);
}

function isSecretRef(o: unknown): o is SecretRef {
  const obj = o as Partial<SecretRef> | undefined;
  return obj?.kind === 'Secret' && typeof obj.storedSecret?.entry === 'string';
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => obj[k] !== undefined).map((k) => [k, obj[k]])) as Pick<T, K>;
}
