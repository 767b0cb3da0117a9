// One simulated container: image pull, start, readiness, exit, restart with back-off. Behaviour
// comes from the container's env (SIM_*) and image; all delays are simulated seconds.
import { createHash, randomBytes } from 'node:crypto';
import type { SimClock } from '../types.ts';
import type { Container, ContainerState, ContainerStatus } from '../views.ts';
import { envOf } from '../controllers/util.ts';
import { rfc3339 } from '../timestamps.ts';

export interface Behaviour {
  startupSeconds: number;
  neverReady: boolean;
  crash: boolean;
  oom: boolean;
  exitCode?: number;
  shutdownSeconds: number;
  badImage: boolean;
}

/**
 * The exit code of a container whose command runs only `exit N` through a shell, e.g.
 * `command: [sh, -c, 'exit 1']` or `command: [sh]` + `args: [-c, 'exit 0']` (also bash, /bin/sh,
 * and a `true` / `false` script). Undefined for any other command: the simulator does not run it.
 */
export function shellExitCode(container: Partial<Container> | undefined): number | undefined {
  const argv = [...(container?.command ?? []), ...(container?.args ?? [])].map(String);
  if (argv.length !== 3 || !/^(\/(usr\/)?bin\/)?(ba|da)?sh$/.test(argv[0]) || argv[1] !== '-c')
    return undefined;
  const script = argv[2].trim();
  if (script === 'true') return 0;
  if (script === 'false') return 1;
  const m = script.match(/^exit(?:\s+(\d{1,3}))?;?$/);
  return m ? Number(m[1] ?? 0) % 256 : undefined;
}

export function behaviourOf(container: Partial<Container> | undefined, init: boolean): Behaviour {
  const env = envOf(container);
  const shellExit = shellExitCode(container);
  const num = (v: string | undefined, d: number) =>
    v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d;
  return {
    startupSeconds: num(env.SIM_STARTUP_SECONDS, init ? 1 : 2),
    neverReady: env.SIM_READY === 'false',
    crash: env.SIM_CRASH === 'true',
    oom: env.SIM_OOM === 'true',
    exitCode:
      env.SIM_EXIT_CODE !== undefined ? num(env.SIM_EXIT_CODE, 1) : (shellExit ?? (init ? 0 : undefined)),
    shutdownSeconds: num(env.SIM_SHUTDOWN_SECONDS, 1),
    badImage: String(container?.image ?? '').includes('does-not-exist'),
  };
}

/** What the kubelet tells the pod's event stream. */
export interface ContainerEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

interface Terminated {
  exitCode: number;
  reason: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

export interface ContainerRuntime {
  name: string;
  image: string;
  init: boolean;
  spec: Container;
  b: Behaviour;
  /** waiting → running → terminated, around again on restart. */
  state: 'waiting' | 'running' | 'terminated';
  waiting?: { reason: string; message?: string };
  startedAt?: number;
  readyAt?: number;
  exitAt?: number;
  terminated?: Terminated;
  lastTerminated?: Terminated;
  restartCount: number;
  backoffSeconds: number;
  /** When the next attempt (start, pull, restart) is due. */
  nextAt: number;
  pullAttempts: number;
  containerID?: string;
  imageID: string;
  nextUnhealthyAt?: number;
  /** While pulling fails: when the next pull attempt is due. */
  pullRetryAt?: number;
}

export function newRuntime(spec: Container, init: boolean, startAt: number): ContainerRuntime {
  return {
    name: spec.name,
    image: spec.image ?? '',
    init,
    spec,
    b: behaviourOf(spec, init),
    state: 'waiting',
    waiting: { reason: init ? 'PodInitializing' : 'ContainerCreating' },
    restartCount: 0,
    backoffSeconds: 10,
    nextAt: startAt,
    pullAttempts: 0,
    imageID: '',
  };
}

function fullImageName(image: string): string {
  const first = image.split('/')[0];
  const hasRegistry =
    image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return image;
  return image.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}`;
}

function imageIdOf(image: string): string {
  const repo = fullImageName(image)
    .replace(/[:@].*$/, '')
    .replace(/:(?=[^/]*$)/, '');
  return `${repo}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

const iso = (t: number) => new Date(t).toISOString();

export interface StepContext {
  clock: SimClock;
  now: number;
  podName: string;
  namespace: string;
  podUid: string;
  restartPolicy: string;
  /** `configmap "x" not found` when a referenced object is missing, else undefined. */
  configError(): string | undefined;
  emit(e: ContainerEvent): void;
}

/** Try to start the container at time t (pull, config, create, start). */
function attempt(rt: ContainerRuntime, t: number, ctx: StepContext): void {
  const { clock } = ctx;
  if (rt.b.badImage) {
    rt.pullAttempts++;
    const delay = Math.min(10 * 2 ** (rt.pullAttempts - 1), 300);
    const full = fullImageName(rt.image);
    if (rt.waiting?.reason !== 'ErrImagePull') {
      ctx.emit({ type: 'Normal', reason: 'Pulling', message: `Pulling image "${rt.image}"` });
      ctx.emit({
        type: 'Warning',
        reason: 'Failed',
        message: `Failed to pull image "${rt.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": ${full}: not found`,
      });
      ctx.emit({ type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' });
    }
    rt.waiting = {
      reason: 'ErrImagePull',
      message: `rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": ${full}: not found`,
    };
    rt.imageID = '';
    // ErrImagePull for one simulated second, then ImagePullBackOff until the next attempt.
    rt.nextAt = t + clock.ms(Math.min(1, delay));
    rt.pullRetryAt = t + clock.ms(delay);
    return;
  }
  const cfg = ctx.configError();
  if (cfg) {
    if (rt.waiting?.reason !== 'CreateContainerConfigError') {
      ctx.emit({ type: 'Warning', reason: 'Failed', message: `Error: ${cfg}` });
    }
    rt.waiting = { reason: 'CreateContainerConfigError', message: cfg };
    rt.nextAt = t + clock.ms(1);
    return;
  }
  // Like the kubelet, every (re)start reports the image as present (the event's count grows).
  ctx.emit({
    type: 'Normal',
    reason: 'Pulled',
    message: `Container image "${rt.image}" already present on machine`,
  });
  rt.imageID = imageIdOf(rt.image);
  rt.containerID = `containerd://${randomBytes(32).toString('hex')}`;
  ctx.emit({ type: 'Normal', reason: 'Created', message: `Created container: ${rt.name}` });
  ctx.emit({ type: 'Normal', reason: 'Started', message: `Started container ${rt.name}` });
  rt.state = 'running';
  rt.waiting = undefined;
  rt.terminated = undefined;
  rt.startedAt = t;
  const b = rt.b;
  const startup = clock.ms(b.startupSeconds);
  rt.exitAt = b.crash || b.oom || b.exitCode !== undefined ? t + startup : undefined;
  if (rt.init || b.neverReady) rt.readyAt = undefined;
  else {
    const probe = rt.spec?.readinessProbe;
    if (probe) {
      const initial = Number(probe.initialDelaySeconds ?? 0);
      const period = Math.max(1, Number(probe.periodSeconds ?? 10));
      const k = Math.max(0, Math.ceil((b.startupSeconds - initial) / period));
      rt.readyAt = t + clock.ms(initial + k * period);
    } else rt.readyAt = t + startup;
  }
  const probe = rt.spec?.readinessProbe;
  rt.nextUnhealthyAt =
    b.neverReady && !rt.init ? t + clock.ms(Number(probe?.initialDelaySeconds ?? 0) + 1) : undefined;
}

function exitReason(rt: ContainerRuntime): { exitCode: number; reason: string } {
  if (rt.b.oom) return { exitCode: 137, reason: 'OOMKilled' };
  if (rt.b.crash) return { exitCode: 1, reason: 'Error' };
  const code = rt.b.exitCode ?? 0;
  return { exitCode: code, reason: code === 0 ? 'Completed' : 'Error' };
}

/** Advance the container to `ctx.now`, applying every transition that fell due in between. */
export function stepContainer(rt: ContainerRuntime, ctx: StepContext): void {
  const { clock, now } = ctx;
  for (let guard = 0; guard < 50; guard++) {
    if (rt.state === 'waiting') {
      const pullRetryAt = rt.pullRetryAt;
      if (
        rt.waiting?.reason === 'ErrImagePull' &&
        now >= rt.nextAt &&
        pullRetryAt !== undefined &&
        rt.nextAt < pullRetryAt
      ) {
        rt.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${rt.image}"` };
        ctx.emit({ type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${rt.image}"` });
        ctx.emit({ type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' });
        rt.nextAt = pullRetryAt;
        continue;
      }
      if (now < rt.nextAt) return;
      if (rt.waiting?.reason === 'CrashLoopBackOff') {
        rt.restartCount++;
        rt.backoffSeconds = Math.min(rt.backoffSeconds * 2, 300);
      }
      const before = rt.state;
      attempt(rt, rt.nextAt, ctx);
      if (rt.state === before && rt.nextAt > now) return;
      if (rt.state === before) return; // still waiting (pull / config); next pass retries
      continue;
    }
    if (rt.state === 'running') {
      if (rt.nextUnhealthyAt !== undefined && now >= rt.nextUnhealthyAt) {
        const probe = rt.spec?.readinessProbe;
        const detail = probe?.httpGet
          ? 'HTTP probe failed with statuscode: 503'
          : probe?.tcpSocket
            ? `dial tcp: connect: connection refused`
            : 'command failed';
        ctx.emit({ type: 'Warning', reason: 'Unhealthy', message: `Readiness probe failed: ${detail}` });
        rt.nextUnhealthyAt = now + clock.ms(Math.max(1, Number(probe?.periodSeconds ?? 10)));
      }
      if (rt.exitAt === undefined || now < rt.exitAt) return;
      const { exitCode, reason } = exitReason(rt);
      rt.terminated = {
        exitCode,
        reason,
        startedAt: iso(rt.startedAt!),
        finishedAt: iso(rt.exitAt),
        containerID: rt.containerID ?? '',
      };
      const at = rt.exitAt;
      rt.exitAt = undefined;
      rt.readyAt = undefined;
      rt.nextUnhealthyAt = undefined;
      const policy = ctx.restartPolicy;
      const restart = rt.init
        ? exitCode !== 0 && policy !== 'Never'
        : policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
      if (!restart) {
        rt.state = 'terminated';
        return;
      }
      rt.lastTerminated = rt.terminated;
      rt.terminated = undefined;
      if (rt.restartCount === 0) {
        // The first restart is immediate; back-off applies from the second exit on.
        rt.restartCount++;
        rt.state = 'waiting';
        attempt(rt, at, ctx);
        continue;
      }
      rt.state = 'waiting';
      rt.waiting = {
        reason: 'CrashLoopBackOff',
        message: `back-off ${rt.backoffSeconds}s restarting failed container=${rt.name} pod=${ctx.podName}_${ctx.namespace}(${ctx.podUid})`,
      };
      ctx.emit({
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container ${rt.name} in pod ${ctx.podName}_${ctx.namespace}(${ctx.podUid})`,
      });
      rt.nextAt = at + clock.ms(rt.backoffSeconds);
      continue;
    }
    return; // terminated for good
  }
}

export function isReady(rt: ContainerRuntime, now: number): boolean {
  if (rt.init) return rt.state === 'terminated' && rt.terminated?.exitCode === 0;
  return rt.state === 'running' && rt.readyAt !== undefined && now >= rt.readyAt;
}

/** A terminated state as the API shows it (metav1.Time: whole seconds; the runtime keeps ms). */
function wholeSeconds(t: Terminated): Terminated {
  const out = { ...t };
  for (const k of ['startedAt', 'finishedAt'] as const) if (out[k]) out[k] = rfc3339(Date.parse(out[k]));
  return out;
}

/** The containerStatuses[] entry. */
export function containerStatus(rt: ContainerRuntime, now: number): ContainerStatus {
  let state: ContainerState;
  if (rt.state === 'running') state = { running: { startedAt: rfc3339(rt.startedAt!) } };
  else if (rt.state === 'terminated' && rt.terminated) state = { terminated: wholeSeconds(rt.terminated) };
  else state = { waiting: { ...rt.waiting } };
  const last = rt.lastTerminated ? { terminated: wholeSeconds(rt.lastTerminated) } : {};
  return {
    name: rt.name,
    state,
    lastState: last,
    ready: isReady(rt, now),
    restartCount: rt.restartCount,
    image: rt.image,
    imageID: rt.imageID,
    ...(rt.containerID ? { containerID: rt.containerID } : {}),
    started: rt.state === 'running',
  };
}
