/** Rendering of release reports and plans to GitHub Markdown (pure). */
export { renderReport, DEFAULT_MAX_LENGTH, type RenderOptions } from './render.ts';
export {
  renderPlan,
  renderPlanReport,
  type PlanPreview,
  type PlanReport,
  type PlanChange,
  type PlanChangeKind,
} from './plan.ts';
export { renderWeightChart, renderMetricChart, pickKeyMetric } from './chart.ts';
export {
  codeBlock,
  escapeCell,
  escapeHtml,
  escapeHtmlText,
  escapeInline,
  inlineCode,
  neutralizeMentions,
  stripControl,
  tailLines,
  truncate,
} from './escape.ts';
export { formatDuration } from '../duration.ts';
