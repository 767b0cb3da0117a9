/**
 * The report's sections, each from one part of the RolloutRecord. Every piece of untrusted text
 * goes through `escape.ts`; the limits passed in let `render.ts` shrink the report to fit.
 */
import type { Measurement, MeasurementPhase } from '../analysis/types.ts';
import type { PodEvidence, StepRecord, WorkloadChange } from '../record/types.ts';
import { formatDuration } from '../duration.ts';
import { codeBlock, escapeCell, escapeHtmlText, inlineCode, tailLines } from './escape.ts';
import {
  between,
  formatClock,
  formatValue,
  MEASUREMENT_PHASE_BADGE,
  MEASUREMENT_PHASE_SEVERITY,
  STEP_BADGE,
  table,
} from './format.ts';

/** What a section may show; lower numbers make a shorter report. */
export interface SectionLimits {
  steps: number;
  /** Log lines per pod; 0 leaves the logs out. */
  logLines: number;
  evidence: number;
  /** Rows of the per-measurement detail table; 0 leaves it out. */
  measurementRows: number;
  metrics: number;
}

/** What a section left out, for the "shortened" notice. */
export interface Omissions {
  steps: number;
  evidence: number;
  measurementRows: number;
  metrics: number;
  logsCut: boolean;
  logsDropped: boolean;
}

export function noOmissions(): Omissions {
  return { steps: 0, evidence: 0, measurementRows: 0, metrics: 0, logsCut: false, logsDropped: false };
}

function keepLast<T>(items: readonly T[], max: number): { kept: T[]; omitted: number } {
  const kept = max <= 0 ? [] : items.slice(Math.max(0, items.length - max));
  return { kept, omitted: items.length - kept.length };
}

/**
 * What the release did to each workload. Only the ones that change are listed; the others are
 * counted (they were applied with their live pod template, so none of their pods restarted).
 */
export function renderWorkloads(workloads: readonly WorkloadChange[] | undefined): string | undefined {
  if (!workloads?.length) return undefined;
  const changed = workloads.filter((w) => w.change !== 'unchanged');
  const unchanged = workloads.length - changed.length;
  const rows = changed.map((w) => [
    escapeCell(w.workload, 120),
    w.change,
    (w.images ?? []).map((i) => escapeCell(i, 200)).join('<br>') || '—',
    escapeCell(w.how ?? '', 300),
    w.ready ?? '',
  ]);
  const lines = ['#### Workloads', ''];
  if (rows.length) lines.push(table(['Workload', 'Change', 'Images', 'How', 'Ready'], rows));
  else lines.push('_No pod template changes._');
  if (unchanged > 0)
    lines.push(
      '',
      `_${unchanged} other workload${unchanged === 1 ? '' : 's'} unchanged: applied with ${unchanged === 1 ? 'its' : 'their'} live pod template, no restart._`,
    );
  return lines.join('\n');
}

export function renderSteps(
  steps: readonly StepRecord[],
  limits: SectionLimits,
  cut: Omissions,
): string | undefined {
  if (steps.length === 0) return undefined;
  // The latest steps matter most: a long release keeps its end.
  const { kept, omitted } = keepLast(steps, limits.steps);
  cut.steps = omitted;
  const total = steps.length;
  const rows = kept.map((s) => {
    const label = escapeCell(s.label, 120) + (s.detail ? `<br><sub>${escapeCell(s.detail, 200)}</sub>` : '');
    const took = between(s.startedAt, s.finishedAt);
    return [
      `${s.index + 1}`,
      label,
      s.weight === undefined ? '' : `${s.weight}%`,
      formatClock(s.startedAt),
      took === undefined ? (s.verdict === 'running' ? 'running' : '—') : formatDuration(took),
      STEP_BADGE[s.verdict] ?? escapeCell(s.verdict, 30),
    ];
  });
  const lines = ['#### Steps', '', table(['#', 'Step', 'Weight', 'Started (UTC)', 'Took', 'Verdict'], rows)];
  if (omitted > 0) lines.push('', `_${omitted} earlier of ${total} steps not shown._`);
  return lines.join('\n');
}

function worstMeasurementPhase(ms: readonly Measurement[]): MeasurementPhase {
  return MEASUREMENT_PHASE_SEVERITY.find((p) => ms.some((m) => m.phase === p)) ?? 'Successful';
}

function measurementPhaseCounts(ms: readonly Measurement[]): string {
  return MEASUREMENT_PHASE_SEVERITY.map((p) => ({ p, n: ms.filter((m) => m.phase === p).length }))
    .filter((c) => c.n > 0)
    .map((c) => `${MEASUREMENT_PHASE_BADGE[c.p]} ${c.n}`)
    .join(' ');
}

/** The latest values of a metric, or the baseline comparison when there is one. */
function measuredValues(ms: readonly Measurement[]): string {
  const last = ms[ms.length - 1];
  if (last?.comparison) {
    const c = last.comparison;
    return escapeCell(
      `canary median ${formatValue(c.canaryMedian)} vs stable ${formatValue(c.stableMedian)} ` +
        `(p=${formatValue(c.pValue)}, n=${c.canarySamples}/${c.stableSamples})`,
    );
  }
  const shown = ms.slice(-8).map((m) => escapeCell(formatValue(m.value), 60));
  return (ms.length > shown.length ? `… ` : '') + shown.join(', ');
}

function groupByMetric(measurements: readonly Measurement[]): Map<string, Measurement[]> {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const list = groups.get(m.metric) ?? [];
    list.push(m);
    groups.set(m.metric, list);
  }
  return groups;
}

export function renderAnalysis(
  measurements: readonly Measurement[],
  limits: SectionLimits,
  cut: Omissions,
): string | undefined {
  if (measurements.length === 0) return undefined;
  const groups = [...groupByMetric(measurements)];
  const shownGroups = groups.slice(0, limits.metrics);
  cut.metrics = groups.length - shownGroups.length;
  const rows = shownGroups.map(([metric, ms]) => {
    const last = ms[ms.length - 1];
    const dryRun = ms.some((m) => m.dryRun);
    const verdict = worstMeasurementPhase(ms);
    return [
      escapeCell(metric, 80) + (dryRun ? '<br><sub>dry run: not judged</sub>' : ''),
      last?.query ? inlineCode(last.query, 200) : '',
      measuredValues(ms),
      last?.condition ? inlineCode(last.condition, 120) : '',
      `${MEASUREMENT_PHASE_BADGE[verdict]} ${verdict}` +
        (ms.length > 1 ? `<br><sub>${measurementPhaseCounts(ms)}</sub>` : ''),
    ];
  });
  const lines = ['#### Analysis', '', table(['Metric', 'Query', 'Measured', 'Condition', 'Verdict'], rows)];
  if (cut.metrics > 0) lines.push('', `_${cut.metrics} more metrics not shown._`);

  const { kept, omitted } = keepLast(measurements, limits.measurementRows);
  cut.measurementRows = omitted;
  if (kept.length > 0) {
    const detail = kept.map((m) => [
      formatClock(m.at),
      escapeCell(m.metric, 80) + (m.dryRun ? ' (dry run)' : ''),
      escapeCell(formatValue(m.value), 80),
      `${MEASUREMENT_PHASE_BADGE[m.phase]} ${m.phase}`,
      m.message ? escapeCell(m.message, 200) : '',
    ]);
    lines.push(
      '',
      `<details><summary>All measurements (${kept.length}${omitted > 0 ? ` of ${measurements.length}` : ''})</summary>`,
      '',
      table(['Time (UTC)', 'Metric', 'Value', 'Phase', 'Message'], detail),
      '',
      '</details>',
    );
  }
  return lines.join('\n');
}

export function renderEvidence(
  evidence: readonly PodEvidence[],
  limits: SectionLimits,
  cut: Omissions,
): string | undefined {
  if (evidence.length === 0) return undefined;
  const shown = evidence.slice(0, limits.evidence);
  cut.evidence = evidence.length - shown.length;
  const rows = shown.map((e) => [
    escapeCell(e.workload, 80),
    escapeCell(e.pod, 100),
    e.container ? escapeCell(e.container, 60) : '',
    `**${escapeCell(e.reason, 80)}**`,
    e.exitCode === undefined ? '' : String(e.exitCode),
    e.restartCount === undefined ? '' : String(e.restartCount),
    e.message ? escapeCell(e.message, 400) : '',
  ]);
  const lines = [
    '#### Failure evidence',
    '',
    table(['Workload', 'Pod', 'Container', 'Reason', 'Exit code', 'Restarts', 'Message'], rows),
  ];
  if (cut.evidence > 0) lines.push('', `_${cut.evidence} more failing pods not shown._`);
  for (const e of shown) {
    if (!e.logTail || e.logTail.length === 0) continue;
    if (limits.logLines <= 0) {
      cut.logsDropped = true;
      continue;
    }
    const tail = tailLines(e.logTail, limits.logLines);
    if (e.logTail.flatMap((l) => l.split('\n')).length > limits.logLines) cut.logsCut = true;
    const who = e.container ? `${e.pod}/${e.container}` : e.pod;
    lines.push(
      '',
      `<details><summary>Last log lines of ${escapeHtmlText(who, 120)}</summary>`,
      codeBlock(tail.join('\n'), 'text', limits.logLines * 520),
      '</details>',
    );
  }
  return lines.join('\n');
}
