import { randomBytes } from 'node:crypto';
import type { KubeObject, ObjectRef } from '../../kube/types.ts';
import { isPlainObject } from '../../plain-values.ts';
import { view, type JobObject, type PodObject } from '../../manifests/workload-views.ts';
import type {
  MetricFields,
  MetricOf,
  MetricProviderDefinition,
  MetricSpecReader,
  ProviderContext,
  RawMeasurement,
} from '../provider.ts';

/** A job metric's own fields. */
export interface JobFields {
  /** A batch/v1 Job spec (the `spec` of a Job). */
  job: Record<string, unknown>;
  timeoutMs?: number;
}

export type JobMetric = MetricOf<'job', JobFields>;
import { LABELS, ownedLabels } from '../../labels.ts';
import { compareText } from '../../compare.ts';
import { renderKnownPlaceholders } from '../template.ts';

/**
 * Job checks: each measurement creates a batch/v1 Job `<release>-<metric>-<random>` from the
 * metric's inline spec, waits for its Complete (Successful) or Failed (Failed) condition and then
 * deletes it (propagationPolicy Background, so its pods go too). A failure message carries the exit
 * code and the last log lines of the failed container. Defaults for a check, unlike a plain Job:
 * `backoffLimit: 0` (one failure fails the check) and `restartPolicy: Never`.
 * Waiting longer than the metric's `timeout` (default 10 min) is a measurement Error.
 */

export const DEFAULT_JOB_TIMEOUT_MS = 10 * 60_000;
const LOG_LINES = 10;

function dnsLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** `<release>-<metric>-<random>`, a valid DNS label of at most 63 characters. */
export function jobName(release: string, metric: string, suffix: string = randomSuffix()): string {
  const prefix = dnsLabel(`${release}-${metric}`)
    .slice(0, 62 - suffix.length)
    .replace(/-$/, '');
  return `${prefix || 'analysis'}-${suffix}`;
}

type JobSpec = NonNullable<JobObject['spec']>;

/** The Job object for one measurement. `metric.job` is the Job's spec (a full `{spec: ...}` is accepted too). */
export function buildJob(metric: JobMetric, release: string, namespace: string, name: string): KubeObject {
  const given = metric.job ?? {};
  // The metric's YAML read as a Job spec: the containers are checked here, the rest by the server.
  const spec = structuredClone(given.template ? given : (given.spec ?? given)) as JobSpec;
  if (!spec.template?.spec?.containers)
    throw new Error(`metric ${metric.name}: the job needs template.spec.containers`);
  spec.backoffLimit ??= 0;
  spec.template.spec.restartPolicy ??= 'Never';
  const labels = {
    ...ownedLabels(dnsLabel(release).slice(0, 63)),
    [LABELS.analysis]: dnsLabel(metric.name).slice(0, 63),
  };
  spec.template.metadata = {
    ...spec.template.metadata,
    labels: { ...spec.template.metadata?.labels, ...labels },
  };
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace, labels }, spec };
}

export type JobOutcome = { end: 'Complete' | 'Failed'; reason?: string; message?: string };

/** The Job's final state from its conditions, or undefined while it runs. */
export function jobOutcome(job: KubeObject): JobOutcome | undefined {
  const conditions = view<JobObject>(job).status?.conditions ?? [];
  for (const type of ['Failed', 'Complete'] as const) {
    const found = conditions.find((c) => c.type === type && c.status === 'True');
    if (found)
      return {
        end: type,
        ...(found.reason ? { reason: found.reason } : {}),
        ...(found.message ? { message: found.message } : {}),
      };
  }
  return undefined;
}

/**
 * Exit code and last log lines of the Job's failed container. The two reads are best effort (a
 * pod gone, or no access to its log): a failed one drops only what it would have added.
 */
async function failureDetails(ctx: ProviderContext, namespace: string, name: string): Promise<string> {
  const pods = (
    await ctx.cluster.list('v1', 'Pod', namespace, { labelSelector: `job-name=${name}` }).catch(() => [])
  ).map(view<PodObject>);
  const pod = pods
    .sort((a, b) =>
      compareText(String(a.metadata.creationTimestamp ?? ''), String(b.metadata.creationTimestamp ?? '')),
    )
    .at(-1);
  if (!pod?.metadata.name) return '';
  const statuses = pod.status?.containerStatuses ?? [];
  const failed = statuses.find((s) => (s.state?.terminated?.exitCode ?? 0) !== 0) ?? statuses[0];
  const container: string | undefined = failed?.name ?? pod.spec?.containers?.[0]?.name;
  const terminated = failed?.state?.terminated;
  const parts: string[] = [];
  if (terminated)
    parts.push(
      `container ${container} exited ${terminated.exitCode}${terminated.reason && terminated.reason !== 'Error' ? ` (${terminated.reason})` : ''}`,
    );
  if (container) {
    const log = (
      await ctx.cluster
        .podLog(namespace, pod.metadata.name, container, { tailLines: LOG_LINES })
        .catch(() => '')
    ).trim();
    if (log) {
      const text = log
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' | ');
      parts.push(`last log lines: ${text.length > 400 ? `…${text.slice(-400)}` : text}`);
    }
  }
  return parts.join('; ');
}

/** `job`: a Job spec with a pod `template` (or a whole `{spec: …}`); `timeout`. The Job decides. */
export const jobSpec: MetricSpecReader<JobFields> = {
  keys: ['job', 'timeout'],
  judgesItself: true,
  read(fields: MetricFields) {
    const timeoutMs = fields.duration('timeout');
    if (!fields.has('job')) {
      fields.fail(undefined, '`job` (a Job spec) is required for provider job');
      return { timeoutMs };
    }
    const given = fields.value('job');
    const job = isPlainObject(given) && isPlainObject(given.spec) ? given.spec : given;
    if (isPlainObject(job) && isPlainObject(job.template)) return { job, timeoutMs };
    fields.fail('job', '`job` must be a Job spec with a pod `template` (or a mapping with `spec`)');
    return { timeoutMs };
  },
};

export const jobProvider: MetricProviderDefinition<'job', JobFields, never, never> = {
  name: 'job',
  spec: jobSpec,
  // Each measurement creates a Job, watches it, reads its pods' logs when it fails and deletes it.
  access: [
    { group: 'batch', resource: 'jobs', verbs: ['create', 'list', 'watch', 'delete'] },
    { group: '', resource: 'pods', verbs: ['list'] },
    { group: '', resource: 'pods/log', verbs: ['get'] },
  ],
  async measure(metric, ctx, signal): Promise<RawMeasurement> {
    const release = ctx.template.app;
    const namespace = ctx.namespace;
    const name = jobName(release, metric.name);
    // `{{canary.version}}` and the other known placeholders work in the Job's spec too.
    const job = buildJob(
      { ...metric, job: renderKnownPlaceholders(metric.job ?? {}, ctx.template) },
      release,
      namespace,
      name,
    );
    const ref: ObjectRef = { apiVersion: 'batch/v1', kind: 'Job', name, namespace };
    const query = `Job ${name} in ${namespace}`;
    await ctx.cluster.create(job);
    try {
      const outcome = await ctx.cluster.watchUntil<JobOutcome | { end: 'Deleted' }>(
        'batch/v1',
        'Job',
        namespace,
        { fieldSelector: `metadata.name=${name}` },
        (event) => {
          if (event.object.metadata.name !== name) return undefined;
          if (event.type === 'DELETED') return { end: 'Deleted' };
          return jobOutcome(event.object);
        },
        {
          timeoutMs: metric.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS,
          signal,
          description: `analysis Job ${name} to finish`,
        },
      );
      if (outcome.end === 'Deleted')
        throw Object.assign(new Error(`${query} was deleted before it finished`), { query });
      if (outcome.end === 'Complete')
        return { result: 'Complete', query, verdict: 'Successful', message: `Job ${name} completed` };
      const details = await failureDetails(ctx, namespace, name);
      const why = outcome.reason
        ? ` (${outcome.reason}${outcome.message ? `: ${outcome.message}` : ''})`
        : '';
      return {
        result: 'Failed',
        query,
        verdict: 'Failed',
        message: `Job ${name} failed${why}${details ? `; ${details}` : ''}`,
      };
    } catch (err) {
      if (err instanceof Error && !('query' in err)) Object.assign(err, { query });
      throw err;
    } finally {
      await ctx.cluster.delete(ref, { propagationPolicy: 'Background' }).catch(() => false);
    }
  },
};
