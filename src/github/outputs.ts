/** The action's outputs (CONTRACT.md "Outputs") from a release record. */
import type { RolloutRecord } from '../record/types.ts';

export type SetOutput = (name: string, value: string) => void;

export interface ReleaseOutputs {
  result: string;
  version: string;
  'previous-version': string;
  'canary-weight': string;
  revision: string;
  'rollback-reason': string;
  summary: string;
  'changed-workloads': string;
}

/** The version receiving production traffic now: explicit, else inferred from the result. */
function servingVersion(record: RolloutRecord): string {
  if (record.servingVersion) return record.servingVersion;
  if (record.result === 'promoted' || record.result === 'unchanged') return record.newVersion;
  return record.previousVersion ?? '';
}

/** The outputs as strings ('' when unknown). `rollback-reason` is one line. */
export function releaseOutputs(record: RolloutRecord, summaryPath?: string): ReleaseOutputs {
  return {
    result: record.result ?? '',
    version: servingVersion(record),
    // What served before this run (a rollback job's is the version it rolled back from).
    'previous-version': record.run?.servedBefore ?? record.previousVersion ?? '',
    'canary-weight': String(record.canaryWeight),
    revision: record.revision === undefined ? '' : String(record.revision),
    'rollback-reason': (record.rollbackReason ?? '').replace(/\s*\n\s*/g, ' ').trim(),
    summary: summaryPath ?? '',
    'changed-workloads': JSON.stringify(
      (record.workloads ?? [])
        .filter((w) => w.change !== 'unchanged')
        .map(({ workload, change, images, how, ready }) => ({
          workload,
          change,
          images: images ?? [],
          ...(how ? { how } : {}),
          ...(ready ? { ready } : {}),
        })),
    ),
  };
}

/** Sets every output through `setOutput` (`core.setOutput`); returns what was set. */
export function setReleaseOutputs(
  record: RolloutRecord,
  summaryPath: string | undefined,
  setOutput: SetOutput,
): ReleaseOutputs {
  const outputs = releaseOutputs(record, summaryPath);
  for (const [name, value] of Object.entries(outputs)) setOutput(name, value);
  return outputs;
}
