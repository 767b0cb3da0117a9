// The release scenarios of the real-cluster workflow (.github/workflows/e2e.yml), run here against
// the simulator from the same list (test/e2e/scenarios.json), so the two cannot drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction } from '../helpers/action.ts';
import { writeApp } from '../helpers/manifests.ts';
import { startPrometheus, type RunningPrometheus } from '@kube-rollout/kube-sim/prometheus';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

export interface Scenario {
  id: string;
  title: string;
  strategy: string;
  traffic?: string;
  steps?: string;
  breaks?: 'crash-loop';
  gate?: Record<string, unknown>;
  result: string;
  promote?: string;
}
export const SCENARIOS: { errorRate: { sim: string; kind: string }; scenarios: Scenario[] } = JSON.parse(
  readFileSync(new URL('./scenarios.json', import.meta.url), 'utf8'),
);

const IMAGE = 'registry.local:5000/acme/web';

describe('the e2e workflow scenarios (dist/index.js against the simulator)', { concurrency: true }, () => {
  let sim: SimCluster;
  let prometheus: RunningPrometheus;

  before(async () => {
    sim = await startSimCluster();
    prometheus = await startPrometheus({ targets: [new URL(sim.metricsUrl).host], scrapeIntervalMs: 1000 });
  });
  after(async () => {
    await prometheus?.stop();
    await sim?.stop();
  });

  for (const scenario of SCENARIOS.scenarios) {
    it(`${scenario.id}: ${scenario.title} → ${scenario.result}${scenario.promote ? `, promote → ${scenario.promote}` : ''}`, async () => {
      const namespace = `scenario-${scenario.id}`;
      sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      const app = { replicas: 4, ingress: scenario.traffic === 'nginx' };
      const base = {
        kubeconfig: sim.kubeconfig,
        namespace,
        'version-label': 'version',
        comment: 'false',
        'scale-down-delay': '1s',
      };
      const stable = await runAction({ ...base, manifests: writeApp(app), images: `${IMAGE}:v1` });
      assert.equal(stable.outputs.result, 'promoted', stable.stdout);

      const env: Record<string, string> = scenario.breaks === 'crash-loop' ? { SIM_CRASH: 'true' } : {};
      const release = await runAction({
        ...base,
        manifests: writeApp({ ...app, env }),
        images: `${IMAGE}:v2`,
        strategy: scenario.strategy,
        ...(scenario.traffic ? { traffic: scenario.traffic } : {}),
        ...(scenario.steps ? { steps: scenario.steps } : {}),
        ...(scenario.gate
          ? {
              analysis: stringify({ metrics: [{ ...scenario.gate, query: SCENARIOS.errorRate.sim }] }),
              'prometheus-url': prometheus.url,
            }
          : {}),
      });
      assert.equal(release.outputs.result, scenario.result, release.stdout);
      if (scenario.gate) assert.match(release.stdout, /error-rate: Successful/);
      const serving = scenario.result === 'promoted' ? 'v2' : 'v1';
      assert.equal(sim.traffic.sendRequest(`service/${namespace}/web`).version, serving);

      if (!scenario.promote) return;
      const promote = await runAction({ ...base, action: 'promote', name: 'web' });
      assert.equal(promote.outputs.result, scenario.promote, promote.stdout);
      assert.equal(sim.traffic.sendRequest(`service/${namespace}/web`).version, 'v2');
    });
  }
});
