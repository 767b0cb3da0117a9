import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadKubeConfig, kubeConfigSecrets, kubeConfigSource } from '../../src/kube/kubeconfig.ts';

const KEY_PEM =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n';

function kubeconfigYaml(opts: {
  server: string;
  current?: string;
  contexts?: string[];
  token?: string;
}): string {
  const contexts = opts.contexts ?? ['one'];
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${opts.current ?? contexts[0]}`,
    'clusters:',
    '- name: c1',
    '  cluster:',
    `    server: ${opts.server}`,
    'contexts:',
    ...contexts.flatMap((name, i) => [
      `- name: ${name}`,
      '  context:',
      '    cluster: c1',
      `    user: u${i}`,
      `    namespace: ns-${name}`,
    ]),
    'users:',
    '- name: u0',
    '  user:',
    `    token: ${opts.token ?? 'tok-aaaa-1111'}`,
    '- name: u1',
    '  user:',
    '    username: admin',
    '    password: hunter2-pw',
    `    client-key-data: ${Buffer.from(KEY_PEM).toString('base64')}`,
    '- name: u2',
    '  user:',
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1',
    '      command: aws',
    '      env:',
    '      - name: AWS_PROFILE',
    '        value: default',
    '      - name: AWS_SECRET_ACCESS_KEY',
    '        value: sekrit-access-key',
    '',
  ].join('\n');
}

describe('loadKubeConfig', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-test-'));
    fs.writeFileSync(path.join(dir, 'env-config'), kubeconfigYaml({ server: 'https://env.example:6443' }));
    fs.mkdirSync(path.join(dir, 'home', '.kube'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'home', '.kube', 'config'),
      kubeconfigYaml({ server: 'https://home.example:6443' }),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the input content wins over $KUBECONFIG and ~/.kube/config', () => {
    const env = { KUBECONFIG: path.join(dir, 'env-config'), HOME: path.join(dir, 'home') };
    const kc = loadKubeConfig({ kubeconfig: kubeconfigYaml({ server: 'https://input.example:6443' }), env });
    assert.equal(kc.getCurrentCluster()?.server, 'https://input.example:6443');
    assert.equal(kubeConfigSource(kc), 'input');
  });

  test('base64-encoded input content is accepted', () => {
    const content = Buffer.from(kubeconfigYaml({ server: 'https://b64.example:6443' })).toString('base64');
    const kc = loadKubeConfig({ kubeconfig: content, env: {} });
    assert.equal(kc.getCurrentCluster()?.server, 'https://b64.example:6443');
  });

  test('$KUBECONFIG (first existing path of a list) comes before ~/.kube/config', () => {
    const env = {
      KUBECONFIG: `${path.join(dir, 'missing')}:${path.join(dir, 'env-config')}`,
      HOME: path.join(dir, 'home'),
    };
    const kc = loadKubeConfig({ kubeconfig: '  ', env });
    assert.equal(kc.getCurrentCluster()?.server, 'https://env.example:6443');
    assert.equal(kubeConfigSource(kc), 'env');
  });

  test('~/.kube/config when nothing else is given', () => {
    const kc = loadKubeConfig({ env: { HOME: path.join(dir, 'home') } });
    assert.equal(kc.getCurrentCluster()?.server, 'https://home.example:6443');
    assert.equal(kubeConfigSource(kc), 'file');
  });

  test('a $KUBECONFIG that names no existing file is an error, not a silent fallback', () => {
    assert.throws(
      () => loadKubeConfig({ env: { KUBECONFIG: path.join(dir, 'nope'), HOME: path.join(dir, 'home') } }),
      /\$KUBECONFIG names no existing file/,
    );
  });

  test('no config anywhere gives a clear error', () => {
    assert.throws(
      () => loadKubeConfig({ env: { HOME: path.join(dir, 'empty-home') } }),
      /no kubeconfig found/,
    );
  });

  test('context selection, and an unknown context lists the available ones', () => {
    const content = kubeconfigYaml({ server: 'https://x.example', contexts: ['one', 'two', 'three'] });
    const kc = loadKubeConfig({ kubeconfig: content, context: 'two', env: {} });
    assert.equal(kc.getCurrentContext(), 'two');
    assert.equal(kc.getCurrentUser()?.name, 'u1');
    assert.throws(
      () => loadKubeConfig({ kubeconfig: content, context: 'prod', env: {} }),
      (err: Error) => /context "prod" not found/.test(err.message) && /one, two, three/.test(err.message),
    );
  });

  test('a current-context that is not defined is an error naming the choices', () => {
    const content = kubeconfigYaml({ server: 'https://x.example', contexts: ['one'], current: 'gone' });
    assert.throws(() => loadKubeConfig({ kubeconfig: content, env: {} }), /"gone" is not defined.*one/);
  });

  test('garbage content is rejected', () => {
    assert.throws(
      () => loadKubeConfig({ kubeconfig: 'clusters: [', env: {} }),
      /cannot read the kubeconfig input/,
    );
  });
});

describe('kubeConfigSecrets', () => {
  test('lists tokens, passwords, key data and their printable forms, not plain settings', () => {
    const kc = loadKubeConfig({
      kubeconfig: kubeconfigYaml({ server: 'https://x.example', contexts: ['a', 'b', 'c'] }),
      env: {},
    });
    const secrets = kubeConfigSecrets(kc);
    const keyData = Buffer.from(KEY_PEM).toString('base64');
    for (const expected of [
      'tok-aaaa-1111',
      Buffer.from('tok-aaaa-1111').toString('base64'),
      'hunter2-pw',
      'admin:hunter2-pw',
      Buffer.from('admin:hunter2-pw').toString('base64'),
      keyData,
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
      'BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
      'sekrit-access-key',
    ]) {
      assert.ok(secrets.includes(expected), `missing ${expected}`);
    }
    assert.ok(!secrets.includes('default'), 'AWS_PROFILE=default is not a secret');
    assert.ok(!secrets.includes('admin'), 'a username alone is not masked');
    assert.ok(!secrets.some((s) => s.startsWith('-----')), 'PEM armour lines are not masked');
    assert.ok(!secrets.includes(''));
  });
});
