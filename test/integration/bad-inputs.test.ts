// The bad-input corpus: every row is refused before the first write (0 writes in the simulator's
// request stats) with a message naming the input, the manifest file and line, the release or the
// API server it is about. Most rows run the in-process flow (inputs → config → manifests → deploy
// with pre-flight); a few run against a dead or failing API server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { createCluster } from '../../src/kube/cluster.ts';
import { loadKubeConfig } from '../../src/kube/kubeconfig.ts';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';
import { view, type DeploymentObject } from '../../src/manifests/workload-views.ts';
import type { IngressObject } from '../../src/traffic/objects.ts';
import type { Inputs } from '../../src/config/inputs.ts';
import { appObjects } from '../helpers/manifests.ts';
import { runEngine, type EngineRun } from '../helpers/engine.ts';

type Files = Record<string, string>;
interface Row {
  name: string;
  inputs: Partial<Inputs>;
  /** What the message must say (beyond naming its input, file, release or server). */
  expect: RegExp;
  files?: Files;
  /** Objects that exist in the cluster (namespace default) before the run. */
  live?: object[];
}

const yamlDocs = (objects: object[]) => objects.map((o) => stringify(o)).join('---\n');
const APP = { 'app.yaml': yamlDocs(appObjects()) };
const WITH_INGRESS = { 'app.yaml': yamlDocs(appObjects({ ingress: true })) };
const WITH_ROUTE = { 'app.yaml': yamlDocs(appObjects({ httpRoute: true })) };
const [DEPLOYMENT, SERVICE] = appObjects();
const ONLY_DEPLOYMENT = { 'app.yaml': yamlDocs([DEPLOYMENT]) };
/** The app's Deployment as a StatefulSet (a canary of it moves its partition; no copies). */
const STATEFULSET = { ...DEPLOYMENT, kind: 'StatefulSet' };
const ONLY_DEPLOYMENT_AND_INGRESS = {
  'app.yaml': yamlDocs([DEPLOYMENT, appObjects({ ingress: true })[2]]),
};

/** A message points somewhere: an input, a manifest file (and line), a release or a server. */
const NAMES_SOMETHING =
  /input '[\w-]+'|[\w./-]+\.ya?ml(:\d+)?|release named '[\w-]+'|release [\w-]+ in namespace|API server http/;

const canary = (traffic: string, more: Partial<Inputs> = {}): Partial<Inputs> => ({
  strategy: 'canary',
  traffic,
  ...more,
});
const web = (metric: string): Partial<Inputs> => ({
  analysis: `metrics:\n  - name: probe\n    provider: web\n    ${metric}\n    successCondition: result == 1`,
});
const prom = (metric: string, more: Partial<Inputs> = {}): Partial<Inputs> => ({
  'prometheus-url': 'http://prometheus:9090',
  analysis: `metrics:\n  - name: errors\n    provider: prometheus\n    ${metric}`,
  ...more,
});

const INPUT_ROWS: Row[] = [
  { name: 'unknown strategy', inputs: { strategy: 'blue' }, expect: /strategy/ },
  { name: 'unknown action', inputs: { action: 'ship' }, expect: /action/ },
  { name: 'unknown router', inputs: canary('linkerd'), expect: /traffic/ },
  { name: 'router for rolling', inputs: { traffic: 'nginx' }, expect: /moves no traffic/ },
  { name: 'service router for canary', inputs: canary('service'), expect: /cannot drive/ },
  {
    name: 'replicas router for blue-green',
    inputs: { strategy: 'blue-green', traffic: 'replicas' },
    expect: /cannot drive/,
  },
  { name: 'steps for rolling', inputs: { steps: '- setWeight: 10' }, expect: /only to strategy 'canary'/ },
  { name: 'steps not a list', inputs: canary('replicas', { steps: 'setWeight: 10' }), expect: /YAML list/ },
  { name: 'weight above 100', inputs: canary('replicas', { steps: '- setWeight: 150' }), expect: /0 to 100/ },
  {
    name: 'weight not a number',
    inputs: canary('replicas', { steps: '- setWeight: ten' }),
    expect: /0 to 100/,
  },
  {
    name: 'fractional weight',
    inputs: canary('replicas', { steps: '- setWeight: 10.5' }),
    expect: /whole number/,
  },
  {
    name: 'bad pause duration',
    inputs: canary('replicas', { steps: '- pause: {duration: soon}' }),
    expect: /invalid duration/,
  },
  {
    name: 'unknown pause key',
    inputs: canary('replicas', { steps: '- pause: {until: 5m}' }),
    expect: /unknown key 'until'/,
  },
  {
    name: 'unknown step',
    inputs: canary('replicas', { steps: '- jump: 10' }),
    expect: /unknown step 'jump'/,
  },
  {
    name: 'two kinds in one step',
    inputs: canary('replicas', { steps: '- {setWeight: 10, pause: {}}' }),
    expect: /exactly one/,
  },
  { name: 'step is a number', inputs: canary('replicas', { steps: '- 42' }), expect: /must be a mapping/ },
  { name: 'steps YAML broken', inputs: canary('replicas', { steps: '- setWeight: [' }), expect: /steps/ },
  {
    name: 'header route without name',
    inputs: canary('nginx', { steps: '- setHeaderRoute: {header: x, value: y}' }),
    expect: /`name` is required/,
  },
  {
    name: 'header route without match',
    inputs: canary('nginx', { steps: '- setHeaderRoute: {name: a, header: x}' }),
    expect: /exactly one of value, prefix, regex/,
  },
  {
    name: 'header route bad regex',
    inputs: canary('nginx', { steps: '- setHeaderRoute: {name: a, header: x, regex: "("}' }),
    expect: /invalid regex/,
  },
  {
    name: 'header route unknown key',
    inputs: canary('nginx', { steps: '- setHeaderRoute: {name: a, header: x, value: y, color: red}' }),
    expect: /unknown key 'color'/,
  },
  {
    name: 'header route over replicas',
    inputs: canary('replicas', { steps: '- setHeaderRoute: {name: a, header: x, value: y}' }),
    expect: /matches headers/,
  },
  {
    name: 'header route over smi',
    inputs: canary('smi', { steps: '- setHeaderRoute: {name: a, header: x, value: y}' }),
    expect: /matches headers/,
  },
  {
    name: 'two nginx header routes at once',
    inputs: canary('nginx', {
      steps:
        '- setHeaderRoute: {name: a, header: x-a, value: "1"}\n- setHeaderRoute: {name: b, header: x-b, value: "1"}',
    }),
    files: WITH_INGRESS,
    expect: /2 header routes active at once.*at most 1/,
  },
  {
    name: 'analysis step without analysis',
    inputs: canary('replicas', { steps: '- analysis: {}' }),
    expect: /'analysis' is not set/,
  },
  {
    name: 'analysis step not a mapping',
    inputs: canary('replicas', { steps: '- analysis: 5' }),
    expect: /analysis must be/,
  },
  { name: 'metrics not a list', inputs: { analysis: 'metrics: 5' }, expect: /analysis/ },
  { name: 'analysis not a mapping', inputs: { analysis: '- a' }, expect: /analysis/ },
  {
    name: 'metric without name',
    inputs: { analysis: 'metrics:\n  - provider: web\n    url: http://x\n    successCondition: result == 1' },
    expect: /name/,
  },
  {
    name: 'unknown provider',
    inputs: { analysis: 'metrics:\n  - name: m\n    provider: datadog' },
    expect: /datadog/,
  },
  { name: 'prometheus without query', inputs: prom('threshold: {max: 1}'), expect: /`query` is required/ },
  {
    name: 'prometheus without prometheus-url',
    inputs: {
      analysis: 'metrics:\n  - name: e\n    provider: prometheus\n    query: up\n    threshold: {max: 1}',
    },
    expect: /prometheus-url/,
  },
  {
    name: 'web without url',
    inputs: { analysis: 'metrics:\n  - name: w\n    provider: web\n    successCondition: result == 1' },
    expect: /`url` is required/,
  },
  { name: 'web url not-a-url', inputs: web('url: not-a-url'), expect: /not-a-url' is not a URL/ },
  { name: 'web url ftp', inputs: web('url: ftp://example.test/health'), expect: /not an http/ },
  {
    name: 'web url with {{ingress}} and no ingress',
    inputs: web('url: "http://{{ingress}}/health"'),
    expect: /\{\{ingress\}\} has no value/,
  },
  { name: 'web url unknown placeholder', inputs: web('url: "http://x/{{nope}}"'), expect: /nope/ },
  {
    name: 'prometheus query unknown placeholder',
    inputs: prom('query: "up{app=\\"{{bogus}}\\"}"\n    threshold: {max: 1}'),
    expect: /bogus/,
  },
  {
    name: 'prometheus address without scheme',
    inputs: prom('query: up\n    address: "prometheus:9090"\n    threshold: {max: 1}'),
    expect: /address: .*not an http/,
  },
  {
    name: 'threshold min above max',
    inputs: prom('query: up\n    threshold: {min: 2, max: 1}'),
    expect: /above threshold.max/,
  },
  {
    name: 'threshold unknown key',
    inputs: prom('query: up\n    threshold: {avg: 1}'),
    expect: /unknown key 'avg'/,
  },
  {
    name: 'threshold not a mapping',
    inputs: prom('query: up\n    threshold: high'),
    expect: /threshold must be a mapping/,
  },
  { name: 'metric with nothing to judge', inputs: prom('query: up'), expect: /to judge the result/ },
  {
    name: 'metric interval not a duration',
    inputs: prom('query: up\n    threshold: {max: 1}\n    interval: often'),
    expect: /interval/,
  },
  {
    name: 'job metric without job',
    inputs: { analysis: 'metrics:\n  - name: j\n    provider: job' },
    expect: /`job`/,
  },
  { name: 'compare with web', inputs: web('url: http://x/\n    compare: baseline'), expect: /compare/ },
  { name: 'timeout not a duration', inputs: { timeout: 'forever' }, expect: /input 'timeout'/ },
  { name: 'timeout zero', inputs: { timeout: '0s' }, expect: /longer than 0/ },
  { name: 'lock-timeout not a duration', inputs: { 'lock-timeout': 'x' }, expect: /input 'lock-timeout'/ },
  { name: 'lease-duration zero', inputs: { 'lease-duration': '0s' }, expect: /input 'lease-duration'/ },
  {
    name: 'scale-down-delay not a duration',
    inputs: { 'scale-down-delay': 'soon' },
    expect: /input 'scale-down-delay'/,
  },
  {
    name: 'progress-deadline negative',
    inputs: { 'progress-deadline': '-5m' },
    expect: /input 'progress-deadline'/,
  },
  { name: 'max-surge not a number', inputs: { 'max-surge': 'lots' }, expect: /input 'max-surge'/ },
  {
    name: 'max-surge and max-unavailable 0',
    inputs: { 'max-surge': '0', 'max-unavailable': '0' },
    expect: /both be 0/,
  },
  { name: 'to-revision on deploy', inputs: { 'to-revision': '3' }, expect: /only to action 'rollback'/ },
  {
    name: 'to-revision zero',
    inputs: { action: 'rollback', 'to-revision': '0' },
    expect: /input 'to-revision'/,
  },
  { name: 'pr-number not a number', inputs: { 'pr-number': 'abc' }, expect: /input 'pr-number'/ },
  { name: 'name with capitals', inputs: { name: 'Web_App' }, expect: /invalid release name/ },
  { name: 'name too long', inputs: { name: 'a'.repeat(64) }, expect: /release name 'a{64}'.*at most 63/ },
  { name: 'namespace with capitals', inputs: { namespace: 'Prod' }, expect: /invalid namespace/ },
  { name: 'namespace too long', inputs: { namespace: 'n'.repeat(64) }, expect: /invalid namespace/ },
  { name: 'version with a space', inputs: { version: 'v 1' }, expect: /invalid version/ },
  {
    name: 'version-label with two slashes',
    inputs: { 'version-label': 'a/b/c' },
    expect: /invalid label key/,
  },
  {
    name: 'ingress name invalid',
    inputs: canary('nginx', { ingress: 'Bad_Name' }),
    expect: /invalid Ingress name/,
  },
  {
    name: 'route name invalid',
    inputs: canary('gateway-api', { route: 'UPPER' }),
    expect: /invalid HTTPRoute name/,
  },
  {
    name: 'virtual-service name invalid',
    inputs: canary('istio', { 'virtual-service': '-x' }),
    expect: /invalid VirtualService name/,
  },
  {
    name: 'traffic-split name invalid',
    inputs: canary('smi', { 'traffic-split': 'a..b' }),
    expect: /invalid TrafficSplit name/,
  },
  {
    name: 'preview-service on canary',
    inputs: canary('replicas', { 'preview-service': 'web-preview' }),
    expect: /only to strategy 'blue-green'/,
  },
  {
    name: 'preview-service invalid',
    inputs: { strategy: 'blue-green', 'preview-service': 'Bad' },
    expect: /invalid Service name/,
  },
  { name: 'auto-promote not a boolean', inputs: { 'auto-promote': 'maybe' }, expect: /input 'auto-promote'/ },
  { name: 'comment not a boolean', inputs: { comment: 'sometimes' }, expect: /input 'comment'/ },
  {
    name: 'rollback-on-failure not a boolean',
    inputs: { 'rollback-on-failure': 'y e s' },
    expect: /input 'rollback-on-failure'/,
  },
  { name: 'promote-full not a boolean', inputs: { 'promote-full': '2' }, expect: /input 'promote-full'/ },
  {
    name: 'versioned-config not a boolean',
    inputs: { 'versioned-config': 'perhaps' },
    expect: /input 'versioned-config'/,
  },
  {
    name: 'deployment-status not a boolean',
    inputs: { 'deployment-status': 'on?' },
    expect: /input 'deployment-status'/,
  },
  { name: 'prometheus-url without scheme', inputs: { 'prometheus-url': 'prom:9090' }, expect: /invalid URL/ },
  { name: 'environment-url not a URL', inputs: { 'environment-url': 'example' }, expect: /invalid URL/ },
  { name: 'image reference invalid', inputs: { images: 'UPPER/Case:tag' }, expect: /input 'images'/ },
  { name: 'image reference empty name', inputs: { images: ':nothing' }, expect: /input 'images'/ },
  { name: 'deploy without manifests', inputs: { manifests: '' }, expect: /required for action 'deploy'/ },
  { name: 'manifests file missing', inputs: { manifests: 'missing.yaml' }, expect: /does not exist/ },
  {
    name: 'manifests glob matching nothing',
    inputs: { manifests: 'k8s/*.yaml' },
    expect: /matches no files/,
  },
  {
    name: 'manifests directory without YAML',
    inputs: { manifests: 'docs' },
    files: { ...APP, 'docs/readme.txt': 'x' },
    expect: /holds no .yml or .yaml/,
  },
];

const huge = 'x'.repeat(600 * 1024);
const MANIFEST_ROWS: Row[] = [
  {
    name: 'empty manifests file',
    inputs: {},
    files: { 'app.yaml': '' },
    expect: /no Kubernetes objects in app\.yaml/,
  },
  {
    name: 'manifests file of comments',
    inputs: {},
    files: { 'app.yaml': '# nothing yet\n---\n' },
    expect: /no Kubernetes objects in app\.yaml/,
  },
  { name: 'invalid YAML', inputs: {}, files: { 'app.yaml': 'kind: [\n' }, expect: /invalid YAML/ },
  {
    name: 'object without kind',
    inputs: {},
    files: { 'app.yaml': 'apiVersion: v1\nmetadata: {name: x}\n' },
    expect: /kind/,
  },
  {
    name: 'object without name',
    inputs: {},
    files: { 'app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' },
    expect: /name/,
  },
  {
    name: 'object without apiVersion',
    inputs: {},
    files: { 'app.yaml': 'kind: ConfigMap\nmetadata: {name: x}\n' },
    expect: /apiVersion/,
  },
  { name: 'document is a list', inputs: {}, files: { 'app.yaml': '- a\n- b\n' }, expect: /app\.yaml/ },
  {
    name: 'duplicate Deployment',
    inputs: {},
    files: { 'app.yaml': yamlDocs([...appObjects(), DEPLOYMENT]) },
    expect: /app\.yaml:48: Deployment\/web in namespace default is defined twice: here and at app\.yaml:1/,
  },
  {
    name: 'duplicate Service',
    inputs: {},
    files: { 'app.yaml': yamlDocs([...appObjects(), SERVICE]) },
    expect: /Service\/web in namespace default is defined twice/,
  },
  {
    name: 'duplicate across files',
    inputs: { manifests: 'a.yaml\nb.yaml' },
    files: { 'a.yaml': yamlDocs(appObjects()), 'b.yaml': yamlDocs([DEPLOYMENT]) },
    expect: /b\.yaml:1.*defined twice: here and at a\.yaml:1/,
  },
  {
    name: 'state too large for a ConfigMap',
    inputs: {},
    files: {
      'app.yaml': yamlDocs([
        ...appObjects(),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'blob' }, data: { blob: huge } },
      ]),
    },
    expect: /would be about \d+ bytes, more than its ConfigMap holds.*ConfigMap\/blob/,
  },
  {
    name: 'server-side dry run rejects a field',
    inputs: {},
    files: {
      'app.yaml': yamlDocs([
        { ...DEPLOYMENT, spec: { ...view<DeploymentObject>(DEPLOYMENT as KubeObject).spec, replicas: -1 } },
        SERVICE,
      ]),
    },
    expect: /rejected by the API server/,
  },
];

const ROUTER_ROWS: Row[] = [
  {
    name: 'nginx canary without an Ingress',
    inputs: canary('nginx'),
    expect: /needs an Ingress: none is in the manifests.*input 'ingress'/,
  },
  {
    name: 'nginx canary naming a missing Ingress',
    inputs: canary('nginx', { ingress: 'shop' }),
    expect: /Ingress 'shop' is neither in the manifests nor in namespace default/,
  },
  {
    name: 'nginx blue-green without an Ingress',
    inputs: { strategy: 'blue-green', traffic: 'nginx' },
    expect: /needs an Ingress/,
  },
  { name: 'gateway-api without an HTTPRoute', inputs: canary('gateway-api'), expect: /needs an HTTPRoute/ },
  {
    name: 'gateway-api naming a missing HTTPRoute',
    inputs: canary('gateway-api', { route: 'shop' }),
    expect: /HTTPRoute 'shop' is neither/,
  },
  { name: 'istio without a VirtualService', inputs: canary('istio'), expect: /needs a VirtualService/ },
  {
    name: 'istio naming a missing VirtualService',
    inputs: canary('istio', { 'virtual-service': 'shop' }),
    expect: /VirtualService 'shop' is neither/,
  },
  {
    name: 'smi naming a missing TrafficSplit',
    inputs: canary('smi', { 'traffic-split': 'shop' }),
    expect: /TrafficSplit 'shop' is neither/,
  },
  {
    name: 'nginx canary without a Service',
    inputs: canary('nginx'),
    files: ONLY_DEPLOYMENT_AND_INGRESS,
    expect: /needs a Service/,
  },
  {
    name: 'service blue-green without a Service',
    inputs: { strategy: 'blue-green' },
    files: ONLY_DEPLOYMENT,
    expect: /needs a Service/,
  },
  {
    name: 'gateway-api with the route only in another kind',
    inputs: canary('gateway-api', { route: 'web' }),
    files: WITH_INGRESS,
    expect: /HTTPRoute 'web' is neither/,
  },
  {
    name: 'nginx canary with an HTTPRoute but no Ingress',
    inputs: canary('nginx'),
    files: WITH_ROUTE,
    expect: /needs an Ingress/,
  },
  {
    name: 'nginx canary naming an Ingress that exists only in the cluster',
    inputs: canary('nginx', { ingress: 'web' }),
    live: [appObjects({ ingress: true })[2]],
    expect: /Ingress 'web' exists in namespace default but is not in the manifests; add it to the manifests/,
  },
  {
    name: 'gateway-api naming an HTTPRoute that exists only in the cluster',
    inputs: canary('gateway-api', { route: 'web' }),
    live: [appObjects({ httpRoute: true })[2]],
    expect: /HTTPRoute 'web' exists in namespace default but is not in the manifests/,
  },
  {
    name: 'header route in a canary of StatefulSets (no router to match headers)',
    inputs: canary('nginx', { steps: '- setWeight: 50\n- setHeaderRoute: {name: a, header: x, value: y}' }),
    files: { 'app.yaml': yamlDocs([STATEFULSET, SERVICE, appObjects({ ingress: true })[2]]) },
    live: [STATEFULSET],
    expect: /input 'steps', app\.yaml:1: setHeaderRoute a: a canary of StatefulSets/,
  },
  {
    name: 'two problems at once',
    inputs: { ...canary('nginx'), ...web('url: not-a-url') },
    expect: /not-a-url[\s\S]*needs an Ingress|needs an Ingress[\s\S]*not-a-url/,
  },
];

const ACTION_ROWS: Row[] = [
  {
    name: 'rollback of an unknown release',
    inputs: { action: 'rollback', manifests: '', name: 'ghost' },
    expect: /no release named 'ghost' is recorded in namespace 'default'/,
  },
  {
    name: 'promote of an unknown release',
    inputs: { action: 'promote', manifests: '', name: 'ghost' },
    expect: /release ghost in namespace default is not recorded/,
  },
  {
    name: 'canary rollback of an unknown release',
    inputs: { action: 'rollback', strategy: 'canary', manifests: '', name: 'ghost' },
    expect: /no release named 'ghost'/,
  },
];

/** An app whose Deployment, Service and Ingress are all called `name`. */
const named = (name: string, more: object = {}) => ({
  'app.yaml': yamlDocs(appObjects({ name, ingress: true, ...more })),
});
/** The app `shop` (labels `app: shop`) with its Deployment, Service or Ingress renamed. */
function renamed(names: { deployment?: string; service?: string; ingress?: string }): object[] {
  const [deployment, service, ingress] = appObjects({ name: 'shop', ingress: true }) as KubeObject[];
  if (names.deployment) deployment.metadata.name = names.deployment;
  if (names.service) {
    service.metadata.name = names.service;
    view<IngressObject>(ingress).spec!.rules![0].http!.paths[0].backend.service!.name = names.service;
  }
  if (names.ingress) ingress.metadata.name = names.ingress;
  return [deployment, service, ingress];
}
/** The rows' Deployment already runs another image: a canary releases it as a copy. */
function running(objects: object[]): Pick<Row, 'files' | 'live'> {
  const live = structuredClone(objects[0]) as KubeObject;
  view<DeploymentObject>(live).spec.template.spec!.containers[0].image = 'registry.local:5000/acme/shop:v0';
  return { files: { 'app.yaml': yamlDocs(objects) }, live: [live] };
}
const long = (length: number, first = 'w') => `${first}${'x'.repeat(length - 1)}`;

const NAME_LIMIT_ROWS: Row[] = [
  {
    name: 'a 64-character workload name as the release name',
    inputs: {},
    files: named(long(64)),
    expect:
      /app\.yaml:1.*Deployment wx{63}: its name \(64 characters\) would be the release's name, which may have at most 63.*set the 'name' input/,
  },
  {
    name: 'a 57-character Service behind a router that adds <service>-canary',
    inputs: canary('nginx', { name: 'shop' }),
    ...running(renamed({ service: long(57, 's') })),
    expect:
      /app\.yaml:\d+.*Service sx{56}: its name has 57 characters, at most 56, because the release adds Service <name>-canary for traffic 'nginx'/,
  },
  {
    name: 'a 63-character Service in a blue-green over gateway-api',
    inputs: { strategy: 'blue-green', traffic: 'gateway-api', name: 'shop' },
    ...running([
      renamed({})[0],
      renamed({ service: long(63, 's') })[1],
      appObjects({ name: 'shop', httpRoute: true })[2],
    ]),
    expect: /Service sx{62}: its name has 63 characters, at most 56/,
  },
  {
    name: "a Deployment too long for its -canary copy and that copy's ReplicaSets",
    inputs: canary('replicas', { name: 'shop' }),
    ...running(renamed({ deployment: long(236) })),
    expect:
      /app\.yaml:1.*Deployment wx{235}: its name has 236 characters, at most 235, because the release adds Deployment <name>-canary, whose ReplicaSets/,
  },
  {
    name: 'a Deployment too long for its -green copy',
    inputs: { strategy: 'blue-green', name: 'shop' },
    ...running(renamed({ deployment: long(237) })),
    expect:
      /Deployment wx{236}: its name has 237 characters, at most 236, because the release adds Deployment <name>-green/,
  },
  {
    name: 'an Ingress too long for the canary Ingress',
    inputs: canary('nginx', { name: 'shop' }),
    ...running(renamed({ ingress: long(247, 'i') })),
    expect:
      /app\.yaml:\d+.*Ingress ix{246}: its name has 247 characters, at most 246, because the release adds Ingress <name>-canary/,
  },
];

const ROWS = [...INPUT_ROWS, ...MANIFEST_ROWS, ...ROUTER_ROWS, ...NAME_LIMIT_ROWS, ...ACTION_ROWS];

function workspaceWith(files: Files): string {
  const dir = mkdtempSync(join(tmpdir(), 'kr-bad-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function refusal(
  sim: SimCluster,
  inputs: Partial<Inputs>,
  files: Files,
  cluster: Cluster,
): Promise<Error> {
  let run: EngineRun;
  try {
    // Inputs and manifests are read before the engine runs: their errors are thrown here.
    run = await runEngine(
      sim,
      { manifests: 'app.yaml', version: 'v2', ...inputs },
      { workspace: workspaceWith(files), wrapCluster: () => cluster },
    );
  } catch (err) {
    return err as Error;
  }
  if (run.error) return run.error;
  // A refused promote is a failed result (main fails the step with its reason), not a throw.
  if (run.record?.result === 'failed' && run.record.rollbackReason)
    return new Error(run.record.rollbackReason);
  assert.fail(`the input was accepted: ${run.record?.result}`);
}

describe('bad inputs are refused before the first write', () => {
  let sim: SimCluster;
  let cluster: Cluster;
  before(async () => {
    sim = await startSimCluster({ controllers: false, rps: 0 });
    cluster = createCluster(loadKubeConfig({ kubeconfig: sim.kubeconfig, env: {} }), { minRetryDelayMs: 1 });
  });
  after(() => sim.stop());

  for (const row of ROWS) {
    it(row.name, async () => {
      const live = (row.live ?? []) as KubeObject[];
      for (const obj of live)
        sim.store.create({ ...obj, metadata: { ...obj.metadata, namespace: 'default' } });
      sim.resetStats();
      const err = await refusal(sim, row.inputs, row.files ?? APP, cluster).finally(() => {
        for (const o of live) sim.store.delete(o.apiVersion, o.kind, 'default', o.metadata.name!);
      });
      assert.match(err.message, row.expect);
      assert.match(err.message, NAMES_SOMETHING, 'the message names its input, file, release or server');
      assert.doesNotMatch(err.message, /^\s*at /m, 'no stack trace in the message');
      assert.equal(sim.stats().writes, 0, `writes: ${JSON.stringify(sim.stats().byVerb)}`);
    });
  }

  it('an unreachable API server is named with its context and cluster', async () => {
    const dead = createCluster(
      loadKubeConfig({
        kubeconfig: sim.kubeconfig.replace(/http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:1'),
        env: {},
      }),
      { minRetryDelayMs: 1, retries: 1 },
    );
    const err = await refusal(sim, {}, APP, dead);
    assert.match(
      err.message,
      /could not reach the Kubernetes API server http:\/\/127\.0\.0\.1:1 \(context "sim", cluster "sim"\) for GET \/.* after 2 attempts: .*ECONNREFUSED/,
    );
  });

  it('an outage of dropped connections says what was being done against which server', async () => {
    sim.resetStats();
    sim.faults.outage({ durationMs: 60_000, mode: 'reset' });
    try {
      const err = await refusal(
        sim,
        {},
        APP,
        createCluster(loadKubeConfig({ kubeconfig: sim.kubeconfig, env: {} }), {
          minRetryDelayMs: 1,
          retries: 2,
        }),
      );
      assert.match(
        err.message,
        new RegExp(
          `could not reach the Kubernetes API server ${sim.url} \\(context "sim", cluster "sim"\\) for GET /\\S+ after 3 attempts: socket hang up`,
        ),
      );
      assert.equal(sim.stats().writes, 0);
    } finally {
      sim.faults.endOutage();
    }
  });
});
