// Job controller: run pods to `completions` successes with `parallelism`, count failures against
// backoffLimit, set Complete / Failed conditions. Failed pods are replaced at once (no pod
// back-off delay, a simplification).
import { view, viewAll, type Condition, type JobStatus, type JobView, type PodView } from '../views.ts';
import { deletePodGracefully, guarded, newPodFromTemplate, type ControllerContext } from './context.ts';
import { isoNow, isPodReady, isTerminating, owned, writeStatus } from './util.ts';

const SOURCE = { component: 'job-controller' };

function hasCondition(job: JobView, type: string): boolean {
  return (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export function syncJob(ctx: ControllerContext, job: JobView): void {
  const { store, clock } = ctx;
  if (job.metadata.deletionTimestamp) return;
  const finished = hasCondition(job, 'Complete') || hasCondition(job, 'Failed');
  const pods = viewAll<PodView>(owned(store, 'v1', 'Pod', job));
  const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
  const onFailure = job.spec?.template?.spec?.restartPolicy === 'OnFailure';
  let failed = pods.filter((p) => p.status?.phase === 'Failed').length;
  let active = pods.filter(
    (p) => !isTerminating(p) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
  );
  // With OnFailure the kubelet restarts containers; upstream counts those restarts as failures.
  if (onFailure) {
    for (const p of active)
      for (const c of p.status?.containerStatuses ?? []) failed += Number(c.restartCount ?? 0);
  }
  const completions = Number(job.spec?.completions ?? 1);
  const parallelism = Number(job.spec?.parallelism ?? 1);
  const backoffLimit = Number(job.spec?.backoffLimit ?? 6);
  const now = isoNow(clock);
  const status: JobStatus = { ...(job.status ?? {}) };
  status.startTime ??= now;
  let conditions: Condition[] = [...(status.conditions ?? [])];

  if (!finished && !job.spec?.suspend) {
    if (failed > backoffLimit) {
      for (const p of active) deletePodGracefully(ctx, p);
      active = [];
      conditions = [
        ...conditions,
        {
          type: 'FailureTarget',
          status: 'True',
          lastProbeTime: now,
          lastTransitionTime: now,
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
        {
          type: 'Failed',
          status: 'True',
          lastProbeTime: now,
          lastTransitionTime: now,
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ];
      ctx.events.record({
        involved: job,
        type: 'Warning',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
        source: SOURCE,
      });
    } else if (succeeded >= completions) {
      conditions = [
        ...conditions,
        {
          type: 'SuccessCriteriaMet',
          status: 'True',
          lastProbeTime: now,
          lastTransitionTime: now,
          reason: 'CompletionsReached',
          message: 'Reached expected number of succeeded pods',
        },
        {
          type: 'Complete',
          status: 'True',
          lastProbeTime: now,
          lastTransitionTime: now,
          reason: 'CompletionsReached',
          message: 'Reached expected number of succeeded pods',
        },
      ];
      status.completionTime = now;
      ctx.events.record({
        involved: job,
        type: 'Normal',
        reason: 'Completed',
        message: 'Job completed',
        source: SOURCE,
      });
    } else {
      const want = Math.min(parallelism, completions - succeeded);
      for (let i = active.length; i < want; i++) {
        const created = view<PodView>(store.create(newPodFromTemplate(job.spec.template, job, {})));
        active.push(created);
        ctx.events.record({
          involved: job,
          type: 'Normal',
          reason: 'SuccessfulCreate',
          message: `Created pod: ${created.metadata.name}`,
          source: SOURCE,
        });
      }
    }
  }
  status.active = active.length;
  status.succeeded = succeeded;
  status.failed = failed;
  status.ready = active.filter(isPodReady).length;
  status.terminating = pods.filter(isTerminating).length;
  status.uncountedTerminatedPods = {};
  for (const k of ['active', 'succeeded', 'failed'] as const) if (!status[k]) delete status[k];
  if (conditions.length) status.conditions = conditions;
  writeStatus(store, job, status);
}

export function syncJobs(ctx: ControllerContext): void {
  for (const job of ctx.store.list('batch/v1', 'Job'))
    guarded(ctx, job, () => syncJob(ctx, view<JobView>(job)));
}
