// Redactor (known secret values → masked and redacted), the Secret-observing Cluster, and the
// input errors that must not quote secrets: kubeconfig parser reasons and YAML alias bombs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';
import { parserReason, loadKubeConfig } from '../../src/kube/kubeconfig.ts';
import { parseManifests } from '../../src/manifests/load.ts';
import { parseYamlInput } from '../../src/config/yaml-source.ts';
import { observeSecrets } from '../../src/secrets/observe.ts';
import { Redactor, redactRecord, secretValuesOf } from '../../src/secrets/redactor.ts';
import { InputError } from '../../src/errors.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('Redactor', () => {
  it('learns each value once, in every printed form, and skips values shorter than 4 characters', () => {
    const added: string[] = [];
    const r = new Redactor((v) => added.push(v));
    r.add(['hunter2-pw', 'abc', '', undefined, 'hunter2-pw', 'line-one-secret\nline-two-secret\n']);
    assert.deepEqual(added, [
      'hunter2-pw',
      'line-one-secret\nline-two-secret\n',
      'line-one-secret\nline-two-secret',
      'line-one-secret',
      'line-two-secret',
    ]);
    assert.equal(r.redact('user abc logged in with hunter2-pw'), 'user abc logged in with ***');
  });

  it('replaces the longest value first, so a value containing another goes whole', () => {
    const r = new Redactor();
    r.add(['token-1234', 'token-1234-extended']);
    assert.equal(r.redact('a token-1234-extended b token-1234'), 'a *** b ***');
  });

  it('reads Secret data (base64 and decoded), stringData (as given and base64); not PEM armour', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      data: { password: b64('s3cret-pass'), bin: Buffer.from([0xff, 0xfe, 0x00, 0x81]).toString('base64') },
      stringData: { key: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END PRIVATE KEY-----' },
    };
    const values = secretValuesOf(secret);
    assert.ok(values.includes('s3cret-pass') && values.includes(b64('s3cret-pass')));
    assert.ok(
      !values.includes(Buffer.from([0xff, 0xfe, 0x00, 0x81]).toString('utf8')),
      'binary: base64 only',
    );
    const r = new Redactor();
    r.add(values);
    assert.ok(r.has('MIIEvQIBADANBgkqhkiG9w0B'));
    assert.ok(!r.has('-----BEGIN PRIVATE KEY-----'));
    assert.deepEqual(
      secretValuesOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: { a: 'plain' } }),
      [],
    );
  });

  it('redacts messages only: reasons and other fields stay as they are', () => {
    const r = new Redactor();
    r.add(['Running', 'pw-in-message']);
    const pod = {
      status: {
        phase: 'Running',
        containerStatuses: [{ state: { terminated: { reason: 'Error', message: 'bad pw-in-message' } } }],
      },
    };
    const out = r.redactMessages(pod);
    assert.equal(out.status.phase, 'Running');
    assert.equal(out.status.containerStatuses[0].state.terminated.message, 'bad ***');
    assert.equal(pod.status.containerStatuses[0].state.terminated.message, 'bad pw-in-message', 'copied');
  });

  it('redacts the free text of a record in place', () => {
    const r = new Redactor();
    r.add(['leaked-value-1']);
    const record: any = {
      rollbackReason: 'pod x: leaked-value-1',
      notes: ['n leaked-value-1'],
      steps: [{ detail: 'd leaked-value-1' }],
      evidence: [{ message: 'm leaked-value-1', logTail: ['l leaked-value-1'] }],
      measurements: [{ message: 'e leaked-value-1', value: 'v leaked-value-1' }],
      newVersion: 'v2',
    };
    redactRecord(record, r);
    assert.ok(!JSON.stringify(record).includes('leaked-value-1'));
    assert.equal(record.rollbackReason, 'pod x: ***');
  });
});

describe('observeSecrets', () => {
  /** A cluster that answers every call with canned objects. */
  function cannedCluster(objects: Record<string, KubeObject>, log: string): Cluster {
    return {
      apply: async (obj) => obj,
      create: async (obj) => obj,
      replace: async (obj) => obj,
      patch: async (ref) => objects[ref.name],
      get: async (ref) => objects[ref.name],
      list: async () => Object.values(objects),
      delete: async () => true,
      watchUntil: async (_a, _k, _n, _o, onEvent) =>
        onEvent({ type: 'ADDED', object: objects.pod }, new Map())!,
      podLog: async () => log,
      groupVersions: async () => [],
      resourceOf: async () => ({ group: '', resource: 'pods', namespaced: true }),
    };
  }
  const secret = (name: string, value: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    data: { v: b64(value) },
  });

  it('learns Secrets it reads and applies, and redacts pod logs, messages and events', async () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pod' },
      status: { message: 'evicted: read-secret-val' },
    };
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'ev' },
      message: 'applied-secret-val seen',
    };
    const custom: KubeObject = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'widget' },
      spec: { message: 'read-secret-val' },
      status: { message: 'read-secret-val' },
    };
    const r = new Redactor();
    const cluster = observeSecrets(
      cannedCluster(
        { read: secret('read', 'read-secret-val'), pod, ev: event, widget: custom },
        'log: applied-secret-val\n',
      ),
      r,
    );
    await cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'read' });
    await cluster.apply({ ...secret('new', 'x'), stringData: { k: 'applied-secret-val' } });
    assert.ok(r.has('read-secret-val') && r.has('applied-secret-val'));
    assert.equal(await cluster.podLog('ns', 'pod', 'c'), 'log: ***\n');
    assert.equal(
      (await cluster.get({ apiVersion: 'v1', kind: 'Pod', name: 'pod' }))!.status.message,
      'evicted: ***',
    );
    assert.equal((await cluster.get({ apiVersion: 'v1', kind: 'Event', name: 'ev' }))!.message, '*** seen');
    const widget = (await cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'widget' }))!;
    assert.deepEqual(
      [widget.spec.message, widget.status.message],
      ['read-secret-val', '***'],
      'spec is left alone',
    );
    const watched = await cluster.watchUntil('v1', 'Pod', 'ns', {}, (e) => e.object.status.message, {
      timeoutMs: 1,
    });
    assert.equal(watched, 'evicted: ***');
  });
});

describe('input errors that must not quote secrets', () => {
  it('a kubeconfig YAML error gives the reason and position, not the source lines', () => {
    const token = 'planted-token-in-yaml-77';
    assert.throws(
      () => loadKubeConfig({ kubeconfig: `users:\n- user: {token: ${token}\n  x: [`, env: {} }),
      (err: Error) =>
        err instanceof InputError &&
        err.location.input === 'kubeconfig' &&
        /line \d+, column \d+/.test(err.message) &&
        !err.message.includes(token) &&
        !err.message.includes('\n'),
    );
    assert.equal(parserReason(new Error('first line\n 1 | source')), 'first line');
  });

  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    'g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
  ].join('\n');

  it('a YAML alias bomb in manifests is an input error naming the file and line', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: boom}\ndata:\n${bomb.replace(/^/gm, '  ')}\n`;
    assert.throws(
      () => parseManifests(text, 'k8s/boom.yaml'),
      (err: Error) =>
        err instanceof InputError &&
        err.location.file === 'k8s/boom.yaml' &&
        err.location.line === 5 &&
        /aliases/.test(err.message),
    );
  });

  it('a YAML alias bomb in an input (steps) is an input error naming the input and line', () => {
    assert.throws(
      () => parseYamlInput(bomb, 'steps'),
      (err: Error) =>
        err instanceof InputError &&
        err.location.input === 'steps' &&
        /aliases expand too far/.test(err.message),
    );
  });
});
