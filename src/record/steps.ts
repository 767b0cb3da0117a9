// Small helpers that keep the RolloutRecord's step list and weight timeline consistent.
import type { PodEvidence, RolloutRecord, StepRecord, StepVerdict } from './types.ts';

export function beginStep(
  record: RolloutRecord,
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

export function recordWeight(record: RolloutRecord, weight: number, now: Date): void {
  record.canaryWeight = weight;
  const last = record.weights.at(-1);
  if (last?.weight !== weight) record.weights.push({ at: now.toISOString(), weight });
}

export function recordEvidence(record: RolloutRecord, evidence: PodEvidence[]): void {
  for (const e of evidence) {
    if (!record.evidence.some((x) => x.pod === e.pod && x.reason === e.reason)) record.evidence.push(e);
  }
}
