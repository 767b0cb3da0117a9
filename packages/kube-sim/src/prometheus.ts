// Runs a real Prometheus (the Debian package's /usr/bin/prometheus) scraping given targets, for
// tests of metric queries. Each instance gets its own temp dir, port and config.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_TYPE } from './metrics.ts';

export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BINARY ?? '/usr/bin/prometheus';

export interface PrometheusOptions {
  /** `host:port` of each target serving /metrics. */
  targets: string[];
  scrapeIntervalMs?: number;
  /** How long to wait for readiness (default 30 s). */
  startTimeoutMs?: number;
}

/** The `data` of an instant query's answer (resultType vector, matrix, scalar or string). */
export interface PromQueryData {
  resultType: string;
  result: { metric?: Record<string, string>; value?: [number, string]; values?: [number, string][] }[];
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
  /** Instant query; resolves to the envelope's `data` ({resultType, result}), throws on an error envelope. */
  query(q: string): Promise<PromQueryData>;
  /** Resolves once the metric has at least one sample; throws after `timeoutMs` (default 30 s). */
  waitForSamples(metric: string, timeoutMs?: number): Promise<void>;
}

export function prometheusAvailable(): boolean {
  return existsSync(PROMETHEUS_BINARY);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  if (!prometheusAvailable()) {
    throw new Error(
      `Prometheus binary not found at ${PROMETHEUS_BINARY}; install it with \`apt-get install prometheus\``,
    );
  }
  const interval = seconds(opts.scrapeIntervalMs ?? 1000);
  const dir = await mkdtemp(join(tmpdir(), 'kube-rollout-prom-'));
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    '  - job_name: sim',
    '    metrics_path: /metrics',
    '    static_configs:',
    `      - targets: [${opts.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  async function stop(): Promise<void> {
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  }

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`Prometheus exited before it was ready:\n${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus did not become ready at ${url}:\n${log}`);
    }
    await sleep(100);
  }

  async function query(q: string): Promise<PromQueryData> {
    const res = await fetch(`${url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: q }),
    });
    const body = (await res.json()) as {
      status?: string;
      errorType?: string;
      error?: string;
      data: PromQueryData;
    };
    if (body.status !== 'success')
      throw new Error(`Prometheus query failed (${body.errorType}): ${body.error}\n${q}`);
    return body.data;
  }

  async function waitForSamples(metric: string, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const data = await query(`count(${metric})`);
      if (data.result.length > 0) return;
      if (Date.now() > until) throw new Error(`no samples of ${metric} in Prometheus after ${timeoutMs} ms`);
      await sleep(250);
    }
  }

  return { url, stop, query, waitForSamples };
}

/** A loopback `/metrics` endpoint for a Prometheus to scrape; `target` is its host:port. */
export async function serveMetrics(
  metricsText: () => string,
): Promise<{ target: string; close(): Promise<void> }> {
  const server = createHttpServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': CONTENT_TYPE }).end(metricsText());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
