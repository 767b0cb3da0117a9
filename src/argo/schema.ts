/**
 * The fields of Argo Rollouts' objects (their JSON names, from pkg/apis/rollouts/v1alpha1 types.go
 * and analysis_types.go), each marked with what kube-rollout does with it: translated (no mark),
 * refused with a reason, or accepted and ignored with a note. Subtrees that are Kubernetes' own
 * types (the pod template, selectors, a Job spec) are `open`: the API server validates them.
 */

export interface FieldSpec {
  /** A mapping: its known keys. */
  fields?: Record<string, FieldSpec>;
  /** A list: the spec of each item. */
  items?: FieldSpec;
  /** Not checked below this point. */
  open?: true;
  /** Known to Argo but not supported here: the reason, said in the refusal. */
  refuse?: string;
  /** Known to Argo and accepted without effect: the note said in the log. */
  ignore?: string;
}

const LEAF: FieldSpec = {};
const OPEN: FieldSpec = { open: true };
const obj = (fields: Record<string, FieldSpec>, marks: Omit<FieldSpec, 'fields'> = {}): FieldSpec => ({
  fields,
  ...marks,
});
const list = (items: FieldSpec, marks: Omit<FieldSpec, 'items'> = {}): FieldSpec => ({ items, ...marks });
const refuse = (reason: string): FieldSpec => ({ refuse: reason, open: true });
const ignore = (note: string): FieldSpec => ({ ignore: note, open: true });

const ANALYSIS_RUN_METADATA = ignore(
  'analysisRunMetadata labels an AnalysisRun; kube-rollout creates none (results go to the report)',
);
const MEASUREMENT_RETENTION = ignore('measurementRetention: every measurement is kept in the release record');

const ARGUMENT_VALUE_FROM = obj({
  podTemplateHashValue: LEAF,
  fieldRef: obj({ fieldPath: LEAF }),
});

/** A Rollout's reference to analysis: canary.analysis, an analysis step, pre/post-promotion. */
const ROLLOUT_ANALYSIS_FIELDS: Record<string, FieldSpec> = {
  templates: list(obj({ templateName: LEAF, clusterScope: LEAF })),
  // The single-template form of older Argo releases: read as templates: [{templateName}].
  templateName: LEAF,
  args: list(obj({ name: LEAF, value: LEAF, valueFrom: ARGUMENT_VALUE_FROM })),
  dryRun: list(obj({ metricName: LEAF })),
  measurementRetention: MEASUREMENT_RETENTION,
  analysisRunMetadata: ANALYSIS_RUN_METADATA,
};
const ROLLOUT_ANALYSIS = obj(ROLLOUT_ANALYSIS_FIELDS);

const STRING_MATCH = obj({ exact: LEAF, prefix: LEAF, regex: LEAF });

const CANARY_STEP = obj({
  setWeight: LEAF,
  pause: obj({ duration: LEAF }),
  analysis: ROLLOUT_ANALYSIS,
  setCanaryScale: obj({ weight: LEAF, replicas: LEAF, matchTrafficWeight: LEAF }),
  setHeaderRoute: obj({ name: LEAF, match: list(obj({ headerName: LEAF, headerValue: STRING_MATCH })) }),
  experiment: refuse('experiments (extra ReplicaSets beside the canary) are not supported'),
  setMirrorRoute: refuse('mirrored traffic is not supported by any router of kube-rollout'),
  plugin: refuse('step plugins run inside the Argo controller'),
});

const NO_MESH = (name: string) =>
  refuse(`kube-rollout does not route traffic through ${name} (it routes nginx, istio and smi)`);

const TRAFFIC_ROUTING = obj({
  nginx: obj({
    stableIngress: LEAF,
    stableIngresses: list(LEAF),
    annotationPrefix: LEAF,
    additionalIngressAnnotations: refuse(
      'extra annotations on the canary Ingress are not supported (use a header route step for canary-by-header)',
    ),
    canaryIngressAnnotations: refuse('extra annotations on the canary Ingress are not supported'),
  }),
  istio: obj({
    virtualService: obj({ name: LEAF, routes: list(LEAF), tlsRoutes: OPEN, tcpRoutes: OPEN }),
    virtualServices: list(obj({ name: LEAF, routes: list(LEAF), tlsRoutes: OPEN, tcpRoutes: OPEN })),
    destinationRule: obj({ name: LEAF, canarySubsetName: LEAF, stableSubsetName: LEAF }),
  }),
  smi: obj({ rootService: LEAF, trafficSplitName: LEAF }),
  alb: NO_MESH('the AWS Load Balancer Controller'),
  ambassador: NO_MESH('Ambassador'),
  appMesh: NO_MESH('AWS App Mesh'),
  traefik: NO_MESH('Traefik'),
  apisix: NO_MESH('APISIX'),
  plugins: refuse('traffic router plugins run inside the Argo controller'),
  managedRoutes: list(obj({ name: LEAF })),
  maxTrafficWeight: LEAF,
});

const ANTI_AFFINITY = refuse(
  'anti-affinity between the versions is not added; set affinity in the pod template instead',
);

const CANARY = obj({
  canaryService: LEAF,
  stableService: LEAF,
  steps: list(CANARY_STEP),
  trafficRouting: TRAFFIC_ROUTING,
  maxUnavailable: LEAF,
  maxSurge: LEAF,
  analysis: obj({ ...ROLLOUT_ANALYSIS_FIELDS, startingStep: LEAF }),
  antiAffinity: ANTI_AFFINITY,
  canaryMetadata: refuse('labels and annotations only on canary pods are not supported'),
  stableMetadata: refuse('labels and annotations only on stable pods are not supported'),
  scaleDownDelaySeconds: LEAF,
  scaleDownDelayRevisionLimit: ignore('scaleDownDelayRevisionLimit: the copy is removed after promotion'),
  abortScaleDownDelaySeconds: ignore('abortScaleDownDelaySeconds: a rollback removes the copy at once'),
  dynamicStableScale: LEAF,
  pingPong: refuse(
    'ping-pong Services are not supported (the Service pair is <service> and <service>-canary)',
  ),
  minPodsPerReplicaSet: refuse('minPodsPerReplicaSet is not supported'),
  replicaProgressThreshold: refuse('replicaProgressThreshold is not supported: every new pod must be ready'),
});

const BLUE_GREEN = obj({
  activeService: LEAF,
  previewService: LEAF,
  previewReplicaCount: refuse('the new version always runs at full size before the switch'),
  autoPromotionEnabled: LEAF,
  autoPromotionSeconds: LEAF,
  maxUnavailable: ignore('blueGreen.maxUnavailable: the new version runs beside the old one at full size'),
  scaleDownDelaySeconds: LEAF,
  scaleDownDelayRevisionLimit: ignore(
    'scaleDownDelayRevisionLimit: the old version is removed after promotion',
  ),
  prePromotionAnalysis: ROLLOUT_ANALYSIS,
  postPromotionAnalysis: ROLLOUT_ANALYSIS,
  antiAffinity: ANTI_AFFINITY,
  previewMetadata: refuse('labels and annotations only on preview pods are not supported'),
  activeMetadata: refuse('labels and annotations only on active pods are not supported'),
  abortScaleDownDelaySeconds: ignore(
    'abortScaleDownDelaySeconds: a rollback removes the new version at once',
  ),
});

export const ROLLOUT_SCHEMA = obj({
  apiVersion: LEAF,
  kind: LEAF,
  metadata: OPEN,
  spec: obj({
    replicas: LEAF,
    selector: OPEN,
    template: OPEN,
    workloadRef: refuse(
      'a Rollout that points at a Deployment (workloadRef): release that Deployment instead',
    ),
    minReadySeconds: LEAF,
    rollbackWindow: ignore('rollbackWindow: rollback returns to the stable version (or `to-revision`)'),
    strategy: obj({ blueGreen: BLUE_GREEN, canary: CANARY }),
    revisionHistoryLimit: LEAF,
    paused: LEAF,
    progressDeadlineSeconds: LEAF,
    progressDeadlineAbort: ignore(
      'progressDeadlineAbort: a release past its progress deadline is always rolled back',
    ),
    restartAt: refuse('restartAt (a scheduled restart) is not supported'),
    analysis: ignore('spec.analysis run history limits: kube-rollout keeps no AnalysisRuns'),
  }),
  status: ignore('status is written by the Argo controller'),
});

const METRIC_HEADERS = list(obj({ key: LEAF, value: LEAF }));
const NO_PROVIDER = (name: string) =>
  refuse(`metric provider ${name} is not supported (providers: prometheus, web, job)`);

const METRIC = obj({
  name: LEAF,
  interval: LEAF,
  initialDelay: LEAF,
  count: LEAF,
  successCondition: LEAF,
  failureCondition: LEAF,
  failureLimit: LEAF,
  inconclusiveLimit: LEAF,
  consecutiveErrorLimit: LEAF,
  consecutiveSuccessLimit: refuse('consecutiveSuccessLimit is not supported (use count and failureLimit)'),
  provider: obj({
    prometheus: obj({
      address: LEAF,
      query: LEAF,
      authentication: refuse('Prometheus authentication (sigv4, oauth2) is not supported; use headers'),
      timeout: LEAF,
      insecure: LEAF,
      headers: METRIC_HEADERS,
      rangeQuery: refuse('range queries are not supported (use a range vector in the query)'),
    }),
    web: obj({
      method: LEAF,
      url: LEAF,
      headers: METRIC_HEADERS,
      body: LEAF,
      timeoutSeconds: LEAF,
      jsonPath: LEAF,
      insecure: LEAF,
      jsonBody: OPEN,
      authentication: refuse('web authentication (oauth2) is not supported; use headers'),
    }),
    job: obj({ metadata: OPEN, spec: OPEN }),
    kayenta: NO_PROVIDER('kayenta'),
    datadog: NO_PROVIDER('datadog'),
    wavefront: NO_PROVIDER('wavefront'),
    newRelic: NO_PROVIDER('newRelic'),
    cloudWatch: NO_PROVIDER('cloudWatch'),
    graphite: NO_PROVIDER('graphite'),
    influxdb: NO_PROVIDER('influxdb'),
    skywalking: NO_PROVIDER('skywalking'),
    plugin: NO_PROVIDER('plugin'),
  }),
});

export const ANALYSIS_TEMPLATE_SCHEMA = obj({
  apiVersion: LEAF,
  kind: LEAF,
  metadata: OPEN,
  spec: obj({
    metrics: list(METRIC),
    args: list(
      obj({
        name: LEAF,
        value: LEAF,
        valueFrom: obj({
          secretKeyRef: refuse(
            'arguments from Secrets are not supported (the action reads no Secrets for metrics)',
          ),
          fieldRef: refuse(
            'fieldRef in a template argument is not supported; pass the value from the Rollout',
          ),
        }),
      }),
    ),
    dryRun: list(obj({ metricName: LEAF })),
    measurementRetention: MEASUREMENT_RETENTION,
    templates: refuse('templates that include other templates are not supported'),
  }),
});
