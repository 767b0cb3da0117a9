// The many-workload fixture apps of issue 17 (test/fixtures/apps: boutique, bookinfo,
// bluegreen-demo, guestbook): every object passes the API server's dry run, v1 of each is released
// with `rolling` through the bundled action and ends consistent and ready, and the routing each
// case of the release matrix (test/helpers/release-matrix.ts) relies on holds in the fixtures.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../helpers/action.ts';
import { entriesReaching, routesOf, workloadOfPod } from '../helpers/app-changes.ts';
import {
  copyApp,
  fixtureWorkloads,
  imageOf,
  MANY_WORKLOAD_APPS,
  optionalFiles,
  waitForHealthyApp,
  type Edit,
} from '../helpers/fixture-apps.ts';
import { waitForReleaseInvariant } from '../helpers/invariant.ts';
import { RELEASE_MATRIX, type MatrixCase } from '../helpers/release-matrix.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const VERSION_LABEL = 'app.kubernetes.io/version';
const kubectlHome = mkdtempSync(join(tmpdir(), 'kubectl-home-'));

let sim: SimCluster;
let n = 0;

function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, HOME: kubectlHome, KUBECACHEDIR: join(kubectlHome, 'cache') };
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', sim.kubeconfigPath, ...args],
      { timeout: 60_000, env },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) || 1 : 0, stdout, stderr }),
    );
  });
}

/** `app` (with `optional` files) applied by kubectl in a namespace of its own and healthy. */
async function applied(app: string, optional: string[] = []): Promise<string> {
  const ns = `${app}-${++n}`;
  const run = await kubectl('apply', '--server-side', '-f', copyApp(sim, app, ns, { optional }));
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await waitForHealthyApp(sim, app, ns, { optional }), []);
  return ns;
}

const dropNamespace = (ns: string) => sim.store.delete('v1', 'Namespace', undefined, ns);

/** The entry kind a router drives, and the object a case names when there are several. */
function routedEntryPrefix(c: MatrixCase, ns: string): string | undefined {
  const inputs = c.runs[0].inputs;
  const kind = { nginx: 'ingress', 'gateway-api': 'httproute', istio: 'virtualservice' }[inputs.traffic];
  if (!kind || inputs.strategy !== 'canary') return undefined;
  const named = inputs['virtual-service'] ?? inputs.route ?? inputs.ingress;
  return named ? `${kind}/${ns}/${named}` : `${kind}/${ns}`;
}

describe('many-workload fixture apps (kubectl and dist/index.js against the simulator)', () => {
  before(async () => {
    sim = await startSimCluster({ timeScale: 0.05, rps: 0 });
  });
  after(() => sim.stop());

  for (const app of MANY_WORKLOAD_APPS) {
    it(`${app}: every object, optional ones included, passes a server-side dry run; nothing is written`, async () => {
      const ns = `${app}-dry-${++n}`;
      const dir = copyApp(sim, app, ns, { optional: optionalFiles(app) });
      sim.resetStats();
      const run = await kubectl('apply', '--server-side', '--dry-run=server', '-f', dir);
      assert.equal(run.stderr, '');
      assert.equal(run.code, 0);
      const lines = run.stdout.trim().split('\n');
      assert.ok(
        lines.every((line) => line.endsWith(' serverside-applied (server dry run)')),
        run.stdout,
      );
      assert.ok(lines.length > fixtureWorkloads(app).length, run.stdout);
      assert.equal(sim.stats().writes, 0);
      assert.equal(sim.stats().dryRun.patch, lines.length, 'one dry-run apply per object');
    });

    it(`${app}: v1 released with rolling ends consistent, every workload ready and labelled v1`, async () => {
      const ns = `${app}-${++n}`;
      const run = await runAction({
        kubeconfig: sim.kubeconfig,
        namespace: ns,
        manifests: copyApp(sim, app, ns),
        name: app,
        version: 'v1',
        strategy: 'rolling',
        comment: 'false',
      });
      assert.equal(run.outputs.result, 'promoted', run.stdout);
      assert.deepEqual(await waitForHealthyApp(sim, app, ns), []);
      const invariant = { name: app, namespace: ns, versionLabel: VERSION_LABEL };
      assert.deepEqual(await waitForReleaseInvariant(sim, invariant), []);
      const pods = sim.store.list('v1', 'Pod', ns).filter((p) => !p.metadata.deletionTimestamp);
      const owners = new Set(pods.map((p) => workloadOfPod(sim, p)));
      assert.deepEqual(
        [...owners].sort(),
        fixtureWorkloads(app)
          .map((w) => w.name)
          .sort(),
      );
      for (const pod of pods) assert.equal(pod.metadata.labels?.[VERSION_LABEL], 'v1', pod.metadata.name);
      dropNamespace(ns);
    });
  }

  it('boutique: the state keeps every object as it ran before the release, without managedFields', async () => {
    const ns = `boutique-${++n}`;
    const manifests = copyApp(sim, 'boutique', ns);
    const release = (version: string) =>
      runAction({
        kubeconfig: sim.kubeconfig,
        namespace: ns,
        manifests,
        name: 'boutique',
        images: imageOf('boutique', 'cart', version),
        comment: 'false',
      });
    assert.equal((await release('v1')).outputs.result, 'promoted');
    const before = new Map(
      sim.store
        .list('apps/v1', 'Deployment', ns)
        .map((d) => [d.metadata.name, d.metadata.resourceVersion] as const),
    );
    assert.equal((await release('v2')).outputs.result, 'promoted');
    const state = JSON.parse(
      sim.store.get('v1', 'ConfigMap', ns, 'kube-rollout-boutique')!.data!['state.json']!,
    ) as { stableSnapshot: Array<{ kind: string; metadata: Record<string, unknown> }> };
    const deployments = state.stableSnapshot.filter((o) => o.kind === 'Deployment');
    assert.equal(deployments.length, fixtureWorkloads('boutique').length);
    for (const d of deployments)
      assert.equal(
        d.metadata.resourceVersion,
        before.get(d.metadata.name as string),
        String(d.metadata.name),
      );
    assert.ok(state.stableSnapshot.length > deployments.length);
    assert.deepEqual(
      state.stableSnapshot.filter((o) => 'managedFields' in o.metadata).map((o) => o.metadata.name),
      [],
    );
    dropNamespace(ns);
  });

  it('the dry run does refuse a wrongly typed field (the check above can fail)', async () => {
    const typo: Edit = (t) => t.replace('replicas: 2\n', 'replicas: two\n');
    const dir = copyApp(sim, 'boutique', `boutique-bad-${++n}`, { edits: [typo] });
    const run = await kubectl('apply', '--server-side', '--dry-run=server', '-f', dir);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /\.spec\.replicas: expected numeric \(int or float\), got string/);
  });

  it('boutique: each Service reaches its own workload only; the load generator has none', async () => {
    const ns = await applied('boutique');
    for (const w of fixtureWorkloads('boutique')) {
      const expected = w.name === 'loadgenerator' ? [] : [`service/${ns}/${w.name}`];
      const reaching = entriesReaching(sim, ns, w.name).filter((e) => e.startsWith('service/'));
      assert.deepEqual(reaching, expected, w.name);
    }
    assert.deepEqual([...routesOf(sim, ns, `ingress/${ns}/boutique`).keys()], ['frontend via frontend']);
    dropNamespace(ns);
  });

  it('bookinfo: Service reviews reaches three Deployments; VirtualService bookinfo only productpage', async () => {
    const ns = await applied('bookinfo', ['reviews-routing']);
    const behindReviews = [...routesOf(sim, ns, `service/${ns}/reviews`, 200).keys()].sort();
    assert.deepEqual(behindReviews, [
      'reviews-v1 via reviews',
      'reviews-v2 via reviews',
      'reviews-v3 via reviews',
    ]);
    assert.deepEqual(
      [...routesOf(sim, ns, `virtualservice/${ns}/bookinfo`).keys()],
      ['productpage-v1 via productpage'],
    );
    assert.deepEqual(
      [...routesOf(sim, ns, `virtualservice/${ns}/reviews`).keys()],
      ['reviews-v1 via reviews'],
    );
    dropNamespace(ns);
  });

  it('bluegreen-demo: the main and the preview Ingress reach the app through their own Service', async () => {
    const ns = await applied('bluegreen-demo');
    const via = (ingress: string) => [...routesOf(sim, ns, `ingress/${ns}/${ingress}`).keys()];
    assert.deepEqual(via('bluegreen-demo'), ['bluegreen-demo via bluegreen-demo']);
    assert.deepEqual(via('bluegreen-demo-preview'), ['bluegreen-demo via bluegreen-demo-preview']);
    dropNamespace(ns);
  });

  for (const c of RELEASE_MATRIX) {
    if (!routedEntryPrefix(c, 'ns')) continue;
    const refused = c.runs.some((r) => r.refusedBeforeWrite);
    it(`matrix premise: ${c.title}: the router's object ${refused ? 'does not reach' : 'reaches'} ${c.changes[0]}`, async () => {
      const ns = await applied(c.app, c.optional);
      const prefix = routedEntryPrefix(c, ns)!;
      const routed = entriesReaching(sim, ns, c.changes[0]).filter(
        (e) => e === prefix || e.startsWith(`${prefix}/`),
      );
      if (refused) assert.deepEqual(routed, []);
      else assert.notDeepEqual(routed, [], `no ${prefix}* entry reaches ${c.changes[0]}`);
      dropNamespace(ns);
    });
  }
});
