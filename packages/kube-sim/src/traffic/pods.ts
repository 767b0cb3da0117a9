// What the traffic model reads from a Pod: identity labels, readiness and simulated behaviour.
import type { KubeObject } from '../types.ts';
import { view, type Condition, type EnvVar, type PodView } from '../views.ts';
import type { Random } from './routing.ts';

export const VERSION_LABEL_ANNOTATION = 'kube-rollout.io/version-label';
export const DEFAULT_LATENCY_MS = 20;

export function podApp(pod: KubeObject): string {
  const labels = pod.metadata.labels ?? {};
  return labels.app ?? labels['app.kubernetes.io/name'] ?? '';
}

export function podVersion(pod: KubeObject): string {
  const labels = pod.metadata.labels ?? {};
  const custom = pod.metadata.annotations?.[VERSION_LABEL_ANNOTATION];
  if (custom && labels[custom] !== undefined) return labels[custom];
  return labels.version ?? labels['app.kubernetes.io/version'] ?? '';
}

/** Ready condition True and not being deleted: what the Endpoints controller would publish as ready. */
export function podServes(pod: KubeObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const conditions: Condition[] = view<PodView>(pod).status?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function labelsMatch(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

export interface PodBehaviour {
  errorRate: number;
  latencyMs: number;
}

/** SIM_ERROR_RATE / SIM_LATENCY_MS from the first container's env. */
export function podBehaviour(pod: KubeObject): PodBehaviour {
  const env: EnvVar[] = view<PodView>(pod).spec?.containers?.[0]?.env ?? [];
  const read = (name: string): number | undefined => {
    const value = Number(env.find((e) => e.name === name)?.value);
    return Number.isFinite(value) ? value : undefined;
  };
  const errorRate = Math.min(1, Math.max(0, read('SIM_ERROR_RATE') ?? 0));
  const latencyMs = Math.max(0, read('SIM_LATENCY_MS') ?? DEFAULT_LATENCY_MS);
  return { errorRate, latencyMs };
}

/** Log-normal around the median (sigma 0.4: p99 ≈ 2.5 × median). */
export function sampleLatencyMs(medianMs: number, rand: Random): number {
  const u1 = Math.max(rand(), 1e-12);
  const u2 = rand();
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return medianMs * Math.exp(0.4 * normal);
}

/** Small seeded PRNG (mulberry32) so shares converge the same way on every run. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
