/** The `helm-chart`, `helm-values` and `helm-set` inputs → the chart the release renders, if any. */
import { InputError } from '../errors.ts';
import { parseList } from './parse.ts';
import type { HelmChartConfig } from './types.ts';

interface HelmInputs {
  chart: string;
  values: string;
  set: string;
}

/** Undefined without a chart; values or set lines without a chart are an error (they would be ignored). */
export function parseHelmInputs(text: HelmInputs, errors: InputError[]): HelmChartConfig | undefined {
  const values = parseList(text.values);
  const set = parseSetLines(text.set, errors);
  if (!text.chart.trim()) {
    if (values.length)
      errors.push(
        new InputError("needs 'helm-chart' (the chart these values are for)", { input: 'helm-values' }),
      );
    if (set.length)
      errors.push(
        new InputError("needs 'helm-chart' (the chart these values are for)", { input: 'helm-set' }),
      );
    return undefined;
  }
  return { chart: text.chart.trim(), values, set };
}

/**
 * One `key=value` per line, passed to `helm template --set` as written. Lines are not split on
 * commas: `--set a=1,b=2` is valid Helm syntax for two values.
 */
function parseSetLines(text: string, errors: InputError[]): string[] {
  const pairs: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0 || /\s/.test(line.slice(0, eq))) {
      errors.push(
        new InputError(`expected key=value (e.g. image.tag=v2), got '${line}'`, {
          input: 'helm-set',
          line: i + 1,
        }),
      );
      return;
    }
    pairs.push(line);
  });
  return pairs;
}
