import { formatValue } from './conditions.ts';
import { hodgesLehmann, mannWhitneyU, median, relativeChange, type Alternative } from './stats.ts';
import { renderTemplate } from './template.ts';
import type { BaselineComparison, Measurement, MeasurementPhase, TemplateContext } from './types.ts';

/**
 * `compare: baseline` — canary against stable on the same query.
 *
 * Query rule: write the query for the canary, selecting it with `{{canary.version}}`. The stable
 * side is the very same text rendered with `{{canary.version}}` bound to the stable version, so the
 * two range queries differ only in which version they select. A query without
 * `{{canary.version}}` would compare a series with itself and is rejected.
 *
 * Samples: every value of every series of each range query (NaN dropped). Fewer than `minSamples`
 * on either side → the `noData` rule (fail or inconclusive). Verdict: Failed when the Mann–Whitney
 * U test is significant (p < alpha, one-sided in the configured direction, two-sided for
 * `either`) AND the relative change of the medians exceeds `allowedChange` in that direction.
 */

export const DEFAULT_WINDOW_MS = 5 * 60_000;
export const DEFAULT_STEP_MS = 5_000;

export interface BaselineSamples {
  canary: number[];
  stable: number[];
}

export function isBaselineSamples(value: unknown): value is BaselineSamples {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as BaselineSamples).canary) &&
    Array.isArray((value as BaselineSamples).stable)
  );
}

/** The canary and stable query texts (see the rule above). Throws when the query cannot tell them apart. */
export function baselineQueries(
  query: string,
  template: TemplateContext,
): { canary: string; stable: string } {
  if (!/\{\{\s*canary\.version\s*\}\}/.test(query)) {
    throw new Error(
      'compare: baseline needs {{canary.version}} in the query to select each side (the stable side is rendered with the stable version in its place)',
    );
  }
  return {
    canary: renderTemplate(query, template),
    stable: renderTemplate(query, { ...template, canaryVersion: template.stableVersion }),
  };
}

function percent(change: number): string {
  if (!Number.isFinite(change)) return change > 0 ? '+Inf%' : '-Inf%';
  const value = Number((change * 100).toPrecision(3));
  return `${value >= 0 ? '+' : ''}${value}%`;
}

function pText(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}

export function comparisonConditionText(cmp: BaselineComparison): string {
  const band =
    cmp.direction === 'increase'
      ? `+${cmp.allowedChange * 100}%`
      : cmp.direction === 'decrease'
        ? `-${cmp.allowedChange * 100}%`
        : `±${cmp.allowedChange * 100}%`;
  return `canary median within ${band} of stable median or p >= ${cmp.alpha} (Mann-Whitney U)`;
}

export interface ComparisonVerdict {
  phase: MeasurementPhase;
  /** The canary median (null when a side has no samples). */
  value: number | null;
  comparison?: NonNullable<Measurement['comparison']>;
  measured: string;
  violation?: string;
  message: string;
}

export function judgeComparison(cmp: BaselineComparison, samples: BaselineSamples): ComparisonVerdict {
  const canary = samples.canary.filter((v) => !Number.isNaN(v));
  const stable = samples.stable.filter((v) => !Number.isNaN(v));
  const counts = `canary ${canary.length} samples, stable ${stable.length}`;
  if (
    canary.length < cmp.minSamples ||
    stable.length < cmp.minSamples ||
    canary.length === 0 ||
    stable.length === 0
  ) {
    const measured = `too few samples (${counts}; minSamples ${cmp.minSamples})`;
    return {
      phase: cmp.noData === 'fail' ? 'Failed' : 'Inconclusive',
      value: canary.length ? median(canary) : null,
      measured,
      violation: `(noData: ${cmp.noData})`,
      message: `no data: ${measured}`,
    };
  }
  return compareSamples(cmp, canary, stable, counts);
}

/** The Mann–Whitney test and the medians' relative change, on enough samples of each side. */
function compareSamples(
  cmp: BaselineComparison,
  canary: number[],
  stable: number[],
  counts: string,
): ComparisonVerdict {
  const alternative: Alternative =
    cmp.direction === 'increase' ? 'greater' : cmp.direction === 'decrease' ? 'less' : 'two-sided';
  const test = mannWhitneyU(canary, stable, alternative);
  const canaryMedian = median(canary);
  const stableMedian = median(stable);
  const effectSize = relativeChange(canaryMedian, stableMedian);
  const comparison = {
    canaryMedian,
    stableMedian,
    u: test.u,
    pValue: test.pValue,
    effectSize,
    canarySamples: canary.length,
    stableSamples: stable.length,
  };
  const tooLarge = exceedsAllowed(cmp, effectSize);
  const significant = test.pValue < cmp.alpha;
  const shift = hodgesLehmann(canary, stable);
  const measured =
    `canary median ${formatValue(canaryMedian)} vs stable median ${formatValue(stableMedian)} ` +
    `(${percent(effectSize)}, U=${formatValue(test.u)}, p=${pText(test.pValue)}, ${counts})`;
  const details = `${measured}; Hodges-Lehmann shift ${formatValue(shift)}`;
  if (tooLarge && significant) {
    const allowed =
      cmp.direction === 'either'
        ? `±${cmp.allowedChange * 100}%`
        : `${cmp.direction} ${cmp.allowedChange * 100}%`;
    return {
      phase: 'Failed',
      value: canaryMedian,
      comparison,
      measured,
      violation: `exceeds the allowed ${allowed} with p < alpha ${cmp.alpha}`,
      message: details,
    };
  }
  const why = !tooLarge ? 'change within the allowed band' : `not significant (p >= alpha ${cmp.alpha})`;
  return { phase: 'Successful', value: canaryMedian, comparison, measured, message: `${details}; ${why}` };
}

function exceedsAllowed(cmp: BaselineComparison, effectSize: number): boolean {
  if (cmp.direction === 'increase') return effectSize > cmp.allowedChange;
  if (cmp.direction === 'decrease') return effectSize < -cmp.allowedChange;
  return Math.abs(effectSize) > cmp.allowedChange;
}
