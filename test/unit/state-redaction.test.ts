// The state writer's redaction hook: what goes into the ConfigMap is the record with the known
// secret values scrubbed, whatever the caller did with it before the save.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';
import { redactRecord } from '../../src/record/redact.ts';
import { Redactor } from '../../src/secrets/redactor.ts';
import { saveReleaseState } from '../../src/state/release-state.ts';
import { releaseStateWith } from '../helpers/sample-record.ts';

/** Only what saveReleaseState calls: it reads the (absent) secret store and creates the ConfigMap. */
function recordingCluster(written: KubeObject[]): Cluster {
  return {
    get: async () => undefined,
    create: async (obj: KubeObject) => {
      written.push(obj);
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: '1' } };
    },
  } as unknown as Cluster;
}

describe('saveReleaseState redaction hook', () => {
  const planted = 'planted-note-secret-7f21';
  const state = () => {
    const s = releaseStateWith('shop', []);
    s.record.notes.push(`pod said: password=${planted}`);
    s.record.rollbackReason = `crashed with ${planted}`;
    return s;
  };
  const redactor = new Redactor();
  redactor.add([planted]);

  it('stores the record redacted', async () => {
    const written: KubeObject[] = [];
    await saveReleaseState(recordingCluster(written), state(), 'shop', undefined, {
      redactRecord: (r) => redactRecord(r, redactor),
    });
    const text = written[0].data!['state.json'];
    assert.ok(!text.includes(planted), 'no planted value in the ConfigMap');
    assert.match(text, /password=\*\*\*/);
  });

  it('without the hook the text is stored as given (the hook is what redacts)', async () => {
    const written: KubeObject[] = [];
    await saveReleaseState(recordingCluster(written), state(), 'shop', undefined);
    assert.ok(written[0].data!['state.json'].includes(planted));
  });
});
