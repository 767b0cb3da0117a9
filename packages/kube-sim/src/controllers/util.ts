// Small helpers shared by the simulated controllers and the kubelet.
import { randomBytes } from 'node:crypto';
import type { KubeObject, SimClock, SimStore } from '../types.ts';
import { selectorMatches } from '../selectors.ts';
import { SAFE_ALPHABET } from './hash.ts';
import { view, type Condition, type Container, type PodView } from '../views.ts';
import { conditionInstant, rfc3339 } from '../timestamps.ts';

export { selectorMatches };

/** Now as metav1.Time serialises (whole seconds). */
export function isoNow(clock: SimClock): string {
  return rfc3339(clock.now());
}

export function timeMs(iso: string | undefined | null): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/** Five characters from the safe alphabet, like the API server's generateName suffix. */
export function randomSuffix(n = 5): string {
  const bytes = randomBytes(n);
  let out = '';
  for (const b of bytes) out += SAFE_ALPHABET[b % SAFE_ALPHABET.length];
  return out;
}

export { clone } from '../util.ts';

/** Structural equality on JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return (a ?? undefined) === (b ?? undefined);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!jsonEqual(ao[k], bo[k])) return false;
  return true;
}

export function controllerRef(
  owner: KubeObject,
): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === owner.metadata.uid);
}

/** Objects of a kind in the owner's namespace whose controller is `owner`. */
export function owned(store: SimStore, apiVersion: string, kind: string, owner: KubeObject): KubeObject[] {
  return store.list(apiVersion, kind, owner.metadata.namespace).filter((o) => isControlledBy(o, owner));
}

export function podCondition(pod: KubeObject, type: string): Condition | undefined {
  return (view<PodView>(pod).status?.conditions ?? []).find((c) => c.type === type);
}

export function isTerminating(pod: KubeObject): boolean {
  return Boolean(pod.metadata.deletionTimestamp);
}

export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (simulated), as the controllers judge availability. */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, clock: SimClock): boolean {
  const c = podCondition(pod, 'Ready');
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = conditionInstant(pod, 'Ready', 'lastTransitionTime');
  return since !== undefined && since + clock.ms(minReadySeconds) <= clock.now();
}

export function isPodTerminal(pod: KubeObject): boolean {
  const phase = view<PodView>(pod).status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Active = not terminal and not being deleted (upstream FilterActivePods). */
export function isPodActive(pod: KubeObject): boolean {
  return !isPodTerminal(pod) && !isTerminating(pod);
}

/** Resolve an int-or-percent against a total, rounding up or down. */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const s = String(v);
  if (s.endsWith('%')) {
    const pct = Number(s.slice(0, -1));
    const raw = (pct * total) / 100;
    return roundUp ? Math.ceil(raw) : Math.floor(raw);
  }
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
}

/** Condition list update: keep lastTransitionTime when status is unchanged. Returns the new list. */
export function setCondition(conditions: Condition[] | undefined, cond: Condition): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === cond.type);
  if (i < 0) return [...list, cond];
  const prev = list[i];
  const next = { ...cond };
  if (prev.status === cond.status && prev.lastTransitionTime)
    next.lastTransitionTime = prev.lastTransitionTime;
  list[i] = next;
  return list;
}

export function removeCondition(conditions: Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/** Write status only when it differs from the stored one. */
export function writeStatus(store: SimStore, obj: KubeObject, status: object): boolean {
  if (jsonEqual(obj.status ?? {}, status)) return false;
  const current = store.get(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name ?? '');
  if (!current) return false;
  if (jsonEqual(current.status ?? {}, status)) return false;
  store.update({ ...current, status }, { subresource: 'status' });
  return true;
}

/** Sort oldest first (creationTimestamp, then name), as upstream's ByCreationTimestamp. */
export function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = timeMs(a.metadata.creationTimestamp) ?? 0;
  const tb = timeMs(b.metadata.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** Parse a resource.Quantity (`500m`, `128Mi`, `1.5`, `1e9`) into a plain number. */
export function parseQuantity(q: unknown): number {
  if (q === undefined || q === null) return 0;
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(String(q).trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const suffix = m[2];
  if (suffix in BINARY) return n * BINARY[suffix];
  if (suffix in DECIMAL) return n * DECIMAL[suffix];
  return n;
}

export function envOf(container: Pick<Container, 'env'> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of container?.env ?? []) if (e && typeof e.value === 'string') out[e.name] = e.value;
  return out;
}
