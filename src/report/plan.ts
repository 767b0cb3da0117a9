/** The `action: plan` section: what a release would change, for review before merging. */
import { escapeCell, escapeInline } from './escape.ts';
import { table } from './format.ts';
import { DEFAULT_MAX_LENGTH } from './render.ts';

export type PlanChangeKind = 'added' | 'changed' | 'removed' | 'unchanged';

export interface PlanChange {
  kind: string;
  name: string;
  namespace: string;
  change: PlanChangeKind;
  /** One line each, e.g. `image web: nginx:1.25 → nginx:1.27`, `replicas: 3 → 5`. */
  details: string[];
}

/** A release's plan as `action: plan` shows it: the objects it changes and the steps it takes. */
export interface PlanPreview {
  changes: PlanChange[];
  steps: string[];
}

/** What `action: plan` found (src/engine/actions/plan.ts): the data every reporter renders its own way. */
export interface PlanReport extends PlanPreview {
  /** The release's name. */
  name: string;
  strategy: string;
  /** The version the cluster serves now; undefined for a first release. */
  fromVersion?: string;
  toVersion: string;
}

const CHANGE_BADGE: Record<PlanChangeKind, string> = {
  added: '➕ added',
  changed: '✏️ changed',
  removed: '➖ removed',
  unchanged: '· unchanged',
};

const ORDER: readonly PlanChangeKind[] = ['added', 'changed', 'removed', 'unchanged'];

function changeRows(changes: readonly PlanChange[], maxDetails: number): string[][] {
  return changes.map((c) => {
    const details = c.details.slice(0, maxDetails).map((d) => escapeCell(d, 300));
    if (c.details.length > maxDetails) details.push(`_… ${c.details.length - maxDetails} more_`);
    return [
      CHANGE_BADGE[c.change],
      escapeCell(c.kind, 60),
      escapeCell(c.name, 120),
      escapeCell(c.namespace, 63),
      details.join('<br>'),
    ];
  });
}

function renderAt(plan: PlanPreview, maxRows: number, maxDetails: number): string {
  const sorted = [...plan.changes].sort((a, b) => ORDER.indexOf(a.change) - ORDER.indexOf(b.change));
  const changed = sorted.filter((c) => c.change !== 'unchanged');
  const unchanged = sorted.filter((c) => c.change === 'unchanged');
  const header = ['Change', 'Kind', 'Name', 'Namespace', 'Details'];
  const lines: string[] = ['### 📝 Plan', ''];
  const counts = ORDER.map((k) => ({ k, n: sorted.filter((c) => c.change === k).length }))
    .filter((c) => c.n > 0)
    .map((c) => `${c.n} ${c.k}`);
  lines.push(
    counts.length
      ? `${counts.join(', ')}. Nothing was written to the cluster.`
      : 'No objects. Nothing was written to the cluster.',
  );
  if (changed.length > 0) {
    const shown = changed.slice(0, maxRows);
    lines.push('', table(header, changeRows(shown, maxDetails)));
    if (changed.length > shown.length)
      lines.push('', `_${changed.length - shown.length} more changed objects not shown._`);
  } else if (sorted.length > 0) {
    lines.push('', '_No changes: the cluster already matches the manifests._');
  }
  if (unchanged.length > 0) {
    const shown = unchanged.slice(0, maxRows);
    lines.push(
      '',
      `<details><summary>${unchanged.length} unchanged objects</summary>`,
      '',
      table(header, changeRows(shown, maxDetails)),
      '',
      '</details>',
    );
  }
  if (plan.steps.length > 0) {
    const steps = plan.steps.slice(0, maxRows).map((s, i) => `${i + 1}. ${escapeInline(s, 300)}`);
    if (plan.steps.length > maxRows) steps.push(`_… ${plan.steps.length - maxRows} more steps_`);
    lines.push('', '#### Steps the release will take', '', ...steps);
  }
  return lines.join('\n') + '\n';
}

/** Markdown for a plan: changed objects in a table, unchanged ones collapsed, then the steps. */
export function renderPlan(plan: PlanPreview, opts: { maxLength?: number } = {}): string {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  for (const [rows, details] of [
    [500, 20],
    [100, 5],
    [20, 2],
    [5, 1],
  ] as const) {
    const text = renderAt(plan, rows, details);
    if (text.length <= maxLength) return text;
  }
  return '### 📝 Plan\n\nThe plan is too large to show here; see the workflow run log.\n';
}

/** The whole plan report: a heading naming the release, what it changes and its steps. */
export function renderPlanReport(plan: PlanReport, opts: { maxLength?: number } = {}): string {
  const { name, strategy, fromVersion, toVersion } = plan;
  const overview = `${strategy} release of ${name}: ${fromVersion ?? '(new)'} → ${toVersion}`;
  const body = renderPlan({ changes: plan.changes, steps: [overview, ...plan.steps] }, opts);
  return `## kube-rollout plan for \`${name}\`\n\n${body}`;
}
