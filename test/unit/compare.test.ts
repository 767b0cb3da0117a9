// compareText (src/compare.ts): one order for text everywhere, by UTF-16 code unit, whatever the
// runner's locale.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareText } from '../../src/compare.ts';

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
