// Issue 21, end to end: Argo Rollouts manifests (test/fixtures/argo) released as they are by the
// bundled action against the simulator, without any Argo controller: each example is released,
// promoted, then a broken version is rolled back, and every run ends with the release invariant.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAction, type ActionRun } from '../helpers/action.ts';
import { waitForReleaseInvariant } from '../helpers/invariant.ts';
import { startPrometheus, type RunningPrometheus } from '@kube-rollout/kube-sim/prometheus';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/argo');
const fixture = (...files: string[]) => files.map((f) => join(FIXTURES, f)).join('\n');
/** An image the simulated kubelet cannot pull: the new pods never start. */
const BROKEN_TAG = 'does-not-exist-v3';

/** Share (0–100) of `n` requests through `entry` answered by `version`. */
function measuredShare(
  sim: SimCluster,
  entry: string,
  version: string,
  n = 2000,
  headers?: Record<string, string>,
) {
  let hits = 0;
  for (let i = 0; i < n; i++)
    if (sim.traffic.sendRequest(entry, headers ? { headers } : {}).version === version) hits++;
  return (hits / n) * 100;
}

describe(
  'Argo Rollouts manifests (dist/index.js, simulated cluster, real Prometheus)',
  { concurrency: true },
  () => {
    let sim: SimCluster;
    let prometheus: RunningPrometheus;
    let ns = 0;

    function namespace(): string {
      const name = `argo-${++ns}`;
      sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      return name;
    }
    const base = (namespace: string) => ({
      kubeconfig: sim.kubeconfig,
      namespace,
      'version-label': 'version',
      comment: 'false',
    });
    const deployment = (namespace: string, name: string) =>
      sim.store.get('apps/v1', 'Deployment', namespace, name);
    const servedVersion = (namespace: string, name: string) =>
      deployment(namespace, name)?.spec.template.metadata.labels.version;

    async function invariant(name: string, namespace: string): Promise<void> {
      assert.deepEqual(await waitForReleaseInvariant(sim, { name, namespace }), [], `invariant of ${name}`);
    }

    /** Releases `manifests` at `tag`; asserts the result and the invariant. */
    async function release(
      namespace: string,
      name: string,
      manifests: string,
      tag: string,
      expected: string,
      extra: Record<string, string> = {},
    ): Promise<ActionRun> {
      const run = await runAction({
        ...base(namespace),
        manifests,
        images: `registry.local:5000/acme/${name}:${tag}`,
        ...extra,
      });
      assert.equal(run.outputs.result, expected, run.stdout);
      await invariant(name, namespace);
      return run;
    }

    const promote = (namespace: string, name: string, expected: string) =>
      release(namespace, name, '', 'unused', expected, { action: 'promote', name, images: '' });

    /** A rollback of a version whose pods cannot start: stable keeps serving. */
    async function brokenIsRolledBack(namespace: string, name: string, manifests: string, stable: string) {
      const run = await release(namespace, name, manifests, BROKEN_TAG, 'rolled-back');
      assert.equal(run.code, 1);
      assert.match(
        run.outputs['rollback-reason'],
        /ErrImagePull|ImagePullBackOff/,
        run.outputs['rollback-reason'],
      );
      assert.equal(servedVersion(namespace, name), stable);
      assert.equal(
        deployment(namespace, `${name}-canary`) ?? deployment(namespace, `${name}-green`),
        undefined,
      );
    }

    before(async () => {
      sim = await startSimCluster();
      prometheus = await startPrometheus({ targets: [new URL(sim.metricsUrl).host], scrapeIntervalMs: 1000 });
    });
    after(async () => {
      await prometheus?.stop();
      await sim?.stop();
    });

    it("basic canary: setWeight 10 of 3 replicas is 1 canary pod beside 3 stable (Argo's arithmetic), then promoted; a broken version is rolled back", async () => {
      const ns = namespace();
      const manifests = fixture('basic-canary/rollout.yaml');
      const first = await release(ns, 'shop', manifests, 'v1', 'promoted');
      assert.match(first.summary, /first release of shop/);
      assert.equal(
        sim.store.get('argoproj.io/v1alpha1', 'Rollout', ns, 'shop'),
        undefined,
        'the Rollout is never applied',
      );
      assert.equal(
        deployment(ns, 'shop')!.spec.revisionHistoryLimit,
        4,
        'Deployment fields of the Rollout are kept',
      );

      await release(ns, 'shop', manifests, 'v2', 'paused');
      assert.equal(deployment(ns, 'shop-canary')!.spec.replicas, 1);
      assert.equal(deployment(ns, 'shop')!.spec.replicas, 3);
      const share = measuredShare(sim, `service/${ns}/shop`, 'v2');
      assert.ok(Math.abs(share - 25) <= 6, `1 canary pod of 4 carries about 25%: ${share}`);

      await promote(ns, 'shop', 'promoted');
      assert.equal(servedVersion(ns, 'shop'), 'v2');
      await brokenIsRolledBack(ns, 'shop', manifests, 'v2');
    });

    it('nginx canary: header route, setCanaryScale and weights through the canary Ingress; a broken version is rolled back', async () => {
      const ns = namespace();
      const manifests = fixture('nginx-canary/app.yaml');
      await release(ns, 'cart', manifests, 'v1', 'promoted');
      const paused = await release(ns, 'cart', manifests, 'v2', 'paused');
      assert.equal(paused.outputs['canary-weight'], '20');
      assert.equal(deployment(ns, 'cart-canary')!.spec.replicas, 1, 'setCanaryScale replicas: 1');
      const entry = `ingress/${ns}/cart`;
      assert.equal(
        measuredShare(sim, entry, 'v2', 200, { 'X-Tester': 'yes' }),
        100,
        'the header route reaches v2',
      );
      const share = measuredShare(sim, entry, 'v2');
      assert.ok(Math.abs(share - 20) <= 5, `weight 20: ${share}`);

      await promote(ns, 'cart', 'promoted');
      assert.equal(servedVersion(ns, 'cart'), 'v2');
      assert.equal(measuredShare(sim, entry, 'v2', 200), 100);
      await brokenIsRolledBack(ns, 'cart', manifests, 'v2');
    });

    it('blue-green with autoPromotionEnabled: the preview Service selects the new version, the active Service is switched; a broken version is rolled back', async () => {
      const ns = namespace();
      const manifests = fixture('blue-green/app.yaml');
      await release(ns, 'pay', manifests, 'v1', 'promoted');
      const previewSeen: string[] = [];
      const run = await runAction(
        { ...base(ns), manifests, images: 'registry.local:5000/acme/pay:v2' },
        {
          onStdout: () => {
            const preview = sim.store.get('v1', 'Service', ns, 'pay-preview');
            if (preview?.spec.selector?.version) previewSeen.push(preview.spec.selector.version);
          },
        },
      );
      assert.equal(run.outputs.result, 'promoted', run.stdout);
      await invariant('pay', ns);
      assert.ok(
        previewSeen.includes('v2'),
        `the preview Service selected v2 before the switch: ${previewSeen.join(',')}`,
      );
      assert.equal(measuredShare(sim, `service/${ns}/pay`, 'v2', 200), 100, 'the active Service serves v2');
      await brokenIsRolledBack(ns, 'pay', manifests, 'v2');
      assert.equal(measuredShare(sim, `service/${ns}/pay`, 'v2', 200), 100);
    });

    it('an analysis step with a Job template: passing is promoted, failing is rolled back', async () => {
      const ns = namespace();
      await release(
        ns,
        'orders',
        fixture('job-analysis/rollout.yaml', 'job-analysis/integration-pass.yaml'),
        'v1',
        'promoted',
      );
      const passed = await release(
        ns,
        'orders',
        fixture('job-analysis/rollout.yaml', 'job-analysis/integration-pass.yaml'),
        'v2',
        'promoted',
      );
      assert.match(
        passed.stdout,
        /templates: \[\{templateName: integration\}\]/,
        'the older templateName form is named',
      );
      const failed = await release(
        ns,
        'orders',
        fixture('job-analysis/rollout.yaml', 'job-analysis/integration-fail.yaml'),
        'v3',
        'rolled-back',
      );
      assert.match(failed.outputs['rollback-reason'], /integration-tests \(job\)/);
      assert.equal(servedVersion(ns, 'orders'), 'v2');
    });

    it('a Prometheus success-rate template with args: 0% errors is promoted, 50% errors is rolled back', async () => {
      const ns = namespace();
      const dir = mkdtempSync(join(tmpdir(), 'kr-argo-prom-'));
      cpSync(join(FIXTURES, 'prometheus'), dir, { recursive: true });
      const manifests = `${dir}/rollout.yaml\n${dir}/success-rate.yaml`;
      const extra = { 'prometheus-url': prometheus.url };
      await release(ns, 'search', manifests, 'v1', 'promoted', extra);
      const good = await release(ns, 'search', manifests, 'v2', 'promoted', extra);
      assert.match(good.stdout, /success-rate: Successful \(1\)/);
      const rollout = readFileSync(`${dir}/rollout.yaml`, 'utf8');
      writeFileSync(`${dir}/rollout.yaml`, rollout.replace(/(SIM_ERROR_RATE\s+value: )'0'/, "$1'0.5'"));
      const bad = await release(ns, 'search', manifests, 'v3', 'rolled-back', extra);
      assert.match(
        bad.outputs['rollback-reason'],
        /success-rate \(prometheus\)/,
        bad.outputs['rollback-reason'],
      );
      assert.equal(servedVersion(ns, 'search'), 'v2');
    });

    it('the tutorial: blue, then green with a passing smoke Job is promoted, then a failing one is rolled back during its pause', async () => {
      const ns = namespace();
      const pass = fixture('tutorial/rollout.yaml', 'tutorial/smoke-pass.yaml');
      await release(ns, 'rollouts-demo', pass, 'blue', 'promoted');
      await release(ns, 'rollouts-demo', pass, 'green', 'promoted');
      assert.equal(servedVersion(ns, 'rollouts-demo'), 'green');

      let analysisStart = 0;
      let rollbackAt = 0;
      const run = await runAction(
        {
          ...base(ns),
          manifests: fixture('tutorial/rollout.yaml', 'tutorial/smoke-fail.yaml'),
          images: 'registry.local:5000/acme/rollouts-demo:yellow',
        },
        {
          onStdout: (chunk) => {
            // Background analysis starts with the first step (startingStep 0).
            if (!analysisStart && /setWeight 10/.test(chunk)) analysisStart = Date.now();
            if (!rollbackAt && /rolling back|::group::rollback/.test(chunk)) rollbackAt = Date.now();
          },
        },
      );
      assert.equal(run.outputs.result, 'rolled-back', run.stdout);
      assert.match(
        run.outputs['rollback-reason'],
        /smoke \(job\).* in 2 of 2 measurements \(failureLimit 1\)/,
        run.outputs['rollback-reason'],
      );
      assert.equal(servedVersion(ns, 'rollouts-demo'), 'green');
      await invariant('rollouts-demo', ns);
      console.log(
        `# tutorial: rolled back ${((rollbackAt - analysisStart) / 1000).toFixed(1)} s after the analysis started (interval 15 s)`,
      );
    });

    it('`Strategy:` (capital S) is refused with its file, line and a suggestion, before any write', async () => {
      const ns = namespace();
      const run = await runAction({
        ...base(ns),
        manifests: fixture('refused/capital-strategy.yaml'),
        images: 'registry.local:5000/acme/news:v2',
      });
      assert.equal(run.outputs.result, 'failed');
      assert.equal(run.code, 1);
      const annotation = run.annotations.find((a) => a.includes('spec.Strategy'));
      assert.ok(annotation, run.stdout);
      assert.match(annotation, /file=.*capital-strategy\.yaml,line=30/);
      assert.match(annotation, /did you mean "strategy"\?/);
      assert.equal(deployment(ns, 'news'), undefined);
      assert.equal(sim.store.list('v1', 'ConfigMap', ns).length, 0, 'nothing written');
      assert.equal(sim.store.list('coordination.k8s.io/v1', 'Lease', ns).length, 0);
    });

    it('a Rollout of that name in the cluster, or an input that contradicts the Rollout, is refused naming both, before any write', async () => {
      const ns = namespace();
      const manifests = fixture('basic-canary/rollout.yaml');
      const contradicted = await runAction({
        ...base(ns),
        manifests,
        images: 'registry.local:5000/acme/shop:v1',
        strategy: 'rolling',
      });
      assert.equal(contradicted.outputs.result, 'failed');
      assert.match(
        contradicted.stdout,
        /input 'strategy': says 'rolling', but Rollout shop \(.*rollout\.yaml:14\) sets it with spec\.strategy\.canary/,
      );
      sim.store.create({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'shop', namespace: ns },
        spec: { selector: { matchLabels: { app: 'shop' } } },
      });
      const owned = await runAction({ ...base(ns), manifests, images: 'registry.local:5000/acme/shop:v1' });
      assert.equal(owned.outputs.result, 'failed');
      assert.match(
        owned.stdout,
        /the cluster already has Rollout shop in namespace argo-\d+: the Argo controller owns that app/,
      );
      assert.equal(deployment(ns, 'shop'), undefined, 'nothing written');
      assert.equal(sim.store.get('v1', 'Service', ns, 'shop'), undefined);
      assert.equal(sim.store.list('coordination.k8s.io/v1', 'Lease', ns).length, 0);
    });
  },
);
