// Redactor (known secret values → masked and redacted), the Secret-observing Cluster, and the
// input errors that must not quote secrets: kubeconfig parser reasons and YAML alias bombs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeApiError, type Cluster, type KubeObject } from '../../src/kube/types.ts';
import { view, type PodObject } from '../../src/manifests/workload-views.ts';
import { valueAt } from '../../src/plain-values.ts';
import { parserReason, loadKubeConfig } from '../../src/kube/kubeconfig.ts';
import { parseManifests } from '../../src/manifests/load.ts';
import { parseYamlInput } from '../../src/config/yaml-source.ts';
import { observeSecrets } from '../../src/secrets/observe.ts';
import { redactRecord } from '../../src/record/redact.ts';
import { Redactor, secretValuesOf } from '../../src/secrets/redactor.ts';
import { InputError } from '../../src/errors.ts';
import type { ReleaseHistory } from '../../src/record/types.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('Redactor', () => {
  it('learns each value once, in every printed form, and skips values shorter than 4 characters', () => {
    const added: string[] = [];
    const r = new Redactor((v) => added.push(v));
    r.add(['hunter2-pw', 'abc', '', undefined, 'hunter2-pw', 'line-one-secret\nline-two-secret\n']);
    const once = (value: string) => added.filter((a) => a === value).length === 1;
    for (const form of [
      'hunter2-pw',
      b64('hunter2-pw'),
      'line-one-secret\nline-two-secret\n',
      'line-one-secret\nline-two-secret',
      'line-one-secret',
      'line-two-secret',
    ])
      assert.ok(once(form), `${JSON.stringify(form)} learnt once`);
    assert.ok(!added.some((a) => a.includes('abc') || a === b64('abc')), 'abc is too short');
    assert.equal(r.redact('user abc logged in with hunter2-pw'), 'user abc logged in with ***');
  });

  it('redacts a value of exactly 4 characters, not one of 3', () => {
    const r = new Redactor();
    r.add(['pw42', 'p42']);
    assert.equal(r.redact('pw42 and p42'), '*** and p42');
  });

  it('redacts a value URL-encoded, as base64 with and without padding, as base64url and as hex', () => {
    const value = 'p@ss w/rd?&=+~ü!';
    const r = new Redactor();
    r.add([value]);
    const bytes = Buffer.from(value);
    const forms = {
      'URL-encoded': encodeURIComponent(value),
      'form-encoded': new URLSearchParams({ v: value }).toString().slice(2),
      base64: bytes.toString('base64'),
      'base64 without padding': bytes.toString('base64').replace(/=+$/, ''),
      base64url: bytes.toString('base64url'),
      hex: bytes.toString('hex'),
      HEX: bytes.toString('hex').toUpperCase(),
    };
    for (const [name, form] of Object.entries(forms)) {
      assert.notEqual(form, value, `${name} differs from the value`);
      assert.equal(r.redact(`token=${form};`), 'token=***;', name);
    }
  });

  it('redacts a value split over two or more log lines, keeping the lines', () => {
    const r = new Redactor();
    r.add(['split-secret-value-9f3a']);
    assert.equal(
      r.redact('start\nconnecting with split-secr\net-value-9f3a now\nend\n'),
      'start\nconnecting with ***\n*** now\nend\n',
    );
    assert.equal(r.redact('a split-\r\nsecret-val\nue-9f3a b'), 'a ***\r\n***\n*** b');
    assert.equal(r.redact('split-secret\nvalue-9f3a'), 'split-secret\nvalue-9f3a', 'a different value');
  });

  it('split values that overlap, touch, or come in any order are each redacted whole', () => {
    const r = new Redactor();
    r.add(['alpha-secret-1', 'secret-1-omega', 'short-one-7', 'a-much-longer-value-88']);
    // Overlapping: one span from the first value's start to the second's end.
    assert.equal(r.redact('x alpha-sec\nret-1-omega y'), 'x ***\n*** y');
    // Touching: the second begins where the first ends.
    assert.equal(r.redact('alpha-secr\net-1short-o\nne-7 z'), '***\n***\n*** z');
    // The longer value, found first, lies after the shorter one in the text.
    assert.equal(r.redact('short-o\nne-7 then a-much-longer\n-value-88 end'), '***\n*** then ***\n*** end');
  });

  it('replaces the longest value first, so a value containing another goes whole', () => {
    const r = new Redactor();
    r.add(['token-1234', 'token-1234-extended']);
    assert.equal(r.redact('a token-1234-extended b token-1234'), 'a *** b ***');
  });

  it('reads Secret data (base64 and decoded), stringData (as given and base64); not PEM armour', () => {
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7f]);
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      data: { password: b64('s3cret-pass'), bin: binary.toString('base64') },
      stringData: {
        token: 'string-data-token-4e12',
        key: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END PRIVATE KEY-----',
      },
    };
    const r = new Redactor();
    r.add(secretValuesOf(secret));
    for (const text of [
      's3cret-pass',
      b64('s3cret-pass'),
      'string-data-token-4e12',
      b64('string-data-token-4e12'),
      binary.toString('base64'),
      binary.toString('hex'),
      'MIIEvQIBADANBgkqhkiG9w0B',
    ])
      assert.equal(r.redact(`[${text}]`), '[***]', text);
    assert.ok(!r.has(binary.toString('utf8')), 'binary data has no text form');
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
    // Only the fields the redaction walks; the rest of a record is not needed here.
    const record = {
      rollbackReason: 'pod x: leaked-value-1',
      notes: ['n leaked-value-1'],
      steps: [{ detail: 'd leaked-value-1' }],
      evidence: [{ message: 'm leaked-value-1', logTail: ['l leaked-value-1'] }],
      measurements: [{ message: 'e leaked-value-1', value: 'v leaked-value-1' }],
      newVersion: 'v2',
    } as unknown as ReleaseHistory;
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
      list: async (_a, _k, _n, opts) =>
        Object.values(objects).filter(
          (o) => !opts?.fieldSelector || opts.fieldSelector === `metadata.name=${o.metadata.name}`,
        ),
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
      spec: { containers: [{ name: 'c' }] },
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
      view<PodObject>((await cluster.get({ apiVersion: 'v1', kind: 'Pod', name: 'pod' }))!).status!.message,
      'evicted: ***',
    );
    assert.equal((await cluster.get({ apiVersion: 'v1', kind: 'Event', name: 'ev' }))!.message, '*** seen');
    const widget = (await cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'widget' }))!;
    assert.deepEqual(
      [valueAt(widget, ['spec', 'message']), valueAt(widget, ['status', 'message'])],
      ['read-secret-val', '***'],
      'spec is left alone',
    );
    const watched = await cluster.watchUntil(
      'v1',
      'Pod',
      'ns',
      {},
      (e) => view<PodObject>(e.object).status!.message,
      {
        timeoutMs: 1,
      },
    );
    assert.equal(watched, 'evicted: ***');
  });
});

describe('observeSecrets: pod logs', () => {
  /** A pod using Secrets `uses`, whose log is `log`; Secret reads answer from `secrets` (403 for `forbidden`). */
  function podCluster(
    uses: string[],
    secrets: Record<string, string>,
    log: string,
    forbidden: string[] = [],
  ) {
    const asked: { tailLines?: number }[] = [];
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1' },
      spec: {
        containers: [
          {
            name: 'web',
            env: uses[0] ? [{ name: 'A', valueFrom: { secretKeyRef: { name: uses[0], key: 'v' } } }] : [],
            envFrom: uses[1] ? [{ secretRef: { name: uses[1] } }] : [],
          },
        ],
        volumes: [
          ...(uses[2] ? [{ name: 'tls', secret: { secretName: uses[2] } }] : []),
          ...(uses[3] ? [{ name: 'all', projected: { sources: [{ secret: { name: uses[3] } }] } }] : []),
        ],
      },
    };
    const cluster = {
      list: async (_a: string, kind: string, _n?: string, opts?: { fieldSelector?: string }) =>
        kind === 'Pod' && opts?.fieldSelector === 'metadata.name=web-1' ? [pod] : [],
      get: async (ref: { kind: string; name: string }) => {
        if (forbidden.includes(ref.name)) throw new KubeApiError(403, `secrets "${ref.name}" is forbidden`);
        const value = secrets[ref.name];
        return value === undefined
          ? undefined
          : { apiVersion: 'v1', kind: 'Secret', metadata: { name: ref.name }, data: { v: b64(value) } };
      },
      podLog: async (_ns: string, _pod: string, _c: string, opts?: { tailLines?: number }) => {
        asked.push(opts ?? {});
        return opts?.tailLines
          ? log
              .split('\n')
              .slice(-(opts.tailLines + 1))
              .join('\n')
          : log;
      },
    } as unknown as Cluster;
    return { cluster, asked };
  }

  it('reads the Secrets a pod uses but the manifests do not hold, before quoting its log', async () => {
    const values = {
      env: 'env-secret-1a',
      from: 'envfrom-secret-2b',
      vol: 'volume-secret-3c',
      proj: 'projected-secret-4d',
    };
    const { cluster } = podCluster(
      ['env', 'from', 'vol', 'proj'],
      values,
      `boot ${Object.values(values).join(' ')}\n`,
    );
    const log = await observeSecrets(cluster, new Redactor()).podLog('ns', 'web-1', 'web');
    assert.equal(log, 'boot *** *** *** ***\n');
  });

  it('withholds the log of a pod that uses a Secret it cannot read; a missing Secret has nothing to hide', async () => {
    const { cluster } = podCluster(['gone', 'locked'], {}, 'leaks locked-value\n', ['locked']);
    const log = await observeSecrets(cluster, new Redactor()).podLog('ns', 'web-1', 'web');
    assert.match(
      log,
      /log of web-1\/web withheld: it uses Secret locked, which this run cannot read \(forbidden\)/,
    );
    assert.ok(!log.includes('locked-value'));
    const unknownPod = await observeSecrets(podCluster([], {}, 'x').cluster, new Redactor()).podLog(
      'ns',
      'other',
      'c',
    );
    assert.match(unknownPod, /withheld: the pod could not be read/);
  });

  it('a value split over the first two lines of a tail is found: one line more is read, then dropped', async () => {
    const { cluster, asked } = podCluster(
      ['env'],
      { env: 'tail-split-secret-77' },
      'a\nb tail-split\n-secret-77 c\nd\ne\n',
    );
    const log = await observeSecrets(cluster, new Redactor()).podLog('ns', 'web-1', 'web', { tailLines: 3 });
    assert.deepEqual(asked, [{ tailLines: 4 }]);
    assert.equal(log, '*** c\nd\ne\n');
  });

  it("redacts an events.k8s.io Event's note as well as a core Event's message", async () => {
    const note: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'ev' },
      note: 'Error: failed to pull with note-secret-5e',
      reason: 'Failed',
    };
    const r = new Redactor();
    r.add(['note-secret-5e']);
    const cluster = observeSecrets({ get: async () => note } as unknown as Cluster, r);
    const read = (await cluster.get({ apiVersion: 'events.k8s.io/v1', kind: 'Event', name: 'ev' }))!;
    assert.equal(read.note, 'Error: failed to pull with ***');
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
