// Built-in kinds of application manifests: discovery as the real kubectl sees it, defaults, and the
// schema checks with the real server's answers (server-side apply's typed conversion, the JSON
// decoder, field validation), including at dry-run and before anything is written.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimCluster } from '../src/index.ts';
import type { SimCluster } from '../src/index.ts';
import { base64ErrorOffset } from '../src/schema/values.ts';
import { checkSchema } from '../src/schema/check.ts';
import { type ApiBody, fieldAt } from './testing.ts';

let c: SimCluster;
let dir: string;

function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', c.kubeconfigPath, ...args],
      { timeout: 30_000, env: { ...process.env, KUBECACHEDIR: join(dir, 'cache'), HOME: dir } },
      (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
    );
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function api(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(c.url + path, {
    method,
    headers: { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { code: res.status, body: (await res.json()) as ApiBody };
}

const APP = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: shop-api, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: shop-config, namespace: shop}
data: {LOG_LEVEL: info}
---
apiVersion: v1
kind: Secret
metadata: {name: shop-db, namespace: shop}
data: {password: c2VjcmV0}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      serviceAccountName: shop-api
      containers:
      - name: api
        image: shop/api:1.0
        resources: {requests: {cpu: 100m, memory: 64Mi}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  maxReplicas: 6
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: shop}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: api}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleanup, namespace: shop}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: cleanup, image: shop/cleanup:1.0}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{ports: [{port: 8080}]}]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: shop}
subjects: [{kind: ServiceAccount, name: shop-api, namespace: shop}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota, namespace: shop}
spec: {hard: {pods: "20"}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: shop}
spec:
  limits: [{type: Container, default: {cpu: 200m}}]
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: shop-high}
value: 100000
`;

describe('built-in kinds of application manifests', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sim-kinds-'));
    c = await startSimCluster({ rps: 0, timeScale: 0.05 });
  });
  after(async () => {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl api-resources lists them with their short names and groups', async () => {
    const r = await kubectl('api-resources', '--no-headers');
    assert.equal(r.stderr, '');
    const rows = r.stdout.split('\n').map((l) => l.trim().split(/\s+/));
    const find = (name: string) => rows.find((row) => row[0] === name)?.join(' ');
    assert.equal(
      find('horizontalpodautoscalers'),
      'horizontalpodautoscalers hpa autoscaling/v2 true HorizontalPodAutoscaler',
    );
    assert.equal(find('poddisruptionbudgets'), 'poddisruptionbudgets pdb policy/v1 true PodDisruptionBudget');
    assert.equal(find('cronjobs'), 'cronjobs cj batch/v1 true CronJob');
    assert.equal(find('persistentvolumeclaims'), 'persistentvolumeclaims pvc v1 true PersistentVolumeClaim');
    assert.equal(find('networkpolicies'), 'networkpolicies netpol networking.k8s.io/v1 true NetworkPolicy');
    assert.equal(find('ingressclasses'), 'ingressclasses networking.k8s.io/v1 false IngressClass');
    assert.equal(find('priorityclasses'), 'priorityclasses pc scheduling.k8s.io/v1 false PriorityClass');
    assert.equal(find('resourcequotas'), 'resourcequotas quota v1 true ResourceQuota');
    assert.equal(find('limitranges'), 'limitranges limits v1 true LimitRange');
  });

  it('kubectl apply --server-side creates a whole app and the objects read back defaulted', async () => {
    const path = file('app.yaml', APP);
    const r = await kubectl('apply', '--server-side', '-f', path);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /horizontalpodautoscaler.autoscaling\/api serverside-applied/);
    assert.match(r.stdout, /priorityclass.scheduling.k8s.io\/shop-high serverside-applied/);
    const hpa = c.store.get('autoscaling/v2', 'HorizontalPodAutoscaler', 'shop', 'api')!;
    assert.equal(fieldAt(hpa, 'spec.minReplicas'), 1);
    assert.deepEqual(fieldAt(hpa, 'spec.metrics'), [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
      },
    ]);
    const cj = c.store.get('batch/v1', 'CronJob', 'shop', 'cleanup')!;
    assert.equal(fieldAt(cj, 'spec.concurrencyPolicy'), 'Allow');
    assert.equal(fieldAt(cj, 'spec.successfulJobsHistoryLimit'), 3);
    assert.equal(fieldAt(cj, 'spec.jobTemplate.spec.template.spec.dnsPolicy'), 'ClusterFirst');
    const np = c.store.get('networking.k8s.io/v1', 'NetworkPolicy', 'shop', 'api')!;
    assert.deepEqual(fieldAt(np, 'spec.policyTypes'), ['Ingress']);
    assert.equal(fieldAt(np, 'spec.ingress.0.ports.0.protocol'), 'TCP');
    assert.equal(
      c.store.get('scheduling.k8s.io/v1', 'PriorityClass', undefined, 'shop-high')!.preemptionPolicy,
      'PreemptLowerPriority',
    );
    const get = await kubectl('get', 'hpa,pdb,cj,pvc,netpol', '-n', 'shop', '-o', 'name');
    assert.equal(get.stdout.trim().split('\n').length, 5);
  });

  it('a wrongly typed field is refused by server-side apply at dry-run with the typed-patch message', async () => {
    const path = file(
      'bad.yaml',
      APP.split('---\n')[4].replace('replicas: 2', 'replicas: three').replace('name: api,', 'name: api2,'),
    );
    c.resetStats();
    const r = await kubectl('apply', '--server-side', '--dry-run=server', '-f', path);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      'Error from server: failed to create typed patch object (shop/api2; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string',
    );
    assert.equal(c.stats().writes, 0);
    assert.equal(c.store.get('apps/v1', 'Deployment', 'shop', 'api2'), undefined);
  });

  it('several type errors are listed with keyed list paths; the status has code 500 and no reason', async () => {
    const res = await api(
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/api?fieldManager=t&dryRun=All',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace: 'shop' },
        spec: {
          paused: 'no',
          template: { spec: { containers: [{ name: 'api', image: 7, ports: [{ containerPort: '80' }] }] } },
        },
      },
      'application/apply-patch+yaml',
    );
    assert.equal(res.code, 500);
    assert.equal(res.body.reason, undefined);
    assert.equal(
      res.body.message,
      'failed to create typed patch object (shop/api; apps/v1, Kind=Deployment): errors:\n' +
        '  .spec.template.spec.containers[name="api"].image: expected string, got &value.valueUnstructured{Value:7}\n' +
        '  .spec.template.spec.containers[name="api"].ports[containerPort="80"].containerPort: expected numeric (int or float), got string\n' +
        '  .spec.paused: expected boolean, got &value.valueUnstructured{Value:"no"}',
    );
  });

  it('invalid base64 in a Secret is refused by apply and create with the decoder message, nothing stored', async () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bad', namespace: 'shop' },
      data: { user: 'admin' },
    };
    const applied = await api(
      'PATCH',
      '/api/v1/namespaces/shop/secrets/bad?fieldManager=t&dryRun=All',
      secret,
      'application/apply-patch+yaml',
    );
    const created = await api('POST', '/api/v1/namespaces/shop/secrets', secret);
    for (const res of [applied, created]) {
      assert.equal(res.code, 400);
      assert.equal(res.body.reason, 'BadRequest');
      assert.equal(
        res.body.message,
        'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4',
      );
    }
    assert.equal(c.store.get('v1', 'Secret', 'shop', 'bad'), undefined);
  });

  it('create and update decode like encoding/json: the struct, the field path and the Go type', async () => {
    const res = await api('POST', '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'x' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'api' }, maxReplicas: '5' },
    });
    assert.equal(res.code, 400);
    assert.equal(
      res.body.message,
      'HorizontalPodAutoscaler in version "v2" cannot be handled as a HorizontalPodAutoscaler: json: cannot unmarshal string into Go struct field HorizontalPodAutoscalerSpec.spec.maxReplicas of type int32',
    );
    const merge = await api(
      'PATCH',
      '/api/v1/namespaces/shop/persistentvolumeclaims/data',
      { spec: { resources: { requests: { storage: 'lots' } } } },
      'application/merge-patch+json',
    );
    assert.equal(merge.code, 400);
    assert.match(
      merge.body.message,
      /^PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: quantities must match the regular expression/,
    );
  });

  it('required fields and enum values are 422 Invalid with the field path and supported values', async () => {
    const res = await api(
      'PATCH',
      '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/y?fieldManager=t&dryRun=All',
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'y' },
        spec: { scaleTargetRef: { name: 'api' }, maxReplicas: 3, metrics: [{ type: 'Cpu' }] },
      },
      'application/apply-patch+yaml',
    );
    assert.equal(res.code, 422);
    assert.equal(
      res.body.message,
      'HorizontalPodAutoscaler.autoscaling "y" is invalid: [spec.scaleTargetRef.kind: Required value, spec.metrics[0].type: Unsupported value: "Cpu": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"]',
    );
    assert.deepEqual(
      res.body.details.causes.map((x) => x.reason),
      ['FieldValueRequired', 'FieldValueNotSupported'],
    );
  });
});

describe('schema checks (pure)', () => {
  it('base64 offsets follow Go StdEncoding', () => {
    assert.equal(base64ErrorOffset('c2VjcmV0'), undefined);
    assert.equal(base64ErrorOffset('YWRtaW4='), undefined);
    assert.equal(base64ErrorOffset('YQ=='), undefined);
    assert.equal(base64ErrorOffset('admin'), 4);
    assert.equal(base64ErrorOffset('YWRtaW4'), 4);
    assert.equal(base64ErrorOffset('ab$d'), 2);
    assert.equal(base64ErrorOffset('a==='), 1);
  });

  it('null values and unknown fields pass; kinds without a schema are not checked', () => {
    const ok = checkSchema(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { creationTimestamp: null },
        spec: { replicas: null, extra: 'x' },
      },
      'apps',
      'Deployment',
    );
    assert.deepEqual(ok, { types: [], decode: [], fields: [] });
    assert.deepEqual(checkSchema({ spec: 5 }, 'argoproj.io', 'Rollout'), {
      types: [],
      decode: [],
      fields: [],
    });
  });
});
