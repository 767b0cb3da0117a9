// What kube-apiserver refuses in workload specs and Lease times, refused the same way here: 422 with
// upstream's causes (pkg/apis/apps/validation/validation.go) and 400 from the JSON decoder
// (metav1.MicroTime / Time UnmarshalJSON → Go's time.Parse), at create, update, server-side apply
// and dry run alike, with nothing stored.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '../src/index.ts';
import { goTimeParseError, RFC3339, RFC3339_MICRO } from '../src/schema/go-time.ts';
import type { ApiBody } from './testing.ts';

let c: SimCluster;
before(async () => {
  c = await startSimCluster({ controllers: false, rps: 0 });
});
after(() => c.stop());

const PERCENT_MSG =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

async function send(method: string, path: string, body: unknown, type = 'application/json') {
  const res = await fetch(c.url + path, {
    method,
    headers: { 'content-type': type },
    body: JSON.stringify(body),
  });
  return { code: res.status, body: (await res.json()) as ApiBody };
}

const podTemplate = (name: string, restartPolicy?: string) => ({
  metadata: { labels: { app: name } },
  spec: {
    containers: [{ name: 'app', image: 'nginx:1.25' }],
    ...(restartPolicy ? { restartPolicy } : {}),
  },
});

function workload(kind: string, name: string, spec: Record<string, unknown> = {}, restartPolicy?: string) {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: podTemplate(name, restartPolicy),
      ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
      ...spec,
    },
  };
}

const PLURAL: Record<string, string> = {
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
};
const collection = (kind: string) => `/apis/apps/v1/namespaces/default/${PLURAL[kind]}`;

/** Creates `obj` by POST, by a dry-run POST and by a dry-run apply: each answer is returned. */
async function everyWay(obj: { kind: string; metadata: { name: string } }) {
  const path = collection(obj.kind);
  return [
    await send('POST', path, obj),
    await send('POST', `${path}?dryRun=All`, obj),
    await send(
      'PATCH',
      `${path}/${obj.metadata.name}?fieldManager=t&dryRun=All`,
      obj,
      'application/apply-patch+yaml',
    ),
  ];
}

/** Every way of writing `obj` is refused with 422, these causes, and nothing is stored. */
async function refused(
  obj: { kind: string; metadata: { name: string } },
  causes: { field: string; message: string }[],
) {
  for (const res of await everyWay(obj)) {
    assert.equal(res.code, 422, JSON.stringify(res.body));
    assert.equal(res.body.reason, 'Invalid');
    assert.deepEqual(
      res.body.details.causes.map((x) => ({ field: x.field, message: x.message })),
      causes,
    );
    const list = causes.map((x) => `${x.field}: ${x.message}`);
    const qualified = `${obj.kind}.apps ${JSON.stringify(obj.metadata.name)} is invalid: `;
    assert.equal(res.body.message, qualified + (list.length === 1 ? list[0] : `[${list.join(', ')}]`));
  }
  assert.equal(c.store.get('apps/v1', obj.kind, 'default', obj.metadata.name), undefined);
}

const rolling = (rollingUpdate: Record<string, unknown>) => ({
  strategy: { type: 'RollingUpdate', rollingUpdate },
});

describe('ValidateRollingUpdateDeployment (pkg/apis/apps/validation)', () => {
  it('ValidatePositiveIntOrPercent: maxSurge "1" is a string that is not a percentage', async () => {
    await refused(workload('Deployment', 'surge-string', rolling({ maxSurge: '1', maxUnavailable: 0 })), [
      {
        field: 'spec.strategy.rollingUpdate.maxSurge',
        message: `Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"1"}: ${PERCENT_MSG}`,
      },
    ]);
  });

  it('ValidatePositiveIntOrPercent: a negative integer (ValidateNonnegativeField)', async () => {
    await refused(workload('Deployment', 'surge-negative', rolling({ maxSurge: -1, maxUnavailable: 1 })), [
      {
        field: 'spec.strategy.rollingUpdate.maxSurge',
        message: 'Invalid value: -1: must be greater than or equal to 0',
      },
    ]);
  });

  it('IsNotMoreThan100Percent: maxUnavailable 110%', async () => {
    await refused(workload('Deployment', 'over-100', rolling({ maxUnavailable: '110%', maxSurge: 1 })), [
      {
        field: 'spec.strategy.rollingUpdate.maxUnavailable',
        message:
          'Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: must not be greater than 100%',
      },
    ]);
  });

  it('maxSurge and maxUnavailable both 0 (as numbers, percentages or Atoi of a string)', async () => {
    for (const [name, maxUnavailable, maxSurge] of [
      ['zero-ints', 0, 0],
      ['zero-percents', '0%', '0%'],
    ] as const)
      await refused(workload('Deployment', name, rolling({ maxUnavailable, maxSurge })), [
        {
          field: 'spec.strategy.rollingUpdate.maxUnavailable',
          message: `Invalid value: ${typeof maxUnavailable === 'string' ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}` : 'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}'}: may not be 0 when \`maxSurge\` is 0`,
        },
      ]);
    // "0" is no percentage, and its IntValue() is 0: both rules speak.
    await refused(workload('Deployment', 'zero-string', rolling({ maxUnavailable: 0, maxSurge: '0' })), [
      {
        field: 'spec.strategy.rollingUpdate.maxSurge',
        message: `Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0"}: ${PERCENT_MSG}`,
      },
      {
        field: 'spec.strategy.rollingUpdate.maxUnavailable',
        message:
          'Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
      },
    ]);
  });

  it('ValidateDeploymentStrategy: a Recreate Deployment may not specify rollingUpdate', async () => {
    const recreate = { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } };
    await refused(workload('Deployment', 'recreate', recreate), [
      {
        field: 'spec.strategy.rollingUpdate',
        message: "Forbidden: may not be specified when strategy `type` is 'Recreate'",
      },
    ]);
  });

  it('valid bounds pass: 25% and 1, and the defaults', async () => {
    for (const obj of [
      workload('Deployment', 'fine', rolling({ maxSurge: '25%', maxUnavailable: 1 })),
      workload('Deployment', 'defaults'),
    ])
      assert.equal((await send('POST', collection('Deployment'), obj)).code, 201);
  });
});

describe('restartPolicy of a workload pod template: only Always', () => {
  // ValidatePodTemplateSpecForReplicaSet (Deployment, ReplicaSet), ValidateStatefulSetSpec,
  // ValidateDaemonSetSpec: field.NotSupported with the one valid value.
  for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'])
    it(`${kind} with restartPolicy Never is refused`, async () => {
      await refused(workload(kind, `never-${kind.toLowerCase()}`, {}, 'Never'), [
        {
          field: 'spec.template.spec.restartPolicy',
          message: 'Unsupported value: "Never": supported values: "Always"',
        },
      ]);
    });
});

describe('ValidateRollingUpdateDaemonSet and validateRollingUpdateStatefulSet', () => {
  const ds = (rollingUpdate: Record<string, unknown>) => ({
    updateStrategy: { type: 'RollingUpdate', rollingUpdate },
  });

  it('a DaemonSet may not set maxSurge when maxUnavailable is non-zero', async () => {
    await refused(workload('DaemonSet', 'ds-both', ds({ maxUnavailable: 1, maxSurge: '10%' })), [
      {
        field: 'spec.updateStrategy.rollingUpdate.maxSurge',
        message:
          'Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"10%"}: may not be set when maxUnavailable is non-zero',
      },
    ]);
  });

  it('a DaemonSet needs one of them non-zero', async () => {
    await refused(workload('DaemonSet', 'ds-none', ds({ maxUnavailable: 0, maxSurge: 0 })), [
      {
        field: 'spec.updateStrategy.rollingUpdate.maxUnavailable',
        message: 'Required value: cannot be 0 when maxSurge is 0',
      },
    ]);
  });

  it('a StatefulSet partition may not be negative', async () => {
    const sts = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } };
    await refused(workload('StatefulSet', 'sts-partition', sts), [
      {
        field: 'spec.updateStrategy.rollingUpdate.partition',
        message: 'Invalid value: -1: must be greater than or equal to 0',
      },
    ]);
  });
});

describe('Lease times are MicroTime: RFC 3339 with exactly six fraction digits', () => {
  const LEASES = '/apis/coordination.k8s.io/v1/namespaces/default/leases';
  const lease = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name },
    spec: { holderIdentity: 'run-1', leaseDurationSeconds: 15, ...spec },
  });
  const layout = '"2006-01-02T15:04:05.000000Z07:00"';

  it('milliseconds or "yesterday" are refused by the decoder (MicroTime.UnmarshalJSON → time.Parse): 400', async () => {
    for (const [renewTime, why] of [
      ['2024-05-01T10:00:00.123Z', 'cannot parse ".123Z" as ".000000"'],
      ['2024-05-01T10:00:00Z', 'cannot parse "Z" as ".000000"'],
      ['yesterday', 'cannot parse "yesterday" as "2006"'],
    ])
      for (const path of [LEASES, `${LEASES}?dryRun=All`]) {
        const res = await send('POST', path, lease('bad', { renewTime }));
        assert.equal(res.code, 400);
        assert.equal(res.body.reason, 'BadRequest');
        assert.equal(
          res.body.message,
          `Lease in version "v1" cannot be handled as a Lease: parsing time ${JSON.stringify(renewTime)} as ${layout}: ${why}`,
        );
      }
    assert.equal(c.store.get('coordination.k8s.io/v1', 'Lease', 'default', 'bad'), undefined);
  });

  it('six digits pass; an update (PUT) with three is refused too', async () => {
    const good = '2024-05-01T10:00:00.123456Z';
    const created = await send('POST', LEASES, lease('good', { acquireTime: good, renewTime: good }));
    assert.equal(created.code, 201);
    const res = await send('PUT', `${LEASES}/good`, {
      ...created.body,
      spec: { ...created.body.spec, renewTime: '2024-05-01T10:00:01.500Z' },
    });
    assert.equal(res.code, 400);
    assert.match(
      res.body.message,
      /parsing time "2024-05-01T10:00:01\.500Z" as "2006-01-02T15:04:05\.000000Z07:00"/,
    );
  });
});

describe("Go's time.Parse errors (time/format.go)", () => {
  it('names the element that failed, or the value out of range', () => {
    const micro = (v: string) => goTimeParseError(RFC3339_MICRO, v);
    assert.equal(micro('2024-05-01T10:00:00.123456Z'), undefined);
    assert.equal(micro('2024-05-01T10:00:00.123456+02:00'), undefined);
    assert.equal(
      micro('2024-05-01T10:00:00.1234567Z'),
      'parsing time "2024-05-01T10:00:00.1234567Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "7Z" as "Z07:00"',
    );
    assert.equal(
      micro('2024-13-01T10:00:00.000000Z'),
      'parsing time "2024-13-01T10:00:00.000000Z": month out of range',
    );
    assert.equal(
      micro('2023-02-29T10:00:00.000000Z'),
      'parsing time "2023-02-29T10:00:00.000000Z": day out of range',
    );
    assert.equal(micro('2024-02-29T10:00:00.000000Z'), undefined);
    assert.equal(
      micro('2024-05-01T24:00:00.000000Z'),
      'parsing time "2024-05-01T24:00:00.000000Z": hour out of range',
    );
    assert.equal(
      micro('2024-05-01T10:00:00.000000Zjunk'),
      'parsing time "2024-05-01T10:00:00.000000Zjunk": extra text: "junk"',
    );
    assert.equal(
      micro('2024-05-01 10:00:00.000000Z'),
      'parsing time "2024-05-01 10:00:00.000000Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse " 10:00:00.000000Z" as "T"',
    );
    // metav1.Time's RFC 3339 takes any fraction after the seconds, and needs no fraction.
    assert.equal(goTimeParseError(RFC3339, '2024-05-01T10:00:00.123Z'), undefined);
    assert.equal(goTimeParseError(RFC3339, '2024-05-01T10:00:00Z'), undefined);
    assert.equal(
      goTimeParseError(RFC3339, 'yesterday'),
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    );
  });
});
