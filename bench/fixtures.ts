// Inputs for the benchmarks: a large manifest tree on disk and a large release record.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Measurement, MeasurementPhase } from '../src/analysis/types.ts';
import type { PodEvidence, RolloutRecord, StepRecord, WeightPoint } from '../src/record/types.ts';
import { appObjects } from '../test/helpers/manifests.ts';

export const BENCH_IMAGE = 'registry.local:5000/acme/svc';

/**
 * `apps` Deployments + Services (one app per 2 documents), 10 apps per file across sub-folders,
 * the shape of a monorepo's `k8s/` directory. Returns the directory.
 */
export function writeManifestTree(apps: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'kr-bench-manifests-'));
  const perFile = 10;
  for (let file = 0; file * perFile < apps; file++) {
    const folder = join(dir, `team-${file % 4}`);
    mkdirSync(folder, { recursive: true });
    const docs: object[] = [];
    for (let i = file * perFile; i < Math.min(apps, (file + 1) * perFile); i++) {
      // Every app uses the same image repository so `images` rewrites all 200 workloads.
      docs.push(
        ...appObjects({
          name: `svc-${i}`,
          replicas: 3,
          image: `${BENCH_IMAGE}:v1`,
          env: { LOG_LEVEL: 'info', REGION: 'eu-1' },
        }),
      );
    }
    writeFileSync(join(folder, `apps-${file}.yaml`), docs.map((d) => stringify(d)).join('---\n'));
  }
  return dir;
}

const T0 = Date.parse('2026-11-21T20:00:00Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

function steps(count: number): StepRecord[] {
  const kinds = ['setWeight', 'pause', 'analysis'] as const;
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length];
    const weight = Math.min(100, 2 * (i + 1));
    return {
      index: i,
      kind,
      label:
        kind === 'setWeight'
          ? `setWeight ${weight}`
          : kind === 'pause'
            ? 'pause 1m'
            : 'analysis error-rate, p99-latency',
      weight,
      startedAt: at(i * 60),
      finishedAt: at(i * 60 + 59),
      verdict: 'passed',
      detail: kind === 'analysis' ? `${40} measurements, all successful` : undefined,
    };
  });
}

function measurements(count: number): Measurement[] {
  const metrics = ['error-rate', 'p99-latency', 'saturation', 'apdex'];
  return Array.from({ length: count }, (_, i) => {
    const metric = metrics[i % metrics.length];
    const phase: MeasurementPhase = i % 97 === 0 ? 'Inconclusive' : i % 53 === 0 ? 'Failed' : 'Successful';
    return {
      metric,
      provider: 'prometheus',
      at: at(i * 1.5),
      phase,
      value: Math.round((0.01 + 0.02 * Math.sin(i / 40) ** 2) * 10_000) / 10_000,
      condition: 'result <= 0.05',
      query: `sum(rate(http_requests_total{app="shop",version="v7",code=~"5.."}[1m])) / sum(rate(http_requests_total{app="shop"}[1m])) # ${metric}`,
    };
  });
}

function evidence(count: number, logLines: number): PodEvidence[] {
  return Array.from({ length: count }, (_, i) => ({
    workload: 'shop-canary',
    pod: `shop-canary-7d9f8c6b5-${String(i).padStart(5, 'x')}`,
    container: 'shop',
    reason: i % 2 ? 'CrashLoopBackOff' : 'OOMKilled',
    message: `back-off ${10 * (i + 1)}s restarting failed container=shop`,
    exitCode: i % 2 ? 1 : 137,
    restartCount: i + 1,
    logTail: Array.from(
      { length: logLines },
      (_, l) =>
        `2026-11-21T20:${String(l).padStart(2, '0')}:00Z level=error msg="request failed" path=/api/cart/${l} err="upstream connect error or disconnect/reset before headers"`,
    ),
    seenAt: at(3000 + i),
  }));
}

/** A canary record far larger than a real one: 50 steps, 2000 measurements, 20 evidence logs. */
export function largeRecord(): RolloutRecord {
  const stepList = steps(50);
  const weights: WeightPoint[] = stepList
    .filter((s) => s.kind === 'setWeight')
    .map((s) => ({ at: s.startedAt, weight: s.weight ?? 0 }));
  return {
    app: 'shop',
    namespace: 'production',
    environment: 'production',
    action: 'deploy',
    strategy: 'canary',
    traffic: 'nginx',
    result: 'rolled-back',
    previousVersion: 'v6',
    newVersion: 'v7',
    servingVersion: 'v6',
    revision: 42,
    canaryWeight: 0,
    startedAt: at(0),
    finishedAt: at(3060),
    runUrl: 'https://github.com/acme/shop/actions/runs/42',
    commit: '0123456789abcdef0123456789abcdef01234567',
    steps: stepList,
    measurements: measurements(2000),
    evidence: evidence(20, 50),
    weights,
    rollbackReason: 'pod shop-canary-7d9f8c6b5-xxxx0 OOMKilled exit code 137',
    notes: ['analysis step 12 took longer than its interval', 'metric apdex has no data for 3 intervals'],
  };
}
