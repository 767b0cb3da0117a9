import type { ManifestSet } from '../manifests/types.ts';
import { nothingToCopy } from './scope.ts';
import type { CopiesStep, Plan, PlanSettings, Strategy } from './types.ts';

/**
 * Blue-green: the new version runs as `<workload>-green` at full size, is verified, then all
 * traffic switches at once; post-promotion checks can switch back instantly.
 */
export const blueGreen: Strategy<'blue-green'> = {
  name: 'blue-green',
  summary: 'the new version at full size as `<workload>-green`, verified, then all traffic switches at once',
  inputs: { steps: false, workloads: true },
  movesTraffic: true,
  // The copy runs at full size until the switch: a router that sizes copies from the weight cannot.
  routerNeeds: { sizesCopies: false },
  copySuffix: 'green',
  previewService: true,
  // Its metrics run in the pre- and post-promotion analysis steps.
  backgroundAnalysis: false,
  cannotRun: nothingToCopy,
  plan(config: PlanSettings, manifests: ManifestSet): Plan {
    const metrics = config.analysis?.metrics ?? [];
    const steps: CopiesStep[] = [{ kind: 'deploy-new' }];
    if (metrics.some((m) => m.phase === 'pre-promotion'))
      steps.push({ kind: 'analysis', metricPhase: 'pre-promotion' });
    // A pause with a duration promotes by itself once it has passed (Argo's autoPromotionSeconds).
    if (!config.autoPromote)
      steps.push(
        config.autoPromoteAfterMs
          ? { kind: 'pause', durationMs: config.autoPromoteAfterMs }
          : { kind: 'pause' },
      );
    steps.push({ kind: 'switch' });
    if (metrics.some((m) => m.phase === 'post-promotion'))
      steps.push({ kind: 'analysis', metricPhase: 'post-promotion' });
    steps.push({ kind: 'promote' });
    return {
      strategy: 'blue-green',
      mode: 'copies',
      steps,
      workloads: manifests.workloads.map((w) => w.object),
    };
  },
};
