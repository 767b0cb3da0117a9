import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

/**
 * Small, dependency-light statistics for the baseline comparison.
 *
 * Mann–Whitney U test, normal approximation (e.g. Hollander, Wolfe & Chicken, "Nonparametric
 * Statistical Methods", §4.1; the same method as scipy.stats.mannwhitneyu(method='asymptotic',
 * use_continuity=True)):
 *   ranks of the pooled sample, ties get the average rank;
 *   U_x = R_x − n_x(n_x + 1)/2, U_y = n_x·n_y − U_x;
 *   μ = n_x·n_y/2, σ² = n_x·n_y/12 · ((n + 1) − Σ(t³ − t)/(n(n − 1)))  (t = size of each tie group);
 *   z with a continuity correction of 0.5 towards μ; p from the standard normal CDF.
 */

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface MannWhitneyResult {
  /** U statistic of the first sample (x). */
  u: number;
  /** U statistic of the second sample (y). */
  uOther: number;
  z: number;
  pValue: number;
}

/** Standard normal CDF Φ(z). */
export function phi(z: number): number {
  return normalCdf(z, 0, 1);
}

/** Ranks (1-based) of `values`, ties sharing their average rank; also Σ(t³ − t) over tie groups. */
export function averageRanks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++;
    const rank = (start + end + 2) / 2; // average of ranks start+1 .. end+1
    for (let i = start; i <= end; i++) ranks[order[i]!.index] = rank;
    const t = end - start + 1;
    tieTerm += t * t * t - t;
    start = end + 1;
  }
  return { ranks, tieTerm };
}

/**
 * Mann–Whitney U test of x against y. `greater`: x tends to be larger than y; `less`: smaller.
 * Both samples must be non-empty and free of NaN. When every value is equal (σ = 0) p is 1.
 */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  alternative: Alternative = 'two-sided',
): MannWhitneyResult {
  const nx = x.length;
  const ny = y.length;
  if (nx === 0 || ny === 0) throw new RangeError('mannWhitneyU needs at least one value on each side');
  const n = nx + ny;
  const { ranks, tieTerm } = averageRanks([...x, ...y]);
  let rankSumX = 0;
  for (let i = 0; i < nx; i++) rankSumX += ranks[i]!;
  const u = rankSumX - (nx * (nx + 1)) / 2;
  const uOther = nx * ny - u;
  const mean = (nx * ny) / 2;
  const variance = n > 1 ? ((nx * ny) / 12) * (n + 1 - tieTerm / (n * (n - 1))) : 0;
  if (!(variance > 0)) return { u, uOther, z: 0, pValue: 1 };
  const sigma = Math.sqrt(variance);
  let z: number;
  let pValue: number;
  if (alternative === 'greater') {
    z = (u - mean - 0.5) / sigma;
    pValue = phi(-z);
  } else if (alternative === 'less') {
    z = (u - mean + 0.5) / sigma;
    pValue = phi(z);
  } else {
    z = (Math.abs(u - mean) - 0.5) / sigma;
    pValue = 2 * phi(-z);
  }
  return { u, uOther, z, pValue: Math.min(1, Math.max(0, pValue)) };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Hodges–Lehmann estimate of the shift x − y: the median of all pairwise differences. Large inputs
 * are thinned by a fixed stride so the work stays bounded (the estimate barely moves).
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], maxPairs = 250_000): number {
  if (x.length === 0 || y.length === 0) return NaN;
  const stride = Math.max(1, Math.ceil(Math.sqrt((x.length * y.length) / maxPairs)));
  const diffs: number[] = [];
  for (let i = 0; i < x.length; i += stride)
    for (let j = 0; j < y.length; j += stride) diffs.push(x[i]! - y[j]!);
  return median(diffs);
}

/**
 * Relative change of the canary median against the stable median (0.2 = 20 % higher). A zero stable
 * median with a non-zero canary median is an infinite change, not a pass (a known Kayenta gap).
 */
export function relativeChange(canaryMedian: number, stableMedian: number): number {
  if (stableMedian === 0) return canaryMedian === 0 ? 0 : canaryMedian > 0 ? Infinity : -Infinity;
  return (canaryMedian - stableMedian) / Math.abs(stableMedian);
}
