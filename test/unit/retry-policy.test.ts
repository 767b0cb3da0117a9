// The retry policy (src/kube/retry.ts) without a server: which failures are retried, how long each
// wait is (backoff, Retry-After and its cap), and what ends the retries. test/unit/retry.test.ts
// runs the same policy through a Cluster against a scripted HTTP server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeApiError } from '../../src/kube/types.ts';
import {
  backoffDelayMs,
  isConnectionError,
  isRetryable,
  parseRetryAfter,
  retryAfterMsOf,
  statusCodeOf,
  withRetry,
  type RetryInfo,
  type RetryOptions,
} from '../../src/kube/retry.ts';

const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code });
/** A 429 whose transport attached a Retry-After of `ms`. */
const tooMany = (ms: number) => Object.assign(new KubeApiError(429, 'slow down'), { retryAfterMs: ms });

/** Runs withRetry over a function failing with `errors` in turn, then succeeding; records the retries. */
async function retried(errors: unknown[], opts: RetryOptions = {}) {
  const infos: RetryInfo[] = [];
  let calls = 0;
  const value = await withRetry(
    async (attempt) => {
      calls++;
      assert.equal(attempt, calls, 'p-retry numbers the attempts from 1');
      if (calls <= errors.length) throw errors[calls - 1];
      return 'done';
    },
    { minDelayMs: 1, ...opts, onRetry: (info) => infos.push(info) },
  );
  return { value, calls, infos, delays: infos.map((i) => i.delayMs) };
}

describe('what is retried', () => {
  it('every socket error code that means the answer never came', () => {
    const codes = [
      'ECONNRESET',
      'ECONNREFUSED',
      'ECONNABORTED',
      'ETIMEDOUT',
      'EPIPE',
      'EAI_AGAIN',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'UND_ERR_SOCKET',
      'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
    ];
    for (const code of codes) assert.equal(isConnectionError(withCode(code)), true, code);
    assert.equal(isConnectionError(withCode('')), false);
    assert.equal(isConnectionError(withCode('ENOTFOUND')), false);
  });

  it('the messages undici and node give a cut connection, in any case', () => {
    for (const message of ['socket hang up', 'fetch failed', 'Other side closed', 'terminated', 'TERMINATED'])
      assert.equal(isConnectionError(new Error(message)), true, message);
    assert.equal(
      isConnectionError(new Error('request terminated by the server')),
      false,
      'only a bare `terminated`',
    );
    assert.equal(isConnectionError(new Error('')), false);
    assert.equal(isConnectionError({ message: 42 }), false);
  });

  it('looks three causes deep, not further', () => {
    const chain = (depth: number) => {
      let err: Error = withCode('ECONNRESET');
      for (let i = 0; i < depth; i++) err = new Error(`wrapper ${i}`, { cause: err });
      return err;
    };
    assert.equal(isConnectionError(chain(3)), true);
    assert.equal(isConnectionError(chain(4)), false);
  });

  it('an HTTP status decides when there is one, even on an error that mentions a socket', () => {
    assert.equal(statusCodeOf(new KubeApiError(503, 'x')), 503);
    assert.equal(statusCodeOf({ code: 418 }), 418);
    assert.equal(statusCodeOf(withCode('ECONNRESET')), undefined);
    assert.equal(isRetryable(Object.assign(new Error('socket hang up'), { code: 404 })), false);
    assert.equal(isRetryable({ code: 499 }), false);
    assert.equal(isRetryable({ code: 500 }), true);
  });

  it("server-side apply's schema rejection is read from the Status or the message, and only on a 500", () => {
    const text = 'failed to create typed patch object (shop/web): .spec.replicas: expected numeric';
    assert.equal(isRetryable(new KubeApiError(500, 'Internal error', undefined, { message: text })), false);
    assert.equal(isRetryable(new KubeApiError(500, text)), false);
    assert.equal(isRetryable(new KubeApiError(503, text)), true, 'a 503 is an outage whatever it says');
    assert.equal(isRetryable(new KubeApiError(500, 'x', undefined, { message: 42 })), true);
  });
});

describe('how long a retry waits', () => {
  it('the backoff doubles from the first delay up to the longest', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, 250, 3000)),
      [250, 500, 1000, 2000, 3000, 3000],
    );
    assert.equal(backoffDelayMs(1, 1.3, 100), 3, 'rounded');
  });

  it('withRetry reports each backoff, capped at maxDelayMs, and never shorter than the first delay', async () => {
    const down = () => new KubeApiError(503, 'down');
    assert.deepEqual((await retried([down(), down(), down()], { maxDelayMs: 3 })).delays, [1, 2, 3]);
    assert.deepEqual(
      (await retried([down(), down()], { minDelayMs: 4, maxDelayMs: 2 })).delays,
      [4, 8].map(() => 4),
    );
  });

  it('waits as long as Retry-After asks when that is longer than the backoff', async () => {
    const r = await retried([tooMany(30)], { minDelayMs: 5 });
    assert.equal(r.value, 'done');
    assert.deepEqual(r.delays, [30]);
    const shorter = await retried([tooMany(2)], { minDelayMs: 5 });
    assert.deepEqual(shorter.delays, [5], 'a shorter Retry-After does not cut the backoff');
  });

  it('caps Retry-After at maxRetryAfterMs', async () => {
    assert.deepEqual((await retried([tooMany(10_000)], { maxRetryAfterMs: 20 })).delays, [20]);
  });

  it('caps Retry-After at 60 s by default', async () => {
    const stop = new AbortController();
    const infos: RetryInfo[] = [];
    await assert.rejects(
      withRetry(
        async () => {
          throw tooMany(3_600_000);
        },
        {
          minDelayMs: 1,
          signal: stop.signal,
          // Aborting here ends the wait the retry would start.
          onRetry: (info) => {
            infos.push(info);
            stop.abort(new Error('stopped'));
          },
        },
      ),
      /stopped/,
    );
    assert.deepEqual(
      infos.map((i) => i.delayMs),
      [60_000],
    );
  });

  it('tells onRetry the attempt, the retries left, the error and the operation', async () => {
    const errors = [new KubeApiError(502, 'bad gateway'), withCode('ECONNRESET')];
    const r = await retried(errors, { retries: 5, operation: 'GET /api/v1/pods' });
    assert.equal(r.calls, 3);
    assert.deepEqual(
      r.infos.map(({ attempt, retriesLeft, error, operation }) => ({
        attempt,
        retriesLeft,
        error,
        operation,
      })),
      [
        { attempt: 1, retriesLeft: 5, error: errors[0], operation: 'GET /api/v1/pods' },
        { attempt: 2, retriesLeft: 4, error: errors[1], operation: 'GET /api/v1/pods' },
      ],
    );
  });

  it('gives up after the retries asked for, four by default', async () => {
    const down = new KubeApiError(503, 'down');
    let calls = 0;
    const failing = async () => {
      calls++;
      throw down;
    };
    await assert.rejects(withRetry(failing, { retries: 1, minDelayMs: 1 }), (err) => err === down);
    assert.equal(calls, 2);
    calls = 0;
    await assert.rejects(withRetry(failing, { minDelayMs: 1, maxDelayMs: 1 }), (err) => err === down);
    assert.equal(calls, 5);
  });

  it('a non-retryable error ends it at once, without a retry', async () => {
    const infos: RetryInfo[] = [];
    const invalid = new KubeApiError(422, 'invalid');
    let attempts = 0;
    await assert.rejects(
      withRetry(
        async () => {
          attempts++;
          throw invalid;
        },
        { minDelayMs: 1, onRetry: (i) => infos.push(i) },
      ),
      (err) => err === invalid,
    );
    assert.deepEqual(infos, []);
    assert.equal(attempts, 1);
  });

  it('sleeps out a Retry-After longer than the backoff before the next attempt', async () => {
    const started = performance.now();
    const r = await retried([tooMany(80)], { minDelayMs: 1 });
    assert.equal(r.value, 'done');
    // A lower bound only: a wait is never shorter than asked, however slow the machine.
    assert.ok(performance.now() - started >= 75, `waited ${performance.now() - started} ms`);
  });
});

describe('Retry-After', () => {
  it('as seconds (fractions too) or an HTTP date, never negative', () => {
    assert.equal(parseRetryAfter('1.5'), 1500);
    assert.equal(parseRetryAfter('10'), 10_000);
    assert.equal(parseRetryAfter('1.25'), 1250);
    assert.equal(parseRetryAfter('5s'), undefined, 'neither seconds nor a date');
    assert.equal(parseRetryAfter(' 3 '), 3000);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('   '), undefined);
    assert.equal(parseRetryAfter('-1'), 0, 'not a number of seconds: read as a date long past');
    assert.equal(parseRetryAfter(new Date(5_000).toUTCString(), 9_000), 0, 'a date in the past: now');
    assert.equal(parseRetryAfter(` ${new Date(12_000).toUTCString()} `, 9_000), 3000);
  });

  it('from the transport, else from the Status details; nothing otherwise', () => {
    assert.equal(retryAfterMsOf(tooMany(1234)), 1234);
    assert.equal(retryAfterMsOf({ retryAfterMs: 0 }), 0);
    const status = (details: unknown) => new KubeApiError(429, 'slow', 'TooManyRequests', { details });
    assert.equal(retryAfterMsOf(status({ retryAfterSeconds: 2 })), 2000);
    assert.equal(retryAfterMsOf(status({ retryAfterSeconds: 0 })), undefined);
    assert.equal(retryAfterMsOf(status({ retryAfterSeconds: '2' })), undefined);
    assert.equal(retryAfterMsOf(status(undefined)), undefined);
    assert.equal(retryAfterMsOf(new KubeApiError(429, 'slow')), undefined);
    assert.equal(
      retryAfterMsOf({ status: { details: { retryAfterSeconds: 2 } } }),
      undefined,
      'not a KubeApiError',
    );
    assert.equal(retryAfterMsOf(undefined), undefined);
  });
});
