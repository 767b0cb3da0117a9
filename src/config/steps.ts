/** The `steps` input (a YAML list of canary steps) → CanaryStep[]. */
import type { AnalysisSpec } from '../analysis/spec.ts';
import { InputError } from '../errors.ts';
import { readAnalysis, throwCollected } from './analysis.ts';
import { DURATION_HINT, tryParseDuration } from './parse.ts';
import type { CanaryScale, CanaryStep, HeaderRoute } from './types.ts';
import { describeType, isPlainObject } from '../plain-values.ts';
import { parseYamlInput, type YamlSource } from './yaml-source.ts';

export const STEP_KINDS = ['setWeight', 'pause', 'analysis', 'setHeaderRoute', 'setCanaryScale'] as const;

export const DEFAULT_STEPS: readonly CanaryStep[] = [
  { setWeight: 10 },
  { pause: { durationMs: 120_000 } },
  { setWeight: 50 },
  { pause: { durationMs: 120_000 } },
];

const MATCH_KINDS = ['value', 'prefix', 'regex'] as const;

export function parseSteps(text: string, input = 'steps'): CanaryStep[] {
  const src = parseYamlInput(text, input);
  const errors: InputError[] = [];
  const list = src.value;
  if (!Array.isArray(list)) {
    throw new InputError(
      `expected a YAML list of steps (e.g. "- setWeight: 10"), got ${describeType(list)}`,
      { input },
    );
  }
  const steps: CanaryStep[] = [];
  list.forEach((raw, i) => {
    const step = readStep(raw, src.lineOf(list, i), src, errors);
    if (step) steps.push(step);
  });
  throwCollected(errors);
  return steps;
}

function readStep(
  raw: unknown,
  line: number | undefined,
  src: YamlSource,
  errors: InputError[],
): CanaryStep | undefined {
  const fail = (message: string, at = line) => {
    errors.push(new InputError(message, { input: src.input, line: at }));
    return undefined;
  };
  if (!isPlainObject(raw))
    return fail(`a step must be a mapping like "setWeight: 10", got ${describeType(raw)}`);
  const keys = Object.keys(raw);
  const unknown = keys.filter((k) => !(STEP_KINDS as readonly string[]).includes(k));
  if (unknown.length)
    return fail(
      `unknown step '${unknown[0]}' (valid: ${STEP_KINDS.join(', ')})`,
      src.lineOf(raw, unknown[0]),
    );
  if (keys.length !== 1)
    return fail(`a step has exactly one of ${STEP_KINDS.join(', ')}, got ${keys.join(' and ') || 'none'}`);
  const kind = keys[0] as (typeof STEP_KINDS)[number];
  const value = raw[kind];
  switch (kind) {
    case 'setWeight':
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100)
        return { setWeight: value };
      return fail(`setWeight must be a whole number from 0 to 100, got ${describeType(value)}`);
    case 'pause':
      return readPause(value, fail, src, raw);
    case 'analysis': {
      if (value !== null && !isPlainObject(value))
        return fail(`analysis must be {} or a mapping with metrics, got ${describeType(value)}`);
      const before = errors.length;
      const override: Partial<AnalysisSpec> = readAnalysis(value ?? {}, src, errors, {
        requireMetrics: false,
      });
      return errors.length === before ? { analysis: override } : undefined;
    }
    case 'setHeaderRoute':
      return readHeaderRoute(value, fail);
    case 'setCanaryScale': {
      const scale = readCanaryScale(value);
      return typeof scale === 'string' ? fail(`setCanaryScale ${scale}`) : { setCanaryScale: scale };
    }
  }
}

/** `{replicas: N}`, `{weight: W}` or `{matchTrafficWeight: true}`; a string says what is wrong. */
export function readCanaryScale(value: unknown): CanaryScale | string {
  const shape = 'must be one of {replicas: N}, {weight: 0-100} or {matchTrafficWeight: true}';
  if (!isPlainObject(value)) return `${shape}, got ${describeType(value)}`;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined && value[k] !== null);
  if (keys.length !== 1) return `${shape}, got ${keys.join(' and ') || 'nothing'}`;
  const v = value[keys[0]];
  const whole = typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (keys[0] === 'replicas' && whole) return { replicas: v };
  if (keys[0] === 'weight' && whole && v <= 100) return { weight: v };
  if (keys[0] === 'matchTrafficWeight' && v === true) return { matchTrafficWeight: true };
  return `${shape}, got ${keys[0]}: ${JSON.stringify(v)}`;
}

function readPause(
  value: unknown,
  fail: (message: string, at?: number) => undefined,
  src: YamlSource,
  step: Record<string, unknown>,
): CanaryStep | undefined {
  // `pause:` with nothing and `pause: {}` both mean "stop until action: promote".
  if (value === null || (isPlainObject(value) && Object.keys(value).length === 0)) return { pause: {} };
  let duration: unknown = value;
  if (isPlainObject(value)) {
    const extra = Object.keys(value).find((k) => k !== 'duration');
    if (extra) return fail(`pause: unknown key '${extra}' (valid: duration)`, src.lineOf(value, extra));
    duration = value.duration;
    if (duration === null || duration === undefined) return { pause: {} };
  }
  const ms =
    typeof duration === 'string' || typeof duration === 'number' ? tryParseDuration(duration) : undefined;
  if (ms === undefined)
    return fail(
      `pause: invalid duration '${String(duration)}' (${DURATION_HINT}, or {} to wait for promote)`,
      src.lineOf(step, 'pause'),
    );
  return { pause: { durationMs: ms } };
}

function readHeaderRoute(value: unknown, fail: (message: string) => undefined): CanaryStep | undefined {
  if (!isPlainObject(value))
    return fail(
      `setHeaderRoute must be a mapping {name, header, value | prefix | regex}, got ${describeType(value)}`,
    );
  const valid = ['name', 'header', ...MATCH_KINDS];
  const extra = Object.keys(value).find((k) => !valid.includes(k));
  if (extra) return fail(`setHeaderRoute: unknown key '${extra}' (valid: ${valid.join(', ')})`);
  const name = value.name;
  if (typeof name !== 'string' || name.trim() === '') return fail('setHeaderRoute: `name` is required');
  const matches = MATCH_KINDS.filter((k) => value[k] !== undefined);
  if (value.header === undefined && matches.length === 0) return { removeHeaderRoute: name };
  if (typeof value.header !== 'string' || value.header.trim() === '')
    return fail(`setHeaderRoute '${name}': \`header\` is required (a header name)`);
  if (matches.length !== 1) return fail(`setHeaderRoute '${name}': give exactly one of value, prefix, regex`);
  const kind = matches[0];
  const text = value[kind];
  if (typeof text !== 'string' && typeof text !== 'number')
    return fail(`setHeaderRoute '${name}': ${kind} must be a string`);
  if (kind === 'regex') {
    try {
      new RegExp(String(text));
    } catch {
      return fail(`setHeaderRoute '${name}': invalid regex '${text}'`);
    }
  }
  const match: HeaderRoute['match'] =
    kind === 'value'
      ? { exact: String(text) }
      : kind === 'prefix'
        ? { prefix: String(text) }
        : { regex: String(text) };
  return { setHeaderRoute: { name, header: value.header, match } };
}
