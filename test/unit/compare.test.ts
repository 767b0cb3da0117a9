// src/compare.ts: one order for text everywhere, by UTF-16 code unit, whatever the runner's locale;
// JSON with sorted keys; and equality as JSON, whatever the key order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, compareText, sameJson } from '../../src/compare.ts';

describe('compareText', () => {
  it('is negative, zero or positive as the first sorts before, with or after the second', () => {
    assert.equal(compareText('a', 'b'), -1);
    assert.equal(compareText('b', 'a'), 1);
    assert.equal(compareText('same', 'same'), 0);
    assert.equal(compareText('', 'a'), -1);
    assert.equal(compareText('web', 'web-canary'), -1, 'a prefix sorts first');
  });

  it('sorts by code unit, not as a locale would: capitals first, accents after z', () => {
    assert.deepEqual(['é', 'b', 'B', 'a', 'Z', '10', '9'].sort(compareText), [
      '10',
      '9',
      'B',
      'Z',
      'a',
      'b',
      'é',
    ]);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and leaves out undefined ones', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null, u: undefined } }),
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});

describe('sameJson', () => {
  const rows: [string, unknown, unknown][] = [
    ['key order', { a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 }],
    ['an undefined key is no key', { a: 1, b: undefined }, { a: 1 }],
    ['an undefined key on the other side', { a: 1 }, { a: 1, b: undefined }],
    ['an undefined element is null', [1, undefined], [1, null]],
    ['a value changed deep down', { a: { b: [{ c: 1 }] } }, { a: { b: [{ c: 2 }] } }],
    ['a key more', { a: 1 }, { a: 1, b: 2 }],
    ['a key renamed', { a: 1 }, { b: 1 }],
    ['a number and its digits', { a: 8080 }, { a: '8080' }],
    ['an array and an object', [], {}],
    ['an array and an object with index keys', ['x'], { 0: 'x' }],
    ['null and an empty object', null, {}],
    ['null and undefined elements', [null], [undefined]],
    ['a longer array', [1], [1, 1]],
    ['the same scalar', 'x', 'x'],
    ['false and null', false, null],
  ];
  it('says what comparing canonicalJson says', () => {
    for (const [why, a, b] of rows) {
      const asJson = canonicalJson(a) === canonicalJson(b);
      assert.equal(sameJson(a, b), asJson, why);
      assert.equal(sameJson(b, a), asJson, `${why}, the other way round`);
    }
  });
  it('finds both answers among the rows', () => {
    const answers = new Set(rows.map(([, a, b]) => sameJson(a, b)));
    assert.deepEqual([...answers].sort(), [false, true]);
  });
});
