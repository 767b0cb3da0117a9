// Every Role the README documents, and every documented addition to one, against the simulator
// with RBAC on (it authorizes a server-side apply that creates its object as `create` too, like
// kube-apiserver): each action of the Role's strategy and router succeeds with exactly that Role,
// every verb of every rule is used by one of those runs, and a Role missing any one verb is refused
// by the pre-flight before any write. The rules come from requiredPermissions through the README
// (test/helpers/role-cases.ts), so the table cannot drift from the code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import type { Inputs } from '../../src/config/inputs.ts';
import { qualifiedResource } from '../../src/preflight/permissions.ts';
import { strategyFor } from '../../src/strategies/index.ts';
import { roleCases, stepAsking, without, writeObjects, type Rule, type Step } from '../helpers/role-cases.ts';
import { runEngine } from '../helpers/engine.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';

/**
 * `resource verb` for every request `user` made in `namespace` that RBAC let through (a 404 or 409
 * was authorized); an apply answered 201 created its object, so it used `create` too.
 */
function usedBy(sim: SimCluster, user: string, namespace: string): Set<string> {
  const used = new Set<string>();
  for (const r of sim.stats().requests) {
    const authorized = r.code > 0 && r.code !== 401 && r.code !== 403;
    if (r.user !== user || r.namespace !== namespace || !authorized || !r.resource) continue;
    used.add(`${r.resource} ${r.verb}`);
    if (r.verb === 'patch' && r.code === 201) used.add(`${r.resource} create`);
  }
  return used;
}

let sim: SimCluster;
const refused: string[] = [];

before(async () => {
  sim = await startSimCluster({
    rbac: true,
    rps: 0,
    tokens: { 'admin-token': { user: 'admin', groups: ['system:masters'] }, 'ci-token': { user: 'ci' } },
  });
});
after(async () => {
  await sim.stop();
});

for (const [index, roleCase] of roleCases().entries()) {
  const { name, rules, scenario } = roleCase;
  describe(roleCase.title, () => {
    const namespace = `rbac-${index + 1}`;
    const progressive = strategyFor(scenario.strategy).movesTraffic;
    const dirs = {
      ok: writeObjects(roleCase.objects(namespace, {})),
      crash: writeObjects(roleCase.objects(namespace, { SIM_CRASH: 'true', SIM_LOG: 'panic: no config' })),
    };
    const grant = (granted: Rule[]) => {
      const role = { apiVersion: RBAC, kind: 'Role', metadata: { name, namespace }, rules: granted };
      const existing = sim.store.get(RBAC, 'Role', namespace, name);
      if (existing) sim.store.update({ ...role, metadata: existing.metadata });
      else sim.store.create(role);
    };
    const base: Partial<Inputs> = {
      name: 'web',
      namespace,
      strategy: scenario.strategy,
      ...(scenario.traffic ? { traffic: scenario.traffic } : {}),
      timeout: '2m',
      'progress-deadline': '20s',
      'scale-down-delay': '0s',
      ...roleCase.inputs,
    };
    /** One run with the `ci` token; resolves with its record, rejects with its error. */
    const run = async (inputs: Partial<Inputs>) => {
      const result = await runEngine(sim, { ...base, kubeconfig: sim.kubeconfigFor('ci-token'), ...inputs });
      if (result.error) throw result.error;
      return result.record!;
    };
    // Each version is a new image of every workload: a workload whose template does not change is
    // left as it runs (and neither waited for nor rolled back), so its access would go unused.
    const repositories = [
      ...new Set(
        JSON.stringify(roleCase.objects(namespace, {})).match(/registry\.local:5000\/[a-z/-]+(?=:)/g) ?? [],
      ),
    ];
    const deploy = (version: string, dir = dirs.ok) =>
      run({ manifests: dir, version, images: repositories.map((r) => `${r}:${version}`).join('\n') });
    const act = (action: 'promote' | 'rollback' | 'status') => run({ action });
    const stepRun: Record<Step, () => Promise<unknown>> = {
      deploy: () => deploy('v9'),
      promote: () => act('promote'),
      rollback: () => act('rollback'),
    };
    const afterFirstSteps = new Set(
      rules.flatMap((r) =>
        r.verbs
          .map((v) =>
            stepAsking(scenario, { group: r.apiGroups[0], resource: r.resources[0], verbs: r.verbs }, v),
          )
          .filter((s) => s.afterFirst)
          .map((s) => s.step),
      ),
    );
    /** What the runs so far used; the requests of runs refused for a missing rule are left out. */
    const used = new Set<string>();
    const collect = () => {
      for (const u of usedBy(sim, 'ci', namespace)) used.add(u);
      sim.resetStats();
    };

    before(() => {
      sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      sim.store.create({
        apiVersion: RBAC,
        kind: 'RoleBinding',
        metadata: { name: 'ci', namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'User', name: 'ci' }],
      });
      grant(rules);
      sim.resetStats();
    });

    /** Each verb of the Role removed in turn: the action asking for it is refused before any write. */
    const refuseEachVerb = async (afterFirst: boolean) => {
      try {
        for (const [i, rule] of rules.entries())
          for (const verb of rule.verbs) {
            const access = { group: rule.apiGroups[0], resource: rule.resources[0], verbs: rule.verbs };
            const { step, afterFirst: when } = stepAsking(scenario, access, verb);
            if (when !== afterFirst) continue;
            grant(without(rules, i, verb));
            sim.resetStats();
            const err = await stepRun[step]().then(
              () => assert.fail(`${step} accepted without ${verb} ${access.resource}`),
              (e: Error) => e,
            );
            const what = `${verb} ${qualifiedResource(access)} in namespace ${namespace}`;
            assert.match(
              err.message,
              /input 'kubeconfig': the credentials may not/,
              `${step} without ${what}`,
            );
            assert.ok(err.message.includes(`- ${what}`), `${step} names ${what}: ${err.message}`);
            assert.equal(sim.stats().writes, 0, `${step} without ${what} wrote nothing`);
            refused.push(`${name}: ${step} without ${what}`);
          }
      } finally {
        grant(rules);
        sim.resetStats();
      }
    };

    it('a first release succeeds with exactly the Role; one missing a verb its actions ask is refused', async () => {
      const first = await deploy('v1');
      assert.equal(first.result, 'promoted', first.rollbackReason);
      collect();
      await refuseEachVerb(true);
    });

    if (afterFirstSteps.has('rollback'))
      it('a rollback of the first release reads the revision history and, finding none before it, changes nothing', async () => {
        const err = await act('rollback').then(
          () => assert.fail('rolled back a first release with no earlier revision'),
          (e: Error) => e,
        );
        assert.match(err.message, /there is no previous revision/);
        const writes = sim
          .stats()
          .requests.filter(
            (r) =>
              ['create', 'update', 'patch', 'delete'].includes(r.verb) &&
              r.resource !== 'leases' &&
              !r.resource?.startsWith('selfsubject'),
          );
        assert.deepEqual(writes, [], 'only the Lease was taken and given back');
        collect();
      });

    it('the next release succeeds with exactly the Role', async () => {
      const second = await deploy('v2');
      assert.equal(second.result, progressive ? 'paused' : 'promoted', second.rollbackReason);
      collect();
    });

    it('a Role missing any other verb of any rule is refused by the pre-flight before any write', () =>
      refuseEachVerb(false));

    if (progressive)
      it('promote, a paused release rolled back, and status succeed with the Role', async () => {
        const promoted = await act('promote');
        assert.equal(promoted.result, 'promoted', promoted.rollbackReason);
        assert.equal((await deploy('v3')).result, 'paused');
        const back = await act('rollback');
        assert.equal(back.result, 'rolled-back', back.rollbackReason);
        assert.equal((await act('status')).result, 'rolled-back');
        collect();
      });
    else
      it('rollback to the previous revision (reading the revision history) and status succeed', async () => {
        const back = await act('rollback');
        assert.equal(back.result, 'rolled-back', back.rollbackReason);
        assert.equal((await act('status')).result, 'rolled-back');
        collect();
      });

    it('a failing version is rolled back with its pods’ logs as evidence', async () => {
      const record = await deploy('v4', dirs.crash);
      assert.ok(['rolled-back', 'failed'].includes(String(record.result)), String(record.result));
      assert.ok(
        record.evidence.some((e) => (e.logTail ?? []).length > 0),
        'the failing container’s log lines are in the evidence',
      );
      collect();
    });

    if (scenario.traffic === 'istio')
      it('with a DestinationRule for the Service, its subsets carry the canary', async () => {
        sim.store.create({
          apiVersion: 'networking.istio.io/v1',
          kind: 'DestinationRule',
          metadata: { name: 'web', namespace },
          spec: { host: 'web', subsets: [{ name: 'all', labels: { app: 'web' } }] },
        });
        assert.equal((await deploy('v5')).result, 'paused');
        const promoted = await act('promote');
        assert.equal(promoted.result, 'promoted', promoted.rollbackReason);
        collect();
      });

    if (roleCase.finalObjects)
      it('a release that drops them empties and deletes the Secret store', async () => {
        const record = await deploy('v6', writeObjects(roleCase.finalObjects!(namespace)));
        assert.equal(record.result, 'promoted', record.rollbackReason);
        assert.equal(sim.store.get('v1', 'Secret', namespace, 'kube-rollout-web'), undefined);
        collect();
      });

    it('every verb of every rule was used by one of these runs', () => {
      const unused = rules.flatMap((r) =>
        r.verbs.filter((v) => !used.has(`${r.resources[0]} ${v}`)).map((v) => `${v} ${r.resources[0]}`),
      );
      assert.deepEqual(unused, [], `used: ${[...used].sort().join(', ')}`);
    });
  });
}

describe('rule removals', () => {
  it('every verb of every Role was removed once and refused', () => {
    const verbs = roleCases().reduce((n, c) => n + c.rules.reduce((m, r) => m + r.verbs.length, 0), 0);
    assert.equal(refused.length, verbs);
    console.log(`rule removals refused before any write: ${refused.length}`);
  });
});
