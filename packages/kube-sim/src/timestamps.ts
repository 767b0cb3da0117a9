// Timestamps as the API server writes them, and the precision the simulated controllers need.
//
// metav1.Time serialises as RFC 3339 with whole seconds (`2026-01-02T03:04:05Z`), so every
// condition time, startTime, event timestamp and deletionTimestamp here drops its milliseconds.
// The simulator compresses time (a simulated second can be 50 real ms), so a controller that reads
// such a time back (minReadySeconds, progressDeadlineSeconds, the scale-down order) would be off by
// up to a real second; it reads the instant behind the text instead, noted per object, condition
// and field when the kubelet or a controller sets that time.

import type { KubeObject } from './types.ts';
import { view, type ConditionedView } from './views.ts';

/** RFC 3339 with whole seconds, as metav1.Time marshals. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const noted = new Map<string, number>();
const KEEP = 50_000;

function remember(key: string, ms: number): void {
  noted.delete(key);
  noted.set(key, ms);
  if (noted.size > KEEP) noted.delete(noted.keys().next().value as string);
}

export type TimeField = 'lastTransitionTime' | 'lastUpdateTime';

/** Remember the exact instant behind a time written into an object (`what`: `startTime`, …). */
export function noteInstant(uid: string | undefined, what: string, ms: number): void {
  if (uid) remember(`${uid}\u0000${what}`, ms);
}

/**
 * The instant behind a written time: the one noted for this object when it falls in the written
 * second (nobody rewrote the time since), else the parsed second.
 */
export function instantOf(
  uid: string | undefined,
  what: string,
  text: string | undefined | null,
): number | undefined {
  if (!text) return undefined;
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) return undefined;
  const exact = uid ? noted.get(`${uid}\u0000${what}`) : undefined;
  return exact !== undefined && Math.floor(exact / 1000) * 1000 === parsed ? exact : parsed;
}

const conditionKey = (type: string, field: TimeField) => `condition/${type}/${field}`;

/** A condition time was set now (the kubelet, right before it writes the status). */
export function noteTime(uid: string | undefined, type: string, field: TimeField, ms: number): void {
  noteInstant(uid, conditionKey(type, field), ms);
}

/** Condition times set into a status object that is about to be written (see noteAssigned). */
const assigned = new WeakMap<object, Map<string, Set<TimeField>>>();

export function markAssigned(status: object, type: string, fields: TimeField[]): void {
  const byType = assigned.get(status) ?? new Map<string, Set<TimeField>>();
  assigned.set(status, byType);
  const set = byType.get(type) ?? new Set<TimeField>();
  for (const f of fields) set.add(f);
  byType.set(type, set);
}

/** After `status` was written: the times marked in it were set now. */
export function noteAssigned(uid: string | undefined, status: object, ms: number): void {
  for (const [type, fields] of assigned.get(status) ?? []) for (const f of fields) noteTime(uid, type, f, ms);
}

/** The instant of a condition's time (see instantOf). */
export function conditionInstant(obj: KubeObject, type: string, field: TimeField): number | undefined {
  const c = (view<ConditionedView>(obj).status?.conditions ?? []).find((x) => x?.type === type);
  return instantOf(obj.metadata?.uid, conditionKey(type, field), c?.[field]);
}
