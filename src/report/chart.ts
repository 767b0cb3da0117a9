/**
 * Mermaid `xychart-beta` charts (GitHub renders Mermaid in comments and job summaries): canary
 * weight over the release, and the key metric's measured values.
 */
import type { Measurement } from '../analysis/types.ts';
import type { WeightPoint } from '../record/types.ts';
import { formatDuration } from '../duration.ts';

export interface ChartPoint {
  at: string;
  value: number;
}

/** More points than this make an unreadable x-axis; the series is thinned evenly. */
const MAX_POINTS = 40;

/** Text allowed in a quoted Mermaid string: no quotes, brackets or newlines that end the statement. */
function mermaidText(text: string, max = 60): string {
  return text
    .replace(/[^A-Za-z0-9 _.:/%+-]/g, '')
    .trim()
    .slice(0, max);
}

function elapsedLabel(at: string, startMs: number): string {
  const ms = Date.parse(at) - startMs;
  return `+${formatDuration(Number.isFinite(ms) ? Math.max(0, ms) : 0)}`;
}

function formatNumber(n: number): string {
  return String(Number(n.toPrecision(4)));
}

/** Keeps at most `max` points, evenly spaced, always including the first and the last. */
export function thin<T>(points: readonly T[], max = MAX_POINTS): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  for (let i = 0; i < max; i++) {
    const item = points[Math.round((i * (points.length - 1)) / (max - 1))];
    if (item !== undefined) out.push(item);
  }
  return out;
}

/**
 * Points as categories labelled by elapsed time; points with the same label keep the later value
 * (two changes within a second show as the one that stuck).
 */
function series(points: readonly ChartPoint[], startMs: number): { labels: string[]; values: number[] } {
  const byLabel = new Map<string, number>();
  const sorted = [...points]
    .filter((p) => Number.isFinite(p.value))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const p of thin(sorted)) {
    const label = elapsedLabel(p.at, startMs);
    byLabel.delete(label); // re-insert so the map keeps time order
    byLabel.set(label, p.value);
  }
  return { labels: [...byLabel.keys()], values: [...byLabel.values()] };
}

function chart(
  title: string,
  yAxis: string,
  range: string,
  points: readonly ChartPoint[],
  startMs: number,
): string {
  const { labels, values } = series(points, startMs);
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidText(title)}"`,
    `  x-axis "time since start" [${labels.map((l) => `"${l}"`).join(', ')}]`,
    `  y-axis "${mermaidText(yAxis)}"${range}`,
    `  line [${values.map(formatNumber).join(', ')}]`,
    '```',
  ].join('\n');
}

/**
 * Canary weight over time as a line; the weight holds until the release ends, so a last point is
 * added at `endAt` (the finish, or now for a running release). Undefined without weight changes.
 */
export function renderWeightChart(
  weights: readonly WeightPoint[],
  startedAt: string,
  endAt?: string,
): string | undefined {
  if (weights.length === 0) return undefined;
  const startMs = Date.parse(startedAt);
  const points: ChartPoint[] = weights.map((w) => ({ at: w.at, value: w.weight }));
  const first = points[0];
  if (first && Date.parse(first.at) > startMs) points.unshift({ at: startedAt, value: 0 });
  const last = points[points.length - 1];
  if (last && endAt && Date.parse(endAt) > Date.parse(last.at)) points.push({ at: endAt, value: last.value });
  if (points.length < 2) return undefined;
  return chart('Canary weight', 'weight (%)', ' 0 --> 100', points, startMs);
}

/**
 * The metric worth charting: the first one that failed, else the first with numeric values.
 * Undefined when no metric has at least two numeric measurements.
 */
export function pickKeyMetric(measurements: readonly Measurement[]): string | undefined {
  const numeric = measurements.filter((m) => typeof m.value === 'number' && Number.isFinite(m.value));
  const counts = new Map<string, number>();
  for (const m of numeric) counts.set(m.metric, (counts.get(m.metric) ?? 0) + 1);
  const chartable = (name: string): boolean => (counts.get(name) ?? 0) >= 2;
  const failed = measurements.find((m) => m.phase === 'Failed' && chartable(m.metric));
  if (failed) return failed.metric;
  return numeric.find((m) => chartable(m.metric))?.metric;
}

/** The measured values of one metric as a line. */
export function renderMetricChart(
  metric: string,
  measurements: readonly Measurement[],
  startedAt: string,
): string | undefined {
  const points: ChartPoint[] = measurements
    .filter((m) => m.metric === metric && typeof m.value === 'number')
    .map((m) => ({ at: m.at, value: m.value as number }));
  if (points.length < 2) return undefined;
  return chart(metric, metric, '', points, Date.parse(startedAt));
}
