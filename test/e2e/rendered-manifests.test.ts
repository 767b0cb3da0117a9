// Issue 12, end to end: a kustomize overlay and a Helm chart (through a stand-in helm that prints
// the chart's pre-rendered output) released by the bundled action like plain manifest files.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../helpers/action.ts';
import { standInHelm } from '../helpers/stand-in-helm.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

describe('kustomize and Helm sources (dist/index.js against the simulator)', () => {
  let sim: SimCluster;
  const inputs = () => ({
    kubeconfig: sim.kubeconfig,
    'version-label': 'version',
    comment: 'false',
    'lock-timeout': '20s',
  });
  const deployment = (namespace: string) => sim.store.get('apps/v1', 'Deployment', namespace, 'web')!;

  before(async () => {
    sim = await startSimCluster();
    for (const name of ['kust', 'charts'])
      sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  });
  after(async () => {
    await sim.stop();
  });

  it('manifests: kustomize/overlays/prod releases like plain files, the images input applied after rendering', async () => {
    const base = { ...inputs(), namespace: 'kust', manifests: 'kustomize/overlays/prod' };
    const first = await runAction({ ...base, version: 'v1' }, { cwd: FIXTURES });
    assert.equal(first.code, 0, first.stdout);
    assert.equal(
      deployment('kust').spec.template.spec.containers[0].image,
      `${IMAGE}:v1`,
      "the overlay's tag",
    );
    const second = await runAction({ ...base, images: `${IMAGE}:v2` }, { cwd: FIXTURES });
    assert.equal(second.code, 0, second.stdout);
    assert.equal(second.outputs.result, 'promoted');
    assert.equal(second.outputs['previous-version'], 'v1');
    const live = deployment('kust');
    assert.equal(live.spec.replicas, 3, "the overlay's patch");
    assert.equal(live.metadata.labels?.tier, 'prod', "the overlay's label");
    assert.equal(live.spec.template.spec.containers[0].image, `${IMAGE}:v2`);
    assert.equal(live.status.updatedReplicas, 3);
    assert.ok(sim.store.get('v1', 'Service', 'kust', 'web'), 'the Service from the base');
  });

  it('a broken overlay fails the step with an annotation on its kustomization file, nothing written', async () => {
    const run = await runAction(
      { ...inputs(), namespace: 'broken', manifests: 'kustomize/overlays/broken' },
      { cwd: FIXTURES },
    );
    assert.equal(run.code, 1);
    assert.ok(
      run.annotations.some((a) =>
        /^::error .*file=kustomize\/overlays\/broken\/kustomization\.yaml.*kubectl kustomize failed/.test(a),
      ),
      run.annotations.join('\n'),
    );
    assert.equal(sim.store.get('apps/v1', 'Deployment', 'broken', 'web'), undefined);
  });

  it('helm-chart with values and set lines renders through helm on PATH and releases the output', async () => {
    const helm = standInHelm();
    const run = await runAction(
      {
        ...inputs(),
        namespace: 'charts',
        'helm-chart': 'helm/web',
        'helm-values': 'helm/values-prod.yaml',
        'helm-set': 'startupSeconds=1',
        images: `${IMAGE}:v5`,
      },
      { cwd: FIXTURES, env: { PATH: helm.path } },
    );
    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual(helm.calls()[0].argv, [
      'template',
      'web',
      'helm/web',
      '--namespace',
      'charts',
      '-f',
      'helm/values-prod.yaml',
      '--set',
      'startupSeconds=1',
    ]);
    assert.equal(run.outputs.version, 'v5');
    const live = deployment('charts');
    assert.equal(live.spec.replicas, 3);
    assert.equal(live.spec.template.spec.containers[0].image, `${IMAGE}:v5`);
    assert.equal(live.status.readyReplicas, 3);
  });

  it('helm-chart without helm on PATH fails naming the binary, nothing written', async () => {
    const run = await runAction(
      { ...inputs(), namespace: 'nohelm', 'helm-chart': 'helm/web' },
      { cwd: FIXTURES, env: { PATH: path.dirname(process.execPath) } },
    );
    assert.equal(run.code, 1);
    assert.match(run.stdout, /helm is not on PATH/);
    assert.equal(sim.store.get('apps/v1', 'Deployment', 'nohelm', 'web'), undefined);
  });
});
