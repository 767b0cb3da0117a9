// Issue 20 items 2 and 4, the pure parts: what counts as a damaged state, how a release is read
// back from its copies and router objects, what a lost Secret store leaves, and run ordering.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseState, serializeState } from '../../src/state/release-state.ts';
import { joinSecrets, splitSecrets } from '../../src/state/secret-store.ts';
import { describeRun, isLaterRun, workflowRunOf } from '../../src/record/workflow-run.ts';
import { frontingObjects, pinnedLabel, routerOf, workloadOfCopy } from '../../src/engine/recovery/orphans.ts';
import { newVersionCopy } from '../../src/engine/steps/handlers/copies.ts';
import { LIFECYCLE, REQUESTS, transitionFor, writes } from '../../src/engine/lifecycle/lifecycle.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import type { DeploymentObject } from '../../src/manifests/workload-views.ts';
import type { ReleaseState } from '../../src/record/types.ts';
import { releaseStateWith } from '../helpers/sample-record.ts';

describe('parseState: a damaged state is named, never mistaken for another run', () => {
  const good = releaseStateWith('shop', []);
  it('reads a whole state', () => {
    assert.deepEqual(parseState(JSON.stringify(good)), good);
  });
  it('says what is wrong: key missing, JSON broken, not an object, another schema, fields missing', () => {
    assert.equal(parseState(undefined), 'key state.json is missing');
    assert.match(parseState('{"schema": 1, "pha') as string, /^key state\.json is not valid JSON \(/);
    assert.equal(parseState('[1]'), 'key state.json holds no JSON object');
    assert.equal(parseState('null'), 'key state.json holds no JSON object');
    assert.equal(
      parseState('{"schema": 3}'),
      'key state.json has an unknown state schema 3 (this version reads schema 1 and 2)',
    );
    assert.equal(
      parseState('{}'),
      'key state.json has an unknown state schema undefined (this version reads schema 1 and 2)',
    );
    const { phase: _p, rendered: _r, ...partial } = good;
    assert.equal(parseState(JSON.stringify(partial)), 'key state.json has no valid phase, rendered');
    assert.equal(parseState(JSON.stringify({ ...good, phase: 'paws' })), 'key state.json has no valid phase');
  });
});

describe('joinSecrets with a lost store', () => {
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db' },
    data: { p: 'aHVudGVy' },
  };
  const state = releaseStateWith('shop', [secret], [secret]);
  const { state: split, payload } = splitSecrets(state);
  const stored: ReleaseState = JSON.parse(serializeState(split));

  it('without a collector a missing Secret is an error; with one it is said and left out', () => {
    assert.throws(() => joinSecrets(stored, {}), /no longer holds it/);
    const lost: string[] = [];
    const joined = joinSecrets(stored, {}, lost);
    assert.deepEqual(joined.rendered, []);
    assert.deepEqual(joined.stableSnapshot, []);
    assert.equal(lost.length, 2);
    assert.match(lost[0]!, /^Secret db \(in the release state of "web"\) is kept in Secret kube-rollout-web/);
  });
  it('a changed copy is left out too (never restored into the cluster)', () => {
    const entry = Object.keys(payload)[0]!;
    const altered = { [entry]: { ...payload[entry]!, data: { p: 'ZXZpbA==' } } };
    const lost: string[] = [];
    assert.deepEqual(joinSecrets(stored, altered, lost).rendered, []);
    assert.match(lost[0]!, /sha256 differs/);
  });
  it('an intact store restores everything and reports nothing', () => {
    const lost: string[] = [];
    assert.deepEqual(joinSecrets(stored, structuredClone(payload), lost).rendered, [secret]);
    assert.deepEqual(lost, []);
  });
});

describe('a release read back from the cluster', () => {
  const stable: DeploymentObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: { app: 'web' },
      annotations: { 'kube-rollout.io/version': 'v1' },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', track: 'v1' } },
        spec: { containers: [{ name: 'web', image: 'web:v1' }] },
      },
    },
  };
  const rendered = structuredClone(stable);
  rendered.spec.template.spec!.containers[0]!.image = 'web:v2';
  rendered.metadata.annotations = { 'kube-rollout.io/version': 'v2' };
  const copy = newVersionCopy(rendered, 'canary', 'track', 'v2', 1, 'shop-web');

  it('copies carry their release and version', () => {
    assert.equal(copy.metadata.labels?.['kube-rollout.io/release'], 'shop-web');
    assert.equal(copy.metadata.annotations?.['kube-rollout.io/version'], 'v2');
    assert.equal(copy.metadata.annotations?.['kube-rollout.io/copy-of'], 'web');
  });
  it('the version label is the one the copy pins beyond its workload', () => {
    assert.equal(pinnedLabel(copy, stable), 'track');
    assert.equal(pinnedLabel(copy, undefined), 'app');
  });
  it('the workload of a copy is the rendered one: own name, selector and size, no copy bookkeeping', () => {
    const back = workloadOfCopy(copy, stable);
    assert.equal(back.metadata.name, 'web');
    assert.deepEqual(back.metadata.labels, { app: 'web' });
    assert.deepEqual(back.metadata.annotations, { 'kube-rollout.io/version': 'v2' });
    assert.deepEqual(back.spec.selector, stable.spec.selector);
    assert.equal(back.spec.replicas, 3);
    assert.equal(back.spec.template.spec?.containers[0]?.image, 'web:v2');
  });
  it('the router is found from what it left on the objects', () => {
    const obj = (kind: string, name: string, annotations: Record<string, string>): KubeObject => ({
      apiVersion: 'x/v1',
      kind,
      metadata: { name, annotations },
    });
    assert.deepEqual(
      routerOf('canary', [
        obj('Ingress', 'web-canary', {
          'kube-rollout.io/created-by': 'nginx',
          'kube-rollout.io/canary-of': 'web',
        }),
      ]),
      { traffic: 'nginx', settings: { ingress: 'web' } },
    );
    assert.deepEqual(
      routerOf('canary', [obj('HTTPRoute', 'r', { 'kube-rollout.io/original-rules': '[]' })]),
      {
        traffic: 'gateway-api',
        settings: { route: 'r' },
      },
    );
    assert.deepEqual(
      routerOf('canary', [obj('VirtualService', 'vs', { 'kube-rollout.io/original-http': '[]' })]),
      {
        traffic: 'istio',
        settings: { virtualService: 'vs' },
      },
    );
    assert.deepEqual(
      routerOf('canary', [obj('TrafficSplit', 'ts', { 'kube-rollout.io/created-by': 'smi' })]),
      {
        traffic: 'smi',
        settings: {},
      },
    );
    assert.deepEqual(routerOf('canary', [obj('HTTPRoute', 'plain', {})]), {
      traffic: 'replicas',
      settings: {},
    });
    assert.equal(routerOf('blue-green', []).traffic, 'service');
  });
  it('only the Services that select the workload, and the routes to them, come along', () => {
    const service = (name: string, selector: Record<string, string>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { selector },
    });
    const route = (name: string, backend: string): KubeObject => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name },
      spec: { rules: [{ backendRefs: [{ name: backend }] }] },
    });
    const found = frontingObjects(
      [workloadOfCopy(copy, stable)],
      [service('web', { app: 'web' }), service('db', { app: 'db' })],
      [route('web', 'web'), route('db', 'db')],
      { traffic: 'gateway-api', versionLabel: 'track', namespace: 'shop' },
    );
    assert.deepEqual(
      found.map((o) => `${o.kind}/${o.metadata.name}`),
      ['Service/web', 'HTTPRoute/web'],
    );
  });
});

describe('lifecycle rows without a readable state', () => {
  it('every write request recovers from the cluster; a deploy then starts; status only reports, never failing', () => {
    for (const phase of ['damaged', 'orphaned'] as const) {
      for (const request of REQUESTS) {
        const t = transitionFor(phase, request);
        if (request === 'status') {
          assert.deepEqual([t.kind, writes(t), 'fails' in t], ['report', false, false], phase);
          continue;
        }
        assert.equal(t.kind, 'recover', `${phase} × ${request}`);
        assert.equal(t.kind === 'recover' && t.then, request.startsWith('deploy') ? 'start' : undefined);
      }
    }
  });
  it('a deploy of an older run changes nothing over any stored release', () => {
    for (const phase of Object.keys(LIFECYCLE) as (keyof typeof LIFECYCLE)[]) {
      if (phase === 'none' || phase === 'damaged' || phase === 'orphaned') continue;
      const t = transitionFor(phase, 'deploy-older');
      assert.equal(writes(t), false, phase);
      assert.ok(t.kind === 'report' && t.result === 'unchanged' && !t.fails, phase);
    }
  });
});

describe('workflow runs', () => {
  const run = (number: number, attempt = 1, workflow = 'deploy') => ({
    repository: 'acme/shop',
    workflow,
    number,
    attempt,
  });
  it('a higher number is later; a re-run (same number, higher attempt) is later than the attempt before', () => {
    assert.equal(isLaterRun(run(12), run(11)), true);
    assert.equal(isLaterRun(run(11), run(12)), false);
    assert.equal(isLaterRun(run(12, 2), run(12, 1)), true);
    assert.equal(isLaterRun(run(12, 1), run(12, 2)), false);
    assert.equal(isLaterRun(run(12), run(12)), false, 'the same run (a later job) is not later');
  });
  it('other workflows, other repositories and unknown numbers are never later', () => {
    assert.equal(isLaterRun(run(12, 1, 'other'), run(11)), false);
    assert.equal(isLaterRun({ ...run(12), repository: 'acme/else' }, run(11)), false);
    assert.equal(isLaterRun(undefined, run(11)), false);
    assert.equal(isLaterRun(run(12), { workflow: 'deploy', repository: 'acme/shop' }), false);
  });
  it('is read from the runner and the push event; described for reports', () => {
    const env = {
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_WORKFLOW: 'deploy',
      GITHUB_RUN_ID: '987',
      GITHUB_RUN_NUMBER: '12',
      GITHUB_RUN_ATTEMPT: '2',
    };
    const pushed = workflowRunOf(env, { head_commit: { timestamp: '2026-12-07T10:00:00Z' } });
    assert.deepEqual(pushed, {
      repository: 'acme/shop',
      workflow: 'deploy',
      id: '987',
      number: 12,
      attempt: 2,
      commitTime: '2026-12-07T10:00:00Z',
    });
    assert.deepEqual(workflowRunOf({ GITHUB_RUN_NUMBER: 'x', GITHUB_RUN_ATTEMPT: '0' }, {}), {});
    assert.equal(describeRun(pushed), 'run 12 (attempt 2) of workflow "deploy"');
    assert.equal(describeRun(run(3)), 'run 3 of workflow "deploy"');
  });
});
