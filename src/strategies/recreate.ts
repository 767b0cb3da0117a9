import type { Config } from '../config/types.ts';
import type { ManifestSet } from '../manifests/types.ts';
import { isDeployment } from '../manifests/workload-views.ts';
import type { Plan, Strategy } from './types.ts';

/** Recreate: every old pod stops before the first new one starts (Deployments); others roll natively. */
export const recreate: Strategy = {
  name: 'recreate',
  movesTraffic: false,
  plan(_config: Config, manifests: ManifestSet): Plan {
    const workloads = manifests.workloads.map(({ object }) => {
      if (!isDeployment(object)) return object;
      const copy = structuredClone(object);
      copy.spec.strategy = { type: 'Recreate' };
      return copy;
    });
    return {
      strategy: 'recreate',
      mode: 'in-place',
      steps: [{ kind: 'apply' }, { kind: 'wait' }],
      workloads,
    };
  },
};
