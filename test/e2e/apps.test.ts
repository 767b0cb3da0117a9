// Realistic apps (test/fixtures/apps): several kinds per app, an HPA scaling the served workload,
// PDBs, CronJob, PVC, NetworkPolicy, RBAC, config and secrets; released through the bundled action
// with every strategy while the HPA keeps its target and its replica decisions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction } from '../helpers/action.ts';
import { copyApp, type Edit } from '../helpers/fixture-apps.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

/** The managedFields entries read here. */
type ManagedFields = Array<{ manager?: string; fieldsV1?: { 'f:spec'?: { 'f:replicas'?: unknown } } }>;

/** A copy of a fixture app in namespace `ns`, with a text edit applied to every file. */
const appCopy = (app: string, ns: string, edit?: Edit): string =>
  copyApp(sim, app, ns, { edits: edit ? [edit] : [] });

/** The summary's Markdown without its escapes. */
const unescaped = (markdown: string) => markdown.replaceAll('\\', '');

async function eventually<T>(read: () => T | undefined | false, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = read();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let sim: SimCluster;

describe('realistic apps with an HPA (dist/index.js against the simulator)', () => {
  let n = 0;
  const deployment = (ns: string, name: string) => sim.store.get('apps/v1', 'Deployment', ns, name);
  const hpa = (ns: string, name: string) =>
    sim.store.get('autoscaling/v2', 'HorizontalPodAutoscaler', ns, name);
  const base = (namespace: string, manifests: string) => ({
    kubeconfig: sim.kubeconfig,
    namespace,
    manifests,
    'version-label': 'version',
    comment: 'false',
    'scale-down-delay': '0s',
  });
  const ownsReplicas = (ns: string, name: string, manager: string) =>
    ((deployment(ns, name)?.metadata.managedFields ?? []) as ManagedFields).some(
      (m) => m.manager === manager && m.fieldsV1?.['f:spec']?.['f:replicas'] !== undefined,
    );

  /** shop v1 released, its HPA at 6 replicas after load. */
  async function shopAtSix(): Promise<{ ns: string; dir: (edit?: Edit) => string }> {
    const ns = `shop-${++n}`;
    const dir = (edit?: Edit) => appCopy('shop', ns, edit);
    const first = await runAction({ ...base(ns, dir()), images: 'registry.local:5000/shop/web:v1' });
    assert.equal(first.outputs.result, 'promoted', first.stdout);
    await eventually(() => deployment(ns, 'web')?.spec.replicas === 3, 'HPA minimum of 3');
    sim.setUtilization(ns, 'web', 120); // 3 pods at twice the 60% target → 6
    await eventually(() => deployment(ns, 'web')?.status?.readyReplicas === 6, 'HPA scale-out to 6 ready');
    return { ns, dir };
  }

  function assertHpaKept(ns: string, replicas = 6): void {
    const d = deployment(ns, 'web')!;
    assert.equal(d.spec.replicas, replicas, 'the HPA decision stands');
    assert.equal(hpa(ns, 'web')!.spec.scaleTargetRef.name, 'web');
    assert.equal(ownsReplicas(ns, 'web', 'kube-rollout'), false, 'kube-rollout never owns spec.replicas');
    assert.equal(deployment(ns, 'web-canary') ?? deployment(ns, 'web-green'), undefined);
  }

  before(async () => {
    sim = await startSimCluster({ timeScale: 0.05 });
  });
  after(() => sim.stop());

  it('rolling: several Deployments in one file; the autoscaled one keeps its count, the other its manifest count', async () => {
    const ns = `workers-${++n}`;
    const first = await runAction({
      ...base(ns, appCopy('workers', ns)),
      images: 'registry.local:5000/shop/consumer:v1',
    });
    assert.equal(first.outputs.result, 'promoted', first.stdout);
    await eventually(() => deployment(ns, 'queue-consumer')?.spec.replicas === 2, 'HPA minimum');
    sim.setUtilization(ns, 'queue-consumer', 200); // 2 pods at 2.5× the default 80% → 5
    await eventually(() => deployment(ns, 'queue-consumer')?.spec.replicas === 5, 'scale-out');
    const run = await runAction({
      ...base(ns, appCopy('workers', ns)),
      images: 'registry.local:5000/shop/consumer:v2,registry.local:5000/shop/mailer:v2',
    });
    assert.equal(run.outputs.result, 'promoted', run.stdout);
    assert.equal(deployment(ns, 'queue-consumer')!.spec.replicas, 5);
    assert.match(deployment(ns, 'queue-consumer')!.spec.template.spec.containers[0].image, /consumer:v2$/);
    assert.equal(deployment(ns, 'mailer')!.spec.replicas, 2);
    assert.match(
      unescaped(run.summary),
      /HorizontalPodAutoscaler queue-consumer scales Deployment queue-consumer \(min 2, max 10\): spec.replicas was left to it \(live count 5\)/,
    );
    assert.match(
      unescaped(run.summary),
      /PodDisruptionBudget mailer \(minAvailable 2\) allows no disruption of Deployment mailer/,
    );
    assert.ok(sim.store.get('batch/v1', 'CronJob', ns, 'cleanup') === undefined);
  });

  it('canary with the replicas router: stable keeps the HPA count, the canary is sized from it, promotion keeps the HPA', async () => {
    const { ns, dir } = await shopAtSix();
    const inputs = {
      ...base(ns, dir()),
      strategy: 'canary',
      traffic: 'replicas',
      images: 'registry.local:5000/shop/web:v2',
      steps: stringify([{ setWeight: 50 }, { pause: {} }]),
    };
    const paused = await runAction(inputs);
    assert.equal(paused.outputs.result, 'paused', paused.stdout);
    assert.equal(deployment(ns, 'web')!.spec.replicas, 6, 'stable not shrunk under its HPA');
    assert.equal(deployment(ns, 'web-canary')!.spec.replicas, 3, 'canary: 50% of the live 6');
    sim.setUtilization(ns, 'web', 80); // stable's 6 pods at 80% of a 60% target → 8
    await eventually(() => deployment(ns, 'web')?.spec.replicas === 8, 'HPA acts while paused');
    const done = await runAction({ ...inputs, action: 'promote', name: 'web', manifests: '' });
    assert.equal(done.outputs.result, 'promoted', done.stdout);
    assertHpaKept(ns, 8);
    // The HPA never had to take its count back: one rescale to 6, one to 8.
    const rescales = sim.store
      .list('v1', 'Event', ns)
      .filter((e) => e.reason === 'SuccessfulRescale')
      .map((e) => `${String(e.message).split(';')[0]} ×${e.count}`)
      .sort();
    assert.deepEqual(rescales, ['New size: 3 ×1', 'New size: 6 ×1', 'New size: 8 ×1']);
    assert.equal(deployment(ns, 'web')!.spec.template.metadata.labels.version, 'v2');
    for (const [v, k] of [
      ['batch/v1', 'CronJob'],
      ['v1', 'PersistentVolumeClaim'],
      ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['policy/v1', 'PodDisruptionBudget'],
    ]) {
      assert.equal(sim.store.list(v, k, ns).length, 1, `${k} applied`);
    }
  });

  it('canary with the nginx router: copies sized from the live count, the HPA keeps scaling during the release', async () => {
    const { ns, dir } = await shopAtSix();
    const inputs = {
      ...base(ns, dir()),
      strategy: 'canary',
      traffic: 'nginx',
      images: 'registry.local:5000/shop/web:v2',
      steps: stringify([{ setWeight: 20 }, { pause: {} }]),
    };
    const paused = await runAction(inputs);
    assert.equal(paused.outputs.result, 'paused', paused.stdout);
    assert.equal(deployment(ns, 'web-canary')!.spec.replicas, 6);
    sim.setUtilization(ns, 'web', 80); // 6 pods at 80% of a 60% target → 8
    await eventually(() => deployment(ns, 'web')?.spec.replicas === 8, 'HPA acts mid-release');
    const done = await runAction({ ...inputs, action: 'promote', name: 'web', manifests: '' });
    assert.equal(done.outputs.result, 'promoted', done.stdout);
    assertHpaKept(ns, 8);
  });

  /** The router's own object for web, appended to web.yaml (the fixture carries an Ingress only). */
  const routeFor = (traffic: string, ns: string): string =>
    traffic === 'gateway-api'
      ? `---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n  rules:\n    - backendRefs:\n        - name: web\n          port: 80\n`
      : traffic === 'istio'
        ? `---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n  hosts: [web.example]\n  http:\n    - route:\n        - destination:\n            host: web\n            port:\n              number: 80\n`
        : '';

  for (const traffic of ['gateway-api', 'istio', 'smi']) {
    it(`canary with the ${traffic} router: the HPA keeps its target and its count through promotion`, async () => {
      const { ns, dir } = await shopAtSix();
      const withRoute = (t: string) => (/^kind: Service$/m.test(t) ? t + routeFor(traffic, ns) : t);
      const inputs = {
        ...base(ns, dir(withRoute)),
        strategy: 'canary',
        traffic,
        images: 'registry.local:5000/shop/web:v2',
        steps: stringify([{ setWeight: 30 }, { pause: '1s' }]),
      };
      const run = await runAction(inputs);
      assert.equal(run.outputs.result, 'promoted', run.stdout);
      assertHpaKept(ns);
    });
  }

  it('blue-green: green sized from the live count; the served Deployment keeps its name and its HPA', async () => {
    const { ns, dir } = await shopAtSix();
    const run = await runAction({
      ...base(ns, dir()),
      strategy: 'blue-green',
      images: 'registry.local:5000/shop/web:v2',
    });
    assert.equal(run.outputs.result, 'promoted', run.stdout);
    assertHpaKept(ns);
    assert.equal(deployment(ns, 'web')!.spec.template.metadata.labels.version, 'v2');
    assert.match(
      unescaped(run.summary),
      /HorizontalPodAutoscaler web scales Deployment web \(min 3, max 8\)/,
    );
  });

  it('a broken version is rolled back and the HPA count stays', async () => {
    const { ns, dir } = await shopAtSix();
    const broken = dir((t) =>
      t.replace(
        "name: SIM_CRASH\n              value: 'false'",
        "name: SIM_CRASH\n              value: 'true'",
      ),
    );
    const run = await runAction({
      ...base(ns, broken),
      strategy: 'canary',
      traffic: 'replicas',
      images: 'registry.local:5000/shop/web:v3',
      steps: stringify([{ setWeight: 50 }, { pause: { duration: '5s' } }]),
    });
    assert.equal(run.outputs.result, 'rolled-back', run.stdout);
    assertHpaKept(ns);
    assert.equal(deployment(ns, 'web')!.spec.template.metadata.labels.version, 'v1');
  });

  it('wrongly typed objects are refused at the dry-run with the server message, before any write', async () => {
    const ns = `shop-${++n}`;
    const bad = appCopy('shop', ns, (t) =>
      t.replace('password: bm90LWEtcmVhbC1wYXNzd29yZA==', 'password: not-base64!'),
    );
    sim.resetStats();
    const run = await runAction({ ...base(ns, bad), images: 'registry.local:5000/shop/web:v1' });
    assert.notEqual(run.code, 0);
    assert.match(
      run.stdout + run.stderr,
      /Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3/,
    );
    assert.equal(sim.stats().writes, 0);

    const typed = appCopy('shop', ns, (t) => t.replace('maxReplicas: 8', 'maxReplicas: eight'));
    const second = await runAction({ ...base(ns, typed), images: 'registry.local:5000/shop/web:v1' });
    assert.notEqual(second.code, 0);
    assert.match(
      second.stdout + second.stderr,
      new RegExp(
        `failed to create typed patch object \\(${ns}/web; autoscaling/v2, Kind=HorizontalPodAutoscaler\\): \\.spec\\.maxReplicas: expected numeric \\(int or float\\), got string`,
      ),
    );
    assert.equal(sim.stats().writes, 0);
  });
});
