// RBAC rule matching for the access checks' fast path (src/preflight/rules-review.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ruleAllows } from '../../src/preflight/rules-review.ts';
import type { AccessCheck } from '../../src/preflight/permissions.ts';

const check = (resource: string, verb: AccessCheck['verb'] = 'patch', group = 'apps'): AccessCheck => ({
  group,
  resource,
  verb,
  namespace: 'shop',
});

describe('ruleAllows', () => {
  it('matches verb, API group and resource, each exactly or by *', () => {
    const rule = { verbs: ['get', 'patch'], apiGroups: ['apps'], resources: ['deployments'] };
    assert.equal(ruleAllows(rule, check('deployments')), true);
    assert.equal(ruleAllows(rule, check('deployments', 'delete')), false, 'another verb');
    assert.equal(ruleAllows(rule, check('deployments', 'patch', '')), false, 'another group');
    assert.equal(ruleAllows(rule, check('statefulsets')), false, 'another resource');
    assert.equal(
      ruleAllows({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, check('statefulsets')),
      true,
    );
  });

  it('a subresource needs its own entry, */subresource or *', () => {
    const plain = { verbs: ['patch'], apiGroups: ['apps'], resources: ['deployments'] };
    assert.equal(ruleAllows(plain, check('deployments/scale')), false);
    assert.equal(
      ruleAllows({ ...plain, resources: ['deployments/scale'] }, check('deployments/scale')),
      true,
    );
    assert.equal(ruleAllows({ ...plain, resources: ['*/scale'] }, check('deployments/scale')), true);
    assert.equal(ruleAllows({ ...plain, resources: ['*/status'] }, check('deployments/scale')), false);
    assert.equal(ruleAllows({ ...plain, resources: ['*'] }, check('deployments/scale')), true);
  });

  it('a rule for named objects only does not cover an unnamed check', () => {
    const named = {
      verbs: ['get'],
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: ['kube-rollout-web'],
    };
    assert.equal(ruleAllows(named, check('configmaps', 'get', '')), false);
    assert.equal(ruleAllows({ ...named, resourceNames: [] }, check('configmaps', 'get', '')), true);
  });
});
