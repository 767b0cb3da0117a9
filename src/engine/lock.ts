// One release of an app at a time: Lease `kube-rollout-<name>` (coordination.k8s.io/v1), taken
// with optimistic concurrency (create, or update at the read resourceVersion: of two racers one
// gets 409 and keeps waiting), renewed while held, taken over once it expires so a runner that
// died does not block the app forever.
import type { V1LeaseSpec } from '@kubernetes/client-node';
import type { Cluster, KubeObject, ObjectRef } from '../kube/types.ts';
import type { TypedObject, Wire } from '../manifests/workload-views.ts';
import type { LockInfo } from '../record/types.ts';
import { KubeApiError } from '../kube/types.ts';
import { LockLostError, LockTimeoutError } from '../errors.ts';
import { sleep } from '../kube/retry.ts';
import { ownedLabels } from '../labels.ts';

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

export function leaseName(name: string): string {
  return `kube-rollout-${name}`;
}

/** RFC 3339 with microseconds, the MicroTime format Lease times use. */
export function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** A Lease as the API server answers it (its times are MicroTime strings). */
type LeaseObject = TypedObject<Wire<V1LeaseSpec>, unknown, 'Lease'>;

/** The Lease at `ref`, if there is one (what the server returns for a Lease reference). */
async function readLease(cluster: Cluster, ref: ObjectRef): Promise<LeaseObject | undefined> {
  return (await cluster.get(ref)) as LeaseObject | undefined;
}

/** When the holder's hold ends: its last renewal (or acquisition) plus the lease duration. */
function expiryOf(spec: Wire<V1LeaseSpec>): number {
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  return renewed + (Number(spec.leaseDurationSeconds) || 0) * 1000;
}

/** True when the Lease's last renewal plus its duration lies in the past (or it has no holder). */
export function isLeaseFree(lease: LeaseObject, now = Date.now()): boolean {
  const spec = lease.spec ?? {};
  if (!spec.holderIdentity) return true;
  const expiresAt = expiryOf(spec);
  return Number.isNaN(expiresAt) || expiresAt < now;
}

export async function acquireLock(cluster: Cluster, opts: AcquireLockOptions): Promise<Lock> {
  const ref = { apiVersion: LEASE_API, kind: 'Lease', name: leaseName(opts.name), namespace: opts.namespace };
  const duration = opts.leaseDurationSeconds ?? 30;
  const deadline = Date.now() + opts.timeoutMs;
  const seen = new Set<string>();
  for (;;) {
    opts.signal?.throwIfAborted();
    const lease = await readLease(cluster, ref);
    const held = await tryTake(cluster, lease, opts, duration);
    if (held) return held;
    if (held === null) continue; // lost a race: look again at once
    const holder = String(lease!.spec?.holderIdentity);
    if (!seen.has(holder)) {
      seen.add(holder);
      opts.onWait?.(holder);
    }
    const left = deadline - Date.now();
    if (left <= 0) throw lockTimeout(opts, lease!);
    await sleep(Math.min(opts.pollMs ?? 1500, left), opts.signal);
  }
}

/**
 * Creates the Lease, or takes it when it is ours or expired, at the read resourceVersion. A Lock
 * when taken, null when another run won the race, undefined when someone else holds it.
 */
async function tryTake(
  cluster: Cluster,
  lease: LeaseObject | undefined,
  opts: AcquireLockOptions,
  duration: number,
): Promise<Lock | null | undefined> {
  const now = new Date();
  if (!lease) {
    const created = await attempt(() =>
      cluster.create({
        apiVersion: LEASE_API,
        kind: 'Lease',
        metadata: { name: leaseName(opts.name), namespace: opts.namespace, labels: ownedLabels(opts.name) },
        spec: {
          holderIdentity: opts.holder,
          leaseDurationSeconds: duration,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      }),
    );
    return created ? new HeldLease(cluster, created, opts, duration) : null;
  }
  const spec = lease.spec ?? {};
  const sameHolder = spec.holderIdentity === opts.holder;
  if (!sameHolder && !isLeaseFree(lease, now.getTime())) return undefined;
  const taken = await attempt(() =>
    cluster.replace({
      ...lease,
      spec: {
        ...spec,
        holderIdentity: opts.holder,
        leaseDurationSeconds: duration,
        acquireTime: sameHolder && spec.acquireTime ? spec.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: (Number(spec.leaseTransitions) || 0) + (sameHolder ? 0 : 1),
      },
    }),
  );
  const previous = sameHolder ? undefined : spec.holderIdentity;
  return taken ? new HeldLease(cluster, taken, opts, duration, previous) : null;
}

function lockTimeout(opts: AcquireLockOptions, lease: LeaseObject): LockTimeoutError {
  const spec = lease.spec ?? {};
  return new LockTimeoutError(
    `release "${opts.name}" is locked by "${spec.holderIdentity}" (Lease ${leaseName(opts.name)} in ${opts.namespace}, renewed ${spec.renewTime ?? 'never'}, ` +
      `lease ${spec.leaseDurationSeconds ?? '?'}s); gave up after waiting ${Math.round(opts.timeoutMs / 1000)}s (lock-timeout). ` +
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
  /** When our hold ends unless renewed: past it, another run may take the Lease. */
  private expiresAt: number;
  private inFlight: Promise<void> = Promise.resolve();
  private released = false;

  constructor(
    private readonly cluster: Cluster,
    /** The Lease as we last wrote or read it: renewals and the release write at its resourceVersion. */
    private lease: LeaseObject,
    private readonly opts: AcquireLockOptions,
    private readonly duration: number,
    readonly tookOverFrom?: string,
  ) {
    this.leaseName = lease.metadata.name ?? '';
    this.holder = opts.holder;
    this.expiresAt = Date.now() + duration * 1000;
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
    const startedAt = Date.now();
    const renewed = await attempt(() =>
      this.cluster.replace({ ...this.lease, spec: { ...this.lease.spec, renewTime: microTime() } }),
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
    if (!this.released && this.held && Date.now() >= this.expiresAt) this.markLost(undefined);
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

/** Who holds a release's Lease and until when (undefined when nobody does). */
export async function readLockInfo(
  cluster: Cluster,
  namespace: string,
  name: string,
  now = Date.now(),
): Promise<LockInfo | undefined> {
  const ref = { apiVersion: LEASE_API, kind: 'Lease', name: leaseName(name), namespace };
  const spec = (await readLease(cluster, ref))?.spec;
  if (!spec?.holderIdentity) return undefined;
  const expiry = expiryOf(spec);
  const expiresAt = Number.isNaN(expiry) ? now + (Number(spec.leaseDurationSeconds) || 0) * 1000 : expiry;
  return {
    holder: spec.holderIdentity,
    expiresAt: new Date(expiresAt).toISOString(),
    expired: expiresAt < now,
  };
}
