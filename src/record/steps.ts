// Small helpers that keep a release's step list and weight timeline consistent.
import type { PodEvidence, ReleaseHistory, StepRecord, StepVerdict } from './types.ts';

export function beginStep(
  record: ReleaseHistory,
  index: number,
  kind: string,
  label: string,
  now: Date,
  weight?: number,
): StepRecord {
  const step: StepRecord = {
    index,
    kind,
    label,
    startedAt: now.toISOString(),
    verdict: 'running',
    ...(weight !== undefined ? { weight } : {}),
  };
  record.steps.push(step);
  return step;
}

export function endStep(step: StepRecord, verdict: StepVerdict, now: Date, detail?: string): void {
  step.verdict = verdict;
  step.finishedAt = now.toISOString();
  if (detail) step.detail = detail;
}

/** The new version's share of traffic is now `weight`: the state's position and the history's timeline. */
export function recordWeight(
  state: { canaryWeight: number; record: Pick<ReleaseHistory, 'weights'> },
  weight: number,
  now: Date,
): void {
  state.canaryWeight = weight;
  const last = state.record.weights.at(-1);
  if (last?.weight !== weight) state.record.weights.push({ at: now.toISOString(), weight });
}

export function recordEvidence(record: ReleaseHistory, evidence: PodEvidence[]): void {
  for (const e of evidence) {
    if (!record.evidence.some((x) => x.pod === e.pod && x.reason === e.reason)) record.evidence.push(e);
  }
}
