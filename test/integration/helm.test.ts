// Helm inputs: the `helm template` argv built from helm-chart / helm-values / helm-set, checked
// through a stand-in `helm` on PATH; the missing-binary and failed-render errors; config parsing.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildConfig, inputsOf } from '../../src/config/index.ts';
import { InputError, InputErrors } from '../../src/errors.ts';
import { loadReleaseObjects } from '../../src/manifests/index.ts';
import { standInHelm, type StandInHelm } from '../helpers/stand-in-helm.ts';

const WORKSPACE = path.resolve(import.meta.dirname, '../fixtures');
const sources = {
  manifests: [],
  helm: { chart: 'helm/web', values: ['helm/values-prod.yaml'], set: ['startupSeconds=1', 'a=1,b=2'] },
  namespace: 'shop',
  workspace: WORKSPACE,
};

async function loadError(extra: object = {}): Promise<InputError> {
  const err = await loadReleaseObjects({ ...sources, ...extra }).then(
    () => assert.fail('expected an InputError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof InputError, String(err));
  return err;
}

describe('helm template through a stand-in helm on PATH', () => {
  let helm: StandInHelm;
  const savedPath = process.env.PATH;
  before(() => {
    helm = standInHelm();
    process.env.PATH = helm.path;
  });
  after(() => {
    process.env.PATH = savedPath;
    delete process.env.STAND_IN_HELM_FAIL;
  });

  it('passes release, chart, namespace, -f files and --set lines in order, from the workspace', async () => {
    const objects = await loadReleaseObjects(sources);
    const [call] = helm.calls().slice(-1);
    assert.deepEqual(call.argv, [
      'template',
      'web',
      'helm/web',
      '--namespace',
      'shop',
      '-f',
      'helm/values-prod.yaml',
      '--set',
      'startupSeconds=1',
      '--set',
      'a=1,b=2',
    ]);
    assert.equal(call.cwd, WORKSPACE);
    assert.deepEqual(
      objects.map((o) => [o.object.kind, o.object.metadata.name, o.file, o.line]),
      [
        ['Service', 'web', 'helm/web/Chart.yaml', undefined],
        ['Deployment', 'web', 'helm/web/Chart.yaml', undefined],
      ],
    );
  });

  it('names the release after the `name` input when given, and adds the chart after plain manifests', async () => {
    const objects = await loadReleaseObjects({
      ...sources,
      name: 'shop-web',
      manifests: ['web/ingress.yaml'],
    });
    assert.equal(helm.calls().slice(-1)[0].argv[1], 'shop-web');
    assert.deepEqual(
      objects.map((o) => o.object.kind),
      ['Ingress', 'Service', 'Deployment'],
    );
  });

  it("a failed render is an error naming the chart and helm's message", async () => {
    process.env.STAND_IN_HELM_FAIL = 'template: web/templates/deployment.yaml:8: nil pointer';
    try {
      const err = await loadError();
      assert.equal(err.location.input, 'helm-chart');
      assert.equal(err.location.file, 'helm/web/Chart.yaml');
      assert.match(
        err.message,
        /helm template failed: Error: template: web\/templates\/deployment\.yaml:8: nil pointer/,
      );
    } finally {
      delete process.env.STAND_IN_HELM_FAIL;
    }
  });

  it('a missing values file is named before helm runs', async () => {
    const before = helm.calls().length;
    const err = await loadError({ helm: { ...sources.helm, values: ['helm/nope.yaml'] } });
    assert.equal(err.location.input, 'helm-values');
    assert.match(err.message, /values file 'helm\/nope\.yaml' does not exist/);
    assert.equal(helm.calls().length, before);
  });
});

describe('helm not on PATH', () => {
  it('says which binary is missing and how to render in a pre-step instead', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = mkdtempSync(path.join(tmpdir(), 'kr-empty-path-'));
    try {
      const err = await loadError();
      assert.match(err.message, /^input 'helm-chart', helm\/web\/Chart\.yaml: helm is not on PATH/);
      assert.match(err.message, /helm template … > out\.yaml/);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});

describe('helm inputs in the config', () => {
  const config = (values: Parameters<typeof inputsOf>[0]) => buildConfig(inputsOf(values), {});
  const errorsOf = (values: Parameters<typeof inputsOf>[0]) => {
    try {
      config(values);
    } catch (err) {
      assert.ok(err instanceof InputErrors, String(err));
      return err.errors.map((e) => e.message);
    }
    return assert.fail('expected InputErrors');
  };

  it('a chart stands in for manifests; values split like lists, set lines kept whole', () => {
    const c = config({
      'helm-chart': 'charts/web/',
      'helm-values': 'a.yaml, b.yaml',
      'helm-set': 'x=1,y=2\n\nimage.tag=v2',
    });
    assert.deepEqual(c.helm, {
      chart: 'charts/web/',
      values: ['a.yaml', 'b.yaml'],
      set: ['x=1,y=2', 'image.tag=v2'],
    });
    assert.deepEqual(c.manifests, []);
  });

  it('names the bad helm-set line, and values or set without a chart', () => {
    assert.deepEqual(errorsOf({ 'helm-chart': 'web', 'helm-set': 'image.tag=v2\nreplicas 3' }), [
      "input 'helm-set' line 2: expected key=value (e.g. image.tag=v2), got 'replicas 3'",
    ]);
    const orphan = errorsOf({ manifests: 'k8s/', 'helm-values': 'v.yaml', 'helm-set': 'a=1' });
    assert.equal(orphan.length, 2);
    assert.match(orphan[0], /^input 'helm-values': needs 'helm-chart'/);
    assert.match(orphan[1], /^input 'helm-set': needs 'helm-chart'/);
  });

  it('deploy without manifests or chart names both ways', () => {
    assert.match(errorsOf({})[0], /required for action 'deploy'.*kustomize overlays.*or set 'helm-chart'/);
  });
});
