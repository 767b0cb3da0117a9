/**
 * The release report: one Markdown document from a RolloutRecord, used for the job summary and the
 * sticky PR comment. Pure: same record, same text.
 *
 * GitHub limits a comment body to 65,536 characters; the report is rendered with decreasing
 * detail (log tails first, then measurement rows, then older steps) until it fits `maxLength`,
 * and says what it left out.
 */
import type { RolloutRecord } from '../record/types.ts';
import { pickKeyMetric, renderMetricChart, renderWeightChart } from './chart.ts';
import { escapeInline, inlineCode, truncate } from './escape.ts';
import { formatDuration } from '../duration.ts';
import { between, CANCELLED_BADGE, IN_PROGRESS_BADGE, RESULT_BADGE, safeUrl } from './format.ts';
import {
  noOmissions,
  renderAnalysis,
  renderEvidence,
  renderSteps,
  renderWorkloads,
  type Omissions,
  type SectionLimits,
} from './sections.ts';

export interface RenderOptions {
  /** Upper bound on the report's length in UTF-16 code units (≥ characters). Default 60,000. */
  maxLength?: number;
  /** A hidden HTML comment put first (the sticky comment's marker), e.g. from `commentMarker`. */
  marker?: string;
}

export const DEFAULT_MAX_LENGTH = 60_000;

/** Most detailed first; each level cuts the next-least useful thing. */
const LEVELS: readonly (SectionLimits & { charts: boolean; notes: number })[] = [
  { logLines: 50, measurementRows: 300, steps: 300, evidence: 20, metrics: 50, charts: true, notes: 50 },
  { logLines: 20, measurementRows: 300, steps: 300, evidence: 20, metrics: 50, charts: true, notes: 50 },
  { logLines: 5, measurementRows: 300, steps: 300, evidence: 20, metrics: 50, charts: true, notes: 50 },
  { logLines: 0, measurementRows: 300, steps: 300, evidence: 20, metrics: 50, charts: true, notes: 50 },
  { logLines: 0, measurementRows: 50, steps: 300, evidence: 20, metrics: 50, charts: true, notes: 50 },
  { logLines: 0, measurementRows: 0, steps: 100, evidence: 10, metrics: 30, charts: true, notes: 20 },
  { logLines: 0, measurementRows: 0, steps: 20, evidence: 5, metrics: 10, charts: false, notes: 5 },
];

const MARKER_PATTERN = /^<!-- [^<>]{1,200} -->$/;

/** A cancelled run that went back to stable says so first: "cancelled: back on v1". */
function cancelledBadge(record: RolloutRecord): string | undefined {
  if (!record.cancelled || record.result !== 'rolled-back') return undefined;
  const back = record.servingVersion ?? record.previousVersion;
  return `${CANCELLED_BADGE}${back ? `: back on ${inlineCode(back, 80)}` : ''}`;
}

function headline(record: RolloutRecord): string {
  const badge = cancelledBadge(record) ?? (record.result ? RESULT_BADGE[record.result] : IN_PROGRESS_BADGE);
  const title = `## ${badge}: ${escapeInline(record.app, 100)}`;
  const facts: string[] = [];
  const from = record.previousVersion ? inlineCode(record.previousVersion, 80) : '_none_';
  const release = `${from} → ${inlineCode(record.newVersion, 80) || '_unknown_'}`;
  // A rollback job acts on an older release: first what this run changed, then which release.
  const back = record.run?.action === 'rollback' && record.run.servedBefore && record.servingVersion;
  if (back)
    facts.push(
      `${inlineCode(record.run!.servedBefore!, 80)} → ${inlineCode(record.servingVersion!, 80)} (rollback of the release ${release})`,
    );
  else facts.push(release);
  if (record.servingVersion && record.servingVersion !== record.newVersion) {
    facts.push(`serving ${inlineCode(record.servingVersion, 80)}`);
  }
  const how = record.traffic ? `${record.strategy} via ${record.traffic}` : record.strategy;
  facts.push(`${escapeInline(how, 60)} · \`${record.action}\``);
  if (record.traffic) facts.push(`canary weight ${record.canaryWeight}%`);
  // This run's duration: a promote or rollback job continues a release that began earlier.
  const took = between(record.run?.startedAt ?? record.startedAt, record.finishedAt);
  if (took !== undefined) facts.push(`took ${formatDuration(took)}`);
  facts.push(`environment ${record.environment ? inlineCode(record.environment, 60) : '_default_'}`);
  facts.push(`namespace ${inlineCode(record.namespace, 63)}`);
  if (record.revision !== undefined) facts.push(`revision ${record.revision}`);
  if (record.commit) facts.push(`commit ${inlineCode(record.commit.slice(0, 12), 12)}`);
  const run = safeUrl(record.run?.url ?? record.runUrl);
  if (run) facts.push(`[workflow run](${run})`);
  const started = safeUrl(record.runUrl);
  if (started && started !== run) facts.push(`[release started here](${started})`);
  return `${title}\n\n${facts.join(' · ')}`;
}

function rollbackReason(record: RolloutRecord): string | undefined {
  if (!record.rollbackReason) return undefined;
  return `> [!CAUTION]\n> **Rollback reason:** ${escapeInline(record.rollbackReason, 1000)}`;
}

function charts(record: RolloutRecord): string | undefined {
  const end = record.finishedAt ?? record.weights[record.weights.length - 1]?.at;
  const parts: string[] = [];
  const weight = renderWeightChart(record.weights, record.startedAt, end);
  if (weight) parts.push(weight);
  const key = pickKeyMetric(record.measurements);
  const metric = key ? renderMetricChart(key, record.measurements, record.startedAt) : undefined;
  if (metric) parts.push(metric);
  return parts.length
    ? ['#### Over time', '', ...parts.flatMap((p) => [p, ''])].join('\n').trimEnd()
    : undefined;
}

function notes(list: readonly string[], max: number): string | undefined {
  if (list.length === 0) return undefined;
  const shown = list.slice(0, max).map((n) => `- ${escapeInline(n, 500)}`);
  if (list.length > max) shown.push(`- _${list.length - max} more notes not shown._`);
  return ['#### Notes', '', ...shown].join('\n');
}

function shortenedNotice(
  cut: Omissions,
  level: (typeof LEVELS)[number],
  chartsDropped: boolean,
): string | undefined {
  const what: string[] = [];
  // At full detail a long log shows its usual tail, which the code block itself says.
  if (cut.logsDropped) what.push('pod logs left out');
  else if (cut.logsCut && level !== LEVELS[0]) what.push(`pod logs cut to the last ${level.logLines} lines`);
  if (cut.measurementRows > 0) what.push(`${cut.measurementRows} measurement rows left out`);
  if (cut.steps > 0) what.push(`${cut.steps} older steps left out`);
  if (cut.evidence > 0) what.push(`${cut.evidence} failing pods left out`);
  if (cut.metrics > 0) what.push(`${cut.metrics} metrics left out`);
  if (chartsDropped) what.push('charts left out');
  if (what.length === 0) return undefined;
  return `> [!NOTE]\n> Shortened to stay readable and within GitHub's size limit: ${what.join('; ')}. The workflow run log has the rest.`;
}

function renderAtLevel(record: RolloutRecord, index: number, marker: string | undefined): string {
  const level = LEVELS[index] ?? LEVELS[LEVELS.length - 1]!;
  const cut = noOmissions();
  const steps = renderSteps(record.steps, level, cut);
  const analysis = renderAnalysis(record.measurements, level, cut);
  const evidence = renderEvidence(record.evidence, level, cut);
  const chart = level.charts ? charts(record) : undefined;
  const chartsDropped = !level.charts && charts(record) !== undefined;
  const notice = shortenedNotice(cut, level, chartsDropped);
  const parts = [
    marker,
    headline(record),
    rollbackReason(record),
    notice,
    renderWorkloads(record.workloads),
    steps,
    chart,
    analysis,
    evidence,
    notes(record.notes, level.notes),
  ];
  return parts.filter((p): p is string => p !== undefined && p !== '').join('\n\n') + '\n';
}

/** The release report as GitHub Markdown, at most `maxLength` long. */
export function renderReport(record: RolloutRecord, opts: RenderOptions = {}): string {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  if (opts.marker !== undefined && !MARKER_PATTERN.test(opts.marker)) {
    throw new Error(
      `report marker must be an HTML comment like "<!-- kube-rollout:app:env -->", got ${JSON.stringify(opts.marker)}`,
    );
  }
  for (let i = 0; i < LEVELS.length; i++) {
    const text = renderAtLevel(record, i, opts.marker);
    if (text.length <= maxLength) return text;
  }
  // Still too long (an absurd number of steps or metrics): the headline and a pointer to the log.
  const minimal = [
    opts.marker,
    headline(record),
    rollbackReason(record),
    '> [!NOTE]\n> The full report is too large for GitHub; see the workflow run log.',
  ]
    .filter((p): p is string => p !== undefined)
    .join('\n\n');
  return truncate(minimal, Math.max(0, maxLength - 40)) + '\n';
}
