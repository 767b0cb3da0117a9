// The Redactor's edges (src/secrets/redactor.ts), each pinned by what it lets through or hides:
// the shortest value it takes, the forms a Secret's values are printed in, the keys whose text is
// scrubbed (status `message`, events.k8s.io `note`) and the record fields it rewrites.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/kube/types.ts';
import type { RolloutRecord } from '../../src/record/types.ts';
import { redactRecord } from '../../src/record/redact.ts';
import { MIN_SECRET_LENGTH, REDACTED, Redactor, secretValuesOf } from '../../src/secrets/redactor.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (fields: Partial<KubeObject>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's' },
  ...fields,
});

function redactorOf(...values: string[]): { r: Redactor; added: string[] } {
  const added: string[] = [];
  const r = new Redactor((v) => added.push(v));
  r.add(values);
  return { r, added };
}

describe('the shortest value redacted', () => {
  it('is 4 characters: `pass` is hidden, `abc` is left alone', () => {
    assert.equal(MIN_SECRET_LENGTH, 4);
    const { r, added } = redactorOf('pass', 'abc');
    assert.equal(added[0], 'pass');
    assert.ok(!added.includes('abc'));
    assert.ok(added.every((form) => form.length >= MIN_SECRET_LENGTH));
    assert.equal(r.redact('abc pass'), `abc ${REDACTED}`);
  });

  it('applies to each form: a 4-character line of a longer value is hidden, a 3-character one is not', () => {
    const { r } = redactorOf('wxyz\nuvw');
    assert.ok(r.has('wxyz'));
    assert.ok(!r.has('uvw'));
    assert.equal(r.redact('uvw then wxyz'), `uvw then ${REDACTED}`);
  });

  it('measures a value without its surrounding spaces: `  ab ` is too short', () => {
    const { r, added } = redactorOf('  ab ', '  abcd ');
    assert.ok(!added.includes('  ab '));
    assert.ok(added.includes('  abcd ') && added.includes('abcd'));
    assert.equal(r.redact('ab abcd'), `ab ${REDACTED}`);
  });
});

describe('secretValuesOf: every form a Secret value is printed in', () => {
  it('stringData values as given; the redactor adds their base64 form', () => {
    const values = secretValuesOf(secret({ stringData: { password: 'plain-pass-1' } }));
    assert.deepEqual(values, ['plain-pass-1']);
    assert.ok(redactorOf(...(values as string[])).r.has(b64('plain-pass-1')));
  });

  it('data values as their bytes; the redactor adds the decoded text and the base64', () => {
    const values = secretValuesOf(secret({ data: { token: b64('tok-value-22') } }));
    assert.deepEqual(values, [Buffer.from('tok-value-22')]);
    const r = new Redactor();
    r.add(values);
    assert.ok(r.has('tok-value-22') && r.has(b64('tok-value-22')));
  });

  it('base64 written another way than Node writes it (a line break) is kept as written too', () => {
    const wrapped = `${b64('tok-value-22-long-enough').slice(0, 8)}\n${b64('tok-value-22-long-enough').slice(8)}`;
    const values = secretValuesOf(secret({ data: { token: wrapped } }));
    assert.deepEqual(values, [Buffer.from('tok-value-22-long-enough'), wrapped]);
  });

  it('a base64 form read in a log line is redacted', () => {
    const r = new Redactor();
    r.add(secretValuesOf(secret({ stringData: { password: 'plain-pass-1' } })));
    assert.equal(r.redact(`env dump: PASSWORD=${b64('plain-pass-1')}`), `env dump: PASSWORD=${REDACTED}`);
  });

  it('skips values that are not text, and objects that are not core Secrets', () => {
    assert.deepEqual(
      secretValuesOf(
        secret({ data: { n: 5 as unknown as string }, stringData: { m: null as unknown as string } }),
      ),
      [],
    );
    assert.deepEqual(
      secretValuesOf(secret({ apiVersion: 'example.com/v1', data: { a: b64('value-1') } })),
      [],
    );
    assert.deepEqual(secretValuesOf(undefined), []);
    const noApiVersion = {
      kind: 'Secret',
      metadata: {},
      data: { a: b64('value-1') },
    } as unknown as KubeObject;
    assert.deepEqual(secretValuesOf(noApiVersion), [Buffer.from('value-1')], 'apiVersion defaults to v1');
  });
});

describe('printed forms', () => {
  it('a value, its trimmed form and each trimmed line (CRLF too), each reported once', () => {
    const { added } = redactorOf(' line-one-x\r\nline-two-y \n');
    for (const form of [
      ' line-one-x\r\nline-two-y \n',
      'line-one-x\r\nline-two-y',
      'line-one-x',
      'line-two-y',
    ])
      assert.equal(added.filter((f) => f === form).length, 1, JSON.stringify(form));
    assert.equal(new Set(added).size, added.length, 'each form reported once');
  });

  it('PEM armour lines are not secret; the key body is', () => {
    const { r } = redactorOf('-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBody\n-----END EC PRIVATE KEY-----');
    assert.ok(r.has('MHcCAQEEIBody'));
    assert.ok(!r.has('-----BEGIN EC PRIVATE KEY-----'));
    assert.ok(!r.has('-----END EC PRIVATE KEY-----'));
    assert.equal(r.redact('-----BEGIN EC PRIVATE KEY-----'), '-----BEGIN EC PRIVATE KEY-----');
  });

  it('adding known values again reports nothing new and redaction stays the same', () => {
    const { r, added } = redactorOf('first-secret');
    const first = [...added];
    r.add(['first-secret', undefined]);
    assert.deepEqual(added, first);
    r.add(['second-secret-longer']);
    assert.equal(added[first.length], 'second-secret-longer');
    assert.ok(added.length > first.length + 1, 'with its derived forms');
    assert.equal(r.redact('first-secret second-secret-longer'), `${REDACTED} ${REDACTED}`);
  });

  it('a value inside a longer one: the longer goes whole whichever was added first', () => {
    const { r } = redactorOf('abcd-1234');
    r.add(['xx-abcd-1234-yy']);
    assert.equal(r.redact('[xx-abcd-1234-yy] [abcd-1234]'), `[${REDACTED}] [${REDACTED}]`);
  });

  it('every occurrence is replaced', () => {
    const { r } = redactorOf('repeat-me');
    assert.equal(r.redact('repeat-me,repeat-me;repeat-me'), `${REDACTED},${REDACTED};${REDACTED}`);
  });
});

describe('redactMessages', () => {
  it('scrubs status `message` and events.k8s.io/v1 Event `note`, nothing else', () => {
    const { r } = redactorOf('db-password-9');
    const event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      reason: 'db-password-9',
      note: 'Failed to pull: auth db-password-9 rejected',
      regarding: { name: 'db-password-9' },
    };
    assert.deepEqual(r.redactMessages(event), {
      ...event,
      note: `Failed to pull: auth ${REDACTED} rejected`,
    });
  });

  it('reaches messages in lists and nested objects, and keeps other values as they are', () => {
    const { r } = redactorOf('db-password-9');
    const list = {
      items: [
        { message: 'a db-password-9', count: 2, ok: true, none: null },
        { status: { conditions: [{ message: 'b db-password-9', type: 'Ready' }] } },
      ],
    };
    assert.deepEqual(r.redactMessages(list), {
      items: [
        { message: `a ${REDACTED}`, count: 2, ok: true, none: null },
        { status: { conditions: [{ message: `b ${REDACTED}`, type: 'Ready' }] } },
      ],
    });
    assert.deepEqual(r.redactMessages({ messages: ['db-password-9'] }), { messages: ['db-password-9'] });
  });

  it('knowing no secret, returns the very object it was given', () => {
    const pod = { status: { message: 'fine' } };
    assert.equal(new Redactor().redactMessages(pod), pod);
  });
});

describe('redactRecord', () => {
  const leak = 'leaked-value-1';
  function leaky(): RolloutRecord {
    return {
      app: 'web',
      namespace: 'shop',
      action: 'deploy',
      strategy: 'canary',
      newVersion: 'v2',
      canaryWeight: 0,
      startedAt: '2026-01-01T00:00:00Z',
      rollbackReason: `reason ${leak}`,
      notes: [`note ${leak}`],
      steps: [
        {
          index: 0,
          kind: 'wait',
          label: 'wait',
          startedAt: 'x',
          verdict: 'failed',
          detail: `detail ${leak}`,
        },
        { index: 1, kind: 'pause', label: 'pause', startedAt: 'x', verdict: 'passed' },
      ],
      evidence: [
        { workload: 'web', pod: 'p', reason: 'Error', message: `m ${leak}`, logTail: [`log ${leak}`, 'ok'] },
        { workload: 'web', pod: 'q', reason: 'Error' },
      ],
      measurements: [
        {
          metric: 'probe',
          provider: 'web',
          at: 'x',
          phase: 'Failed',
          query: `https://svc/health?token=${leak}`,
          value: `body ${leak}`,
          message: `msg ${leak}`,
        },
        { metric: 'rate', provider: 'prometheus', at: 'x', phase: 'Successful', value: 0.5 },
      ],
      weights: [],
    };
  }

  it('rewrites every free-text field in place and returns the same record', () => {
    const { r } = redactorOf(leak);
    const record = leaky();
    assert.equal(redactRecord(record, r), record);
    const s = REDACTED;
    assert.equal(record.rollbackReason, `reason ${s}`);
    assert.deepEqual(record.notes, [`note ${s}`]);
    assert.equal(record.steps[0]!.detail, `detail ${s}`);
    assert.equal(record.steps[1]!.detail, undefined, 'no detail is invented');
    assert.equal(record.evidence[0]!.message, `m ${s}`);
    assert.deepEqual(record.evidence[0]!.logTail, [`log ${s}`, 'ok']);
    assert.deepEqual(record.evidence[1], { workload: 'web', pod: 'q', reason: 'Error' });
    assert.equal(record.measurements[0]!.query, `https://svc/health?token=${s}`);
    assert.equal(record.measurements[0]!.value, `body ${s}`);
    assert.equal(record.measurements[0]!.message, `msg ${s}`);
    assert.deepEqual(record.measurements[1], {
      metric: 'rate',
      provider: 'prometheus',
      at: 'x',
      phase: 'Successful',
      value: 0.5,
    });
  });

  it('leaves a record without a rollback reason without one', () => {
    const record = { ...leaky(), rollbackReason: undefined };
    redactRecord(record, redactorOf(leak).r);
    assert.equal('rollbackReason' in record && record.rollbackReason, undefined);
  });
});
