// Several lanes (one per workload released as a copy) moved as one: every lane takes the same
// weight and header routes; a reset resets every lane even when one of them fails.
import type { HeaderRoute, TrafficRouter } from './types.ts';

export function allLanes(routers: readonly TrafficRouter[]): TrafficRouter {
  if (routers.length === 1) return routers[0]!;
  const each = (call: (r: TrafficRouter) => Promise<void>) => Promise.all(routers.map(call)).then(() => {});
  return {
    name: routers[0]?.name ?? 'none',
    prepare: () => each((r) => r.prepare()),
    setWeight: (percent) => each((r) => r.setWeight(percent)),
    // The lanes move together; a run that died between two lanes' writes is evened out by the
    // next setWeight, which writes every lane.
    getWeight: () => routers[0]?.getWeight() ?? Promise.resolve(0),
    setHeaderRoute: (route: HeaderRoute | null, name?: string) => each((r) => r.setHeaderRoute(route, name)),
    reset: async () => {
      const failed = (await Promise.allSettled(routers.map((r) => r.reset()))).flatMap((s) =>
        s.status === 'rejected' ? [s.reason instanceof Error ? s.reason.message : String(s.reason)] : [],
      );
      if (failed.length) throw new Error(failed.join('; '));
    },
  };
}
