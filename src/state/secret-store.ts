// Secret values never go into the release-state ConfigMap: the built-in `view` role reads
// ConfigMaps but not Secrets. Before the state is written, every Secret in `rendered` and
// `stableSnapshot` becomes a reference (its name and the sha256 of its data) and the Secrets
// themselves go into one Secret owned by the release, `kube-rollout-<name>`, beside the
// ConfigMap (secret-store-io.ts); reading the state puts them back.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/types.ts';
import { ownedObjectName } from '../names.ts';
import { mapSensitive, type SensitiveField } from '../analysis/credential-fields.ts';
import { hasUrlCredentials } from '../secrets/url-credentials.ts';
import type { ReleaseState } from '../record/types.ts';
import { compareText } from '../compare.ts';

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

/** Whether settings hold a value the state keeps in the release's Secret (see stripHeaders). */
export function holdsSensitive(settings: unknown): boolean {
  let found = false;
  mapSensitive(settings, (value, field) => ((found ||= isSensitive(value, field)), value));
  return found;
}

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

/**
 * What a stored value that cannot be restored becomes: an error, or (with `lost`) a line in `lost`
 * while the value is left out (objects) or kept as its reference (settings).
 */
function unrestorable(problem: string, lost: string[] | undefined): void {
  if (!lost) throw new Error(problem);
  lost.push(problem);
}

function restoreHeaders<T>(settings: T, payload: SecretPayload, release: string, lost?: string[]): T {
  return mapSensitive(settings, (value) => {
    if (!value.startsWith(HEADER_REF)) return value;
    const [entry, key] = value.slice(HEADER_REF.length).split('/');
    const stored = payload[entry]?.data?.[key];
    if (stored !== undefined) return Buffer.from(stored, 'base64').toString('utf8');
    unrestorable(
      `a metric header or URL of release "${release}" is kept in Secret ${ownedObjectName(release)}, which no longer holds it (deleted?)`,
      lost,
    );
    return value;
  });
}

/**
 * The state with its Secret references replaced by the Secrets in `payload`. A Secret the payload
 * no longer holds (or holds changed) is an error; with `lost`, it is said there and left out, so
 * a rollback can still run without it.
 */
export function joinSecrets(state: ReleaseState, payload: SecretPayload, lost?: string[]): ReleaseState {
  const restore = (objects: KubeObject[]): KubeObject[] =>
    objects.flatMap((o) => {
      if (!isSecretRef(o)) return [o];
      const { entry, sha256 } = o.storedSecret;
      const secret = payload[entry];
      const what = `Secret ${o.metadata.name} (in the release state of "${state.name}")`;
      if (!secret) {
        unrestorable(
          `${what} is kept in Secret ${ownedObjectName(state.name)}, which no longer holds it (deleted?); delete ConfigMap and Secret ${ownedObjectName(state.name)} to start afresh`,
          lost,
        );
        return [];
      }
      if (dataDigest(secret.data ?? {}) !== sha256) {
        unrestorable(
          `${what}: the copy in Secret ${ownedObjectName(state.name)} was changed (sha256 differs)`,
          lost,
        );
        return [];
      }
      return [structuredClone(secret)];
    });
  const settings = state.settings && restoreHeaders(state.settings, payload, state.name, lost);
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

/** The Secret with `stringData` folded into `data` (as the API server does), keys sorted. */
function canonicalSecret(secret: KubeObject): KubeObject {
  const { stringData, data, ...rest } = secret;
  const merged: Record<string, string> = { ...(data ?? {}) };
  for (const [key, value] of Object.entries(stringData ?? {}))
    merged[key] = Buffer.from(String(value)).toString('base64');
  const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => compareText(a, b)));
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
