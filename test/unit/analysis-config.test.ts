import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricSpecReader } from '../../src/analysis/provider.ts';
import { providerTable } from '../../src/analysis/providers/index.ts';

const providers = providerTable();
import { jobSpec } from '../../src/analysis/providers/job.ts';
import { prometheusSpec } from '../../src/analysis/providers/prometheus.ts';
import { webSpec } from '../../src/analysis/providers/web.ts';
import type { MetricSpec } from '../../src/analysis/spec.ts';
import { metricFields } from '../../src/config/metric-fields.ts';
import { parseAnalysis } from '../../src/config/index.ts';
import { InputError, InputErrors } from '../../src/errors.ts';

function errorsOf(text: string): InputError[] {
  try {
    parseAnalysis(text);
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return err instanceof InputErrors ? err.errors : [err];
  }
  assert.fail('expected parseAnalysis to throw');
}

/** One metric's YAML lines, indented under `metrics:`. */
function metric(lines: string): string {
  return `metrics:\n  - ${lines.trim().split('\n').join('\n    ')}\n`;
}

const defaults = {
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  dryRun: false,
  phase: 'pre-promotion',
} as const;

describe('parseAnalysis', () => {
  it('reads the contract example with defaults applied', () => {
    const spec = parseAnalysis(`interval: 1m
metrics:
  - name: error-rate
    provider: prometheus
    query: sum(rate(http_requests_total{app="shop",version="{{canary.version}}",code=~"5.."}[1m]))
    threshold: { max: 0.01 }
    interval: 30s
    count: 4
    failureLimit: 1
`);
    assert.equal(spec.intervalMs, 60_000);
    assert.deepEqual(spec.metrics, [
      {
        ...defaults,
        name: 'error-rate',
        provider: 'prometheus',
        query: 'sum(rate(http_requests_total{app="shop",version="{{canary.version}}",code=~"5.."}[1m]))',
        threshold: { max: 0.01 },
        intervalMs: 30_000,
        count: 4,
        failureLimit: 1,
        line: 3,
      } satisfies MetricSpec,
    ]);
  });

  const valid: Array<[string, string, Partial<MetricSpec>]> = [
    [
      'a web metric',
      metric(`name: health
provider: web
url: http://svc/{{app}}/status
method: post
body: '{"q": 1}'
headers: {Authorization: Bearer x, X-Count: 3}
jsonPath: "$.ok"
successCondition: result == true
timeout: 5s
initialDelay: 10s`),
      {
        provider: 'web',
        url: 'http://svc/{{app}}/status',
        method: 'POST',
        body: '{"q": 1}',
        headers: { Authorization: 'Bearer x', 'X-Count': '3' },
        jsonPath: '$.ok',
        successCondition: 'result == true',
        timeoutMs: 5000,
        initialDelayMs: 10_000,
      },
    ],
    [
      'a job metric wrapped in spec',
      metric(`name: smoke
provider: job
job:
  spec:
    backoffLimit: 0
    template: {spec: {containers: [{name: t, image: curl}], restartPolicy: Never}}`),
      {
        provider: 'job',
        job: {
          backoffLimit: 0,
          template: { spec: { containers: [{ name: 't', image: 'curl' }], restartPolicy: 'Never' } },
        },
      },
    ],
    [
      'limits, dry run and phase',
      metric(`name: p
provider: prometheus
address: http://prom:9090
query: up
threshold: {min: 1}
inconclusiveLimit: 2
consecutiveErrorLimit: 0
dryRun: yes
phase: post-promotion`),
      {
        address: 'http://prom:9090',
        threshold: { min: 1 },
        inconclusiveLimit: 2,
        consecutiveErrorLimit: 0,
        dryRun: true,
        phase: 'post-promotion',
      },
    ],
    [
      'compare: baseline with its defaults',
      metric(`name: latency
provider: prometheus
query: histogram_quantile(0.9, rate(x[1m]))
compare: baseline`),
      {
        compare: {
          against: 'baseline',
          direction: 'increase',
          allowedChange: 0.2,
          minSamples: 10,
          alpha: 0.05,
          noData: 'inconclusive',
        },
      },
    ],
    [
      'a compare block',
      metric(`name: latency
provider: prometheus
query: x
compare: {direction: either, allowedChange: 0.1, minSamples: 20, alpha: 0.01, window: 5m, step: 15s, noData: fail}`),
      {
        compare: {
          against: 'baseline',
          direction: 'either',
          allowedChange: 0.1,
          minSamples: 20,
          alpha: 0.01,
          windowMs: 300_000,
          stepMs: 15_000,
          noData: 'fail',
        },
      },
    ],
    [
      'both conditions',
      metric(`name: c
provider: prometheus
query: x
successCondition: result[0] < 0.5
failureCondition: result[0] > 0.9`),
      { successCondition: 'result[0] < 0.5', failureCondition: 'result[0] > 0.9' },
    ],
  ];
  for (const [name, text, want] of valid) {
    it(`reads ${name}`, () => {
      const [got] = parseAnalysis(text).metrics;
      for (const [key, value] of Object.entries(want))
        assert.deepEqual(got[key as keyof MetricSpec], value, key);
    });
  }

  const invalid: Array<[string, string, number | undefined, RegExp]> = [
    ['no metrics', 'interval: 1m', 1, /`metrics` is required/],
    ['empty metrics', 'metrics: []', 1, /non-empty list/],
    ['a list at the top', '- name: x', 1, /expected a mapping with `metrics`/],
    [
      'an unknown top-level key',
      'metric:\n  - name: x',
      1,
      /unknown key 'metric' \(valid: interval, startingStep, metrics\)/,
    ],
    ['a bad top-level interval', 'interval: often\nmetrics: []', 1, /interval: invalid duration 'often'/],
    ['no name', metric('provider: web\nurl: http://x\nsuccessCondition: "true"'), 2, /`name` is required/],
    [
      'no provider',
      metric('name: a\nquery: up\nthreshold: {max: 1}'),
      2,
      /`provider` is required \(valid: prometheus, web, job\)/,
    ],
    ['unknown provider', metric('name: a\nprovider: datadog'), 3, /unknown provider 'datadog'/],
    [
      'prometheus without query',
      metric('name: a\nprovider: prometheus\nthreshold: {max: 1}'),
      2,
      /`query` is required/,
    ],
    ['web without url', metric('name: a\nprovider: web\nsuccessCondition: "true"'), 2, /`url` is required/],
    ['job without job', metric('name: a\nprovider: job'), 2, /`job` \(a Job spec\) is required/],
    ['job without template', metric('name: a\nprovider: job\njob: {backoffLimit: 1}'), 4, /pod `template`/],
    [
      'nothing to judge by',
      metric('name: a\nprovider: prometheus\nquery: up'),
      2,
      /needs `threshold`, `successCondition`/,
    ],
    [
      'threshold min above max',
      metric('name: a\nprovider: prometheus\nquery: up\nthreshold: {min: 2, max: 1}'),
      5,
      /threshold.min \(2\) is above threshold.max \(1\)/,
    ],
    [
      'empty threshold',
      metric('name: a\nprovider: prometheus\nquery: up\nthreshold: {}'),
      5,
      /threshold needs min and\/or max/,
    ],
    [
      'text threshold',
      metric('name: a\nprovider: prometheus\nquery: up\nthreshold: {max: low}'),
      5,
      /threshold.max must be a number/,
    ],
    [
      'unknown threshold key',
      metric('name: a\nprovider: prometheus\nquery: up\nthreshold: {below: 1}'),
      5,
      /unknown key 'below'/,
    ],
    [
      'invalid CEL',
      metric('name: a\nprovider: prometheus\nquery: up\nsuccessCondition: "result <"'),
      5,
      /successCondition is not a valid CEL expression/,
    ],
    [
      'bad interval',
      metric('name: a\nprovider: prometheus\nquery: up\nthreshold: {max: 1}\ninterval: 5 minutes'),
      6,
      /interval: invalid duration '5 minutes'/,
    ],
    [
      'zero count',
      metric('name: a\nprovider: prometheus\nquery: up\nthreshold: {max: 1}\ncount: 0'),
      6,
      /count must be a whole number ≥ 1/,
    ],
    [
      'negative failureLimit',
      metric('name: a\nprovider: prometheus\nquery: up\nthreshold: {max: 1}\nfailureLimit: -1'),
      6,
      /failureLimit must be a whole number ≥ 0/,
    ],
    [
      'bad dryRun',
      metric('name: a\nprovider: prometheus\nquery: up\nthreshold: {max: 1}\ndryRun: maybe'),
      6,
      /dryRun must be true or false/,
    ],
    [
      'bad phase',
      metric('name: a\nprovider: prometheus\nquery: up\nthreshold: {max: 1}\nphase: during'),
      6,
      /unknown phase 'during' \(valid: pre-promotion, post-promotion\)/,
    ],
    [
      'unknown metric key',
      metric('name: a\nprovider: prometheus\nquery: up\nthresold: {max: 1}'),
      5,
      /unknown key 'thresold'/,
    ],
    [
      'bad method',
      metric('name: a\nprovider: web\nurl: http://x\nmethod: FETCH\nsuccessCondition: "true"'),
      5,
      /unknown method 'FETCH'/,
    ],
    [
      'bad headers',
      metric('name: a\nprovider: web\nurl: http://x\nheaders: [a]\nsuccessCondition: "true"'),
      5,
      /headers must be a mapping/,
    ],
    [
      'unknown template',
      metric('name: a\nprovider: prometheus\nquery: up{app="{{application}}"}\nthreshold: {max: 1}'),
      4,
      /unknown template '\{\{application\}\}'/,
    ],
    [
      'compare with web',
      metric('name: a\nprovider: web\nurl: http://x\ncompare: baseline'),
      5,
      /needs provider prometheus/,
    ],
    [
      'compare typo',
      metric('name: a\nprovider: prometheus\nquery: x\ncompare: baselines'),
      5,
      /compare must be 'baseline'/,
    ],
    [
      'compare bad alpha',
      metric('name: a\nprovider: prometheus\nquery: x\ncompare: {alpha: 2}'),
      5,
      /alpha must be between 0 and 1/,
    ],
    [
      'compare bad direction',
      metric('name: a\nprovider: prometheus\nquery: x\ncompare: {direction: up}'),
      5,
      /unknown direction/,
    ],
    [
      'compare bad minSamples',
      metric('name: a\nprovider: prometheus\nquery: x\ncompare: {minSamples: 1}'),
      5,
      /minSamples must be a whole number ≥ 2/,
    ],
    [
      'compare unknown key',
      metric('name: a\nprovider: prometheus\nquery: x\ncompare: {against: baseline, test: t}'),
      5,
      /unknown key 'test'/,
    ],
    ['malformed YAML', 'metrics:\n  - name: a\n   provider: web', 3, /invalid YAML/],
    ['a duplicate key', 'metrics: []\nmetrics: []', 2, /invalid YAML/],
  ];
  for (const [name, text, line, message] of invalid) {
    it(`rejects ${name}`, () => {
      const errors = errorsOf(text);
      const error = errors.find((e) => message.test(e.message));
      assert.ok(error, `no error matching ${message}: ${errors.map((e) => e.message).join(' | ')}`);
      assert.equal(error.location.input, 'analysis');
      assert.equal(error.location.line, line);
      if (line) assert.match(error.message, new RegExp(`^input 'analysis' line ${line}: `));
    });
  }

  it('rejects a metric name used twice', () => {
    const text =
      'metrics:\n  - {name: a, provider: web, url: "http://x", successCondition: "true"}\n  - {name: a, provider: web, url: "http://y", successCondition: "true"}';
    const [error] = errorsOf(text);
    assert.match(error.message, /^input 'analysis' line 3: metric name 'a' is used twice/);
  });

  it('reports problems in every metric', () => {
    const text =
      'metrics:\n  - {name: a, provider: web}\n  - {name: b, provider: nope}\n  - {name: c, provider: web, url: "http://x", successCondition: "true"}';
    // a: no url and nothing to judge by; b: unknown provider (and nothing more about it).
    assert.deepEqual(
      errorsOf(text).map((e) => e.location.line),
      [2, 2, 3],
    );
  });
});

describe('provider spec readers', () => {
  const read = <F extends object>(spec: MetricSpecReader<F>, raw: Record<string, unknown>) => {
    const problems: Array<[string | undefined, string]> = [];
    const fields = metricFields(raw, (key, message) => problems.push([key, message]));
    return { fields: spec.read(fields), problems };
  };

  it('each provider reads only its own fields', () => {
    const raw = { url: 'http://x', query: 'up', job: { template: {} }, timeout: '5s', method: 'get' };
    assert.deepEqual(read(webSpec, raw).fields, {
      url: 'http://x',
      method: 'GET',
      body: undefined,
      jsonPath: undefined,
      headers: undefined,
      timeoutMs: 5000,
    });
    assert.deepEqual(read(prometheusSpec, raw).fields.query, 'up');
    assert.equal((read(prometheusSpec, raw).fields as Record<string, unknown>).url, undefined);
    assert.deepEqual(read(jobSpec, raw).fields, { job: { template: {} }, timeoutMs: 5000 });
  });

  it('a provider reports its own missing and invalid fields', () => {
    assert.deepEqual(read(webSpec, { method: 'FETCH' }).problems, [
      [undefined, '`url` is required for provider web'],
      ['method', "unknown method 'FETCH' (valid: GET, POST, PUT, HEAD, PATCH)"],
    ]);
    assert.deepEqual(read(prometheusSpec, { query: 'up', compare: { alpha: 2 } }).problems, [
      ['compare', "compare: alpha must be between 0 and 1, got number '2'"],
    ]);
  });

  it('the registry names every provider and config validation lists their keys', () => {
    assert.deepEqual(Object.keys(providers), ['prometheus', 'web', 'job']);
    const [error] = errorsOf(
      metric('name: a\nprovider: web\nurl: http://x\nsuccessCondition: "true"\nretries: 3'),
    );
    for (const key of [...prometheusSpec.keys, ...webSpec.keys, ...jobSpec.keys])
      assert.match(error!.message, new RegExp(`valid: .*\\b${key}\\b`));
  });
});
