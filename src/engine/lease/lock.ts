// One release of an app at a time: Lease `kube-rollout-<name>` (coordination.k8s.io/v1), taken
// with optimistic concurrency (create, or update at the read resourceVersion: of two racers one
// gets 409 and keeps waiting), renewed while held, taken over once it expires so a runner that
// died does not block the app forever.
//
// Expiry follows client-go's leader election (tools/leaderelection/leaderelection.go:
// setObservedRecord, isLeaseValid): a waiting run never compares the holder's renewTime with its
// own clock. It notes, on its own monotonic clock, when it last saw the Lease's record change, and
// takes the Lease once the record has stood unchanged for the lease duration the record states. A
// holder whose clock runs hours ahead or behind is therefore taken over exactly one lease duration
// after it stops renewing, and never while it renews. A Lease whose holder was cleared (released)
// is free at once.
import type { V1LeaseSpec } from '@kubernetes/client-node';
import type { Cluster, KubeObject, ObjectRef } from '../../kube/types.ts';
import type { TypedObject, Wire } from '../../manifests/workload-views.ts';
import { KubeApiError } from '../../kube/types.ts';
import { LockLostError, LockTimeoutError } from '../../errors.ts';
import { sleep } from '../../kube/retry.ts';
import { ownedLabels } from '../../labels.ts';
import { ownedObjectName } from '../../names.ts';
import { monotonicClock, wallClock, type MonotonicClock, type WallClock } from '../../clock.ts';

export interface AcquireLockOptions {
  namespace: string;
  /** Release name; the Lease is `kube-rollout-<name>`. */
  name: string;
  /** Who we are, e.g. `<run id>-<attempt> pid <pid>`: shown to runs that wait for us. */
  holder: string;
  /** How long to wait while someone else holds the lock (the `lock-timeout` input). */
  timeoutMs: number;
  leaseDurationSeconds?: number;
  /** Renewal interval (default a third of the lease duration). */
  renewEveryMs?: number;
  /** How often to look again while waiting (default 1500 ms). */
  pollMs?: number;
  signal?: AbortSignal;
  /** Called once per distinct holder we find ourselves waiting for. */
  onWait?: (holder: string) => void;
  /** Called when a renewal finds the Lease taken by someone else. */
  onLost?: (holder: string | undefined) => void;
  /** The wall clock for the times written into the Lease (only ever shown to people). */
  now?: WallClock;
  /** The clock every expiry and timeout is measured on. */
  monotonic?: MonotonicClock;
}

export interface Lock {
  readonly leaseName: string;
  readonly holder: string;
  /** False once a renewal found the Lease held by someone else (or could not renew in time). */
  readonly held: boolean;
  /** The holder whose expired Lease this run took over (its run died), if any. */
  readonly tookOverFrom?: string;
  /** Aborted (with a LockLostError) the moment the Lease is lost: every write of the run stops. */
  readonly lost: AbortSignal;
  /** Moves renewTime forward now (also done on a timer). */
  renew(): Promise<void>;
  /** Stops renewing and clears the holder if the Lease is still ours. Safe to call twice. */
  release(): Promise<void>;
}

const LEASE_API = 'coordination.k8s.io/v1';
export const DEFAULT_LEASE_SECONDS = 30;

export function leaseName(name: string): string {
  return ownedObjectName(name);
}

/** RFC 3339 with exactly six fraction digits, the MicroTime format Lease times use. */
export function microTime(date: Date = wallClock()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** A Lease as the API server answers it (its times are MicroTime strings). */
type LeaseObject = TypedObject<Wire<V1LeaseSpec>, unknown, 'Lease'>;
type LeaseSpec = Wire<V1LeaseSpec>;

/** The Lease at `ref`, if there is one (what the server returns for a Lease reference). */
export async function readLease(cluster: Cluster, ref: ObjectRef): Promise<LeaseObject | undefined> {
  return (await cluster.get(ref)) as LeaseObject | undefined;
}

export const leaseRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: LEASE_API,
  kind: 'Lease',
  name: leaseName(name),
  namespace,
});

/** The lease duration a record states; a record without one is given ours. */
export function durationOf(spec: LeaseSpec, fallbackSeconds: number): number {
  const seconds = Number(spec.leaseDurationSeconds);
  return seconds > 0 ? seconds : fallbackSeconds;
}

/**
 * What a waiting run knows of someone else's Lease: the record it last saw and when it first saw
 * it, on this run's monotonic clock (client-go's observedRecord and observedTime). Any write by
 * the holder (a renewal, a hand-over) changes the record and starts the count again.
 */
export class LeaseObserver {
  private record: string | undefined;
  private observedAt = 0;

  constructor(
    private readonly monotonic: MonotonicClock,
    private readonly fallbackSeconds = DEFAULT_LEASE_SECONDS,
  ) {}

  /** Notes the record as read just now. */
  see(spec: LeaseSpec): void {
    const record = JSON.stringify([
      spec.holderIdentity ?? '',
      spec.acquireTime ?? '',
      spec.renewTime ?? '',
      spec.leaseDurationSeconds ?? null,
      spec.leaseTransitions ?? null,
    ]);
    if (record === this.record) return;
    this.record = record;
    this.observedAt = this.monotonic();
  }

  /** How long the record last seen has stood unchanged, as far as this run has watched it. */
  unchangedForMs(): number {
    return this.monotonic() - this.observedAt;
  }

  /** Free when released (no holder), or when its record stood unchanged for its lease duration. */
  isFree(spec: LeaseSpec): boolean {
    if (!spec.holderIdentity) return true;
    return this.unchangedForMs() >= durationOf(spec, this.fallbackSeconds) * 1000;
  }
}

export async function acquireLock(cluster: Cluster, opts: AcquireLockOptions): Promise<Lock> {
  const ref = leaseRef(opts.namespace, opts.name);
  const duration = opts.leaseDurationSeconds ?? DEFAULT_LEASE_SECONDS;
  const monotonic = opts.monotonic ?? monotonicClock;
  const observer = new LeaseObserver(monotonic, duration);
  const deadline = monotonic() + opts.timeoutMs;
  const seen = new Set<string>();
  for (;;) {
    opts.signal?.throwIfAborted();
    const lease = await readLease(cluster, ref);
    if (lease) observer.see(lease.spec ?? {});
    const held = await tryTake(cluster, lease, opts, duration, observer);
    if (held) return held;
    if (held === null) continue; // lost a race: look again at once
    const holder = String(lease!.spec?.holderIdentity);
    if (!seen.has(holder)) {
      seen.add(holder);
      opts.onWait?.(holder);
    }
    const left = deadline - monotonic();
    if (left <= 0) throw lockTimeout(opts, lease!, observer);
    await sleep(Math.min(opts.pollMs ?? 1500, left), opts.signal);
  }
}

/**
 * Creates the Lease, or takes it when it is ours, released or expired, at the read
 * resourceVersion. A Lock when taken, null when another run won the race, undefined when someone
 * else holds it.
 */
async function tryTake(
  cluster: Cluster,
  lease: LeaseObject | undefined,
  opts: AcquireLockOptions,
  duration: number,
  observer: LeaseObserver,
): Promise<Lock | null | undefined> {
  // Our hold is counted from before the write: whoever sees it, sees it later than this.
  const startedAt = (opts.monotonic ?? monotonicClock)();
  const now = microTime((opts.now ?? wallClock)());
  if (!lease) {
    const created = await attempt(() =>
      cluster.create({
        apiVersion: LEASE_API,
        kind: 'Lease',
        metadata: { name: leaseName(opts.name), namespace: opts.namespace, labels: ownedLabels(opts.name) },
        spec: {
          holderIdentity: opts.holder,
          leaseDurationSeconds: duration,
          acquireTime: now,
          renewTime: now,
          leaseTransitions: 0,
        },
      }),
    );
    return created ? new HeldLease(cluster, created, opts, duration, startedAt) : null;
  }
  const spec = lease.spec ?? {};
  const sameHolder = spec.holderIdentity === opts.holder;
  if (!sameHolder && !observer.isFree(spec)) return undefined;
  const taken = await attempt(() =>
    cluster.replace({
      ...lease,
      spec: {
        ...spec,
        holderIdentity: opts.holder,
        leaseDurationSeconds: duration,
        acquireTime: sameHolder && spec.acquireTime ? spec.acquireTime : now,
        renewTime: now,
        leaseTransitions: (Number(spec.leaseTransitions) || 0) + (sameHolder ? 0 : 1),
      },
    }),
  );
  const previous = sameHolder ? undefined : spec.holderIdentity;
  return taken ? new HeldLease(cluster, taken, opts, duration, startedAt, previous) : null;
}

function lockTimeout(
  opts: AcquireLockOptions,
  lease: LeaseObject,
  observer: LeaseObserver,
): LockTimeoutError {
  const spec = lease.spec ?? {};
  const duration = durationOf(spec, opts.leaseDurationSeconds ?? DEFAULT_LEASE_SECONDS);
  const unchanged = Math.round(observer.unchangedForMs() / 1000);
  return new LockTimeoutError(
    `release "${opts.name}" is locked by "${spec.holderIdentity}" (Lease ${leaseName(opts.name)} in ${opts.namespace}, ` +
      `last renewed ${spec.renewTime ?? 'never'} by its holder's clock, lease ${duration}s; unchanged for the last ${unchanged}s this run watched); ` +
      `gave up after waiting ${Math.round(opts.timeoutMs / 1000)}s (lock-timeout). A Lease is taken over once a waiting run has seen it unchanged ` +
      `for its lease duration, so lock-timeout must be longer than lease-duration for a run to take over from one that died. ` +
      `Wait for that run to finish, or delete the Lease if it is stale.`,
  );
}

/** Runs a write that another run may race; undefined when it lost (409 Conflict / AlreadyExists). */
async function attempt(write: () => Promise<KubeObject>): Promise<LeaseObject | undefined> {
  try {
    return (await write()) as LeaseObject;
  } catch (err) {
    if (err instanceof KubeApiError && err.code === 409) return undefined;
    throw err;
  }
}

class HeldLease implements Lock {
  readonly leaseName: string;
  readonly holder: string;
  held = true;
  private readonly lostController = new AbortController();
  readonly lost = this.lostController.signal;
  private readonly timer: NodeJS.Timeout;
  /**
   * When our hold ends unless renewed, on our monotonic clock: the start of our last successful
   * write plus the lease duration. A waiting run counts from when it saw that write, which is
   * later, so we always know we lost the Lease before anyone may take it.
   */
  private expiresAt: number;
  private readonly monotonic: MonotonicClock;
  private readonly now: WallClock;
  private inFlight: Promise<void> = Promise.resolve();
  private released = false;

  constructor(
    private readonly cluster: Cluster,
    /** The Lease as we last wrote or read it: renewals and the release write at its resourceVersion. */
    private lease: LeaseObject,
    private readonly opts: AcquireLockOptions,
    private readonly duration: number,
    acquiredAt: number,
    readonly tookOverFrom?: string,
  ) {
    this.leaseName = lease.metadata.name ?? '';
    this.holder = opts.holder;
    this.monotonic = opts.monotonic ?? monotonicClock;
    this.now = opts.now ?? wallClock;
    this.expiresAt = acquiredAt + duration * 1000;
    this.timer = setInterval(
      () => void this.renew().catch(() => this.checkExpiry()),
      opts.renewEveryMs ?? (duration * 1000) / 3,
    );
    // Renewal must never keep the process alive on its own.
    this.timer.unref();
  }

  renew(): Promise<void> {
    this.inFlight = this.inFlight.then(() => this.renewNow());
    return this.inFlight;
  }

  /**
   * One conditional write at the resourceVersion we last saw; only when someone wrote in between
   * (409) is the Lease read to see whether it is still ours.
   */
  private async renewNow(): Promise<void> {
    if (this.released || !this.held) return;
    const startedAt = this.monotonic();
    const renewTime = microTime(this.now());
    const renewed = await attempt(() =>
      this.cluster.replace({ ...this.lease, spec: { ...this.lease.spec, renewTime } }),
    );
    if (renewed) {
      this.lease = renewed;
      this.expiresAt = startedAt + this.duration * 1000;
      return;
    }
    const holder = await this.readHolder();
    if (holder === this.holder)
      this.checkExpiry(); // the next tick writes over what we just read
    else this.markLost(holder);
  }

  /** Who holds the Lease now; when it is still us, the read is what the next write goes over. */
  private async readHolder(): Promise<string | undefined> {
    const current = await readLease(this.cluster, this.ref());
    const holder = current?.spec?.holderIdentity;
    if (current && holder === this.holder) this.lease = current;
    return holder;
  }

  /** A run that could not renew before its Lease ran out may already have been taken over. */
  private checkExpiry(): void {
    if (!this.released && this.held && this.monotonic() >= this.expiresAt) this.markLost(undefined);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    await this.inFlight.catch(() => undefined);
    if (!this.held) return;
    for (let tries = 0; tries < 3; tries++) {
      const { holderIdentity: _ours, ...rest } = this.lease.spec ?? {};
      // Clearing the holder at our resourceVersion never touches a Lease someone else took.
      if (await attempt(() => this.cluster.replace({ ...this.lease, spec: rest }))) return;
      if ((await this.readHolder()) !== this.holder) return;
    }
  }

  private markLost(holder: string | undefined): void {
    if (!this.held) return;
    this.held = false;
    clearInterval(this.timer);
    this.lostController.abort(new LockLostError(this.opts.name, holder));
    this.opts.onLost?.(holder);
  }

  private ref() {
    return { apiVersion: LEASE_API, kind: 'Lease', name: this.leaseName, namespace: this.opts.namespace };
  }
}
