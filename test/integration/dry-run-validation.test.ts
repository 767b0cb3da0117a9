// What kube-apiserver refuses in a manifest (the simulator refuses it the same way, see
// packages/kube-sim/test/validation.test.ts) is reported by the action's pre-flight, from the
// server-side dry run, before any write: each refusal names the manifest file and line and carries
// the server's message, and every problem of the pre-flight and of the dry run comes at once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import type { Inputs } from '../../src/config/inputs.ts';
import { appObjects } from '../helpers/manifests.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { view, type DeploymentObject } from '../../src/manifests/workload-views.ts';
import { runEngine } from '../helpers/engine.ts';

const [deployment, SERVICE] = appObjects({ replicas: 2 }) as KubeObject[];
const DEPLOYMENT = view<DeploymentObject>(deployment);
const PERCENT_MSG =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

const withSpec = (spec: Record<string, unknown>) => ({
  ...DEPLOYMENT,
  spec: { ...DEPLOYMENT.spec, ...spec },
});
const withTemplateSpec = (extra: Record<string, unknown>) =>
  withSpec({
    template: { ...DEPLOYMENT.spec.template, spec: { ...DEPLOYMENT.spec.template.spec, ...extra } },
  });
const lease = (renewTime: string) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'web-leader' },
  spec: { holderIdentity: 'web-0', leaseDurationSeconds: 15, renewTime },
});

/** Writes the objects as one file and returns the workspace and each object's first line. */
function workspace(objects: object[]): { dir: string; lines: number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'kr-dry-'));
  const text = objects.map((o) => stringify(o)).join('---\n');
  writeFileSync(join(dir, 'app.yaml'), text);
  const lines = text.split('\n').flatMap((l, i) => (l.startsWith('apiVersion:') ? [i + 1] : []));
  return { dir, lines };
}

const ROWS: { name: string; objects: object[]; at: number; says: string }[] = [
  {
    name: 'maxSurge "1" (ValidatePositiveIntOrPercent)',
    objects: [
      withSpec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: 0 } } }),
      SERVICE,
    ],
    at: 0,
    says: `Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"1"}: ${PERCENT_MSG}`,
  },
  {
    name: 'maxUnavailable 110% (IsNotMoreThan100Percent)',
    objects: [
      SERVICE,
      withSpec({
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '110%' } },
      }),
    ],
    at: 1,
    says: `Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: must not be greater than 100%`,
  },
  {
    name: 'maxSurge and maxUnavailable both 0',
    objects: [
      withSpec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }),
      SERVICE,
    ],
    at: 0,
    says: 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
  },
  {
    name: 'restartPolicy Never in a Deployment',
    objects: [withTemplateSpec({ restartPolicy: 'Never' }), SERVICE],
    at: 0,
    says: 'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  },
  {
    name: 'a Recreate Deployment with rollingUpdate',
    objects: [withSpec({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }), SERVICE],
    at: 0,
    says: "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  },
  {
    name: 'a Lease renewTime with milliseconds (MicroTime)',
    objects: [DEPLOYMENT, SERVICE, lease('2024-05-01T10:00:00.123Z')],
    at: 2,
    says: 'Lease in version "v1" cannot be handled as a Lease: parsing time "2024-05-01T10:00:00.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"',
  },
];

let sim: SimCluster;
before(async () => {
  sim = await startSimCluster({ rps: 0 });
});
after(() => sim.stop());

/** A deploy of the workspace's manifests, expected to be refused: its error. */
async function refused(dir: string, inputs: Partial<Inputs> = {}): Promise<Error> {
  const run = await runEngine(
    sim,
    { manifests: 'app.yaml', version: 'v1', name: 'web', ...inputs },
    { workspace: dir },
  );
  assert.ok(run.error, `accepted: ${run.record?.result}`);
  return run.error;
}

describe('manifests the API server refuses are refused at the pre-flight dry run, naming file and line', () => {
  for (const row of ROWS)
    it(row.name, async () => {
      const { dir, lines } = workspace(row.objects);
      sim.resetStats();
      const err = await refused(dir);
      const kind = (row.objects[row.at] as { kind: string }).kind;
      const where = `app.yaml:${lines[row.at]}: ${kind}/`;
      assert.ok(err.message.includes(where), `${where} in ${err.message}`);
      assert.match(err.message, / was rejected by the API server: /);
      assert.ok(err.message.includes(row.says), err.message);
      assert.equal(sim.stats().writes, 0, `writes: ${JSON.stringify(sim.stats().byVerb)}`);
      assert.ok((sim.stats().dryRun.patch ?? 0) > 0, 'the objects were dry-run');
    });

  it('every problem at once: the pre-flight’s, then each object the dry run refused', async () => {
    const { dir, lines } = workspace([
      withSpec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: 0 } } }),
      SERVICE,
      lease('yesterday'),
    ]);
    sim.resetStats();
    const err = await refused(dir, {
      analysis:
        'metrics:\n  - name: probe\n    provider: web\n    url: not-a-url\n    successCondition: result == 1',
    });
    const parts = [
      "input 'analysis' line 2: metric 'probe': url: 'not-a-url' is not a URL",
      `app.yaml:${lines[0]}: Deployment/web was rejected by the API server`,
      `app.yaml:${lines[2]}: Lease/web-leader was rejected by the API server`,
      'Lease in version "v1" cannot be handled as a Lease: parsing time "yesterday"',
    ];
    const at = parts.map((p) => err.message.indexOf(p));
    assert.ok(
      at.every((i) => i >= 0),
      err.message,
    );
    assert.deepEqual(
      [...at].sort((a, b) => a - b),
      at,
      'in that order',
    );
    assert.equal(sim.stats().writes, 0);
  });
});
