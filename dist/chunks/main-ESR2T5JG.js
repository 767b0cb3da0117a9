import { createRequire as __krCreateRequire } from 'node:module'; const require = __krCreateRequire(import.meta.url);
import {
  mainStepState
} from "./chunk-JMKURI7G.js";
import {
  ExitCode,
  InputError,
  InputErrors,
  MAX_RELEASE_NAME,
  annotationAt,
  canaryServiceName,
  checkCondition,
  checkReferences,
  createLogger,
  createRedactor,
  createReporters,
  credentialValues,
  deploy,
  describeChanges,
  dryRunAll,
  error,
  getInput,
  helmTemplate,
  holderId,
  info,
  inputsForLoading,
  inputsForReport,
  isUnchanged,
  loadCluster,
  loadManifests,
  loadReleaseState,
  parseRendered,
  problemsOf,
  promote,
  providerTable,
  readCanaryScale,
  readConfig,
  readGitHubContext,
  readInputs,
  readLive,
  redactRecord,
  refOf,
  releaseName,
  renderManifests,
  renderPlanReport,
  reportStoppedRun,
  rollback,
  saveState,
  secretValuesOf,
  setFailed,
  setOutput,
  specOf,
  status,
  stepLabel,
  strategyFor,
  summary,
  tryParseDuration,
  valueAt,
  versionOf,
  view,
  warning,
  workloadKey
} from "./chunk-ACLZ2DZX.js";
import "./chunk-ALNII3A7.js";
import {
  __commonJS,
  __toESM
} from "./chunk-2G5UZ7J5.js";

// node_modules/fastest-levenshtein/mod.js
var require_mod = __commonJS({
  "node_modules/fastest-levenshtein/mod.js"(exports) {
    "use strict";
    exports.__esModule = true;
    exports.distance = exports.closest = void 0;
    var peq = new Uint32Array(65536);
    var myers_32 = function(a, b) {
      var n = a.length;
      var m = b.length;
      var lst = 1 << n - 1;
      var pv = -1;
      var mv = 0;
      var sc = n;
      var i = n;
      while (i--) {
        peq[a.charCodeAt(i)] |= 1 << i;
      }
      for (i = 0; i < m; i++) {
        var eq = peq[b.charCodeAt(i)];
        var xv = eq | mv;
        eq |= (eq & pv) + pv ^ pv;
        mv |= ~(eq | pv);
        pv &= eq;
        if (mv & lst) {
          sc++;
        }
        if (pv & lst) {
          sc--;
        }
        mv = mv << 1 | 1;
        pv = pv << 1 | ~(xv | mv);
        mv &= xv;
      }
      i = n;
      while (i--) {
        peq[a.charCodeAt(i)] = 0;
      }
      return sc;
    };
    var myers_x = function(b, a) {
      var n = a.length;
      var m = b.length;
      var mhc = [];
      var phc = [];
      var hsize = Math.ceil(n / 32);
      var vsize = Math.ceil(m / 32);
      for (var i = 0; i < hsize; i++) {
        phc[i] = -1;
        mhc[i] = 0;
      }
      var j = 0;
      for (; j < vsize - 1; j++) {
        var mv_1 = 0;
        var pv_1 = -1;
        var start_1 = j * 32;
        var vlen_1 = Math.min(32, m) + start_1;
        for (var k = start_1; k < vlen_1; k++) {
          peq[b.charCodeAt(k)] |= 1 << k;
        }
        for (var i = 0; i < n; i++) {
          var eq = peq[a.charCodeAt(i)];
          var pb = phc[i / 32 | 0] >>> i & 1;
          var mb = mhc[i / 32 | 0] >>> i & 1;
          var xv = eq | mv_1;
          var xh = ((eq | mb) & pv_1) + pv_1 ^ pv_1 | eq | mb;
          var ph = mv_1 | ~(xh | pv_1);
          var mh = pv_1 & xh;
          if (ph >>> 31 ^ pb) {
            phc[i / 32 | 0] ^= 1 << i;
          }
          if (mh >>> 31 ^ mb) {
            mhc[i / 32 | 0] ^= 1 << i;
          }
          ph = ph << 1 | pb;
          mh = mh << 1 | mb;
          pv_1 = mh | ~(xv | ph);
          mv_1 = ph & xv;
        }
        for (var k = start_1; k < vlen_1; k++) {
          peq[b.charCodeAt(k)] = 0;
        }
      }
      var mv = 0;
      var pv = -1;
      var start = j * 32;
      var vlen = Math.min(32, m - start) + start;
      for (var k = start; k < vlen; k++) {
        peq[b.charCodeAt(k)] |= 1 << k;
      }
      var score = m;
      for (var i = 0; i < n; i++) {
        var eq = peq[a.charCodeAt(i)];
        var pb = phc[i / 32 | 0] >>> i & 1;
        var mb = mhc[i / 32 | 0] >>> i & 1;
        var xv = eq | mv;
        var xh = ((eq | mb) & pv) + pv ^ pv | eq | mb;
        var ph = mv | ~(xh | pv);
        var mh = pv & xh;
        score += ph >>> m - 1 & 1;
        score -= mh >>> m - 1 & 1;
        if (ph >>> 31 ^ pb) {
          phc[i / 32 | 0] ^= 1 << i;
        }
        if (mh >>> 31 ^ mb) {
          mhc[i / 32 | 0] ^= 1 << i;
        }
        ph = ph << 1 | pb;
        mh = mh << 1 | mb;
        pv = mh | ~(xv | ph);
        mv = ph & xv;
      }
      for (var k = start; k < vlen; k++) {
        peq[b.charCodeAt(k)] = 0;
      }
      return score;
    };
    var distance2 = function(a, b) {
      if (a.length < b.length) {
        var tmp = b;
        b = a;
        a = tmp;
      }
      if (b.length === 0) {
        return a.length;
      }
      if (a.length <= 32) {
        return myers_32(a, b);
      }
      return myers_x(a, b);
    };
    exports.distance = distance2;
    var closest2 = function(str, arr) {
      var min_distance = Infinity;
      var min_index = 0;
      for (var i = 0; i < arr.length; i++) {
        var dist = distance2(str, arr[i]);
        if (dist < min_distance) {
          min_distance = dist;
          min_index = i;
        }
      }
      return arr[min_index];
    };
    exports.closest = closest2;
  }
});

// src/engine/actions/plan.ts
async function planRelease(deps) {
  const { config, cluster } = deps;
  const manifests = deps.manifests;
  if (!manifests) throw new Error("action 'plan' needs the 'manifests' input");
  const name = releaseName(config, manifests);
  const live = await readLive(
    cluster,
    manifests.workloads.map((w) => w.object)
  );
  const plan = strategyFor(config.strategy).plan(config, manifests, { workloads: live });
  const overrides = new Map(manifests.workloads.map((w, i) => [w, plan.workloads[i]]));
  const results = await dryRunAll(cluster, manifests.objects, overrides);
  const changes = [];
  for (const { source, result } of results) {
    const desired = result ?? overrides.get(source) ?? source.object;
    const current = await cluster.get(refOf(desired));
    const base = {
      kind: desired.kind,
      name: desired.metadata.name ?? "",
      namespace: desired.metadata.namespace ?? ""
    };
    if (!current) {
      changes.push({ ...base, change: "added", details: describeAdded(desired) });
    } else if (isUnchanged(current, desired)) {
      changes.push({ ...base, change: "unchanged", details: [] });
    } else {
      changes.push({ ...base, change: "changed", details: describeChanges(current, desired) });
    }
  }
  const previous = await loadReleaseState(cluster, config.namespace, name).catch(() => void 0);
  const keys = new Set(manifests.objects.map((o) => workloadKey(o.object)));
  for (const old of previous?.state.rendered ?? []) {
    if (!keys.has(workloadKey(old))) {
      changes.push({
        kind: old.kind,
        name: old.metadata.name ?? "",
        namespace: old.metadata.namespace ?? "",
        change: "removed",
        details: ["no longer in the manifests (kube-rollout leaves it in the cluster)"]
      });
    }
  }
  const firstLive = live.get(workloadKey(manifests.workloads[0].object));
  const from = versionOf(firstLive, config.versionLabel);
  return {
    name,
    strategy: config.strategy,
    ...from !== void 0 ? { fromVersion: from } : {},
    toVersion: manifests.version,
    changes,
    steps: plan.steps.map((s) => stepLabel(s))
  };
}
function describeAdded(obj2) {
  const spec = specOf(obj2);
  const images = [...spec?.template?.spec?.containers ?? []].map((c) => `image ${c.name}: ${c.image}`);
  if (spec?.replicas !== void 0) images.push(`replicas: ${spec.replicas}`);
  return images;
}

// src/argo/rollout.ts
var SHARED_SPEC_FIELDS = [
  "replicas",
  "selector",
  "template",
  "minReadySeconds",
  "revisionHistoryLimit",
  "progressDeadlineSeconds"
];
function deploymentOf(src) {
  const rollout = src.sourced.object;
  const spec = view(rollout).spec ?? {};
  if (!spec.template)
    src.fail(["spec"], "spec.template is required (a Rollout with workloadRef is not supported)");
  if (!spec.selector) src.fail(["spec"], "spec.selector is required");
  if (spec.paused === true)
    src.fail(
      ["spec", "paused"],
      "paused: true is not supported: pause with a `pause: {}` step (or blue-green autoPromotionEnabled: false)"
    );
  const { name, namespace, labels, annotations } = rollout.metadata;
  const deploymentSpec = {};
  for (const key of SHARED_SPEC_FIELDS)
    if (spec[key] !== void 0) deploymentSpec[key] = structuredClone(spec[key]);
  const canary = spec.strategy?.canary;
  if (canary && (canary.maxSurge !== void 0 || canary.maxUnavailable !== void 0)) {
    deploymentSpec.strategy = {
      type: "RollingUpdate",
      rollingUpdate: {
        ...canary.maxSurge !== void 0 ? { maxSurge: canary.maxSurge } : {},
        ...canary.maxUnavailable !== void 0 ? { maxUnavailable: canary.maxUnavailable } : {}
      }
    };
  }
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      ...namespace ? { namespace } : {},
      ...labels ? { labels: { ...labels } } : {},
      ...annotations ? { annotations: { ...annotations } } : {}
    },
    spec: deploymentSpec
  };
}

// src/argo/schema.ts
var LEAF = {};
var OPEN = { open: true };
var obj = (fields, marks = {}) => ({
  fields,
  ...marks
});
var list = (items, marks = {}) => ({ items, ...marks });
var refuse = (reason) => ({ refuse: reason, open: true });
var ignore = (note) => ({ ignore: note, open: true });
var ANALYSIS_RUN_METADATA = ignore(
  "analysisRunMetadata labels an AnalysisRun; kube-rollout creates none (results go to the report)"
);
var MEASUREMENT_RETENTION = ignore("measurementRetention: every measurement is kept in the release record");
var ARGUMENT_VALUE_FROM = obj({
  podTemplateHashValue: LEAF,
  fieldRef: obj({ fieldPath: LEAF })
});
var ROLLOUT_ANALYSIS_FIELDS = {
  templates: list(obj({ templateName: LEAF, clusterScope: LEAF })),
  // The single-template form of older Argo releases: read as templates: [{templateName}].
  templateName: LEAF,
  args: list(obj({ name: LEAF, value: LEAF, valueFrom: ARGUMENT_VALUE_FROM })),
  dryRun: list(obj({ metricName: LEAF })),
  measurementRetention: MEASUREMENT_RETENTION,
  analysisRunMetadata: ANALYSIS_RUN_METADATA
};
var ROLLOUT_ANALYSIS = obj(ROLLOUT_ANALYSIS_FIELDS);
var STRING_MATCH = obj({ exact: LEAF, prefix: LEAF, regex: LEAF });
var CANARY_STEP = obj({
  setWeight: LEAF,
  pause: obj({ duration: LEAF }),
  analysis: ROLLOUT_ANALYSIS,
  setCanaryScale: obj({ weight: LEAF, replicas: LEAF, matchTrafficWeight: LEAF }),
  setHeaderRoute: obj({ name: LEAF, match: list(obj({ headerName: LEAF, headerValue: STRING_MATCH })) }),
  experiment: refuse("experiments (extra ReplicaSets beside the canary) are not supported"),
  setMirrorRoute: refuse("mirrored traffic is not supported by any router of kube-rollout"),
  plugin: refuse("step plugins run inside the Argo controller")
});
var NO_MESH = (name) => refuse(`kube-rollout does not route traffic through ${name} (it routes nginx, istio and smi)`);
var TRAFFIC_ROUTING = obj({
  nginx: obj({
    stableIngress: LEAF,
    stableIngresses: list(LEAF),
    annotationPrefix: LEAF,
    additionalIngressAnnotations: refuse(
      "extra annotations on the canary Ingress are not supported (use a header route step for canary-by-header)"
    ),
    canaryIngressAnnotations: refuse("extra annotations on the canary Ingress are not supported")
  }),
  istio: obj({
    virtualService: obj({ name: LEAF, routes: list(LEAF), tlsRoutes: OPEN, tcpRoutes: OPEN }),
    virtualServices: list(obj({ name: LEAF, routes: list(LEAF), tlsRoutes: OPEN, tcpRoutes: OPEN })),
    destinationRule: obj({ name: LEAF, canarySubsetName: LEAF, stableSubsetName: LEAF })
  }),
  smi: obj({ rootService: LEAF, trafficSplitName: LEAF }),
  alb: NO_MESH("the AWS Load Balancer Controller"),
  ambassador: NO_MESH("Ambassador"),
  appMesh: NO_MESH("AWS App Mesh"),
  traefik: NO_MESH("Traefik"),
  apisix: NO_MESH("APISIX"),
  plugins: refuse("traffic router plugins run inside the Argo controller"),
  managedRoutes: list(obj({ name: LEAF })),
  maxTrafficWeight: LEAF
});
var ANTI_AFFINITY = refuse(
  "anti-affinity between the versions is not added; set affinity in the pod template instead"
);
var CANARY = obj({
  canaryService: LEAF,
  stableService: LEAF,
  steps: list(CANARY_STEP),
  trafficRouting: TRAFFIC_ROUTING,
  maxUnavailable: LEAF,
  maxSurge: LEAF,
  analysis: obj({ ...ROLLOUT_ANALYSIS_FIELDS, startingStep: LEAF }),
  antiAffinity: ANTI_AFFINITY,
  canaryMetadata: refuse("labels and annotations only on canary pods are not supported"),
  stableMetadata: refuse("labels and annotations only on stable pods are not supported"),
  scaleDownDelaySeconds: LEAF,
  scaleDownDelayRevisionLimit: ignore("scaleDownDelayRevisionLimit: the copy is removed after promotion"),
  abortScaleDownDelaySeconds: ignore("abortScaleDownDelaySeconds: a rollback removes the copy at once"),
  dynamicStableScale: LEAF,
  pingPong: refuse(
    "ping-pong Services are not supported (the Service pair is <service> and <service>-canary)"
  ),
  minPodsPerReplicaSet: refuse("minPodsPerReplicaSet is not supported"),
  replicaProgressThreshold: refuse("replicaProgressThreshold is not supported: every new pod must be ready")
});
var BLUE_GREEN = obj({
  activeService: LEAF,
  previewService: LEAF,
  previewReplicaCount: refuse("the new version always runs at full size before the switch"),
  autoPromotionEnabled: LEAF,
  autoPromotionSeconds: LEAF,
  maxUnavailable: ignore("blueGreen.maxUnavailable: the new version runs beside the old one at full size"),
  scaleDownDelaySeconds: LEAF,
  scaleDownDelayRevisionLimit: ignore(
    "scaleDownDelayRevisionLimit: the old version is removed after promotion"
  ),
  prePromotionAnalysis: ROLLOUT_ANALYSIS,
  postPromotionAnalysis: ROLLOUT_ANALYSIS,
  antiAffinity: ANTI_AFFINITY,
  previewMetadata: refuse("labels and annotations only on preview pods are not supported"),
  activeMetadata: refuse("labels and annotations only on active pods are not supported"),
  abortScaleDownDelaySeconds: ignore(
    "abortScaleDownDelaySeconds: a rollback removes the new version at once"
  )
});
var ROLLOUT_SCHEMA = obj({
  apiVersion: LEAF,
  kind: LEAF,
  metadata: OPEN,
  spec: obj({
    replicas: LEAF,
    selector: OPEN,
    template: OPEN,
    workloadRef: refuse(
      "a Rollout that points at a Deployment (workloadRef): release that Deployment instead"
    ),
    minReadySeconds: LEAF,
    rollbackWindow: ignore("rollbackWindow: rollback returns to the stable version (or `to-revision`)"),
    strategy: obj({ blueGreen: BLUE_GREEN, canary: CANARY }),
    revisionHistoryLimit: LEAF,
    paused: LEAF,
    progressDeadlineSeconds: LEAF,
    progressDeadlineAbort: ignore(
      "progressDeadlineAbort: a release past its progress deadline is always rolled back"
    ),
    restartAt: refuse("restartAt (a scheduled restart) is not supported"),
    analysis: ignore("spec.analysis run history limits: kube-rollout keeps no AnalysisRuns")
  }),
  status: ignore("status is written by the Argo controller")
});
var METRIC_HEADERS = list(obj({ key: LEAF, value: LEAF }));
var NO_PROVIDER = (name) => refuse(`metric provider ${name} is not supported (providers: prometheus, web, job)`);
var METRIC = obj({
  name: LEAF,
  interval: LEAF,
  initialDelay: LEAF,
  count: LEAF,
  successCondition: LEAF,
  failureCondition: LEAF,
  failureLimit: LEAF,
  inconclusiveLimit: LEAF,
  consecutiveErrorLimit: LEAF,
  consecutiveSuccessLimit: refuse("consecutiveSuccessLimit is not supported (use count and failureLimit)"),
  provider: obj({
    prometheus: obj({
      address: LEAF,
      query: LEAF,
      authentication: refuse("Prometheus authentication (sigv4, oauth2) is not supported; use headers"),
      timeout: LEAF,
      insecure: LEAF,
      headers: METRIC_HEADERS,
      rangeQuery: refuse("range queries are not supported (use a range vector in the query)")
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
      authentication: refuse("web authentication (oauth2) is not supported; use headers")
    }),
    job: obj({ metadata: OPEN, spec: OPEN }),
    kayenta: NO_PROVIDER("kayenta"),
    datadog: NO_PROVIDER("datadog"),
    wavefront: NO_PROVIDER("wavefront"),
    newRelic: NO_PROVIDER("newRelic"),
    cloudWatch: NO_PROVIDER("cloudWatch"),
    graphite: NO_PROVIDER("graphite"),
    influxdb: NO_PROVIDER("influxdb"),
    skywalking: NO_PROVIDER("skywalking"),
    plugin: NO_PROVIDER("plugin")
  })
});
var ANALYSIS_TEMPLATE_SCHEMA = obj({
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
            "arguments from Secrets are not supported (the action reads no Secrets for metrics)"
          ),
          fieldRef: refuse(
            "fieldRef in a template argument is not supported; pass the value from the Rollout"
          )
        })
      })
    ),
    dryRun: list(obj({ metricName: LEAF })),
    measurementRetention: MEASUREMENT_RETENTION,
    templates: refuse("templates that include other templates are not supported")
  })
});

// src/argo/source.ts
var ArgoSource = class {
  constructor(sourced, findings) {
    this.sourced = sourced;
    this.findings = findings;
  }
  sourced;
  findings;
  /** `Rollout web`. */
  get label() {
    return `${this.sourced.object.kind} ${this.sourced.object.metadata.name}`;
  }
  /** The line of `path` in the manifest (the document's own line when it is not known). */
  lineOf(path2) {
    for (let n = path2.length; n > 0; n--) {
      const line = this.sourced.lineOf?.(path2.slice(0, n));
      if (line !== void 0) return line;
    }
    return this.sourced.line;
  }
  where(path2) {
    const line = this.lineOf(path2);
    return { input: "manifests", file: this.sourced.file, ...line !== void 0 ? { line } : {} };
  }
  /** `<file>:<line>` of a field, for messages that name it beside an input. */
  at(path2) {
    const line = this.lineOf(path2);
    return line !== void 0 ? `${this.sourced.file}:${line}` : this.sourced.file;
  }
  fail(path2, message) {
    this.findings.errors.push(new InputError(`${this.label}: ${message}`, this.where(path2)));
    return void 0;
  }
  note(message) {
    this.findings.notes.push(`${this.label}: ${message}`);
  }
  /** The value at `path` of the object. */
  get(path2) {
    return valueAt(this.sourced.object, path2);
  }
};

// src/argo/strict.ts
var import_fastest_levenshtein = __toESM(require_mod(), 1);
function checkFields(src, schema) {
  walk(src, src.sourced.object, schema, []);
}
function walk(src, value, spec, path2) {
  if (spec.open || value === null || value === void 0) return;
  if (spec.items) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(src, item, spec.items, [...path2, i]));
    return;
  }
  if (!spec.fields || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const known = spec.fields[key];
    const at2 = [...path2, key];
    if (!known) {
      src.fail(at2, `unknown field "${dotted(at2)}"${suggestion(key, Object.keys(spec.fields))}`);
      continue;
    }
    if (known.refuse && child !== null && child !== false) src.fail(at2, `${dotted(at2)}: ${known.refuse}`);
    else if (known.ignore && child !== null) src.note(`${dotted(at2)} is ignored: ${known.ignore}`);
    walk(src, child, known, at2);
  }
}
function dotted(path2) {
  return path2.reduce(
    (text, part) => typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${part}` : part,
    ""
  );
}
function suggestion(key, known) {
  const sameLetters = known.find((k) => k.toLowerCase() === key.toLowerCase());
  const near = sameLetters ?? (0, import_fastest_levenshtein.closest)(key, known);
  if (!near) return "";
  const allowed = Math.max(1, Math.min(2, Math.floor(key.length / 3)));
  return sameLetters || (0, import_fastest_levenshtein.distance)(key, near) <= allowed ? ` (did you mean "${near}"?)` : "";
}

// src/argo/args.ts
var HASH_SIDES = {
  Latest: "{{canary.version}}",
  Stable: "{{stable.version}}"
};
function rolloutArgs(ref, args, rollout) {
  const values = /* @__PURE__ */ new Map();
  if (!Array.isArray(args)) return values;
  args.forEach((arg, i) => {
    const at2 = [...ref.path, "args", i];
    if (typeof arg?.name !== "string") return void ref.src.fail(at2, "an analysis argument needs a name");
    const value = arg.valueFrom !== void 0 ? valueFrom(ref, [...at2, "valueFrom"], arg.valueFrom, rollout) : arg.value;
    if (value === void 0 || value === null)
      return void ref.src.fail(at2, `argument "${arg.name}" needs a value or valueFrom`);
    values.set(arg.name, String(value));
  });
  return values;
}
function valueFrom(ref, at2, from, rollout) {
  if (from?.podTemplateHashValue !== void 0) {
    const side = HASH_SIDES[String(from.podTemplateHashValue)];
    if (!side)
      return ref.src.fail(
        [...at2, "podTemplateHashValue"],
        `podTemplateHashValue must be Latest or Stable, got ${JSON.stringify(from.podTemplateHashValue)}`
      );
    ref.src.note(
      `argument from podTemplateHashValue ${from.podTemplateHashValue} is the ${from.podTemplateHashValue === "Latest" ? "new" : "stable"} version (the value of the version label on its pods), not a pod-template hash`
    );
    return side;
  }
  const path2 = from?.fieldRef?.fieldPath;
  if (typeof path2 === "string") {
    const value = fieldOf(rollout, path2);
    if (value === void 0)
      return ref.src.fail(
        [...at2, "fieldRef", "fieldPath"],
        `fieldPath ${path2}: only metadata.name, metadata.namespace, metadata.labels['\u2026'] and metadata.annotations['\u2026'] of the Rollout are supported, and the field must be set`
      );
    return value;
  }
  return ref.src.fail(at2, "valueFrom needs podTemplateHashValue or fieldRef");
}
function fieldOf(rollout, path2) {
  const meta = rollout.metadata;
  if (path2 === "metadata.name") return meta.name;
  if (path2 === "metadata.namespace") return meta.namespace;
  const keyed = /^metadata\.(labels|annotations)\[['"](.+)['"]\]$/.exec(path2);
  if (!keyed) return void 0;
  const map = keyed[1] === "labels" ? meta.labels : meta.annotations;
  return map?.[keyed[2]];
}
function templateArgs(template, given, ref) {
  const resolved = /* @__PURE__ */ new Map();
  const declared = template.get(["spec", "args"]);
  (Array.isArray(declared) ? declared : []).forEach((arg, i) => {
    if (typeof arg?.name !== "string")
      return void template.fail(["spec", "args", i], "an argument needs a name");
    const value = given.get(arg.name) ?? (arg.value !== void 0 && arg.value !== null ? String(arg.value) : void 0);
    if (value === void 0)
      return void template.fail(
        ["spec", "args", i],
        `argument "${arg.name}" has no value: pass it in the Rollout's args (${ref.src.at(ref.path)})`
      );
    resolved.set(arg.name, value);
  });
  return resolved;
}
var ARG_PLACEHOLDER = /\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g;
function substituteArgs(value, args, unknown) {
  if (typeof value === "string")
    return value.replace(ARG_PLACEHOLDER, (whole, name) => {
      const found = args.get(name);
      if (found === void 0) unknown(name);
      return found ?? whole;
    });
  if (Array.isArray(value)) return value.map((v) => substituteArgs(v, args, unknown));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteArgs(v, args, unknown)])
    );
  return value;
}

// src/argo/templates.ts
var ARGO_METRIC_DEFAULTS = { failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4 };
function referencedMetrics(ref, rollout, templates, phase = "pre-promotion") {
  const analysis = ref.src.get(ref.path);
  if (!analysis) return void 0;
  const given = rolloutArgs(ref, analysis.args, rollout);
  const dryRun = metricNames(analysis.dryRun);
  const metrics = [];
  for (const { name, cluster, at: at2 } of templateRefs(ref, analysis)) {
    const template = findTemplate(
      templates,
      name,
      cluster,
      rollout.metadata.namespace ?? templates.namespace
    );
    if (!template) {
      ref.src.fail(
        at2,
        `${cluster ? "ClusterAnalysisTemplate" : "AnalysisTemplate"} "${name}" is not in the manifests (kube-rollout reads templates from the manifests, not the cluster)`
      );
      continue;
    }
    const args = templateArgs(template, given, ref);
    const ownDryRun = metricNames(template.get(["spec", "dryRun"]));
    const list2 = template.get(["spec", "metrics"]);
    if (!Array.isArray(list2) || list2.length === 0) {
      template.fail(["spec", "metrics"], "spec.metrics must list at least one metric");
      continue;
    }
    list2.forEach((_, i) => {
      const metric = readMetric(template, ["spec", "metrics", i], args, phase);
      if (!metric) return;
      if (matchesAny(metric.name, dryRun) || matchesAny(metric.name, ownDryRun)) metric.dryRun = true;
      if (metrics.some((m) => m.name === metric.name))
        return void template.fail(
          ["spec", "metrics", i, "name"],
          `metric "${metric.name}" is defined twice in one analysis`
        );
      metrics.push(metric);
    });
  }
  return metrics;
}
function templateRefs(ref, analysis) {
  const refs = [];
  if (typeof analysis.templateName === "string") {
    ref.src.note(
      `${dotted(ref.path)}.templateName is the older single-template form; the current form is templates: [{templateName: ${analysis.templateName}}]`
    );
    refs.push({ name: analysis.templateName, cluster: false, at: [...ref.path, "templateName"] });
  }
  (Array.isArray(analysis.templates) ? analysis.templates : []).forEach((t, i) => {
    const at2 = [...ref.path, "templates", i];
    if (typeof t?.templateName !== "string") return void ref.src.fail(at2, "templates[] needs a templateName");
    refs.push({ name: t.templateName, cluster: t.clusterScope === true, at: at2 });
  });
  if (refs.length === 0) ref.src.fail(ref.path, "an analysis needs templates: [{templateName: \u2026}]");
  return refs;
}
function findTemplate(templates, name, cluster, namespace) {
  return cluster ? templates.cluster.get(name) : templates.namespaced.get(`${namespace}/${name}`);
}
function metricNames(list2) {
  return Array.isArray(list2) ? list2.map((d) => d?.metricName).filter((n) => typeof n === "string") : [];
}
function matchesAny(name, patterns) {
  return patterns.some((p) => p === "*" || p === name);
}
function readMetric(template, at2, args, phase) {
  const raw = substituteArgs(
    template.get(at2),
    args,
    (name) => template.fail(at2, `{{args.${name}}} names no argument of the template (declare it in spec.args)`)
  );
  if (typeof raw?.name !== "string") return template.fail(at2, "a metric needs a name");
  const field = (key) => [...at2, key];
  const count = (key, fallback) => wholeNumber(template, field(key), raw[key], fallback);
  const provider = readProvider(template, field("provider"), raw.provider ?? {});
  if (!provider) return void 0;
  const metric = {
    name: raw.name,
    ...provider,
    failureLimit: count("failureLimit", ARGO_METRIC_DEFAULTS.failureLimit),
    inconclusiveLimit: count("inconclusiveLimit", ARGO_METRIC_DEFAULTS.inconclusiveLimit),
    consecutiveErrorLimit: count("consecutiveErrorLimit", ARGO_METRIC_DEFAULTS.consecutiveErrorLimit),
    dryRun: false,
    phase,
    conditionLanguage: "argo"
  };
  const interval = duration(template, field("interval"), raw.interval);
  const initialDelay = duration(template, field("initialDelay"), raw.initialDelay);
  const measurements = count("count");
  if (interval !== void 0) metric.intervalMs = interval;
  if (initialDelay !== void 0) metric.initialDelayMs = initialDelay;
  if (measurements !== void 0) metric.count = measurements;
  for (const key of ["successCondition", "failureCondition"]) {
    if (raw[key] === void 0 || raw[key] === "") continue;
    const problem = checkCondition(String(raw[key]), "argo");
    if (problem) template.fail(field(key), `${key}: ${problem}`);
    else metric[key] = String(raw[key]);
  }
  if (!metric.successCondition && !metric.failureCondition && metric.provider !== "job") {
    metric.successCondition = "true";
    template.note(
      `metric "${metric.name}" has no condition: as in Argo, every measurement that returns passes`
    );
  }
  return metric;
}
function readProvider(template, at2, provider) {
  const kinds = Object.keys(provider).filter((k) => provider[k] !== null && provider[k] !== void 0);
  if (kinds.length !== 1)
    return template.fail(
      at2,
      `a metric needs exactly one provider (prometheus, web or job), got ${kinds.join(", ") || "none"}`
    );
  const kind = kinds[0];
  const p = provider[kind];
  const where = [...at2, kind];
  if (p.insecure === true)
    return template.fail([...where, "insecure"], "insecure: TLS verification cannot be turned off");
  if (kind === "job") {
    if (p.metadata) template.note("a job metric's metadata is ignored: the Job is labelled by the action");
    if (!p.spec) return template.fail(where, "provider.job needs a spec");
    return { provider: "job", job: { spec: p.spec } };
  }
  const headers = headerMap(p.headers);
  if (kind === "prometheus") {
    if (typeof p.query !== "string") return template.fail(where, "provider.prometheus needs a query");
    return {
      provider: "prometheus",
      query: p.query,
      ...p.address ? { address: String(p.address) } : {},
      ...headers ? { headers } : {},
      ...p.timeout !== void 0 ? { timeoutMs: Number(p.timeout) * 1e3 } : {}
    };
  }
  if (typeof p.url !== "string") return template.fail(where, "provider.web needs a url");
  const body = p.jsonBody !== void 0 ? JSON.stringify(p.jsonBody) : p.body;
  return {
    provider: "web",
    url: p.url,
    ...p.method ? { method: String(p.method) } : {},
    ...body !== void 0 ? { body: String(body) } : {},
    // Argo writes JSONPath in braces, as kubectl does: {$.data.ok}.
    ...p.jsonPath ? { jsonPath: String(p.jsonPath).replace(/^\{(.*)\}$/s, "$1") } : {},
    ...headers ? { headers } : {},
    ...p.timeoutSeconds !== void 0 ? { timeoutMs: Number(p.timeoutSeconds) * 1e3 } : {}
  };
}
function headerMap(list2) {
  if (!Array.isArray(list2) || list2.length === 0) return void 0;
  return Object.fromEntries(list2.map((h) => [String(h?.key), String(h?.value ?? "")]));
}
function wholeNumber(src, at2, value, fallback) {
  if (value === void 0 || value === null) return fallback;
  const n = typeof value === "number" ? value : /^\s*-?\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (Number.isInteger(n) && n >= 0) return n;
  src.fail(at2, `${at2.at(-1)} must be a whole number \u2265 0, got ${JSON.stringify(value)}`);
  return fallback;
}
function duration(src, at2, value) {
  if (value === void 0 || value === null) return void 0;
  const ms = typeof value === "string" || typeof value === "number" ? tryParseDuration(value) : void 0;
  if (ms === void 0)
    src.fail(at2, `${at2.at(-1)}: invalid duration ${JSON.stringify(value)} (e.g. 30s, 5m, 1h or seconds)`);
  return ms;
}

// src/argo/strategy.ts
var NGINX_PREFIX = "nginx.ingress.kubernetes.io";
var ARGO_SCALE_DOWN_DELAY_S = 30;
function strategySettings(src, templates) {
  const out = { inputs: {}, fields: {}, defaults: {}, managedServices: [] };
  const r = {
    src,
    templates,
    out,
    set(input, value, path2) {
      out.inputs[input] = value;
      out.fields[input] = `${dotted(path2)} (${src.at(path2)})`;
    },
    fallback(input, value) {
      out.defaults[input] = value;
    }
  };
  const strategy = src.get(["spec", "strategy"]);
  const kinds = ["canary", "blueGreen"].filter((k) => strategy?.[k] != null);
  if (kinds.length !== 1) {
    src.fail(
      ["spec", "strategy"],
      `spec.strategy needs exactly one of canary or blueGreen, got ${kinds.join(" and ") || "none"}`
    );
    return out;
  }
  if (kinds[0] === "canary") readCanary(r, ["spec", "strategy", "canary"]);
  else readBlueGreen(r, ["spec", "strategy", "blueGreen"]);
  return out;
}
function readCanary(r, at2) {
  const canary = r.src.get(at2);
  r.set("strategy", "canary", at2);
  const routed = readTrafficRouting(r, [...at2, "trafficRouting"], canary);
  if (!routed) readBasicCanary(r, at2, canary);
  else {
    scaleDownDelay(r, [...at2, "scaleDownDelaySeconds"], canary.scaleDownDelaySeconds);
    if (canary.dynamicStableScale === true)
      r.src.fail(
        [...at2, "dynamicStableScale"],
        "dynamicStableScale: stable keeps its full size while the router moves traffic"
      );
  }
  const steps = readSteps(r, [...at2, "steps"], routed);
  if (canary.steps) r.set("steps", steps, [...at2, "steps"]);
  else r.fallback("steps", []);
  if (canary.analysis) readBackgroundAnalysis(r, [...at2, "analysis"], canary.analysis, steps.length);
}
function readBasicCanary(r, at2, canary) {
  r.set("traffic", "replicas", at2);
  const surge = intOrPercent(r, [...at2, "maxSurge"], canary.maxSurge);
  if (surge !== void 0) r.set("max-surge", surge, [...at2, "maxSurge"]);
  else r.fallback("max-surge", "25%");
  if (canary.scaleDownDelaySeconds !== void 0)
    r.src.note("scaleDownDelaySeconds is ignored without trafficRouting, as in Argo");
  r.set("scale-down-delay", 0, at2);
  if (canary.canaryService || canary.stableService)
    r.src.note(
      "canaryService and stableService without trafficRouting are applied as written (they select both versions)"
    );
}
function readBackgroundAnalysis(r, at2, analysis, steps) {
  const metrics = referencedMetrics({ src: r.src, path: at2 }, r.src.sourced.object, r.templates);
  const start = startingStep(r, [...at2, "startingStep"], analysis.startingStep ?? 0, steps);
  if (metrics?.length) r.set("analysis", { startingStep: start, metrics }, at2);
}
function readTrafficRouting(r, at2, canary) {
  const routing = canary.trafficRouting;
  if (!routing) return false;
  if (routing.maxTrafficWeight !== void 0 && routing.maxTrafficWeight !== 100)
    r.src.fail([...at2, "maxTrafficWeight"], "maxTrafficWeight must be 100: weights are percentages");
  const routers = ["nginx", "istio", "smi"].filter((k) => routing[k]);
  if (routers.length !== 1) {
    r.src.fail(
      at2,
      `trafficRouting needs exactly one of nginx, istio or smi, got ${routers.join(" and ") || "none"}`
    );
    return true;
  }
  const router = routers[0];
  r.set("traffic", router, [...at2, router]);
  const stable = canary.stableService;
  if (typeof stable !== "string" || typeof canary.canaryService !== "string")
    r.src.fail(at2.slice(0, -1), "trafficRouting needs canaryService and stableService");
  else {
    r.out.primaryService = stable;
    const ours = canaryServiceName(stable);
    if (canary.canaryService === ours) r.out.managedServices.push(canary.canaryService);
    else
      r.src.note(
        `canary traffic goes through Service ${ours} (created by the action); Service ${canary.canaryService} is applied as written`
      );
  }
  if (router === "nginx") readNginx(r, [...at2, "nginx"], routing.nginx);
  if (router === "istio") readIstio(r, [...at2, "istio"], routing.istio);
  if (router === "smi" && routing.smi.trafficSplitName)
    r.set("traffic-split", routing.smi.trafficSplitName, [...at2, "smi", "trafficSplitName"]);
  return true;
}
function readNginx(r, at2, nginx) {
  if (nginx.annotationPrefix !== void 0 && nginx.annotationPrefix !== NGINX_PREFIX)
    r.src.fail([...at2, "annotationPrefix"], `annotationPrefix must be ${NGINX_PREFIX} (ingress-nginx's own)`);
  const ingresses = nginx.stableIngresses ?? (nginx.stableIngress ? [nginx.stableIngress] : []);
  if (nginx.stableIngress && nginx.stableIngresses)
    r.src.fail(at2, "give stableIngress or stableIngresses, not both");
  if (ingresses.length !== 1)
    return void r.src.fail(at2, `nginx needs one stable Ingress (stableIngress), got ${ingresses.length}`);
  r.set("ingress", ingresses[0], [...at2, nginx.stableIngress ? "stableIngress" : "stableIngresses"]);
}
function readIstio(r, at2, istio) {
  const services = istio.virtualServices ?? (istio.virtualService ? [istio.virtualService] : []);
  if (services.length !== 1)
    return void r.src.fail(at2, `istio needs one VirtualService, got ${services.length}`);
  const vs = services[0];
  if (Array.isArray(vs.routes) && vs.routes.length > 1)
    r.src.fail(
      at2,
      "istio: routes lists more than one route; kube-rollout drives the VirtualService's route to the Service"
    );
  if (vs.tlsRoutes || vs.tcpRoutes) r.src.fail(at2, "istio: tlsRoutes and tcpRoutes are not supported");
  r.set("virtual-service", vs.name, [...at2, istio.virtualService ? "virtualService" : "virtualServices"]);
  if (istio.destinationRule)
    r.src.note("istio.destinationRule: the action splits by the DestinationRule found in the manifests");
}
function readSteps(r, at2, routed) {
  const list2 = r.src.get(at2);
  if (list2 === void 0 || list2 === null) return [];
  if (!Array.isArray(list2)) return r.src.fail(at2, "steps must be a list") ?? [];
  return list2.flatMap((step, i) => {
    const read = readStep(r, [...at2, i], step, routed);
    return read ? [read] : [];
  });
}
function readStep(r, at2, step, routed) {
  const kinds = Object.keys(step ?? {}).filter((k) => step[k] !== void 0);
  if (kinds.length !== 1)
    return r.src.fail(at2, `a step has exactly one kind, got ${kinds.join(" and ") || "none"}`);
  const kind = kinds[0];
  const value = step[kind];
  const where = [...at2, kind];
  switch (kind) {
    case "setWeight":
      if (isWholeNumber(value) && value >= 0 && value <= 100) return { setWeight: value };
      return r.src.fail(
        where,
        `setWeight must be a whole number from 0 to 100, got ${JSON.stringify(value)}`
      );
    case "pause": {
      const ms = duration(r.src, [...where, "duration"], valueAt(value, ["duration"]));
      return { pause: ms === void 0 ? {} : { durationMs: ms } };
    }
    case "analysis": {
      const metrics = referencedMetrics({ src: r.src, path: where }, r.src.sourced.object, r.templates);
      return metrics ? { analysis: { metrics } } : void 0;
    }
    case "setCanaryScale": {
      if (!routed)
        return r.src.fail(
          where,
          "setCanaryScale needs trafficRouting (a basic canary sizes the canary from setWeight)"
        );
      const scale = readCanaryScale(value);
      return typeof scale === "string" ? r.src.fail(where, `setCanaryScale ${scale}`) : { setCanaryScale: scale };
    }
    case "setHeaderRoute":
      return readHeaderRoute(r, where, step.setHeaderRoute, routed);
    default:
      return void 0;
  }
}
function readHeaderRoute(r, at2, value, routed) {
  if (!routed) return r.src.fail(at2, "setHeaderRoute needs trafficRouting");
  if (typeof value?.name !== "string") return r.src.fail(at2, "setHeaderRoute needs a name");
  const matches = Array.isArray(value.match) ? value.match : [];
  if (matches.length === 0) return { removeHeaderRoute: value.name };
  if (matches.length > 1)
    return r.src.fail([...at2, "match"], "setHeaderRoute: one header match per route is supported");
  const { headerName, headerValue } = matches[0] ?? {};
  const kinds = Object.keys(headerValue ?? {}).filter((k) => headerValue?.[k] !== void 0);
  if (typeof headerName !== "string" || kinds.length !== 1)
    return r.src.fail([...at2, "match", 0], "a header match needs headerName and one of exact, prefix, regex");
  const text = String(headerValue?.[kinds[0]]);
  const match = kinds[0] === "exact" ? { exact: text } : kinds[0] === "prefix" ? { prefix: text } : { regex: text };
  return { setHeaderRoute: { name: value.name, header: headerName, match } };
}
function readBlueGreen(r, at2) {
  const bg = r.src.get(at2);
  r.set("strategy", "blue-green", at2);
  r.set("traffic", "service", at2);
  if (typeof bg.activeService !== "string") r.src.fail(at2, "blueGreen needs activeService");
  else r.out.primaryService = bg.activeService;
  if (typeof bg.previewService === "string") {
    r.set("preview-service", bg.previewService, [...at2, "previewService"]);
    r.out.managedServices.push(bg.previewService);
  }
  const after = seconds(r, [...at2, "autoPromotionSeconds"], bg.autoPromotionSeconds ?? 0);
  const auto = bg.autoPromotionEnabled ?? true;
  if (typeof auto !== "boolean")
    r.src.fail([...at2, "autoPromotionEnabled"], "autoPromotionEnabled must be true or false");
  if (bg.autoPromotionEnabled !== void 0 || after > 0)
    r.set("auto-promote", auto === true && after === 0, [
      ...at2,
      after > 0 ? "autoPromotionSeconds" : "autoPromotionEnabled"
    ]);
  if (after > 0) r.out.autoPromoteAfterMs = after;
  scaleDownDelay(r, [...at2, "scaleDownDelaySeconds"], bg.scaleDownDelaySeconds);
  const metrics = [];
  for (const [key, phase] of [
    ["prePromotionAnalysis", "pre-promotion"],
    ["postPromotionAnalysis", "post-promotion"]
  ]) {
    if (bg[key])
      metrics.push(
        ...referencedMetrics({ src: r.src, path: [...at2, key] }, r.src.sourced.object, r.templates, phase) ?? []
      );
  }
  if (metrics.length) r.set("analysis", { metrics }, at2);
}
function scaleDownDelay(r, at2, value) {
  if (value === void 0) r.fallback("scale-down-delay", ARGO_SCALE_DOWN_DELAY_S * 1e3);
  else r.set("scale-down-delay", seconds(r, at2, value), at2);
}
function startingStep(r, at2, value, steps) {
  if (isWholeNumber(value) && value >= 0 && !(steps > 0 && value >= steps)) return value;
  r.src.fail(
    at2,
    `startingStep must be the index of a step (0 to ${Math.max(0, steps - 1)}), got ${JSON.stringify(value)}`
  );
  return 0;
}
function isWholeNumber(value) {
  return Number.isInteger(value);
}
function seconds(r, at2, value) {
  if (isWholeNumber(value) && value >= 0) return value * 1e3;
  r.src.fail(at2, `${at2.at(-1)} must be a whole number of seconds, got ${JSON.stringify(value)}`);
  return 0;
}
function intOrPercent(r, at2, value) {
  if (value === void 0 || value === null) return void 0;
  if (isWholeNumber(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d+%$/.test(value)) return value;
  r.src.fail(
    at2,
    `${at2.at(-1)} must be a number of pods or a percentage like 25%, got ${JSON.stringify(value)}`
  );
  return void 0;
}

// src/argo/index.ts
function releaseFromArgo(objects, namespace, build) {
  const argo = translateArgo(objects, namespace);
  return { objects: argo.objects, config: build(argo.settings), notes: argo.notes };
}
var GROUP = "argoproj.io/";
var TEMPLATE_KINDS = ["AnalysisTemplate", "ClusterAnalysisTemplate"];
var isArgo = (s) => s.object.apiVersion.startsWith(GROUP);
function translateArgo(objects, namespace) {
  if (!objects.some(isArgo)) return { objects, notes: [] };
  const findings = { errors: [], notes: [] };
  const sources = objects.filter(isArgo).map((s) => new ArgoSource(s, findings));
  const rollouts = sources.filter((s) => s.sourced.object.kind === "Rollout");
  const templates = indexTemplates(sources, namespace);
  for (const src of sources) {
    const kind = src.sourced.object.kind;
    if (kind === "Rollout") checkFields(src, ROLLOUT_SCHEMA);
    else if (TEMPLATE_KINDS.includes(kind)) checkFields(src, ANALYSIS_TEMPLATE_SCHEMA);
    else
      src.fail(
        [],
        `${kind} objects are not supported (kube-rollout reads Rollout, AnalysisTemplate and ClusterAnalysisTemplate)`
      );
  }
  rollouts.slice(1).forEach(
    (extra) => extra.fail(
      [],
      `one Rollout per release: ${rollouts[0].label} (${rollouts[0].at([])}) is already in these manifests; release each Rollout in its own step`
    )
  );
  const rollout = rollouts[0];
  const settings = rollout && strategySettings(rollout, templates);
  const released = rollout ? releasedObjects(objects, rollout, settings) : objects.filter((s) => !isArgo(s));
  if (findings.errors.length)
    throw findings.errors.length === 1 ? findings.errors[0] : new InputErrors(findings.errors);
  return {
    objects: released,
    ...rollout ? { settings: manifestSettings(rollout, settings, namespace) } : {},
    notes: findings.notes
  };
}
function indexTemplates(sources, namespace) {
  const index = { namespace, namespaced: /* @__PURE__ */ new Map(), cluster: /* @__PURE__ */ new Map() };
  for (const src of sources) {
    const { kind, metadata } = src.sourced.object;
    if (kind === "AnalysisTemplate")
      index.namespaced.set(`${metadata.namespace ?? namespace}/${metadata.name}`, src);
    if (kind === "ClusterAnalysisTemplate") index.cluster.set(metadata.name, src);
  }
  return index;
}
function releasedObjects(objects, rollout, settings) {
  const deployment = deploymentOf(rollout);
  const name = deployment.metadata.name;
  const clash = objects.find((s) => s.object.kind === "Deployment" && s.object.metadata.name === name);
  if (clash)
    rollout.fail(
      [],
      `the manifests also hold Deployment ${name} (${clash.file}${clash.line ? `:${clash.line}` : ""}): the Rollout is released as that Deployment; keep one of them`
    );
  const isService = (s, n) => s.object.kind === "Service" && s.object.metadata.name === n;
  const out = [];
  for (const s of objects) {
    if (s === rollout.sourced)
      out.push({ object: deployment, file: s.file, ...s.line !== void 0 ? { line: s.line } : {} });
    else if (isArgo(s)) continue;
    else if (settings.managedServices.some((n) => isService(s, n))) {
      rollout.note(
        `Service ${s.object.metadata.name} is managed by the action during a release (it selects the new version) and is not applied as written`
      );
    } else out.push(s);
  }
  const primary = settings.primaryService;
  if (primary && !out.some((s) => isService(s, primary)))
    rollout.fail(
      ["spec", "strategy"],
      `Service ${primary} is not in the manifests: the action switches it, so it must be released with the Rollout`
    );
  const firstService = out.findIndex((s) => s.object.kind === "Service");
  const at2 = out.findIndex((s) => isService(s, primary));
  if (primary && at2 > firstService) out.splice(firstService, 0, ...out.splice(at2, 1));
  return out;
}
function manifestSettings(rollout, settings, namespace) {
  const { name, namespace: own } = rollout.sourced.object.metadata;
  const { file, line } = rollout.sourced;
  return {
    origin: { kind: "Rollout", name, namespace: own ?? namespace, file, ...line ? { line } : {} },
    inputs: settings.inputs,
    fields: settings.fields,
    defaults: settings.defaults,
    ...settings.autoPromoteAfterMs ? { autoPromoteAfterMs: settings.autoPromoteAfterMs } : {}
  };
}

// src/manifests/sources.ts
import { existsSync } from "node:fs";
import path from "node:path";
async function loadReleaseObjects(sources, run2) {
  const objects = sources.manifests.length ? await loadManifests(sources.manifests, sources.workspace, run2) : [];
  if (!sources.helm) return objects;
  const { chart, values, set } = sources.helm;
  const release = sources.name ?? path.basename(chart.replace(/\/+$/, ""));
  const chartFile = path.posix.join(chart, "Chart.yaml");
  const shown = existsSync(path.resolve(sources.workspace, chartFile)) ? chartFile : chart;
  const source = { chart, release, namespace: sources.namespace, values, set };
  const text = await helmTemplate(source, sources.workspace, shown, run2);
  return [...objects, ...parseRendered(text, shown)];
}

// src/manifests/name-limits.ts
var at = (s) => ({ input: "manifests", file: s.file, line: s.line });
var nameOf = (o) => o.metadata.name ?? "";
function checkReleaseName(set, config) {
  const first = set.workloads[0];
  const name = first ? nameOf(first.object) : "";
  if (config.name || !first || name.length <= MAX_RELEASE_NAME) return [];
  return [
    new InputError(
      `${first.object.kind} ${name}: its name (${name.length} characters) would be the release's name, which may have at most ${MAX_RELEASE_NAME} (it is the value of label kube-rollout.io/release on ConfigMap, Secret and Lease kube-rollout-<name>); set the 'name' input to a shorter one`,
      at(first)
    )
  ];
}

// src/manifests/release-set.ts
async function loadReleaseSet(config, opts = {}) {
  if (config.manifests.length === 0 && !config.helm) return void 0;
  const loaded = await loadReleaseObjects(config);
  opts.onLoaded?.(loaded);
  const translated = opts.translate?.(loaded) ?? { objects: loaded, config, notes: [] };
  const { objects, notes } = translated;
  config = translated.config;
  const set = renderManifests(objects, {
    images: config.images,
    namespace: config.namespace,
    version: config.version,
    versionLabel: config.versionLabel,
    changeCause: { commit: opts.commit, runUrl: opts.runUrl },
    versionedConfig: config.versionedConfig
  });
  const references = checkReferences(set);
  const errors = [...references.errors, ...checkReleaseName(set, config)];
  const { warnings } = references;
  if (errors.length) throw errors.length === 1 ? errors[0] : new InputErrors(errors);
  return { set, warnings, config, notes };
}

// src/main.ts
async function run(cancel) {
  const saved = mainStepState(saveState);
  saved.started();
  const inputs = readInputs((n) => getInput(n));
  const facts = { inputs, redactor: createRedactor(), wrote: false };
  const github = readGitHubContext(process.env, (m) => warning(m));
  try {
    await runAction(facts, github, cancel.signal, saved);
  } catch (err) {
    await reportStopped(facts, err, cancel.signal);
  } finally {
    saved.finished();
  }
}
async function runAction(facts, github, signal, saved) {
  const { config, manifests } = await readSetup(facts, github);
  Object.assign(facts, { config, ...manifests ? { manifests } : {} });
  const cluster = loadCluster(
    config,
    facts.redactor,
    (info2) => info(`retrying the Kubernetes API: ${JSON.stringify(info2)}`)
  );
  const reporters = createReporters({
    config,
    github,
    summary,
    setOutput,
    warn: (m) => warning(m),
    info: (m) => info(m)
  });
  const holder = holderId();
  const deps = {
    config,
    cluster,
    ...manifests ? { manifests } : {},
    log: createLogger(facts.redactor),
    signal,
    providers: providerTable(),
    holder,
    runUrl: github.runUrl,
    ...github.run ? { workflowRun: github.run } : {},
    commit: github.headSha ?? github.sha,
    // Reporters see the record with secrets redacted; the GitHub links they hand back (deployment,
    // PR comment) are kept in the release's history, so the next state save carries them to a later job.
    onProgress: (record2) => reporters.progress(redactRecord(record2, facts.redactor)),
    onStarted: (name) => {
      facts.wrote = true;
      saved.releaseStarting(name, holder);
    },
    // In place, like the reporters' copy: what is stored is what is reported.
    redactRecord: (record2) => redactRecord(record2, facts.redactor),
    redact: (text) => facts.redactor.redact(text)
  };
  if (config.action === "plan") {
    const plan = await planRelease(deps);
    await reporters.plan(plan);
    info(renderPlanReport(plan));
    return;
  }
  const record = await ACTIONS[config.action](deps);
  await reporters.final(redactRecord(record, facts.redactor));
  conclude(config, record);
}
var ACTIONS = {
  deploy,
  promote,
  rollback,
  status
};
async function readSetup(facts, github) {
  const { redactor, inputs } = facts;
  let read = readConfig(inputs, process.env);
  const build = (settings) => (read = readConfig(inputs, process.env, settings)).config;
  const loading = readConfig(inputsForLoading(inputs), process.env).config;
  redactor.add(credentialValues(read.config));
  const manifestProblems = [];
  const loaded = await renderedManifests(loading, redactor, {
    commit: github.headSha ?? github.sha,
    runUrl: github.runUrl,
    translate: (objects) => releaseFromArgo(objects, loading.namespace, build)
  }).catch((err) => {
    if (!(err instanceof InputError)) throw err;
    manifestProblems.push(...err instanceof InputErrors ? err.errors : [err]);
    return void 0;
  });
  const { config, errors } = read;
  redactor.add(credentialValues(config));
  const problems = [...errors, ...manifestProblems];
  if (problems.length) throw problems.length === 1 ? problems[0] : new InputErrors(problems);
  return { config, manifests: loaded?.manifests };
}
async function renderedManifests(config, redactor, opts) {
  const loaded = await loadReleaseSet(config, {
    ...opts,
    // Masked before anything about the manifests is printed.
    onLoaded: (objects) => redactor.add(objects.flatMap((o) => secretValuesOf(o.object)))
  });
  for (const note of loaded?.notes ?? []) info(note);
  for (const w of loaded?.warnings ?? [])
    warning(w.message, annotationAt(w, "kube-rollout: manifest warning"));
  return { manifests: loaded?.set, config: loaded?.config };
}
async function reportStopped(facts, err, signal) {
  const { redactor, config } = facts;
  const problems = problemsOf(err, redactor);
  const action = config?.action ?? facts.inputs.action ?? "deploy";
  if (err instanceof InputError) {
    for (const e of err instanceof InputErrors ? err.errors : [err]) error(e.message, annotationAt(e));
  } else if (action === "status") {
    warning(`could not read the release's status: ${problems[0]}`);
  } else {
    error(problems[0]);
  }
  const cancelled = signal.aborted;
  await reportStoppedRun({
    ...config ? { app: appName(facts) } : {},
    action,
    kind: cancelled ? "cancelled" : !facts.wrote ? "refused" : "stopped",
    problems: cancelled ? ["the workflow was cancelled before the release began: nothing was changed"] : problems,
    inputs: inputsForReport(facts.inputs, redactor)
  });
  if (action === "status") return;
  setOutput("result", "failed");
  process.exitCode = ExitCode.Failure;
}
function appName(facts) {
  try {
    return releaseName(facts.config, facts.manifests);
  } catch {
    return void 0;
  }
}
function conclude(config, record) {
  info(`result: ${record.result}${record.rollbackReason ? ` \u2014 ${record.rollbackReason}` : ""}`);
  if (config.action === "status") return;
  const requested = config.action === "rollback" && record.result === "rolled-back";
  if (record.result === "rolled-back" && !requested || record.result === "failed") {
    setFailed(`release ${record.result}: ${record.rollbackReason ?? "see the summary"}`);
  }
}
export {
  run
};
