// The state serializer keeps no Secret values: split/join round trip, and the ConfigMap JSON of a
// state whose rendered manifests and stable snapshot hold Secrets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/kube/types.ts';
import type { ReleaseState } from '../../src/record/types.ts';
import { serializeState } from '../../src/state/release-state.ts';
import { credentialValues } from '../../src/analysis/credential-fields.ts';
import { urlCredentials } from '../../src/secrets/url-credentials.ts';
import { hasSecretRefs, joinSecrets, splitSecrets, type SecretRef } from '../../src/state/secret-store.ts';
import { releaseStateWith } from '../helpers/sample-record.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const PLANTED = {
  data: 'planted-data-value-7f3a',
  stringData: 'planted-stringdata-value-91bc',
  stable: 'planted-stable-password-c0de',
  lastApplied: 'planted-last-applied-5e5e',
};

function stateWithSecrets(): ReleaseState {
  const rendered: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'shop', labels: { app: 'web' } },
    type: 'Opaque',
    data: { password: b64(PLANTED.data) },
    stringData: { 'api.key': PLANTED.stringData },
  };
  const live: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'db',
      namespace: 'shop',
      resourceVersion: '12',
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
          data: { p: PLANTED.lastApplied },
        }),
      },
    },
    type: 'Opaque',
    data: { password: b64(PLANTED.stable) },
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
  };
  return releaseStateWith('shop', [deployment, rendered], [deployment, live]);
}

function assertNoPlanted(text: string): void {
  for (const value of Object.values(PLANTED)) {
    assert.ok(!text.includes(value), `${value} is in the ConfigMap JSON`);
    assert.ok(!text.includes(b64(value)), `${value} (base64) is in the ConfigMap JSON`);
  }
}

describe('state secret split', () => {
  it('leaves no Secret value in the ConfigMap JSON, only references with a content hash', () => {
    const { state, payload } = splitSecrets(stateWithSecrets());
    const json = serializeState(state);
    assertNoPlanted(json);
    const refs = [...state.rendered, ...state.stableSnapshot].filter(
      (o) => o.kind === 'Secret',
    ) as SecretRef[];
    assert.equal(refs.length, 2);
    for (const ref of refs) {
      assert.deepEqual(Object.keys(ref).sort(), ['apiVersion', 'kind', 'metadata', 'storedSecret']);
      assert.match(ref.storedSecret.sha256, /^[0-9a-f]{64}$/);
      assert.ok(payload[ref.storedSecret.entry], 'the payload holds the referenced Secret');
    }
    assert.ok(hasSecretRefs(state));
    // Non-Secret objects are untouched.
    assert.deepEqual(state.rendered[0], stateWithSecrets().rendered[0]);
  });

  it('round trip restores every value (stringData folded into data, as the API server does)', () => {
    const original = stateWithSecrets();
    const { state, payload } = splitSecrets(original);
    const joined = joinSecrets(JSON.parse(serializeState(state)), structuredClone(payload));
    const [renderedSecret, liveSecret] = [joined.rendered[1], joined.stableSnapshot[1]] as KubeObject[];
    const decoded = (s: KubeObject) =>
      Object.fromEntries(
        Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
      );
    assert.deepEqual(decoded(renderedSecret), { 'api.key': PLANTED.stringData, password: PLANTED.data });
    assert.equal(renderedSecret.stringData, undefined);
    assert.deepEqual(
      renderedSecret.metadata,
      original.rendered[1] && (original.rendered[1] as KubeObject).metadata,
    );
    assert.deepEqual(liveSecret, original.stableSnapshot[1]);
    assert.deepEqual(joined.rendered[0], original.rendered[0]);
  });

  it('the same data gives the same hash; other data another', () => {
    const a = splitSecrets(stateWithSecrets()).state.rendered[1] as SecretRef;
    const other = stateWithSecrets();
    (other.rendered[1] as KubeObject).stringData = { 'api.key': 'something-else' };
    const b = splitSecrets(other).state.rendered[1] as SecretRef;
    assert.equal(
      a.storedSecret.sha256,
      (splitSecrets(stateWithSecrets()).state.rendered[1] as SecretRef).storedSecret.sha256,
    );
    assert.notEqual(a.storedSecret.sha256, b.storedSecret.sha256);
  });

  it('a missing or altered stored copy is an error naming the Secret and the release', () => {
    const { state, payload } = splitSecrets(stateWithSecrets());
    assert.throws(
      () => joinSecrets(state, {}),
      /Secret db \(in the release state of "web"\) is kept in Secret kube-rollout-web/,
    );
    const entry = (state.rendered[1] as SecretRef).storedSecret.entry;
    const altered = structuredClone(payload);
    altered[entry].data!.password = b64('tampered');
    assert.throws(() => joinSecrets(state, altered), /was changed \(sha256 differs\)/);
  });

  it('a state without Secrets is unchanged and has no references', () => {
    const plain = stateWithSecrets();
    plain.rendered = plain.rendered.slice(0, 1);
    plain.stableSnapshot = plain.stableSnapshot.slice(0, 1);
    const { state, payload } = splitSecrets(plain);
    assert.deepEqual(payload, {});
    assert.equal(hasSecretRefs(state), false);
    assert.deepEqual(state, plain);
  });

  it('keeps web metric header values out of the ConfigMap (settings and inline analysis steps)', () => {
    const original = stateWithSecrets();
    const web = (headers: Record<string, string>) => ({
      name: 'm',
      provider: 'web',
      url: 'http://x',
      headers,
    });
    original.settings = {
      analysis: { metrics: [web({ Authorization: 'Bearer planted-header-token-42', Accept: 'text/plain' })] },
      steps: [{ analysis: { metrics: [web({ 'X-Api-Key': 'planted-inline-key-43' })] } }],
    } as ReleaseState['settings'];
    const { state, payload } = splitSecrets(original);
    const json = serializeState(state);
    assert.ok(!json.includes('planted-header-token-42') && !json.includes('planted-inline-key-43'));
    assert.ok(!json.includes(b64('Bearer planted-header-token-42')));
    assert.ok(hasSecretRefs(state));
    const joined = joinSecrets(JSON.parse(json), payload);
    assert.deepEqual(joined.settings, original.settings);
    assert.deepEqual(credentialValues(original.settings).sort(), [
      'Bearer planted-header-token-42',
      'planted-header-token-42',
      'planted-inline-key-43',
      'planted-inline-key-43',
    ]);
  });

  it('keeps credentials in URLs out of the ConfigMap and finds them to mask', () => {
    const original = stateWithSecrets();
    const metric = {
      name: 'm',
      provider: 'web',
      url: 'https://metrics.example/q?app=web&access_token=planted-url-token-44',
    };
    const plain = { name: 'p', provider: 'web', url: 'https://metrics.example/q?app=web' };
    original.settings = {
      prometheusUrl: 'http://reader:planted-url-pass-45@prom.example:9090',
      analysis: { metrics: [metric, plain] },
    } as ReleaseState['settings'];
    const { state, payload } = splitSecrets(original);
    const json = serializeState(state);
    for (const planted of ['planted-url-token-44', 'planted-url-pass-45'])
      assert.ok(!json.includes(planted), `${planted} stays out of the ConfigMap`);
    assert.match(json, /https:\/\/metrics\.example\/q\?app=web"/, 'a URL without credentials is kept as is');
    assert.deepEqual(joinSecrets(JSON.parse(json), payload).settings, original.settings);
    const masked = credentialValues(original.settings);
    for (const value of ['planted-url-token-44', 'planted-url-pass-45', 'reader:planted-url-pass-45'])
      assert.ok(masked.includes(value), `${value} is masked`);
  });

  it('finds userinfo and token-like query parameters, decoded too, and nothing else', () => {
    assert.deepEqual(urlCredentials('https://h/x?apikey=a%2Fb-1234&page=2').sort(), [
      'a%2Fb-1234',
      'a/b-1234',
    ]);
    assert.deepEqual(urlCredentials('https://ghp_tok1234@h/x'), ['ghp_tok1234']);
    assert.deepEqual(urlCredentials('https://h/x?page=2&q=rate'), []);
    assert.deepEqual(urlCredentials('not a url'), []);
  });
});
