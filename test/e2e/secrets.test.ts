// Issue 10 (secrets), end to end through the bundled action: no Secret value in the release-state
// ConfigMap (and a rollback still restores the old Secret), planted secrets appear unmasked
// nowhere the action writes, and a bad kubeconfig is one `::error` naming the input. Issue 20:
// the planted values are also logged URL-encoded, as base64 without padding, as base64url, as
// hex and split over two lines, one comes from a Secret the manifests do not hold, metric answers
// quoting a token are cut after redaction, and credentials in URLs are used to measure.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction, type ActionRun } from '../helpers/action.ts';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';
import { appObjects } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import type { KubeObject } from '../../src/kube/types.ts';
import { view, type DeploymentObject, type PodTemplateSpec } from '../../src/manifests/workload-views.ts';
import type { ReleaseState } from '../../src/record/types.ts';
import type { SecretRef } from '../../src/state/secret-store.ts';

/** An env entry of a container, as the typed view has it. */
type EnvVar = NonNullable<NonNullable<PodTemplateSpec['spec']>['containers'][number]['env']>[number];

const IMAGE = 'registry.local:5000/acme/web';
const b64 = (s: string) => Buffer.from(s).toString('base64');

interface Planted {
  password: string;
  apiKey: string;
}

/**
 * The app with Secret `db` (data and stringData) and the password as env from the Secret; `refs`
 * are more env entries taken from Secrets or ConfigMaps (before SIM_LOG, which may quote them).
 */
function appWithSecret(
  planted: Planted,
  containerEnv: Record<string, string> = {},
  refs: EnvVar[] = [],
): string {
  const objects = appObjects({ replicas: 2, env: containerEnv }) as KubeObject[];
  const env = view<DeploymentObject>(objects[0]).spec.template.spec!.containers[0].env!;
  env.unshift(
    { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'db', key: 'api-key' } } },
    ...refs,
  );
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db' },
    type: 'Opaque',
    data: { password: b64(planted.password) },
    stringData: { 'api-key': planted.apiKey },
  };
  const dir = mkdtempSync(join(tmpdir(), 'kr-secrets-'));
  writeFileSync(join(dir, 'app.yaml'), [secret, ...objects].map((o) => stringify(o)).join('---\n'));
  return dir;
}

/** How a program may print a value besides as itself. */
function encodedForms(value: string): Record<string, string> {
  const bytes = Buffer.from(value);
  return {
    base64: bytes.toString('base64'),
    'base64 without padding': bytes.toString('base64').replace(/=+$/, ''),
    base64url: bytes.toString('base64url'),
    hex: bytes.toString('hex'),
    'URL-encoded': encodeURIComponent(value),
  };
}

/** Fails naming where a planted value (as given, encoded, or split over lines) shows up. */
function assertAbsent(values: string[], places: Record<string, string>): void {
  for (const [where, text] of Object.entries(places)) {
    const joined = text.replace(/\r?\n/g, '');
    for (const value of values) {
      assert.ok(!joined.includes(value), `${value} appears in ${where} (maybe over two lines)`);
      for (const [form, encoded] of Object.entries(encodedForms(value)))
        assert.ok(!text.includes(encoded), `${value} (${form}) appears in ${where}`);
    }
  }
}

/** A local HTTP server for metrics; `answer` gets each request. */
async function startServer(
  answer: (req: IncomingMessage) => [number, unknown],
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const [status, body] = answer(req);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function secretValue(sim: SimCluster, ns: string, key: string): string {
  const secret = sim.store.get('v1', 'Secret', ns, 'db')!;
  return Buffer.from(secret.data![key], 'base64').toString();
}

describe('secrets (dist/index.js against the simulator)', () => {
  const TOKEN = 'planted-kube-token-4b1d9e';
  let sim: SimCluster;
  let fake: FakeGitHub;
  let ns = 0;
  const namespace = () => {
    const name = `secrets-${++ns}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return name;
  };
  const base = (namespace: string) => ({
    kubeconfig: sim.kubeconfig,
    namespace,
    'version-label': 'version',
    'scale-down-delay': '1s',
  });

  before(async () => {
    [sim, fake] = await Promise.all([
      startSimCluster({ tokens: { [TOKEN]: { user: 'admin', groups: ['system:masters'] } } }),
      startFakeGitHub(),
    ]);
  });
  after(async () => {
    await Promise.all([sim.stop(), fake.stop()]);
  });

  it('keeps Secret values out of the state ConfigMap; a rollback restores the old Secret', async () => {
    const ns = namespace();
    const v1: Planted = { password: 'v1-planted-password-91a7', apiKey: 'v1-planted-apikey-5c2e' };
    const v2: Planted = { password: 'v2-planted-password-0d3f', apiKey: 'v2-planted-apikey-77b4' };
    const first = await runAction({
      ...base(ns),
      comment: 'false',
      manifests: appWithSecret(v1),
      images: `${IMAGE}:v1`,
    });
    assert.equal(first.outputs.result, 'promoted', first.stdout);

    const canary = {
      ...base(ns),
      comment: 'false',
      strategy: 'canary',
      traffic: 'replicas',
      steps: stringify([{ setWeight: 50 }, { pause: {} }]),
    };
    const paused = await runAction({ ...canary, manifests: appWithSecret(v2), images: `${IMAGE}:v2` });
    assert.equal(paused.outputs.result, 'paused', paused.stdout);
    assert.equal(secretValue(sim, ns, 'password'), v2.password, 'the canary applied the new Secret');

    const configMap = sim.store.get('v1', 'ConfigMap', ns, 'kube-rollout-web')!;
    const stateJson = configMap.data!['state.json'];
    assertAbsent([...Object.values(v1), ...Object.values(v2)], {
      'the state ConfigMap': JSON.stringify(configMap),
    });
    const state = JSON.parse(stateJson) as ReleaseState;
    const refs = [...state.rendered, ...state.stableSnapshot].filter(
      (o) => o.kind === 'Secret',
    ) as SecretRef[];
    assert.equal(refs.length, 2, 'the new and the stable Secret, as references');
    for (const ref of refs) assert.match(ref.storedSecret.sha256, /^[0-9a-f]{64}$/);
    const store = sim.store.get('v1', 'Secret', ns, 'kube-rollout-web')!;
    assert.equal(store.type, 'Opaque');
    assert.equal(store.metadata.labels!['kube-rollout.io/release'], 'web');

    const back = await runAction({ ...canary, action: 'rollback', name: 'web', manifests: '' });
    assert.equal(back.outputs.result, 'rolled-back', back.stdout);
    assert.equal(secretValue(sim, ns, 'password'), v1.password, 'the stable Secret is back');
    assert.equal(secretValue(sim, ns, 'api-key'), v1.apiKey);
    const web = sim.store.get('apps/v1', 'Deployment', ns, 'web')!;
    assert.equal(web.spec.template.metadata.labels.version, 'v1');
  });

  it('planted secrets appear unmasked in no log, output, summary, comment, deployment status or state', async () => {
    const ns = namespace();
    const githubToken = 'ghp_plantedGithubToken8e21f0';
    const v1: Planted = { password: 'v1-crash-password-3e8a', apiKey: 'v1-crash-apikey-6b90' };
    // Characters that URL-encoding changes, base64 with `+` and padding: every form differs.
    const v2: Planted = { password: 'v2-crash/pa$$+w?rd>a41c~~', apiKey: 'v2-crash-apikey-d07e' };
    const extToken = 'planted-ext-token-6f0b';
    const pr = 11;
    const event = {
      number: pr,
      pull_request: { number: pr, head: { sha: 'feedface00000000000000000000000000000011' } },
      repository: { name: 'shop', owner: { login: 'acme' } },
    };
    // Credentials in URLs: userinfo of the Prometheus URL, a token parameter of a web metric (whose
    // unreachable address makes its error quote the URL; dryRun keeps it from deciding the result).
    const promPassword = 'planted-prom-pass-5d1c';
    const urlToken = 'planted-url-token-9e3a';
    const analysis = stringify({
      metrics: [
        {
          name: 'probe',
          provider: 'web',
          url: `http://127.0.0.1:1/health?app=web&access_token=${urlToken}`,
          successCondition: 'result == 1',
          dryRun: true,
        },
      ],
    });
    const inputs = {
      ...base(ns),
      'github-token': githubToken,
      'deployment-status': 'true',
      'prometheus-url': `http://reader:${promPassword}@127.0.0.1:1`,
    };
    const opts = { env: { GITHUB_API_URL: fake.url }, event, eventName: 'pull_request' };
    const first = await runAction(
      { ...inputs, comment: 'false', manifests: appWithSecret(v1), images: `${IMAGE}:v1` },
      opts,
    );
    assert.equal(first.outputs.result, 'promoted', first.stdout);
    // v2 crash-loops, logging its password (from the Secret, through the env) before it dies, and
    // the same values encoded and split (a script in a ConfigMap it reads), and the token of Secret
    // `ext`, which it uses but the manifests do not hold.
    const pw = v2.password;
    const forms = encodedForms(pw);
    const script = [
      `url-encoded ${forms['URL-encoded']}`,
      `base64 ${forms['base64 without padding']}`,
      `base64url ${forms.base64url}`,
      `hex ${forms.hex}`,
      `api key as base64 ${b64(v2.apiKey)}`,
      `split ${pw.slice(0, 9)}`,
      `${pw.slice(9)} end`,
      `ext as hex ${encodedForms(extToken).hex}`,
    ].join('\n');
    assert.equal(new Set([pw, ...Object.values(forms)]).size, 6, 'each form differs from the others');
    sim.store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ext', namespace: ns },
      data: { token: b64(extToken) },
    });
    sim.store.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'log-script', namespace: ns },
      data: { text: script },
    });
    const crashing = appWithSecret(
      v2,
      {
        SIM_CRASH: 'true',
        SIM_LOG:
          'starting\n$(LOG_SCRIPT)\nconnecting to db with password $(DB_PASSWORD) key $(API_KEY)\next token $(EXT_TOKEN)\nfatal: refused',
      },
      [
        { name: 'EXT_TOKEN', valueFrom: { secretKeyRef: { name: 'ext', key: 'token' } } },
        { name: 'LOG_SCRIPT', valueFrom: { configMapKeyRef: { name: 'log-script', key: 'text' } } },
      ],
    );
    const from = fake.requests.length;
    const run = await runAction({ ...inputs, analysis, manifests: crashing, images: `${IMAGE}:v2` }, opts);
    assert.equal(run.outputs.result, 'rolled-back', run.stdout);
    assert.match(
      run.summary,
      /connecting to db with password \*\*\* key \*\*\*/,
      'the log was quoted, redacted',
    );
    for (const line of [
      'url-encoded ***',
      'base64 ***',
      'base64url ***',
      'hex ***',
      'api key as base64 ***',
      'ext token ***',
      'ext as hex ***',
    ])
      assert.ok(run.summary.includes(line), `the summary quotes "${line}"`);
    assert.match(run.summary, /split \*\*\*\n\*\*\* end/, 'the split value, redacted on both lines');
    // The URL is quoted redacted (whole: the release's Secret keeps it whole, so it is masked whole).
    assert.match(run.summary, /\| probe<br>.*\| `\*\*\*` \|/, "the web metric's URL was quoted, redacted");

    const masks = new Set(run.masks);
    for (const value of [
      TOKEN,
      githubToken,
      v2.password,
      v2.apiKey,
      b64(v2.password),
      promPassword,
      urlToken,
    ])
      assert.ok(masks.has(value), `${value} was masked on the runner`);
    const requests = fake.requests.slice(from);
    const configMap = sim.store.get('v1', 'ConfigMap', ns, 'kube-rollout-web')!;
    const planted = [
      TOKEN,
      githubToken,
      ...Object.values(v1),
      ...Object.values(v2),
      extToken,
      promPassword,
      urlToken,
    ];
    assertAbsent(planted, {
      'the log after masking': run.maskedStdout,
      stderr: run.stderr,
      outputs: JSON.stringify(run.outputs),
      'the job summary': run.summary,
      'the PR comment': JSON.stringify(fake.comments('acme', 'shop', pr)),
      'deployments and statuses': JSON.stringify([fake.deployments, fake.statuses]),
      'GitHub request bodies': JSON.stringify(requests.map((r) => r.body)),
      'the state ConfigMap': JSON.stringify(configMap),
    });
    assert.ok(fake.comments('acme', 'shop', pr).length > 0, 'a PR comment was written');
    assert.ok(fake.statuses.length > 0, 'deployment statuses were written');
  });

  it('metrics are measured with URL credentials; answers quoting a token are redacted before they are cut', async () => {
    const ns = namespace();
    const githubToken = 'ghp_plantedGithubToken3c77aa';
    const promPassword = 'planted-prom/pass-7c2e';
    const bearer = 'planted-bearer-token-0a9b8c7d';
    const basic = `Basic ${b64(`reader:${promPassword}`)}`;
    const promAuth: string[] = [];
    // Prometheus behind Basic auth: answers 0.01 to the right credentials, 401 otherwise.
    const prom = await startServer((req) => {
      promAuth.push(req.headers.authorization ?? '');
      return req.headers.authorization === basic
        ? [
            200,
            {
              status: 'success',
              data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.01'] }] },
            },
          ]
        : [401, { status: 'error', errorType: 'unauthorized', error: 'credentials required' }];
    });
    // A debug endpoint quoting the caller's Authorization header after `pad` characters: for pads
    // 43 to 70 the 120-character cut of the measured value falls inside the token.
    const echo = await startServer((req) => {
      const pad = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('pad'));
      return [200, { pad: 'x'.repeat(pad), auth: req.headers.authorization }];
    });
    try {
      const analysis = stringify({
        metrics: [
          {
            name: 'errors',
            provider: 'prometheus',
            query: 'sum(rate(errors_total[1m]))',
            threshold: { max: 0.05 },
          },
          ...[40, 50, 60, 70, 80].map((pad) => ({
            name: `echo-${pad}`,
            provider: 'web',
            url: `${echo.url}/debug?pad=${pad}`,
            headers: { Authorization: `Bearer ${bearer}` },
            successCondition: 'result.status == 201',
            dryRun: true,
          })),
        ],
      });
      const pr = 12;
      const event = {
        number: pr,
        pull_request: { number: pr, head: { sha: 'feedface00000000000000000000000000000012' } },
        repository: { name: 'shop', owner: { login: 'acme' } },
      };
      const opts = { env: { GITHUB_API_URL: fake.url }, event, eventName: 'pull_request' };
      const inputs = {
        ...base(ns),
        'github-token': githubToken,
        'deployment-status': 'true',
        'prometheus-url': prom.url.replace('http://', `http://reader:${encodeURIComponent(promPassword)}@`),
        analysis,
      };
      const app = { password: 'v1-metrics-password-11aa', apiKey: 'v1-metrics-apikey-22bb' };
      const first = await runAction(
        { ...inputs, comment: 'false', manifests: appWithSecret(app), images: `${IMAGE}:v1` },
        opts,
      );
      assert.equal(first.outputs.result, 'promoted', first.stdout);
      const from = fake.requests.length;
      const run = await runAction(
        {
          ...inputs,
          strategy: 'canary',
          traffic: 'replicas',
          steps: stringify([{ setWeight: 50 }, { analysis: {} }, { setWeight: 100 }]),
          manifests: appWithSecret(app),
          images: `${IMAGE}:v2`,
        },
        opts,
      );
      assert.equal(run.outputs.result, 'promoted', run.stdout);
      assert.ok(
        promAuth.length > 0 && promAuth.every((a) => a === basic),
        'Prometheus was asked with the credentials',
      );
      const measured = JSON.parse(
        sim.store.get('v1', 'ConfigMap', ns, 'kube-rollout-web')!.data!['state.json'],
      ).record.measurements as { metric: string; phase: string; value: unknown; message?: string }[];
      assert.deepEqual(
        measured.filter((m) => m.metric === 'errors').map((m) => [m.phase, m.value]),
        [['Successful', 0.01]],
      );
      const echoed = measured.filter((m) => m.metric.startsWith('echo-'));
      assert.equal(echoed.length, 5);
      assert.ok(
        echoed.some((m) => JSON.stringify(m).includes('\\"auth\\":\\"***')),
        'the answers were quoted, redacted',
      );

      const configMap = sim.store.get('v1', 'ConfigMap', ns, 'kube-rollout-web')!;
      // Any piece of the token a cut could leave: its first 6 characters.
      assertAbsent([githubToken, promPassword, bearer, bearer.slice(0, 6)], {
        'the log after masking': run.maskedStdout,
        stderr: run.stderr,
        outputs: JSON.stringify(run.outputs),
        'the job summary': run.summary,
        'the PR comment': JSON.stringify(fake.comments('acme', 'shop', pr)),
        'deployments and statuses': JSON.stringify([fake.deployments, fake.statuses]),
        'GitHub request bodies': JSON.stringify(fake.requests.slice(from).map((r) => r.body)),
        'the state ConfigMap': JSON.stringify(configMap),
      });
      assert.ok(fake.comments('acme', 'shop', pr).length > 0, 'a PR comment was written');
    } finally {
      for (const { server } of [prom, echo]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  describe('a bad kubeconfig is one ::error naming the input, without its content', () => {
    const broken = 'apiVersion: v1\nclusters: [\n  users: {token: planted-yaml-token-c3d2}\n  - x';
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        'garbage',
        { kubeconfig: 'garbage planted-garbage-token-11aa' },
        /input 'kubeconfig'.*not a kubeconfig/,
      ],
      [
        'garbage that is not YAML',
        { kubeconfig: 'x: [planted-garbage-token-11aa' },
        /input 'kubeconfig'.*cannot read/,
      ],
      ['{}', { kubeconfig: '{}' }, /input 'kubeconfig'.*defines no contexts/],
      ['base64 of broken YAML', { kubeconfig: b64(broken) }, /input 'kubeconfig'.*line 4, column \d+/],
      ['an unknown context', { context: 'planted-context' }, /input 'context'.*"planted-context" not found/],
    ];
    for (const [what, given, message] of cases) {
      it(what, async () => {
        const dir = appWithSecret({ password: 'unused-password-1', apiKey: 'unused-key-1' });
        const run: ActionRun = await runAction({ ...base('default'), manifests: dir, ...given });
        assert.notEqual(run.code, 0);
        assert.equal(run.outputs.result, 'failed');
        const errors = run.annotations.filter((l) => l.startsWith('::error'));
        assert.equal(errors.length, 1, run.stdout);
        assert.match(errors[0], message);
        assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
        assertAbsent(['planted-yaml-token-c3d2', 'planted-garbage-token-11aa', 'users: {token'], {
          'the log after masking': run.maskedStdout,
          stderr: run.stderr,
        });
      });
    }
  });
});
