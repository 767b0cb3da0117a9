// Core v1 Events, deduplicated like the client-go recorder: the same object, type, reason and
// message bump `count` and `lastTimestamp` on the existing Event instead of creating a new one.
import { randomBytes } from 'node:crypto';
import type { KubeObject, SimClock, SimStore } from '../types.ts';
import { isoNow } from './util.ts';

export interface EventSource {
  component: string;
  host?: string;
}

export interface EventInput {
  involved: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  source: EventSource;
  /** e.g. `spec.containers{app}` for container events. */
  fieldPath?: string;
}

export interface EventRecorder {
  record(e: EventInput): void;
}

export function createEventRecorder(store: SimStore, clock: SimClock): EventRecorder {
  // key → event name, so repeats update the same object.
  const seen = new Map<string, { namespace: string; name: string }>();
  return {
    record(e) {
      const inv = e.involved;
      const namespace = inv.metadata.namespace ?? 'default';
      const key = [inv.metadata.uid, e.fieldPath ?? '', e.type, e.reason, e.message, e.source.component].join(
        '\u0000',
      );
      const now = isoNow(clock);
      try {
        const prev = seen.get(key);
        if (prev) {
          const existing = store.get('v1', 'Event', prev.namespace, prev.name);
          if (existing) {
            store.update({ ...existing, count: Number(existing.count ?? 1) + 1, lastTimestamp: now });
            return;
          }
        }
        const name = `${inv.metadata.name}.${randomBytes(8).toString('hex')}`;
        store.create({
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace },
          involvedObject: {
            apiVersion: inv.apiVersion,
            kind: inv.kind,
            name: inv.metadata.name,
            ...(inv.metadata.namespace ? { namespace: inv.metadata.namespace } : {}),
            uid: inv.metadata.uid,
            resourceVersion: inv.metadata.resourceVersion,
            ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
          },
          reason: e.reason,
          message: e.message,
          source: { ...e.source },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
          type: e.type,
          eventTime: null,
          reportingComponent: e.source.component,
          reportingInstance: e.source.host ?? '',
        });
        seen.set(key, { namespace, name });
        if (seen.size > 5000) seen.delete(seen.keys().next().value as string);
      } catch {
        // Events are best effort, as in the real recorder.
      }
    },
  };
}
