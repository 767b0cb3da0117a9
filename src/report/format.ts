/** Small formatting helpers shared by the report sections. */
import type { MeasurementPhase } from '../analysis/types.ts';
import type { ReleaseResult, StepVerdict } from '../record/types.ts';

/** Milliseconds between two ISO times, undefined when either is missing or invalid. */
export function between(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `22:05:12` (UTC): the day is in the run itself; the time orders the steps. */
export function formatClock(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : d.toISOString().slice(11, 19);
}

/** A measured value for a table: numbers to 4 significant digits. */
export function formatValue(value: number | string | null): string {
  if (value === null) return 'no data';
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
  return value;
}

export const RESULT_BADGE: Record<ReleaseResult, string> = {
  promoted: '✅ Promoted',
  paused: '⏸️ Paused',
  'rolled-back': '↩️ Rolled back',
  failed: '❌ Failed',
  planned: '📝 Planned',
  unchanged: '➖ Unchanged',
  progressing: '🔄 Progressing',
  'rolling-back': '↩️ Rolling back',
};

export const IN_PROGRESS_BADGE = '🔄 In progress';
export const CANCELLED_BADGE = '⏹️ Cancelled';

export const STEP_BADGE: Record<StepVerdict, string> = {
  running: '🔄 running',
  passed: '✅ passed',
  failed: '❌ failed',
  paused: '⏸️ paused',
  skipped: '⏭️ skipped',
  inconclusive: '❔ inconclusive',
  interrupted: '⚡ interrupted',
};

export const MEASUREMENT_PHASE_BADGE: Record<MeasurementPhase, string> = {
  Successful: '✅',
  Failed: '❌',
  Inconclusive: '❔',
  Error: '⚠️',
};

/** Worst first: the phase that sums up a metric's measurements. */
export const MEASUREMENT_PHASE_SEVERITY: readonly MeasurementPhase[] = [
  'Failed',
  'Error',
  'Inconclusive',
  'Successful',
];

/** A table row from already-escaped cells. */
export function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;
}

/** A Markdown table from already-escaped header and rows. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

/** A link target only if it is a plain http(s) URL that cannot break out of `(...)`. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return /^https?:\/\/[^\s()<>"'`\\]+$/.test(url) && url.length <= 2000 ? url : undefined;
}
