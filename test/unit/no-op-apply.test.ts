// The proof that an apply changes nothing (src/engine/objects/no-op-apply.ts): a dry run whose answer is
// the object exactly as read, the same object applied, and a read at apply time still equal to it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appliesAsNoOp, noOpProofs } from '../../src/engine/objects/no-op-apply.ts';
import type { KubeObject } from '../../src/kube/types.ts';

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

describe('noOpProofs', () => {
  it('keeps a dry run whose answer equals the object as read, whatever the key order', () => {
    const answer = live();
    const read = { data: { mode: 'fast' }, metadata: live().metadata, kind: 'ConfigMap', apiVersion: 'v1' };
    const proofs = noOpProofs([{ sent, result: answer }], [read as KubeObject]);
    assert.deepEqual([...proofs.keys()], ['ConfigMap/shop/settings']);
    assert.equal(proofs.get('ConfigMap/shop/settings')?.sent, sent);
  });

  it('drops a dry run that changes the object, a write since, or fields another manager owned', () => {
    const rows: [string, KubeObject][] = [
      ['data changes', live({}, { mode: 'slow' })],
      ['written since (resourceVersion)', live({ resourceVersion: '8' })],
      ['ownership changes', live({ managedFields: [{ manager: 'kubectl', operation: 'Update' }] })],
    ];
    for (const [why, read] of rows) assert.equal(noOpProofs([{ sent, result: live() }], [read]).size, 0, why);
  });

  it('drops an object that was not read, and one whose dry run gave no answer', () => {
    assert.equal(noOpProofs([{ sent, result: live() }], []).size, 0);
    assert.equal(noOpProofs([{ sent }], [live()]).size, 0);
  });
});

describe('appliesAsNoOp', () => {
  const proof = { sent, result: live() };

  it('holds when the object applied is the one dry-run and the read now equals the answer', () => {
    assert.equal(appliesAsNoOp(sent, proof, live()), true);
    assert.equal(appliesAsNoOp(structuredClone(sent), proof, live()), true);
  });

  it('fails for another object, a read that differs, an object gone, or no proof', () => {
    const relabelled = { ...sent, metadata: { ...sent.metadata, labels: { tier: 'front' } } };
    assert.equal(appliesAsNoOp(relabelled, proof, live()), false, 'another object');
    assert.equal(appliesAsNoOp(sent, proof, live({ resourceVersion: '9' })), false, 'written since');
    assert.equal(appliesAsNoOp(sent, proof, undefined), false, 'deleted since');
    assert.equal(appliesAsNoOp(sent, undefined, live()), false, 'no dry run');
  });
});
