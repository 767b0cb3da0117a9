// Preloaded into a child action process (NODE_OPTIONS=--import) to give it a wall clock that is
// SKEWED_CLOCK_MS off this machine's, like a runner whose clock is wrong: `new Date()` and
// `Date.now()` move, performance.now() (the monotonic clock) does not. Test-only: the action
// itself has no setting for this.
const skewMs = Number(process.env.SKEWED_CLOCK_MS ?? 0);
const RealDate = globalThis.Date;

class SkewedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + skewMs);
    else super(...args);
  }

  static now() {
    return RealDate.now() + skewMs;
  }
}

globalThis.Date = SkewedDate;
