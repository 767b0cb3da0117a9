/** The `compare` block of a prometheus metric (`compare: baseline` or a mapping), validated. */
import { describeType, isPlainObject } from '../plain-values.ts';
import { DURATION_HINT, tryParseDuration } from '../duration.ts';
import type { BaselineComparison } from './types.ts';

export const COMPARE_DEFAULTS: BaselineComparison = {
  against: 'baseline',
  direction: 'increase',
  allowedChange: 0.2,
  minSamples: 10,
  alpha: 0.05,
  noData: 'inconclusive',
};

const COMPARE_KEYS = [
  'against',
  'direction',
  'allowedChange',
  'minSamples',
  'alpha',
  'window',
  'step',
  'noData',
];

type Check = (raw: Record<string, unknown>, out: BaselineComparison) => string | undefined;

/** One check per key: sets the field or returns the problem. */
const CHECKS: Record<string, Check> = {
  against: (raw) =>
    raw.against === 'baseline' ? undefined : `against must be 'baseline', got ${describeType(raw.against)}`,
  direction(raw, out) {
    if (raw.direction === 'increase' || raw.direction === 'decrease' || raw.direction === 'either')
      out.direction = raw.direction;
    else return `unknown direction ${describeType(raw.direction)} (valid: increase, decrease, either)`;
  },
  allowedChange(raw, out) {
    if (typeof raw.allowedChange === 'number' && raw.allowedChange >= 0)
      out.allowedChange = raw.allowedChange;
    else return `allowedChange must be a number ≥ 0 (0.2 = 20 %), got ${describeType(raw.allowedChange)}`;
  },
  minSamples(raw, out) {
    if (typeof raw.minSamples === 'number' && Number.isInteger(raw.minSamples) && raw.minSamples >= 2)
      out.minSamples = raw.minSamples;
    else return `minSamples must be a whole number ≥ 2, got ${describeType(raw.minSamples)}`;
  },
  alpha(raw, out) {
    if (typeof raw.alpha === 'number' && raw.alpha > 0 && raw.alpha < 1) out.alpha = raw.alpha;
    else return `alpha must be between 0 and 1, got ${describeType(raw.alpha)}`;
  },
  noData(raw, out) {
    if (raw.noData === 'fail' || raw.noData === 'inconclusive') out.noData = raw.noData;
    else return `unknown noData ${describeType(raw.noData)} (valid: fail, inconclusive)`;
  },
  window: (raw, out) => duration(raw, 'window', (ms) => (out.windowMs = ms)),
  step: (raw, out) => duration(raw, 'step', (ms) => (out.stepMs = ms)),
};

function duration(raw: Record<string, unknown>, key: string, set: (ms: number) => void): string | undefined {
  const ms = tryParseDuration(raw[key] as string | number);
  if (ms === undefined || ms === 0) return `${key}: invalid duration '${raw[key]}' (${DURATION_HINT})`;
  set(ms);
}

/** The comparison, or undefined after reporting every problem through `fail`. */
export function readComparison(
  value: unknown,
  fail: (message: string) => void,
): BaselineComparison | undefined {
  if (value === 'baseline') return { ...COMPARE_DEFAULTS };
  if (!isPlainObject(value)) {
    fail(`compare must be 'baseline' or a mapping with against: baseline, got ${describeType(value)}`);
    return undefined;
  }
  const out: BaselineComparison = { ...COMPARE_DEFAULTS };
  const problems: string[] = [];
  for (const key of Object.keys(value))
    if (!COMPARE_KEYS.includes(key))
      problems.push(`unknown key '${key}' (valid: ${COMPARE_KEYS.join(', ')})`);
  for (const key of COMPARE_KEYS) {
    if (value[key] === undefined) continue;
    const problem = CHECKS[key]!(value, out);
    if (problem) problems.push(problem);
  }
  for (const problem of problems) fail(`compare: ${problem}`);
  return problems.length === 0 ? out : undefined;
}
