// Many-workload apps for the chaos generator (issue 17): the fixture apps of test/fixtures/apps,
// each released with a strategy × router that applies to it, one workload's image changing per
// version. Off by default (`runChaos({ manyWorkloadApps: true })`, `npm run chaos -- --apps many`)
// until the engine releases only what changed: today a new version restarts every workload of the
// app and a canary copies them all (issue 17).
import { changedScope } from './app-changes.ts';
import { copyApp, imageOf, withCrash, type ManyWorkloadApp } from './fixture-apps.ts';
import type { SimCluster } from '@kube-rollout/kube-sim';

/** Which app a release uses and which of its workloads each new version changes. */
export interface FixtureTarget {
  app: ManyWorkloadApp;
  workload: string;
  optional?: string[];
}

export interface FixtureShape {
  label: string;
  inputs: Record<string, string>;
  fixture: FixtureTarget;
}

/** The version label of the fixture apps' releases: bookinfo's pods carry `version` themselves. */
export const FIXTURE_VERSION_LABEL = 'app.kubernetes.io/version';

const boutique = (workload: string, optional: string[] = []): FixtureTarget => ({
  app: 'boutique',
  workload,
  optional,
});

export const FIXTURE_SHAPES: FixtureShape[] = [
  { label: 'boutique rolling', inputs: { strategy: 'rolling' }, fixture: boutique('cart') },
  {
    label: 'boutique canary/nginx',
    inputs: { strategy: 'canary', traffic: 'nginx' },
    fixture: boutique('frontend'),
  },
  {
    label: 'boutique canary/gateway-api',
    inputs: { strategy: 'canary', traffic: 'gateway-api' },
    fixture: boutique('frontend', ['httproute']),
  },
  {
    label: 'boutique canary/replicas (redis-cart rolls in place)',
    inputs: { strategy: 'canary', traffic: 'replicas' },
    fixture: boutique('redis-cart'),
  },
  {
    label: 'bookinfo canary/istio',
    inputs: { strategy: 'canary', traffic: 'istio' },
    fixture: { app: 'bookinfo', workload: 'productpage-v1' },
  },
  {
    label: 'bluegreen-demo blue-green/nginx+preview',
    inputs: { strategy: 'blue-green', traffic: 'nginx', 'preview-service': 'bluegreen-demo-preview' },
    fixture: { app: 'bluegreen-demo', workload: 'bluegreen-demo' },
  },
  {
    label: 'guestbook rolling',
    inputs: { strategy: 'rolling' },
    fixture: { app: 'guestbook', workload: 'frontend' },
  },
  {
    label: 'guestbook recreate',
    inputs: { strategy: 'recreate' },
    fixture: { app: 'guestbook', workload: 'frontend' },
  },
];

/** The app's manifests in `namespace`; a crashing version breaks the target workload only. */
export function fixtureManifests(
  sim: SimCluster,
  t: FixtureTarget,
  namespace: string,
  crash: boolean,
): string {
  return copyApp(sim, t.app, namespace, {
    optional: t.optional ?? [],
    edits: crash ? [withCrash(t.workload)] : [],
  });
}

/** The `images` input of `version`: the target workload's image at that tag. */
export function fixtureImage(t: FixtureTarget, version: string): string {
  return imageOf(t.app, t.workload, version);
}

/**
 * What the invariant checks of a fixture app: the target workload's entries and pods. Only changed
 * workloads carry the new version: the app's other workloads rightly keep answering the old one.
 */
export function fixtureScope(sim: SimCluster, t: FixtureTarget, namespace: string) {
  return { versionLabel: FIXTURE_VERSION_LABEL, ...changedScope(sim, namespace, [t.workload]) };
}
