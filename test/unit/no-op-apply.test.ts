// The proof that an apply changes nothing (src/engine/objects/no-op-apply.ts): a dry run whose answer is
// the object exactly as read under the Lease, and the same object applied.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appliesAsNoOp, noOpProofs } from '../../src/engine/objects/no-op-apply.ts';
import { type KubeObject, workloadKey } from '../../src/kube/types.ts';

const sent: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'shop' },
  data: { mode: 'fast' },
};
/** The object as the API server has it (what a no-op dry run answers, too). */
const live = (over: Partial<KubeObject['metadata']> = {}, data = { mode: 'fast' }): KubeObject => ({
  ...sent,
  metadata: {
    ...sent.metadata,
    uid: 'u1',
    resourceVersion: '7',
    managedFields: [{ manager: 'kube-rollout', operation: 'Apply' }],
    ...over,
  },
  data,
});
/** Objects as read under the Lease, by key. */
const readAs = (...objects: KubeObject[]) => new Map(objects.map((o) => [workloadKey(o), o] as const));

describe('noOpProofs', () => {
  it('keeps a dry run whose answer equals the object as read, whatever the key order', () => {
    const answer = live();
    const read = { data: { mode: 'fast' }, metadata: live().metadata, kind: 'ConfigMap', apiVersion: 'v1' };
    const proofs = noOpProofs([{ sent, result: answer }], readAs(read as KubeObject));
    assert.deepEqual([...proofs.keys()], ['ConfigMap/shop/settings']);
    assert.equal(proofs.get('ConfigMap/shop/settings')?.sent, sent);
  });

  it('drops a dry run that changes the object, a write since, or fields another manager owned', () => {
    const rows: [string, KubeObject][] = [
      ['data changes', live({}, { mode: 'slow' })],
      ['written since (resourceVersion)', live({ resourceVersion: '8' })],
      ['ownership changes', live({ managedFields: [{ manager: 'kubectl', operation: 'Update' }] })],
    ];
    for (const [why, read] of rows)
      assert.equal(noOpProofs([{ sent, result: live() }], readAs(read)).size, 0, why);
  });

  it('drops an object that was not read, and one whose dry run gave no answer', () => {
    assert.equal(noOpProofs([{ sent, result: live() }], readAs()).size, 0);
    assert.equal(noOpProofs([{ sent }], readAs(live())).size, 0);
  });
});

describe('appliesAsNoOp', () => {
  const proof = { sent, result: live() };

  it('holds for the object dry-run, or one equal to it', () => {
    assert.equal(appliesAsNoOp(sent, proof), true);
    assert.equal(appliesAsNoOp(structuredClone(sent), proof), true);
  });

  it('fails for another object, or without a proof', () => {
    const relabelled = { ...sent, metadata: { ...sent.metadata, labels: { tier: 'front' } } };
    assert.equal(appliesAsNoOp(relabelled, proof), false, 'another object');
    assert.equal(appliesAsNoOp(sent, undefined), false, 'no dry run');
  });
});
