// Unit tests of the patch engines: JSON patch, merge patch, strategic merge, server-side apply.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, applyMergePatch } from '../src/patch/json-patch.ts';
import { applyStrategicMergePatch } from '../src/patch/strategic.ts';
import { serverSideApply } from '../src/patch/apply.ts';
import { collectFields, humanPath } from '../src/patch/fields.ts';
import type { KubeObject } from '../src/types.ts';
import { view, type DeploymentView, type PodView } from '../src/views.ts';
import { SimApiError } from '../src/types.ts';

const ctx = { kind: 'Deployment', custom: false, statusSubresource: true };

/** A strategic merge patch of a Deployment, read back as one. */
const smp = (...args: Parameters<typeof applyStrategicMergePatch>) =>
  applyStrategicMergePatch(...args) as DeploymentView;

function dep(containers: unknown[], extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { template: { spec: { containers } }, ...extra },
  };
}

describe('JSON patch', () => {
  it('supports add, remove, replace, move, copy and test', () => {
    const doc = { a: { b: 1 }, list: [1, 2, 3] };
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/list/-', value: 4 },
      { op: 'add', path: '/list/0', value: 0 },
      { op: 'remove', path: '/list/1' },
      { op: 'replace', path: '/a/b', value: 2 },
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'move', from: '/c/b', path: '/d' },
      { op: 'test', path: '/d', value: 2 },
      { op: 'add', path: '/e~1f', value: 'slash' },
    ]);
    assert.deepEqual(out, { a: { b: 2 }, list: [0, 2, 3, 4], c: {}, d: 2, 'e/f': 'slash' });
    assert.deepEqual(doc, { a: { b: 1 }, list: [1, 2, 3] }, 'the input is not mutated');
  });

  it('fails on a missing path or a failed test with 422', () => {
    for (const op of [
      { op: 'replace', path: '/nope/x', value: 1 },
      { op: 'remove', path: '/missing' },
      { op: 'test', path: '/a', value: 2 },
    ]) {
      assert.throws(
        () => applyJsonPatch({ a: 1 }, [op]),
        (err: unknown) => err instanceof SimApiError && err.code === 422,
      );
    }
  });
});

describe('merge patch', () => {
  it('merges maps, deletes with null and replaces lists', () => {
    assert.deepEqual(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [9] }), {
      a: { c: 2, d: 3 },
      l: [9],
    });
  });
});

describe('strategic merge patch', () => {
  it('merges containers, env and ports by their keys', () => {
    const live = dep([
      { name: 'app', image: 'a:1', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 80 }] },
      { name: 'side', image: 's:1' },
    ]);
    const out = smp(live, {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'app', env: [{ name: 'Y', value: '2' }], ports: [{ containerPort: 80, name: 'http' }] },
            ],
          },
        },
      },
    });
    const app = out.spec.template.spec?.containers?.[0];
    assert.equal(app?.image, 'a:1');
    assert.deepEqual(app?.env, [
      { name: 'X', value: '1' },
      { name: 'Y', value: '2' },
    ]);
    assert.deepEqual(app?.ports, [{ containerPort: 80, name: 'http' }]);
    assert.equal(out.spec.template.spec?.containers?.length, 2);
  });

  it('honours $patch replace/delete, $setElementOrder, $retainKeys and $deleteFromPrimitiveList', () => {
    const live = dep([{ name: 'a' }, { name: 'b' }], {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
    });
    live.metadata.finalizers = ['x', 'y'];
    const out = smp(live, {
      metadata: {
        $deleteFromPrimitiveList: undefined,
        finalizers: ['z'],
        '$deleteFromPrimitiveList/finalizers': ['x'],
      },
      spec: {
        strategy: { $retainKeys: ['type'], type: 'Recreate' },
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }],
            containers: [{ name: 'b', $patch: 'delete' }, { name: 'c' }],
          },
        },
      },
    });
    assert.deepEqual(out.metadata.finalizers, ['y', 'z']);
    assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
    assert.deepEqual(
      out.spec.template.spec?.containers?.map((c) => c.name),
      ['c', 'a'],
    );
    const replaced = smp(live, {
      spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only' }] } } },
    });
    assert.deepEqual(replaced.spec.template.spec?.containers, [{ name: 'only' }]);
  });

  it('replaces lists of custom resources', () => {
    const out = applyStrategicMergePatch(
      { spec: { containers: [{ name: 'a' }] } },
      { spec: { containers: [{ name: 'b' }] } },
      true,
    ) as PodView;
    assert.deepEqual(out.spec.containers, [{ name: 'b' }]);
  });
});

describe('server-side apply', () => {
  it('tracks keyed list items with multi-field keys', () => {
    const fields = collectFields(dep([{ name: 'app', ports: [{ containerPort: 80 }] }]), ctx, 'main');
    const keys = [...fields.keys()].map(humanPath);
    assert.ok(
      keys.includes(
        '.spec.template.spec.containers[name="app"].ports[containerPort=80,protocol="TCP"].containerPort',
      ),
    );
  });

  it('tells leaf values apart exactly: a number from the string of its digits, any string from another', () => {
    const leaf = (port: unknown, image: string) =>
      collectFields(dep([{ name: 'app', image, ports: [{ containerPort: 80, name: port }] }]), ctx, 'main');
    const path = (fields: Map<string, string>, end: string) =>
      [...fields.entries()].find(([k]) => humanPath(k).endsWith(end))![1];
    const big = 'x"→'.repeat(30_000);
    const a = leaf(8080, big);
    assert.notEqual(path(a, 'TCP"].name'), path(leaf('8080', big), 'TCP"].name'));
    assert.equal(path(a, '.image'), path(leaf(8080, big), '.image'));
    assert.notEqual(path(a, '.image'), path(leaf(8080, `${big}!`), '.image'));
    assert.notEqual(path(leaf('true', ''), 'TCP"].name'), path(leaf(true, ''), 'TCP"].name'));
  });

  it('removes a list item the manager stops applying, but keeps co-owned ones', () => {
    const first = serverSideApply({
      live: undefined,
      config: dep([
        { name: 'app', image: 'a' },
        { name: 'side', image: 's' },
      ]),
      manager: 'ci',
      force: false,
      ctx,
    });
    const second = serverSideApply({
      live: first,
      config: dep([{ name: 'app', image: 'a' }]),
      manager: 'ci',
      force: false,
      ctx,
    });
    assert.deepEqual(
      view<DeploymentView>(second).spec.template.spec?.containers?.map((c) => c.name),
      ['app'],
    );
    // Another manager applying the same sidecar co-owns it: it survives ci dropping it.
    const shared = serverSideApply({
      live: first,
      config: dep([{ name: 'side', image: 's' }]),
      manager: 'other',
      force: false,
      ctx,
    });
    const third = serverSideApply({
      live: shared,
      config: dep([{ name: 'app', image: 'a' }]),
      manager: 'ci',
      force: false,
      ctx,
    });
    assert.deepEqual(
      view<DeploymentView>(third).spec.template.spec?.containers?.map((c) => c.name),
      ['app', 'side'],
    );
  });

  it('names every conflicting field, grouped by manager', () => {
    const live = serverSideApply({
      live: undefined,
      config: dep([{ name: 'app', image: 'a' }], { replicas: 1 }),
      manager: 'ci',
      force: false,
      ctx,
    });
    assert.throws(
      () =>
        serverSideApply({
          live,
          config: dep([{ name: 'app', image: 'b' }], { replicas: 2 }),
          manager: 'other',
          force: false,
          ctx,
        }),
      (err: unknown) => {
        assert.ok(err instanceof SimApiError);
        assert.equal(err.code, 409);
        assert.equal(
          err.message,
          'Apply failed with 2 conflicts: conflicts with "ci":\n- .spec.replicas\n- .spec.template.spec.containers[name="app"].image',
        );
        return true;
      },
    );
  });
});
