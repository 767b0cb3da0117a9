// The Secret `kube-rollout-<name>` on the cluster: the store of a release's Secrets (see
// secret-store.ts for what goes in it), read beside the state and written before it.
import type { Cluster, KubeObject, ObjectRef } from '../kube/types.ts';
import { ANNOTATIONS, ownedLabels } from '../labels.ts';
import { ownedObjectName } from '../names.ts';
import type { ReleaseState } from '../record/types.ts';
import { hasSecretRefs, joinSecrets, splitSecrets, type SecretPayload } from './secret-store.ts';

/** A Secret holds at most 1 MiB, like the ConfigMap; leave room for metadata. */
const STORE_BUDGET_BYTES = 900 * 1024;

export function secretStoreRef(name: string, namespace: string): ObjectRef {
  return { apiVersion: 'v1', kind: 'Secret', name: ownedObjectName(name), namespace };
}

/**
 * What one run knows its release's store holds, as it last read or wrote it (null: there is none).
 * The run holds the release's Lease, so nobody else writes the store: after the first save, the
 * run's saves need not read it again.
 */
export interface StoreMemo {
  known?: { ids: string[]; data: Record<string, string> } | null;
}

/** Writes the state's Secrets to `kube-rollout-<name>`; returns the state to put in the ConfigMap. */
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
export type StoreRead = { store: KubeObject | undefined } | undefined;

/**
 * Reads the release's store for a run holding its Lease, and remembers it in `memo`, where the
 * run's saves start from. A failure is left to the reads and writes that need the store.
 */
export function readStore(
  cluster: Cluster,
  release: string,
  namespace: string,
  memo: StoreMemo,
): Promise<StoreRead> {
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
 * (`prefetched`: a read of the store made beside the state's, used when it succeeded). What the
 * store no longer holds (deleted or changed by hand) is said in `lost` and left out.
 */
export async function restoreSecrets(
  cluster: Cluster,
  state: ReleaseState,
  namespace: string,
  prefetched: StoreRead | undefined,
  lost: string[],
): Promise<ReleaseState> {
  if (!hasSecretRefs(state)) return state;
  const ref = secretStoreRef(state.name, namespace);
  const store = prefetched ? prefetched.store : await cluster.get(ref);
  let payload: SecretPayload = {};
  try {
    payload = decodePayload(store?.data ?? {});
  } catch (err) {
    lost.push(`Secret ${ref.name} cannot be read (${(err as Error).message})`);
  }
  return joinSecrets(state, payload, lost);
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
