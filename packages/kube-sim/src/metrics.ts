// Prometheus metrics of the synthetic traffic, in the text exposition format 0.0.4.
// Series are never removed, so counters only go up while the simulator runs.

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface RequestLabels {
  namespace: string;
  app: string;
  version: string;
  pod: string;
  code: string;
}

export interface IngressLabels {
  namespace: string;
  ingress: string;
  service: string;
  status: string;
  canary: string;
}

type Labels = Record<string, string>;

interface Histogram {
  labels: Labels;
  buckets: number[]; // non-cumulative counts per bucket, plus +Inf at the end
  sum: number;
  count: number;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

class CounterFamily {
  private readonly series = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels, by = 1): void {
    const key = formatLabels(labels);
    const found = this.series.get(key);
    if (found) found.value += by;
    else this.series.set(key, { labels: { ...labels }, value: by });
  }
  lines(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, s] of this.series) out.push(`${this.name}${key} ${formatNumber(s.value)}`);
    return out;
  }
}

class HistogramFamily {
  private readonly series = new Map<string, Histogram>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: number[],
  ) {}
  observe(labels: Labels, value: number): void {
    const key = formatLabels(labels);
    let h = this.series.get(key);
    if (!h) {
      h = { labels: { ...labels }, buckets: new Array(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.series.set(key, h);
    }
    const index = this.bounds.findIndex((bound) => value <= bound);
    h.buckets[index === -1 ? this.bounds.length : index]++;
    h.sum += value;
    h.count++;
  }
  lines(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, h] of this.series) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += h.buckets[i];
        out.push(`${this.name}_bucket${formatLabels({ ...h.labels, le: String(bound) })} ${cumulative}`);
      });
      out.push(`${this.name}_bucket${formatLabels({ ...h.labels, le: '+Inf' })} ${h.count}`);
      out.push(`${this.name}_sum${key} ${formatNumber(h.sum)}`);
      out.push(`${this.name}_count${key} ${h.count}`);
    }
    return out;
  }
}

/** The simulator's metrics: per-pod request counts, per-version latency, ingress-nginx requests. */
export class SimMetrics {
  private readonly requests = new CounterFamily(
    'http_requests_total',
    'HTTP requests answered, by pod and status code.',
  );
  private readonly duration = new HistogramFamily(
    'http_request_duration_seconds',
    'HTTP request latency by app version.',
    DURATION_BUCKETS,
  );
  private readonly nginx = new CounterFamily(
    'nginx_ingress_controller_requests',
    'Requests that came through an Ingress (ingress-nginx style).',
  );

  recordRequest(labels: RequestLabels, seconds: number): void {
    this.requests.inc({ ...labels });
    const { namespace, app, version } = labels;
    this.duration.observe({ namespace, app, version }, seconds);
  }

  recordIngress(labels: IngressLabels): void {
    this.nginx.inc({ ...labels });
  }

  text(): string {
    return [...this.requests.lines(), ...this.duration.lines(), ...this.nginx.lines()].join('\n') + '\n';
  }
}
