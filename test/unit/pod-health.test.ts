import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findPodProblem, findWorkloadProblem, isPodReady } from '../../src/gates/pod-health.ts';
import { view, type ConditionedObject, type PodObject } from '../../src/manifests/workload-views.ts';

// Pods shaped like a kubelet reports them (REFERENCE.md §3).
function pod(status: Record<string, unknown>, metadata: Record<string, unknown> = {}): PodObject {
  return view({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-7d9f-abcde', ...metadata },
    spec: {},
    status,
  });
}

const notReady = [
  { type: 'PodScheduled', status: 'True' },
  { type: 'Initialized', status: 'True' },
  { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady' },
  { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
];
const ready = [
  { type: 'PodScheduled', status: 'True' },
  { type: 'Initialized', status: 'True' },
  { type: 'ContainersReady', status: 'True' },
  { type: 'Ready', status: 'True' },
];

const crashLoop = pod({
  phase: 'Running',
  conditions: notReady,
  containerStatuses: [
    {
      name: 'app',
      ready: false,
      started: false,
      restartCount: 3,
      image: 'ghcr.io/acme/web:v2',
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: 'back-off 40s restarting failed container=app pod=web-7d9f-abcde_default(uid)',
        },
      },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    },
  ],
});

const oomThenCrashLoop = pod({
  phase: 'Running',
  conditions: notReady,
  containerStatuses: [
    {
      name: 'app',
      ready: false,
      restartCount: 2,
      state: {
        waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=app' },
      },
      lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
    },
  ],
});

const oomOnceRunning = pod({
  phase: 'Running',
  conditions: notReady,
  containerStatuses: [
    {
      name: 'app',
      ready: false,
      started: true,
      restartCount: 1,
      state: { running: { startedAt: '2026-11-21T23:00:00Z' } },
      lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
    },
  ],
});

function pulling(reason: string, message: string): PodObject {
  return pod({
    phase: 'Pending',
    conditions: notReady,
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        restartCount: 0,
        image: 'ghcr.io/acme/web:nope',
        imageID: '',
        state: { waiting: { reason, message } },
        lastState: {},
      },
    ],
  });
}

const configError = pulling('CreateContainerConfigError', 'configmap "x" not found');

const unschedulable = pod({
  phase: 'Pending',
  conditions: [
    {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: '0/3 nodes are available: 3 Insufficient memory.',
    },
  ],
});

const initCrash = pod({
  phase: 'Pending',
  conditions: [
    { type: 'PodScheduled', status: 'True' },
    { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized' },
    { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
  ],
  initContainerStatuses: [
    {
      name: 'migrate',
      ready: false,
      restartCount: 2,
      state: {
        waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=migrate' },
      },
      lastState: { terminated: { exitCode: 2, reason: 'Error' } },
    },
  ],
  containerStatuses: [
    {
      name: 'app',
      ready: false,
      restartCount: 0,
      state: { waiting: { reason: 'PodInitializing' } },
      lastState: {},
    },
  ],
});

const readinessFailing = pod({
  phase: 'Running',
  conditions: notReady,
  containerStatuses: [
    {
      name: 'app',
      ready: false,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: '2026-11-21T23:00:00Z' } },
      lastState: {},
    },
  ],
});

const creating = pod({
  phase: 'Pending',
  conditions: [
    { type: 'PodScheduled', status: 'True' },
    { type: 'Initialized', status: 'True' },
    { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
  ],
  containerStatuses: [
    {
      name: 'app',
      ready: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
    },
  ],
});

const failedPhase = pod({
  phase: 'Failed',
  reason: 'Evicted',
  message: 'The node was low on resource: memory.',
});

describe('findPodProblem', () => {
  const cases: Array<{ name: string; pod: PodObject; expected: ReturnType<typeof findPodProblem> }> = [
    {
      name: 'CrashLoopBackOff',
      pod: crashLoop,
      expected: {
        pod: 'web-7d9f-abcde',
        container: 'app',
        reason: 'CrashLoopBackOff',
        message: 'back-off 40s restarting failed container=app pod=web-7d9f-abcde_default(uid)',
        exitCode: 1,
        restartCount: 3,
      },
    },
    {
      name: 'OOMKilled then CrashLoopBackOff reports the kill',
      pod: oomThenCrashLoop,
      expected: {
        pod: 'web-7d9f-abcde',
        container: 'app',
        reason: 'OOMKilled',
        message: 'back-off 20s restarting failed container=app',
        exitCode: 137,
        restartCount: 2,
      },
    },
    { name: 'OOMKilled once and running again is not yet fatal', pod: oomOnceRunning, expected: undefined },
    {
      name: 'ErrImagePull',
      pod: pulling(
        'ErrImagePull',
        'rpc error: code = NotFound desc = failed to pull image "ghcr.io/acme/web:nope"',
      ),
      expected: {
        pod: 'web-7d9f-abcde',
        container: 'app',
        reason: 'ErrImagePull',
        message: 'rpc error: code = NotFound desc = failed to pull image "ghcr.io/acme/web:nope"',
        exitCode: undefined,
        restartCount: 0,
      },
    },
    {
      name: 'ImagePullBackOff',
      pod: pulling('ImagePullBackOff', 'Back-off pulling image "ghcr.io/acme/web:nope"'),
      expected: {
        pod: 'web-7d9f-abcde',
        container: 'app',
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image "ghcr.io/acme/web:nope"',
        exitCode: undefined,
        restartCount: 0,
      },
    },
    {
      name: 'CreateContainerConfigError',
      pod: configError,
      expected: {
        pod: 'web-7d9f-abcde',
        container: 'app',
        reason: 'CreateContainerConfigError',
        message: 'configmap "x" not found',
        exitCode: undefined,
        restartCount: 0,
      },
    },
    {
      name: 'Unschedulable',
      pod: unschedulable,
      expected: {
        pod: 'web-7d9f-abcde',
        reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 Insufficient memory.',
      },
    },
    {
      name: 'init container crashing',
      pod: initCrash,
      expected: {
        pod: 'web-7d9f-abcde',
        container: 'migrate',
        reason: 'CrashLoopBackOff',
        message: 'back-off 20s restarting failed container=migrate',
        exitCode: 2,
        restartCount: 2,
      },
    },
    { name: 'running but not ready (readiness failing)', pod: readinessFailing, expected: undefined },
    { name: 'still ContainerCreating', pod: creating, expected: undefined },
    {
      name: 'phase Failed',
      pod: failedPhase,
      expected: {
        pod: 'web-7d9f-abcde',
        reason: 'Evicted',
        message: 'The node was low on resource: memory.',
      },
    },
    {
      name: 'phase Failed without a reason',
      pod: pod({ phase: 'Failed' }),
      expected: { pod: 'web-7d9f-abcde', reason: 'Failed', message: undefined },
    },
    { name: 'healthy ready pod', pod: pod({ phase: 'Running', conditions: ready }), expected: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(findPodProblem(c.pod), c.expected);
    });
  }

  it('an OOM kill on the third run counts even while the container is running', () => {
    const p = structuredClone(oomOnceRunning);
    p.status!.containerStatuses![0].restartCount = 2;
    assert.equal(findPodProblem(p)?.reason, 'OOMKilled');
    assert.equal(findPodProblem(p)?.exitCode, 137);
  });
});

describe('findWorkloadProblem', () => {
  const deployment = (conditions: unknown[]): ConditionedObject =>
    view({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {},
      status: { conditions },
    });
  const cases: Array<{
    name: string;
    conditions: unknown[];
    expected: ReturnType<typeof findWorkloadProblem>;
  }> = [
    {
      name: 'ProgressDeadlineExceeded',
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "web-7d9f" has timed out progressing.',
        },
      ],
      expected: {
        reason: 'ProgressDeadlineExceeded',
        message: 'ReplicaSet "web-7d9f" has timed out progressing.',
      },
    },
    {
      name: 'ProgressDeadlineExceeded without a message',
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      expected: { reason: 'ProgressDeadlineExceeded', message: 'Deployment exceeded its progress deadline' },
    },
    {
      name: 'ReplicaFailure (quota)',
      conditions: [
        { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
        {
          type: 'ReplicaFailure',
          status: 'True',
          reason: 'FailedCreate',
          message:
            'pods "web-7d9f-x" is forbidden: exceeded quota: compute, requested: cpu=1, used: cpu=4, limited: cpu=4',
        },
      ],
      expected: {
        reason: 'FailedCreate',
        message:
          'pods "web-7d9f-x" is forbidden: exceeded quota: compute, requested: cpu=1, used: cpu=4, limited: cpu=4',
      },
    },
    {
      name: 'progressing normally',
      conditions: [
        { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
        { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
      ],
      expected: undefined,
    },
    {
      name: 'ReplicaFailure False is no problem',
      conditions: [{ type: 'ReplicaFailure', status: 'False', reason: 'FailedCreate' }],
      expected: undefined,
    },
    { name: 'no conditions', conditions: [], expected: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(findWorkloadProblem(deployment(c.conditions)), c.expected);
    });
  }
});

describe('isPodReady', () => {
  const cases: Array<{ name: string; pod: PodObject; expected: boolean }> = [
    { name: 'Ready True', pod: pod({ phase: 'Running', conditions: ready }), expected: true },
    { name: 'Ready False', pod: readinessFailing, expected: false },
    { name: 'no conditions', pod: pod({ phase: 'Pending' }), expected: false },
    {
      name: 'terminating pod that is still Ready',
      pod: pod({ phase: 'Running', conditions: ready }, { deletionTimestamp: '2026-11-21T23:10:00Z' }),
      expected: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(isPodReady(c.pod), c.expected);
    });
  }
});

describe('findPodProblem: only Unschedulable is fatal among unscheduled pods', () => {
  // PodScheduled reasons (k8s.io/api core/v1 types.go: PodReasonUnschedulable,
  // PodReasonSchedulingGated, PodReasonSchedulerError): only the scheduler's verdict that no node
  // fits ends the release; a gate or a scheduler hiccup clears without a new template.
  const unscheduled = (reason: string | undefined, status = 'False') =>
    pod({
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status, ...(reason ? { reason } : {}), message: 'waiting' }],
    });
  const cases: Array<[string, PodObject]> = [
    ['held by scheduling gates', unscheduled('SchedulingGated')],
    ['a scheduler error', unscheduled('SchedulerError')],
    ['PodScheduled False without a reason', unscheduled(undefined)],
    ['PodScheduled Unknown', unscheduled('Unschedulable', 'Unknown')],
    ['not yet looked at by the scheduler (no conditions)', pod({ phase: 'Pending' })],
  ];
  for (const [name, p] of cases)
    it(`${name}: no problem yet`, () => assert.equal(findPodProblem(p), undefined));

  it('an Unschedulable condition other than PodScheduled is not the scheduler’s verdict', () => {
    const other = pod({
      phase: 'Pending',
      conditions: [{ type: 'Ready', status: 'False', reason: 'Unschedulable' }],
    });
    assert.equal(findPodProblem(other), undefined);
  });
});

describe('findPodProblem: container states', () => {
  const waiting = (reason: string, extra: Record<string, unknown> = {}) =>
    pod({
      phase: 'Pending',
      containerStatuses: [
        { name: 'app', restartCount: 0, state: { waiting: { reason, message: 'm' } }, ...extra },
      ],
    });

  it('every waiting reason that needs a new template is fatal', () => {
    for (const reason of [
      'CrashLoopBackOff',
      'ErrImagePull',
      'ImagePullBackOff',
      'InvalidImageName',
      'CreateContainerConfigError',
      'CreateContainerError',
      'RunContainerError',
    ])
      assert.equal(findPodProblem(waiting(reason))?.reason, reason, reason);
    for (const reason of ['ContainerCreating', 'PodInitializing', 'ErrImageNeverPull-typo', ''])
      assert.equal(findPodProblem(waiting(reason)), undefined, reason);
  });

  it('an OOM kill is reported only once it repeats: CrashLoopBackOff after it, or two restarts', () => {
    const oom = (restartCount: number | undefined, state: Record<string, unknown>, exitCode?: number) =>
      pod({
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            ...(restartCount === undefined ? {} : { restartCount }),
            state,
            lastState: {
              terminated: { reason: 'OOMKilled', message: 'killed', ...(exitCode ? { exitCode } : {}) },
            },
          },
        ],
      });
    const running = { running: {} };
    assert.equal(findPodProblem(oom(1, running)), undefined);
    assert.equal(findPodProblem(oom(undefined, running)), undefined, 'no restart count: not repeated');
    assert.deepEqual(findPodProblem(oom(2, running)), {
      pod: 'web-7d9f-abcde',
      container: 'app',
      reason: 'OOMKilled',
      message: 'killed',
      exitCode: 137,
      restartCount: 2,
    });
    assert.equal(findPodProblem(oom(2, running, 9))?.exitCode, 9, 'the exit code seen wins over 137');
    const backOff = findPodProblem(oom(0, { waiting: { reason: 'CrashLoopBackOff' } }));
    assert.equal(backOff?.reason, 'OOMKilled');
    assert.equal(backOff?.message, 'killed', 'the kill’s message when the back-off has none');
    const pullAfterOom = findPodProblem(oom(1, { waiting: { reason: 'ErrImagePull', message: 'x' } }));
    assert.equal(pullAfterOom?.reason, 'ErrImagePull', 'only a crash loop follows from the kill');
  });

  it('a healthy container before a failing one: the failing one is named', () => {
    const p = pod({
      phase: 'Running',
      containerStatuses: [
        { name: 'sidecar', restartCount: 0, state: { running: {} } },
        { name: 'app', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      ],
    });
    assert.deepEqual(findPodProblem(p), {
      pod: 'web-7d9f-abcde',
      container: 'app',
      reason: 'CrashLoopBackOff',
      message: undefined,
      exitCode: undefined,
      restartCount: 4,
    });
  });

  it('a pod without a name is still judged', () => {
    const p = pod({ phase: 'Failed', reason: 'Evicted' }, { name: undefined });
    assert.deepEqual(findPodProblem(p), { pod: '', reason: 'Evicted', message: undefined });
  });

  it('a pod with no status yet has no problem', () => {
    assert.equal(findPodProblem({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }), undefined);
  });
});

describe('findWorkloadProblem: conditions that are not a problem', () => {
  const conditions = (list: unknown[]): ConditionedObject =>
    view({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-1' },
      status: { conditions: list },
    });
  it('Progressing True, or False for another reason; ReplicaFailure without reason or message', () => {
    assert.equal(
      findWorkloadProblem(
        conditions([{ type: 'Progressing', status: 'True', reason: 'ProgressDeadlineExceeded' }]),
      ),
      undefined,
    );
    assert.equal(
      findWorkloadProblem(
        conditions([{ type: 'Progressing', status: 'False', reason: 'NewReplicaSetAvailable' }]),
      ),
      undefined,
    );
    assert.equal(
      findWorkloadProblem(
        conditions([{ type: 'Available', status: 'False', reason: 'ProgressDeadlineExceeded' }]),
      ),
      undefined,
    );
    assert.deepEqual(findWorkloadProblem(conditions([{ type: 'ReplicaFailure', status: 'True' }])), {
      reason: 'ReplicaFailure',
      message: 'replica creation failed',
    });
    assert.equal(findWorkloadProblem({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {} }), undefined);
  });

  it('the message of a deadline without one names the kind', () => {
    const rs = conditions([{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }]);
    assert.equal(findWorkloadProblem(rs)?.message, 'ReplicaSet exceeded its progress deadline');
  });
});
