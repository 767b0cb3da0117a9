// Kustomize overlays as `manifests`: rendered by the real `kubectl kustomize`, attributed to the
// overlay's kustomization file, errors naming it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { loadManifests, renderManifests } from '../../src/manifests/index.ts';
import { view, type DeploymentObject } from '../../src/manifests/workload-views.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const OVERLAY = 'kustomize/overlays/prod';
const OVERLAY_FILE = `${OVERLAY}/kustomization.yaml`;

async function loadError(patterns: string[], run?: Parameters<typeof loadManifests>[2]): Promise<InputError> {
  const err = await loadManifests(patterns, FIXTURES, run).then(
    () => assert.fail('expected an InputError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof InputError, String(err));
  return err;
}

describe('kustomize overlays in manifests', () => {
  it('renders the overlay: patches, labels and its image tag applied, objects named by the overlay', async () => {
    const objects = await loadManifests([OVERLAY], FIXTURES);
    assert.deepEqual(
      objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`),
      ['Service/web', 'Deployment/web'],
    );
    for (const o of objects) {
      assert.equal(o.file, OVERLAY_FILE);
      assert.equal(o.line, undefined, 'rendered output has no source line');
      assert.equal(o.object.metadata.labels?.tier, 'prod');
    }
    const deployment = view<DeploymentObject>(objects[1].object);
    assert.equal(deployment.spec.replicas, 3);
    assert.equal(deployment.spec.template.spec?.containers[0].image, 'registry.local:5000/acme/web:v1');
  });

  it('applies the images input after rendering', async () => {
    const objects = await loadManifests([OVERLAY], FIXTURES);
    const set = renderManifests(objects, {
      images: ['registry.local:5000/acme/web:v2'],
      namespace: 'default',
      versionLabel: 'version',
    });
    const deployment = view<DeploymentObject>(set.workloads[0].object);
    assert.equal(deployment.spec.template.spec?.containers[0].image, 'registry.local:5000/acme/web:v2');
    assert.equal(deployment.spec.template.metadata?.labels?.version, 'v2');
  });

  it('mixes an overlay with plain files, each keeping its own source', async () => {
    const objects = await loadManifests([OVERLAY, 'web/ingress.yaml'], FIXTURES);
    assert.deepEqual(
      objects.map((o) => [o.object.kind, o.file, o.line]),
      [
        ['Service', OVERLAY_FILE, undefined],
        ['Deployment', OVERLAY_FILE, undefined],
        ['Ingress', 'web/ingress.yaml', 1],
      ],
    );
  });

  it("a failing overlay is an error naming its kustomization file and kubectl's reason", async () => {
    const err = await loadError(['kustomize/overlays/broken']);
    assert.equal(err.location.file, 'kustomize/overlays/broken/kustomization.yaml');
    assert.equal(err.location.input, 'manifests');
    assert.match(
      err.message,
      /^input 'manifests', kustomize\/overlays\/broken\/kustomization\.yaml: kubectl kustomize failed: /,
    );
    assert.match(err.message, /missing\.yaml/);
    assert.doesNotMatch(err.message, /^E\d{4}/m, 'the klog prefix is dropped');
  });

  it('a directory above an overlay is refused, naming the kustomization it would have read as a manifest', async () => {
    const err = await loadError(['kustomize']);
    assert.match(err.message, /takes in the kustomization kustomize\/base\/kustomization\.yaml/);
    assert.match(err.message, /name its directory \(kustomize\/base\)/);
    const glob = await loadError(['kustomize/**/*.yaml']);
    assert.match(glob.message, /kustomization/);
  });

  it('says kubectl is missing when it is not on PATH', async () => {
    const missing = async () => {
      throw Object.assign(new Error('spawn kubectl ENOENT'), { code: 'ENOENT' });
    };
    const err = await loadError([OVERLAY], missing);
    assert.match(
      err.message,
      /kubectl is not on PATH; it renders the kustomization in kustomize\/overlays\/prod/,
    );
    assert.equal(err.location.file, OVERLAY_FILE);
  });
});
