// The recent store events watches resume from, kept per group+kind like the API server's
// per-resource watch cache: a flood of Pod updates does not expire a Deployment watch.
import type { KubeObject, StoreEvent } from './types.ts';

/** A store event with what the watch layer needs: its resourceVersion and the previous object. */
export interface StoredEvent extends StoreEvent {
  rv: number;
  group: string;
  old?: KubeObject;
}

interface KindLog {
  events: StoredEvent[];
  /** Watches from a resourceVersion >= start can resume. */
  start: number;
}

export class EventLog {
  private logs = new Map<string, KindLog>();
  constructor(private window: number) {}

  private log(group: string, kind: string): KindLog {
    const key = `${group}/${kind}`;
    let l = this.logs.get(key);
    if (!l) this.logs.set(key, (l = { events: [], start: 0 }));
    return l;
  }

  private trim(l: KindLog): void {
    if (l.events.length <= this.window) return;
    const dropped = l.events.splice(0, l.events.length - this.window);
    l.start = dropped[dropped.length - 1].rv;
  }

  push(ev: StoredEvent): void {
    const l = this.log(ev.group, ev.object.kind);
    l.events.push(ev);
    this.trim(l);
  }

  /** Events of one kind with resourceVersion > since, or 'expired' when some were dropped. */
  since(since: number, group: string, kind: string): StoredEvent[] | 'expired' {
    const l = this.log(group, kind);
    if (since < l.start) return 'expired';
    return l.events.filter((e) => e.rv > since);
  }

  oldest(group: string, kind: string): number {
    return this.log(group, kind).start;
  }

  resize(window: number): void {
    this.window = Math.max(1, window);
    for (const l of this.logs.values()) this.trim(l);
  }
}
