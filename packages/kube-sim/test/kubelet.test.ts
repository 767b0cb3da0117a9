// Pod shapes produced by the simulated kubelet, field by field (REFERENCE.md §3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../src/types.ts';
import type { Condition } from '../src/views.ts';
import { deletePodGracefully } from '../src/controllers/context.ts';
import { createEventRecorder } from '../src/controllers/events.ts';
import { condition, container, testCluster, waitFor, fieldAt } from './testing.ts';
import { shellExitCode } from '../src/kubelet/container.ts';

type Cluster = ReturnType<typeof testCluster>;

function pod(
  name: string,
  containers: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { containers, ...extra },
  };
}

function getPod(c: Cluster, name: string): KubeObject | undefined {
  return c.store.get('v1', 'Pod', 'default', name);
}

function eventsFor(c: Cluster, name: string): KubeObject[] {
  return c.store
    .list('v1', 'Event', 'default')
    .filter((e) => (e.involvedObject as { name?: string } | undefined)?.name === name);
}

async function withCluster(fn: (c: Cluster) => Promise<void>): Promise<void> {
  const c = testCluster();
  try {
    await fn(c);
  } finally {
    c.stop();
  }
}

test('healthy pod: kubelet-shaped status', () =>
  withCluster(async (c) => {
    c.store.create(
      pod('ok', [
        container(
          'app',
          'nginx:1.25',
          {},
          {
            resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
          },
        ),
      ]),
    );
    const p = await waitFor('ready', () => {
      const p = getPod(c, 'ok');
      return condition(p, 'Ready')?.status === 'True' && p;
    });
    const s = p.status;
    assert.equal(s.phase, 'Running');
    assert.match(String(fieldAt(p, 'spec.nodeName')), /^node-[123]$/);
    assert.match(s.hostIP, /^192\.168\.49\.\d+$/);
    assert.match(s.podIP, /^10\.244\.\d+\.\d+$/);
    assert.deepEqual(s.podIPs, [{ ip: s.podIP }]);
    assert.ok(Date.parse(s.startTime) > 0);
    assert.equal(s.qosClass, 'Guaranteed');
    assert.deepEqual(
      s.conditions.map((x: Condition) => [x.type, x.status]),
      [
        ['PodReadyToStartContainers', 'True'],
        ['Initialized', 'True'],
        ['Ready', 'True'],
        ['ContainersReady', 'True'],
        ['PodScheduled', 'True'],
      ],
    );
    assert.ok(s.conditions.every((x: Condition) => x.lastTransitionTime && x.lastProbeTime === null));
    const cs = s.containerStatuses[0];
    assert.equal(cs.name, 'app');
    assert.equal(cs.image, 'nginx:1.25');
    assert.match(cs.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(cs.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.equal(cs.restartCount, 0);
    assert.ok(cs.state.running.startedAt);
    assert.deepEqual(cs.lastState, {});
    const reasons = eventsFor(c, 'ok').map((e) => e.reason);
    for (const r of ['Scheduled', 'Pulled', 'Created', 'Started'])
      assert.ok(reasons.includes(r), `${r} in ${reasons}`);
  }));

test('CrashLoopBackOff: restartCount grows, exit code 1, back-off message, BackOff event', () =>
  withCluster(async (c) => {
    c.store.create(
      pod('crash', [container('app', 'app:1', { SIM_CRASH: 'true', SIM_STARTUP_SECONDS: '1' })]),
    );
    const p = await waitFor('CrashLoopBackOff after 2 restarts', () => {
      const p = getPod(c, 'crash');
      const cs = p?.status?.containerStatuses?.[0];
      return cs?.restartCount >= 2 && cs.state.waiting?.reason === 'CrashLoopBackOff' && p;
    });
    const cs = p.status.containerStatuses[0];
    assert.equal(fieldAt(p, 'status.phase'), 'Running');
    assert.equal(cs.ready, false);
    assert.equal(cs.started, false);
    assert.equal(cs.lastState.terminated.exitCode, 1);
    assert.equal(cs.lastState.terminated.reason, 'Error');
    assert.match(
      cs.state.waiting.message,
      new RegExp(
        `^back-off (20|40)s restarting failed container=app pod=crash_default\\(${p.metadata.uid}\\)$`,
      ),
    );
    const ready = condition(p, 'Ready')!;
    assert.equal(ready.status, 'False');
    assert.equal(ready.reason, 'ContainersNotReady');
    assert.equal(ready.message, 'containers with unready status: [app]');
    assert.ok(eventsFor(c, 'crash').some((e) => e.reason === 'BackOff' && e.type === 'Warning'));
  }));

test('OOMKilled: lastState terminated 137 then CrashLoopBackOff', () =>
  withCluster(async (c) => {
    c.store.create(pod('oom', [container('app', 'app:1', { SIM_OOM: 'true', SIM_STARTUP_SECONDS: '1' })]));
    const p = await waitFor('OOMKilled', () => {
      const p = getPod(c, 'oom');
      const cs = p?.status?.containerStatuses?.[0];
      return cs?.state?.waiting?.reason === 'CrashLoopBackOff' && p;
    });
    const cs = p.status.containerStatuses[0];
    assert.deepEqual([cs.lastState.terminated.reason, cs.lastState.terminated.exitCode], ['OOMKilled', 137]);
    assert.ok(cs.restartCount >= 1);
  }));

test('ErrImagePull then ImagePullBackOff for an image that does not exist', () =>
  withCluster(async (c) => {
    const seen: string[] = [];
    const unsubscribe = c.store.subscribe((ev) => {
      const r =
        ev.object.kind === 'Pod'
          ? ev.object.status?.containerStatuses?.[0]?.state?.waiting?.reason
          : undefined;
      if (r && seen.at(-1) !== r) seen.push(r);
    });
    c.store.create(pod('pull', [container('app', 'registry.example.com/does-not-exist:1')]));
    const p = await waitFor('ImagePullBackOff', () => {
      const p = getPod(c, 'pull');
      return p?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff' && p;
    });
    unsubscribe();
    assert.ok(
      seen.indexOf('ErrImagePull') >= 0 && seen.indexOf('ErrImagePull') < seen.indexOf('ImagePullBackOff'),
      seen.join(','),
    );
    const cs = p.status.containerStatuses[0];
    assert.equal(fieldAt(p, 'status.phase'), 'Pending');
    assert.equal(cs.state.waiting.message, 'Back-off pulling image "registry.example.com/does-not-exist:1"');
    assert.equal(cs.imageID, '');
    assert.deepEqual(cs.lastState, {});
    assert.equal(cs.ready, false);
    const reasons = eventsFor(c, 'pull').map((e) => e.reason);
    assert.ok(
      reasons.includes('Failed') && reasons.includes('BackOff') && reasons.includes('Pulling'),
      reasons.join(','),
    );
  }));

test('CreateContainerConfigError for a missing ConfigMap or Secret, recovering when it appears', () =>
  withCluster(async (c) => {
    const cmRef = { name: 'CFG', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } };
    c.store.create(pod('cfg', [{ name: 'app', image: 'app:1', env: [cmRef] }]));
    c.store.create(
      pod('sec', [{ name: 'app', image: 'app:1', envFrom: [{ secretRef: { name: 'creds' } }] }]),
    );
    const p = await waitFor('config error', () => {
      const p = getPod(c, 'cfg');
      return p?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError' && p;
    });
    assert.equal(fieldAt(p, 'status.phase'), 'Pending');
    assert.equal(fieldAt(p, 'status.containerStatuses.0.state.waiting.message'), 'configmap "cfg" not found');
    const s = await waitFor(
      'secret error',
      () => getPod(c, 'sec')?.status?.containerStatuses?.[0]?.state?.waiting,
    );
    assert.deepEqual(s, { reason: 'CreateContainerConfigError', message: 'secret "creds" not found' });
    assert.ok(
      eventsFor(c, 'cfg').some(
        (e) => e.reason === 'Failed' && e.message === 'Error: configmap "cfg" not found',
      ),
    );
    c.store.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'default' },
      data: { k: 'v' },
    });
    await waitFor('recovered', () => condition(getPod(c, 'cfg'), 'Ready')?.status === 'True');
  }));

test('Unschedulable: Pending, PodScheduled False, no containerStatuses, FailedScheduling', () =>
  withCluster(async (c) => {
    c.store.create(
      pod('big', [container('app', 'app:1', {}, { resources: { requests: { memory: '100Gi' } } })]),
    );
    const p = await waitFor('unschedulable', () => {
      const p = getPod(c, 'big');
      return condition(p, 'PodScheduled')?.status === 'False' && p;
    });
    assert.equal(fieldAt(p, 'status.phase'), 'Pending');
    assert.equal(fieldAt(p, 'status.containerStatuses'), undefined);
    assert.equal(fieldAt(p, 'spec.nodeName'), undefined);
    const cond = condition(p, 'PodScheduled')!;
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(cond.message, '0/3 nodes are available: 3 Insufficient memory.');
    assert.ok(
      eventsFor(c, 'big').some(
        (e) => e.reason === 'FailedScheduling' && e.type === 'Warning' && e.message === cond.message,
      ),
    );
  }));

test('readiness never passing: Running, running state, started, not ready, Unhealthy events', () =>
  withCluster(async (c) => {
    const probe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 2 };
    c.store.create(
      pod('sick', [container('app', 'app:1', { SIM_READY: 'false' }, { readinessProbe: probe })]),
    );
    const p = await waitFor('Unhealthy event', () => {
      const p = getPod(c, 'sick');
      return (
        eventsFor(c, 'sick').some((e) => e.reason === 'Unhealthy') && p?.status?.phase === 'Running' && p
      );
    });
    const cs = p.status.containerStatuses[0];
    assert.ok(cs.state.running);
    assert.equal(cs.started, true);
    assert.equal(cs.ready, false);
    assert.equal(cs.restartCount, 0);
    assert.equal(condition(p, 'Ready')!.status, 'False');
    const ev = eventsFor(c, 'sick').find((e) => e.reason === 'Unhealthy')!;
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, 'Readiness probe failed: HTTP probe failed with statuscode: 503');
  }));

test('readinessProbe initialDelaySeconds is honoured', () =>
  withCluster(async (c) => {
    const probe = { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 10, periodSeconds: 5 };
    // Timed on this process's clock from the create: the pod's own timestamps are whole seconds
    // (metav1.Time), coarser than the scaled delay. Ready comes no sooner than the container's
    // 1 s start-up plus the 10 s initial delay.
    let ready: number | undefined;
    const unsubscribe = c.store.subscribe(({ object: o }) => {
      if (o.kind !== 'Pod' || o.metadata.name !== 'slow') return;
      if (ready === undefined && condition(o, 'Ready')?.status === 'True') ready = Date.now();
    });
    const created = Date.now();
    c.store.create(
      pod('slow', [container('app', 'app:1', { SIM_STARTUP_SECONDS: '1' }, { readinessProbe: probe })]),
    );
    await waitFor('ready', () => ready !== undefined);
    unsubscribe();
    assert.ok(ready! - created >= c.clock.ms(1 + 10) - 5, `ready ${ready! - created} ms after the create`);
  }));

test('init containers run first: Pending / PodInitializing, then Completed', () =>
  withCluster(async (c) => {
    const seen = new Set<string>();
    const unsubscribe = c.store.subscribe((ev) => {
      if (ev.object.kind !== 'Pod' || ev.object.metadata.name !== 'init') return;
      const st = ev.object.status;
      const main = st?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (
        main === 'PodInitializing' &&
        st.phase === 'Pending' &&
        condition(ev.object, 'Initialized')?.status === 'False'
      )
        seen.add('initializing');
    });
    c.store.create(
      pod('init', [container('app', 'app:1')], {
        initContainers: [container('migrate', 'tool:1', { SIM_STARTUP_SECONDS: '2' })],
      }),
    );
    const p = await waitFor('ready', () => {
      const p = getPod(c, 'init');
      return condition(p, 'Ready')?.status === 'True' && p;
    });
    unsubscribe();
    assert.ok(seen.has('initializing'));
    const ics = p.status.initContainerStatuses[0];
    assert.equal(ics.state.terminated.reason, 'Completed');
    assert.equal(ics.state.terminated.exitCode, 0);
    assert.equal(ics.ready, true);
  }));

test("a container running `sh -c 'exit N'` exits with N after its startup", () =>
  withCluster(async (c) => {
    const shell = (name: string, script: string, split = false) =>
      pod(
        name,
        [
          container(
            'check',
            'busybox:1.36',
            { SIM_STARTUP_SECONDS: '1' },
            split ? { command: ['sh'], args: ['-c', script] } : { command: ['sh', '-c', script] },
          ),
        ],
        { restartPolicy: 'Never' },
      );
    c.store.create(shell('passes', 'exit 0'));
    c.store.create(shell('fails', 'exit 3', true));
    const done = (name: string) =>
      waitFor(`${name} finished`, () => {
        const p = getPod(c, name);
        return (p?.status?.phase === 'Succeeded' || p?.status?.phase === 'Failed') && p;
      });
    const [passes, fails] = await Promise.all([done('passes'), done('fails')]);
    assert.equal(fieldAt(passes, 'status.phase'), 'Succeeded');
    assert.deepEqual(
      [
        passes.status.containerStatuses[0].state.terminated.exitCode,
        passes.status.containerStatuses[0].state.terminated.reason,
      ],
      [0, 'Completed'],
    );
    assert.equal(fieldAt(fails, 'status.phase'), 'Failed');
    assert.deepEqual(
      [
        fails.status.containerStatuses[0].state.terminated.exitCode,
        fails.status.containerStatuses[0].state.terminated.reason,
      ],
      [3, 'Error'],
    );
  }));

test('shellExitCode reads only a bare `exit N` shell script', () => {
  assert.equal(shellExitCode({ command: ['sh', '-c', 'exit 1'] }), 1);
  assert.equal(shellExitCode({ command: ['/bin/sh'], args: ['-c', 'exit'] }), 0);
  assert.equal(shellExitCode({ command: ['bash', '-c', 'false'] }), 1);
  assert.equal(shellExitCode({ command: ['sh', '-c', 'curl -f http://x && exit 0'] }), undefined);
  assert.equal(shellExitCode({ command: ['python', '-c', 'exit 1'] }), undefined);
  assert.equal(shellExitCode({ image: 'nginx' }), undefined);
});

test('graceful deletion: Terminating, still ready while its container runs, then gone', () =>
  withCluster(async (c) => {
    c.store.create(pod('bye', [container('app', 'app:1', { SIM_SHUTDOWN_SECONDS: '4' })]));
    const p = await waitFor('ready', () => {
      const p = getPod(c, 'bye');
      return condition(p, 'Ready')?.status === 'True' && p;
    });
    deletePodGracefully(
      { store: c.store, clock: c.clock, events: createEventRecorder(c.store, c.clock), onError: () => {} },
      p,
    );
    // The kubelet keeps probing a terminating pod: it stays Ready until its container stops, so
    // the EndpointSlice controller shows it serving (and terminating).
    const t = await waitFor('terminating', () => {
      const x = getPod(c, 'bye');
      return x?.metadata.deletionTimestamp ? x : undefined;
    });
    assert.equal(condition(t, 'Ready')?.status, 'True');
    assert.equal(fieldAt(t, 'status.containerStatuses.0.ready'), true);
    await waitFor('deleted', () => !getPod(c, 'bye'));
    assert.ok(
      eventsFor(c, 'bye').some((e) => e.reason === 'Killing' && e.message === 'Stopping container app'),
    );
  }));

test('times are whole seconds on the wire (metav1.Time), as the API server serialises them', () =>
  withCluster(async (c) => {
    c.store.create(pod('stamp', [container('app', 'app:1')]));
    const p = await waitFor('ready', () => {
      const p = getPod(c, 'stamp');
      return condition(p, 'Ready')?.status === 'True' && p;
    });
    const whole = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
    const times = [
      p.status.startTime,
      p.status.containerStatuses[0].state.running.startedAt,
      ...p.status.conditions.map((x: Condition) => x.lastTransitionTime),
      ...eventsFor(c, 'stamp').flatMap((e) => [e.firstTimestamp, e.lastTimestamp]),
    ];
    assert.ok(times.length > 6);
    for (const t of times) assert.match(String(t), whole);
  }));
