import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  averageRanks,
  hodgesLehmann,
  mannWhitneyU,
  median,
  phi,
  relativeChange,
} from '../../src/analysis/stats.ts';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

describe('Mann–Whitney U', () => {
  it('matches a hand-computed example without ties', () => {
    // x = 1,2,3 and y = 4,5,6: x holds ranks 1,2,3, so R_x = 6 and U_x = 6 − 3·4/2 = 0, U_y = 9.
    // μ = 3·3/2 = 4.5, σ² = 9/12 · 7 = 5.25. Two-sided z = (|0 − 4.5| − 0.5)/√5.25 = 1.7457,
    // p = 2·(1 − Φ(1.7457)) = 0.080856 (scipy.stats.mannwhitneyu asymptotic, continuity: 0.0808556).
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    assert.equal(r.u, 0);
    assert.equal(r.uOther, 9);
    close(r.z, 4 / Math.sqrt(5.25));
    close(r.pValue, 0.08085559837005224, 1e-7);
    close(mannWhitneyU([1, 2, 3], [4, 5, 6], 'less').pValue, 0.04042779918502612, 1e-7);
    close(mannWhitneyU([1, 2, 3], [4, 5, 6], 'greater').pValue, 0.9854518341293739, 1e-7);
  });

  it('uses average ranks and the tie correction', () => {
    // x = 1,2,2,3, y = 2,3,4,5. Pooled ranks: 1→1, the three 2s→3, the two 3s→5.5, 4→7, 5→8.
    // R_x = 1+3+3+5.5 = 12.5, U_x = 12.5 − 10 = 2.5. Tie term Σ(t³−t) = 24 + 6 = 30.
    // σ² = 16/12 · (9 − 30/56) = 11.2857; two-sided z = (5.5 − 0.5)/3.3594 = 1.4884, p = 0.13666.
    const { ranks, tieTerm } = averageRanks([1, 2, 2, 3, 2, 3, 4, 5]);
    assert.deepEqual(ranks, [1, 3, 3, 5.5, 3, 5.5, 7, 8]);
    assert.equal(tieTerm, 30);
    const r = mannWhitneyU([1, 2, 2, 3], [2, 3, 4, 5]);
    assert.equal(r.u, 2.5);
    close(r.pValue, 0.1366582477381475, 1e-7);
    close(mannWhitneyU([1, 2, 2, 3], [2, 3, 4, 5], 'less').pValue, 0.06832912386907375, 1e-7);
  });

  it('matches a textbook-sized example with a tie across samples', () => {
    const x = [3, 4, 2, 6, 2, 5];
    const y = [9, 7, 5, 10, 6, 8];
    const r = mannWhitneyU(x, y);
    assert.equal(r.u, 2);
    close(r.pValue, 0.012591911490379705, 1e-7);
    close(mannWhitneyU(x, y, 'less').pValue, 0.006295955745189852, 1e-7);
    close(mannWhitneyU(y, x, 'greater').pValue, 0.006295955745189852, 1e-7);
  });

  it('gives p = 1 for identical samples (all values equal: σ = 0)', () => {
    assert.equal(mannWhitneyU([5, 5, 5, 5], [5, 5, 5]).pValue, 1);
    assert.equal(mannWhitneyU([1, 2, 3, 4], [1, 2, 3, 4]).pValue, 1);
    assert.equal(mannWhitneyU([1, 2, 3, 4], [1, 2, 3, 4], 'greater').pValue > 0.4, true);
  });

  it('finds clearly shifted samples significant', () => {
    const stable = Array.from({ length: 40 }, (_, i) => 100 + (i % 10));
    const canary = stable.map((v) => v * 3);
    assert.ok(mannWhitneyU(canary, stable, 'greater').pValue < 0.01);
    assert.ok(mannWhitneyU(canary, stable).pValue < 0.01);
    // Shifted upwards is not evidence of a decrease.
    assert.ok(mannWhitneyU(canary, stable, 'less').pValue > 0.99);
  });

  it('rejects an empty side', () => {
    assert.throws(() => mannWhitneyU([], [1]), RangeError);
  });
});

describe('helpers', () => {
  it('median, Hodges–Lehmann, relative change, Φ', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
    assert.equal(hodgesLehmann([11, 12, 13], [1, 2, 3]), 10);
    close(relativeChange(0.3, 0.1), 2);
    assert.equal(relativeChange(0, 0), 0);
    assert.equal(relativeChange(1, 0), Infinity);
    close(phi(1.96), 0.9750021048517795, 1e-12);
    close(phi(0), 0.5);
  });
});

describe('edges', () => {
  it('either empty side is refused', () => {
    assert.throws(() => mannWhitneyU([1], []), /at least one value on each side/);
  });

  it('one value each: U counts the one comparison', () => {
    const r = mannWhitneyU([2], [1], 'greater');
    assert.deepEqual([r.u, r.uOther], [1, 0]);
    close(r.z, 0, 1e-12);
    close(r.pValue, 0.5, 1e-12);
  });

  it('p never exceeds 1, even when the continuity correction overshoots the mean', () => {
    const r = mannWhitneyU([1, 4], [2, 3]);
    assert.equal(r.u, 2);
    assert.ok(r.z < 0);
    assert.equal(r.pValue, 1);
  });

  it('Hodges–Lehmann thins large inputs by a fixed stride, and is NaN without data', () => {
    const x = Array.from({ length: 100 }, (_, i) => i);
    const zeros = Array<number>(100).fill(0);
    assert.equal(hodgesLehmann(x, zeros), 49.5, 'all 10,000 pairs');
    assert.equal(hodgesLehmann(x, zeros, 100), 45, 'every 10th of each side: 0, 10, … 90');
    assert.ok(Number.isNaN(hodgesLehmann([], [1])));
    assert.ok(Number.isNaN(hodgesLehmann([1], [])));
  });

  it('relative change against a negative or zero stable median', () => {
    assert.equal(relativeChange(-2, 0), -Infinity);
    close(relativeChange(0.5, -1), 1.5);
    close(relativeChange(-1.5, -1), -0.5);
  });

  it('median leaves its input in order', () => {
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
  });
});
