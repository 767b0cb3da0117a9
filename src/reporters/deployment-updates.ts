// Which GitHub deployment statuses a run posts, from the record alone (pure):
//
//   while a deploy or promote run drives the release   in_progress on its deployment
//   promoted                                           success; the stable version's deployment inactive
//   rolled back automatically (failed gate, cancel)    failure
//   rolled back by request (`action: rollback`)        inactive; the restored version's deployment success again
//   failed (no rollback, or the rollback failed)       failure
//   superseded by a newer release                      inactive, when the newer release starts
//   paused, unchanged, status, plan                    nothing
import type { DeploymentState } from '../github/deployment-status.ts';
import { REQUESTED_ROLLBACK, type DeploymentRef, type RolloutRecord } from '../record/types.ts';

export interface StatusUpdate {
  deployment: DeploymentRef;
  state: DeploymentState;
  description: string;
}

/** The run moves the release forward (rather than back, or only reading it). */
export function drivesRelease(record: RolloutRecord): boolean {
  const forward = record.action === 'deploy' || record.action === 'promote';
  return forward && record.result === undefined && record.rollbackReason === undefined;
}

/**
 * When a run starts driving the release: its deployment in progress (when it has one), and the
 * deployment of a release it superseded inactive.
 */
export function startUpdates(
  record: RolloutRecord,
  current: DeploymentRef | undefined,
  superseded: DeploymentRef | undefined,
): StatusUpdate[] {
  const updates: StatusUpdate[] = [];
  if (current)
    updates.push({
      deployment: current,
      state: 'in_progress',
      description: `${record.app} ${current.version}: ${record.action} running`,
    });
  if (superseded && superseded.id !== current?.id)
    updates.push({
      deployment: superseded,
      state: 'inactive',
      description: `${record.app} ${superseded.version}: superseded by ${record.newVersion}`,
    });
  return updates;
}

/** Once the run has its result. `stable`: the deployment of the version that served before. */
export function finalUpdates(
  record: RolloutRecord,
  current: DeploymentRef | undefined,
  stable: DeploymentRef | undefined,
): StatusUpdate[] {
  if (!current || record.action === 'status' || record.action === 'plan') return [];
  const app = record.app;
  const other = stable && stable.id !== current.id ? stable : undefined;
  switch (record.result) {
    case 'promoted':
      return [
        { deployment: current, state: 'success', description: `${app} ${current.version}: promoted` },
        ...(other && other.environment === current.environment
          ? [
              {
                deployment: other,
                state: 'inactive' as const,
                description: `${app} ${other.version}: replaced by ${current.version}`,
              },
            ]
          : []),
      ];
    case 'rolled-back':
      return rolledBack(record, current, other);
    case 'failed':
      return [
        {
          deployment: current,
          state: 'failure',
          description: `${app} ${current.version}: ${reasonOf(record)}`,
        },
      ];
    default:
      return [];
  }
}

function rolledBack(
  record: RolloutRecord,
  current: DeploymentRef,
  stable: DeploymentRef | undefined,
): StatusUpdate[] {
  const serving = record.servingVersion;
  const back = `back on ${serving ?? 'the stable version'}`;
  if (record.rollbackReason !== REQUESTED_ROLLBACK)
    return [
      {
        deployment: current,
        state: 'failure',
        description: `${record.app} ${current.version}: rolled back, ${back}: ${reasonOf(record)}`,
      },
    ];
  const restored = stable && stable.version === serving ? stable : undefined;
  return [
    {
      deployment: current,
      state: 'inactive',
      description: `${record.app} ${current.version}: rolled back by request, ${back}`,
    },
    ...(restored
      ? [
          {
            deployment: restored,
            state: 'success' as const,
            description: `${record.app} ${restored.version}: serves again after a rollback`,
          },
        ]
      : []),
  ];
}

function reasonOf(record: RolloutRecord): string {
  return record.rollbackReason ?? record.result ?? 'failed';
}
