import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderContext } from '../../src/analysis/provider.ts';
import {
  buildJob,
  DEFAULT_JOB_TIMEOUT_MS,
  jobName,
  jobOutcome,
  jobProvider,
  type JobMetric,
} from '../../src/analysis/providers/job.ts';
import { providerTable } from '../../src/analysis/providers/index.ts';

const providers = providerTable();
import { runAnalysis } from '../../src/analysis/run.ts';
import type { Cluster, KubeObject, ObjectRef } from '../../src/kube/types.ts';
import { view, type JobObject } from '../../src/manifests/workload-views.ts';
import { WaitTimeoutError } from '../../src/kube/watch.ts';

const jobSpec = {
  template: { spec: { containers: [{ name: 'check', image: 'busybox', command: ['sh', '-c', 'exit 1'] }] } },
};
function metric(fields: Partial<JobMetric> = {}): JobMetric {
  return {
    name: 'smoke',
    provider: 'job',
    job: jobSpec,
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 0,
    dryRun: false,
    phase: 'pre-promotion',
    ...fields,
  } as JobMetric;
}

/**
 * A fake Cluster with only what the job provider calls; the Job ends with the given conditions
 * (`never`: the wait times out as the real watch does). It records what it was asked, for the
 * tests to check afterwards: an assertion inside it could be swallowed by the code under test.
 */
function fakeCluster(final: 'Complete' | 'Failed' | 'never', fail: { list?: Error; podLog?: Error } = {}) {
  const created: KubeObject[] = [];
  const deleted: Array<{ ref: ObjectRef; opts: unknown }> = [];
  const watches: Array<{ fieldSelector?: string; timeoutMs: number; firstOutcome: unknown }> = [];
  const lists: Array<{ kind: string; labelSelector?: string }> = [];
  const logs: Array<{ pod: string; container: string; tailLines?: number }> = [];
  const cluster = {
    async create(obj: KubeObject) {
      created.push(obj);
      return obj;
    },
    async watchUntil(
      _api: string,
      _kind: string,
      _ns: string | undefined,
      opts: { fieldSelector?: string },
      onEvent: (
        e: { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject },
        s: Map<string, KubeObject>,
      ) => unknown,
      wait: { timeoutMs: number; description?: string },
    ) {
      const job = created.at(-1)!;
      const running = { ...job, status: { active: 1 } };
      const firstOutcome = onEvent({ type: 'ADDED', object: running }, new Map());
      watches.push({ fieldSelector: opts.fieldSelector, timeoutMs: wait.timeoutMs, firstOutcome });
      if (final === 'never') throw new WaitTimeoutError(`timed out waiting for ${wait.description}`);
      const conditions =
        final === 'Complete'
          ? [
              { type: 'SuccessCriteriaMet', status: 'True' },
              { type: 'Complete', status: 'True' },
            ]
          : [
              { type: 'FailureTarget', status: 'True' },
              {
                type: 'Failed',
                status: 'True',
                reason: 'BackoffLimitExceeded',
                message: 'Job has reached the specified backoff limit',
              },
            ];
      return onEvent({ type: 'MODIFIED', object: { ...job, status: { conditions } } }, new Map());
    },
    async list(_api: string, kind: string, _ns: string | undefined, opts: { labelSelector?: string }) {
      lists.push({ kind, labelSelector: opts.labelSelector });
      if (fail.list) throw fail.list;
      const name = created.at(-1)!.metadata.name;
      return [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `${name}-abcde`, creationTimestamp: '2026-01-01T00:00:00Z' },
          status: {
            containerStatuses: [{ name: 'check', state: { terminated: { exitCode: 1, reason: 'Error' } } }],
          },
        },
      ];
    },
    async podLog(_ns: string, pod: string, container: string, opts?: { tailLines?: number }) {
      logs.push({ pod, container, tailLines: opts?.tailLines });
      if (fail.podLog) throw fail.podLog;
      return `checking ${pod}\nerror: smoke test failed\n`;
    },
    async delete(ref: ObjectRef, opts?: unknown) {
      deleted.push({ ref, opts });
      return true;
    },
  };
  return { cluster: cluster as unknown as Cluster, created, deleted, watches, lists, logs };
}

const ctxFor = (cluster: Cluster): ProviderContext => ({
  template: { app: 'shop', namespace: 'prod', canaryVersion: 'v2', stableVersion: 'v1' },
  namespace: 'prod',
  cluster,
  settings: {},
});

describe('job provider', () => {
  it('names Jobs <release>-<metric>-<random> within 63 characters', () => {
    assert.equal(jobName('shop', 'Smoke_Test', 'x7k2p'), 'shop-smoke-test-x7k2p');
    const long = jobName('a'.repeat(50), 'b'.repeat(30));
    assert.ok(long.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(long), long);
  });

  it('builds the Job from the inline spec with check defaults', () => {
    const job = view<JobObject>(buildJob(metric(), 'shop', 'prod', 'shop-smoke-x'));
    assert.equal(job.apiVersion, 'batch/v1');
    assert.equal(job.metadata.namespace, 'prod');
    assert.equal(job.spec!.backoffLimit, 0);
    assert.equal(job.spec!.template.spec!.restartPolicy, 'Never');
    assert.equal(job.spec!.template.metadata!.labels!['kube-rollout.io/analysis'], 'smoke');
    assert.equal(
      (jobSpec.template.spec as Record<string, unknown>).restartPolicy,
      undefined,
      'the metric spec is not mutated',
    );
    const full = buildJob(metric({ job: { spec: { backoffLimit: 2, ...jobSpec } } }), 'shop', 'prod', 'n');
    assert.equal(view<JobObject>(full).spec!.backoffLimit, 2);
    assert.throws(() => buildJob(metric({ job: {} }), 'shop', 'prod', 'n'), /template\.spec\.containers/);
  });

  it('reads the outcome from the Job conditions', () => {
    const job = (conditions: unknown[]) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {},
      status: { conditions },
    });
    assert.equal(jobOutcome(job([])), undefined);
    assert.equal(jobOutcome(job([{ type: 'Complete', status: 'False' }])), undefined);
    assert.deepEqual(jobOutcome(job([{ type: 'Complete', status: 'True' }])), { end: 'Complete' });
  });

  it('a completed Job is Successful, and is deleted in the background', async () => {
    const fake = fakeCluster('Complete');
    const raw = await jobProvider.measure(metric(), ctxFor(fake.cluster), new AbortController().signal);
    assert.equal(raw.verdict, 'Successful');
    const name = fake.created[0]!.metadata.name!;
    assert.match(name, /^shop-smoke-[a-z0-9]{5}$/);
    assert.deepEqual(fake.deleted, [
      {
        ref: { apiVersion: 'batch/v1', kind: 'Job', name, namespace: 'prod' },
        opts: { propagationPolicy: 'Background' },
      },
    ]);
  });

  it('a failed Job is Failed, quoting reason, exit code and the last log lines', async () => {
    const fake = fakeCluster('Failed');
    const r = await runAnalysis(
      { metrics: [metric()] },
      { providers, ctx: ctxFor(fake.cluster), signal: new AbortController().signal, sleep: async () => {} },
    );
    assert.equal(r.phase, 'Failed');
    const name = fake.created[0]!.metadata.name!;
    assert.equal(
      r.reason,
      `smoke (job) Job ${name} failed (BackoffLimitExceeded: Job has reached the specified backoff limit); container check exited 1; last log lines: checking ${name}-abcde | error: smoke test failed in 1 of 1 measurement (failureLimit 0)`,
    );
    assert.equal(fake.deleted.length, 1);
    assert.deepEqual(fake.watches, [
      { fieldSelector: `metadata.name=${name}`, timeoutMs: DEFAULT_JOB_TIMEOUT_MS, firstOutcome: undefined },
    ]);
    assert.deepEqual(fake.lists, [{ kind: 'Pod', labelSelector: `job-name=${name}` }]);
    assert.deepEqual(fake.logs, [{ pod: `${name}-abcde`, container: 'check', tailLines: 10 }]);
  });

  it('a failed Job whose log cannot be read still reports the exit code', async () => {
    const fake = fakeCluster('Failed', { podLog: new Error('pods "x" is forbidden') });
    const raw = await jobProvider.measure(metric(), ctxFor(fake.cluster), new AbortController().signal);
    const name = fake.created[0]!.metadata.name!;
    assert.equal(raw.verdict, 'Failed');
    assert.equal(
      raw.message,
      `Job ${name} failed (BackoffLimitExceeded: Job has reached the specified backoff limit); container check exited 1`,
    );
  });

  it('a failed Job whose pods cannot be listed is reported from its condition alone', async () => {
    const fake = fakeCluster('Failed', { list: new Error('connection refused') });
    const raw = await jobProvider.measure(metric(), ctxFor(fake.cluster), new AbortController().signal);
    const name = fake.created[0]!.metadata.name!;
    assert.equal(
      raw.message,
      `Job ${name} failed (BackoffLimitExceeded: Job has reached the specified backoff limit)`,
    );
    assert.deepEqual(fake.logs, []);
  });

  it('a Job that never finishes is a measurement Error after the metric’s timeout, and is still deleted', async () => {
    const fake = fakeCluster('never');
    const r = await runAnalysis(
      { metrics: [metric({ timeoutMs: 1000 })] },
      { providers, ctx: ctxFor(fake.cluster), signal: new AbortController().signal, sleep: async () => {} },
    );
    const name = fake.created[0]!.metadata.name!;
    assert.equal(r.phase, 'Error');
    assert.deepEqual(
      fake.watches.map((w) => w.timeoutMs),
      [1000],
      'the wait is bounded by the metric’s timeout',
    );
    const [measurement] = r.measurements;
    assert.equal(measurement!.phase, 'Error');
    assert.equal(measurement!.query, `Job ${name} in prod`);
    assert.match(
      measurement!.message ?? '',
      new RegExp(`analysis Job ${name} to finish`),
      'names the Job waited for',
    );
    assert.deepEqual(
      fake.deleted.map((d) => d.ref.name),
      [name],
    );
  });
});
