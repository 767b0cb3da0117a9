// Issue 17's release matrix over the many-workload fixture apps: for each app, the strategy ×
// router combinations that apply, what each run must end with and which workloads may restart or be
// copied. Data only, so the lead can turn each case into a test as the features land, with the
// runner of matrix-run.ts:
//
//   for (const c of RELEASE_MATRIX)
//     it(c.title, async () => {
//       const seen = await runMatrixCase(sim, c, `matrix-${++n}`);
//       assert.deepEqual(matrixMismatches(c, seen), [], seen.logs.join('\n'));
//     });
//
// Every case starts from v1 released with `strategy: rolling`; the runs then change the images of
// `changes` through the `images` input (the way a workflow passes a freshly built tag).
import { stringify } from 'yaml';
import type { ManyWorkloadApp } from './fixture-apps.ts';

export interface MatrixRun {
  /** New image tag of the case's `changes` (a deploy); absent for promote/rollback/status runs. */
  tag?: string;
  /** The new version crash-loops (SIM_CRASH on the changed workloads' first container). */
  crash?: boolean;
  inputs: Record<string, string>;
  /** The `result` output the run must end with. */
  result: 'promoted' | 'paused' | 'rolled-back' | 'failed';
  /** The copies that must exist right after this run (sorted). */
  copies: string[];
  /** Refused before any write: the simulator records no write during the run. */
  refusedBeforeWrite?: boolean;
  /** Text the run's log or summary must hold (the refusal's or the report's reason). */
  says?: RegExp;
}

export interface MatrixCase {
  title: string;
  app: ManyWorkloadApp;
  /** optional/<name>.yaml files of the app added to its manifests. */
  optional: string[];
  /** Workloads whose image each deploy run changes. */
  changes: string[];
  runs: MatrixRun[];
  /** Workloads whose pods restarted between v1 and the end of the last run (sorted). */
  restarts: string[];
}

const PAUSE_AT_20 = stringify([{ setWeight: 20 }, { pause: {} }]);
const THROUGH_30 = stringify([{ setWeight: 30 }, { pause: '1s' }]);
const WATCH_5S = stringify([{ setWeight: 50 }, { pause: '5s' }]);
const PROMOTE = { action: 'promote', manifests: '' };

/**
 * The pre-flight's refusal in issue 17's words, each object followed by its (file:line): "VirtualService
 * bookinfo (…:293) routes only to Service productpage; the changed workload Deployment details-v1
 * (…:21) is selected by Service details (…)".
 */
function refusal(route: string, routed: string, workload: string, service: string): RegExp {
  const at = String.raw` \([^)]*:\d+\)`;
  return new RegExp(
    `${route}${at} routes only to ${routed}; the changed workload (Deployment )?${workload}${at} is selected by ${service}${at}`,
  );
}
const canary = (traffic: string, steps = THROUGH_30) => ({ strategy: 'canary', traffic, steps });
const BLUE_GREEN_PREVIEW = {
  strategy: 'blue-green',
  traffic: 'nginx',
  'preview-service': 'bluegreen-demo-preview',
  'auto-promote': 'false',
};

/** A canary that goes straight through: one deploy run, promoted, nothing copied once it ends. */
function promotedCanary(
  title: string,
  app: ManyWorkloadApp,
  workload: string,
  traffic: string,
  optional: string[] = [],
): MatrixCase {
  return {
    title,
    app,
    optional,
    changes: [workload],
    runs: [{ tag: 'v2', inputs: canary(traffic), result: 'promoted', copies: [] }],
    restarts: [workload],
  };
}

export const RELEASE_MATRIX: MatrixCase[] = [
  // ------------------------------------------------------------------ boutique (12 Deployments)
  {
    title: 'boutique rolling: one image (cart) restarts only cart',
    app: 'boutique',
    optional: [],
    changes: ['cart'],
    runs: [{ tag: 'v2', inputs: { strategy: 'rolling' }, result: 'promoted', copies: [] }],
    restarts: ['cart'],
  },
  {
    title: 'boutique rolling: two images restart exactly those two',
    app: 'boutique',
    optional: [],
    changes: ['cart', 'currency'],
    runs: [{ tag: 'v2', inputs: { strategy: 'rolling' }, result: 'promoted', copies: [] }],
    restarts: ['cart', 'currency'],
  },
  {
    title:
      'boutique canary/nginx of frontend (Ingress boutique → Service frontend) pauses with one copy and promotes',
    app: 'boutique',
    optional: [],
    changes: ['frontend'],
    runs: [
      { tag: 'v2', inputs: canary('nginx', PAUSE_AT_20), result: 'paused', copies: ['frontend-canary'] },
      { inputs: { ...canary('nginx', PAUSE_AT_20), ...PROMOTE }, result: 'promoted', copies: [] },
    ],
    restarts: ['frontend'],
  },
  promotedCanary(
    'boutique canary/gateway-api of frontend (HTTPRoute boutique)',
    'boutique',
    'frontend',
    'gateway-api',
    ['httproute'],
  ),
  promotedCanary(
    'boutique canary/istio of frontend (VirtualService boutique)',
    'boutique',
    'frontend',
    'istio',
    ['virtualservice'],
  ),
  {
    title: 'boutique canary/nginx with two Services on the frontend: `service` picks frontend',
    app: 'boutique',
    optional: ['frontend-external'],
    changes: ['frontend'],
    runs: [
      { tag: 'v2', inputs: { ...canary('nginx'), service: 'frontend' }, result: 'promoted', copies: [] },
    ],
    restarts: ['frontend'],
  },
  {
    title: 'boutique canary/nginx of checkout: no route reaches Service checkout, refused before any write',
    app: 'boutique',
    optional: [],
    changes: ['checkout'],
    runs: [
      {
        tag: 'v2',
        inputs: canary('nginx'),
        result: 'failed',
        copies: [],
        refusedBeforeWrite: true,
        says: refusal('Ingress boutique', 'Service frontend', 'checkout', 'Service checkout'),
      },
    ],
    restarts: [],
  },
  {
    title: 'boutique canary of redis-cart (RWO volume, Recreate of 1): never copied, rolls in place',
    app: 'boutique',
    optional: [],
    changes: ['redis-cart'],
    runs: [
      {
        tag: 'v2',
        inputs: canary('replicas'),
        result: 'promoted',
        copies: [],
        says: /redis-cart.*(PersistentVolumeClaim|ReadWriteOnce|Recreate)/s,
      },
    ],
    restarts: ['redis-cart'],
  },
  {
    // The pause gives the crash loop time to show in the canary, before stable is touched.
    title: 'boutique canary/replicas of a broken product-catalog is rolled back; nothing restarts',
    app: 'boutique',
    optional: [],
    changes: ['product-catalog'],
    runs: [
      { tag: 'v2', crash: true, inputs: canary('replicas', WATCH_5S), result: 'rolled-back', copies: [] },
    ],
    restarts: [],
  },
  // ------------------------------------------------------------------ bookinfo (mesh)
  promotedCanary(
    'bookinfo canary/istio of productpage-v1 (VirtualService bookinfo → productpage)',
    'bookinfo',
    'productpage-v1',
    'istio',
  ),
  {
    title:
      'bookinfo canary/istio of details-v1: VirtualService bookinfo does not route details, refused before any write',
    app: 'bookinfo',
    optional: [],
    changes: ['details-v1'],
    runs: [
      {
        tag: '1.21',
        inputs: canary('istio'),
        result: 'failed',
        copies: [],
        refusedBeforeWrite: true,
        says: refusal('VirtualService bookinfo', 'Service productpage', 'details-v1', 'Service details'),
      },
    ],
    restarts: [],
  },
  {
    ...promotedCanary(
      'bookinfo canary/istio of details-v1 through its own VirtualService details',
      'bookinfo',
      'details-v1',
      'istio',
      ['details-routing'],
    ),
    runs: [
      {
        tag: '1.21',
        inputs: { ...canary('istio'), 'virtual-service': 'details' },
        result: 'promoted',
        copies: [],
      },
    ],
  },
  {
    title: 'bookinfo rolling of reviews-v2: the two other versions behind Service reviews keep their pods',
    app: 'bookinfo',
    optional: ['reviews-routing'],
    changes: ['reviews-v2'],
    runs: [{ tag: '1.21', inputs: { strategy: 'rolling' }, result: 'promoted', copies: [] }],
    restarts: ['reviews-v2'],
  },
  // ------------------------------------------------------------------ bluegreen-demo
  {
    title: 'bluegreen-demo blue-green/nginx with the preview Service and Ingress pauses and promotes',
    app: 'bluegreen-demo',
    optional: [],
    changes: ['bluegreen-demo'],
    runs: [
      {
        tag: 'v2',
        inputs: BLUE_GREEN_PREVIEW,
        result: 'paused',
        copies: ['bluegreen-demo-green'],
      },
      { inputs: { ...BLUE_GREEN_PREVIEW, ...PROMOTE }, result: 'promoted', copies: [] },
    ],
    restarts: ['bluegreen-demo'],
  },
  {
    title: 'bluegreen-demo blue-green/service of a broken version is rolled back',
    app: 'bluegreen-demo',
    optional: [],
    changes: ['bluegreen-demo'],
    runs: [
      {
        tag: 'v2',
        crash: true,
        inputs: {
          strategy: 'blue-green',
          'preview-service': 'bluegreen-demo-preview',
          'progress-deadline': '10s',
        },
        result: 'rolled-back',
        copies: [],
      },
    ],
    restarts: [],
  },
  // ------------------------------------------------------------------ guestbook
  {
    title: 'guestbook rolling → recreate → rolling of the frontend each promote',
    app: 'guestbook',
    optional: [],
    changes: ['frontend'],
    runs: ['rolling', 'recreate', 'rolling'].map((strategy, i) => ({
      tag: `v${i + 2}`,
      inputs: { strategy },
      result: 'promoted' as const,
      copies: [],
    })),
    restarts: ['frontend'],
  },
  {
    title: 'guestbook rolling of the shared Redis image restarts leader and followers, not the frontend',
    app: 'guestbook',
    optional: [],
    changes: ['redis-leader'],
    runs: [{ tag: '7.4', inputs: { strategy: 'rolling' }, result: 'promoted', copies: [] }],
    restarts: ['redis-follower', 'redis-leader'],
  },
];
