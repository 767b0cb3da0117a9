// The two clocks a run reads, kept apart. The wall clock gives the times people read (reports, the
// Lease's renewTime); another machine's wall clock may run hours ahead or behind ours, so no
// decision compares the two. The monotonic clock measures elapsed time on this machine only (lease
// expiry, lock timeouts): neither another machine's clock nor a step of our own wall clock moves it.

/** Wall-clock time now. */
export type WallClock = () => Date;
/** Milliseconds since an arbitrary origin of this process; only differences mean anything. */
export type MonotonicClock = () => number;

export const wallClock: WallClock = () => new Date();
export const monotonicClock: MonotonicClock = () => performance.now();
