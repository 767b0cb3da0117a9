import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderPlan, renderPlanReport, renderReport } from '../../src/report/index.ts';
import { promotedCanary, rolledBackCanary } from '../helpers/sample-record.ts';

/** The rows of the first Markdown table after `heading`. */
function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `no ${heading} in report`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('|'))
      rows.push(
        line
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim()),
      );
    else if (rows.length > 0) break;
  }
  return rows.slice(2); // header and separator
}

function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}

describe('renderReport: promoted canary', () => {
  const md = renderReport(promotedCanary(), { marker: '<!-- kube-rollout:web:production -->' });

  it('puts the marker first and a headline with result, versions, duration, environment and run link', () => {
    assert.ok(md.startsWith('<!-- kube-rollout:web:production -->\n'));
    const head = md.split('\n').slice(0, 5).join('\n');
    assert.match(head, /## ✅ Promoted: web/);
    assert.match(head, /`1\.4\.0` → `1\.5\.0`/);
    assert.match(head, /took 4m 12s/);
    assert.match(head, /environment `production`/);
    assert.match(head, /\[workflow run\]\(https:\/\/github\.com\/acme\/shop\/actions\/runs\/42\)/);
    assert.doesNotMatch(md, /Rollback reason/);
  });

  it('has one step row per step with weight, start, duration and verdict', () => {
    const rows = tableAfter(md, '#### Steps');
    assert.equal(rows.length, 5);
    assert.deepEqual(rows[2], ['3', 'analysis error-rate', '20%', '22:00:21', '2m', '✅ passed']);
    assert.match(rows[0]![1]!, /canary 1\/1 ready/);
  });

  it('summarises each metric with query, values, condition and verdict, and marks dry runs', () => {
    const rows = tableAfter(md, '#### Analysis');
    assert.equal(rows.length, 2);
    const [errorRate, latency] = rows as [string[], string[]];
    assert.equal(errorRate[0], 'error-rate');
    assert.match(errorRate[1]!, /^`sum\(rate\(http_requests_total\{code=~"5\.\."\}\[1m\]\)\)`$/);
    assert.equal(errorRate[2], '0.012, 0.018, 0.021');
    assert.equal(errorRate[3], '`result <= 0.05`');
    assert.match(errorRate[4]!, /✅ Successful/);
    assert.match(latency[0]!, /dry run/);
    assert.match(md, /All measurements \(4\)/);
  });

  it('charts the canary weight over time and the key metric', () => {
    const charts = mermaidBlocks(md);
    assert.equal(charts.length, 2);
    const [weight, metric] = charts as [string, string];
    assert.match(weight, /^xychart-beta\n/);
    assert.match(weight, /title "Canary weight"/);
    assert.match(weight, /x-axis "time since start" \["\+0s", "\+20s", "\+2m 21s", "\+4m 12s"\]/);
    assert.match(weight, /y-axis "weight %" 0 --> 100/);
    assert.match(weight, /line \[0, 20, 50, 100\]/);
    // The dry-run metric failed, so it is the one worth charting... but it has one value only.
    assert.match(metric, /title "error-rate"/);
    assert.match(metric, /line \[0\.012, 0\.018, 0\.021\]/);
  });

  it('lists notes and shows no evidence section', () => {
    assert.match(md, /#### Notes\n\n- analysis step 2 took longer than its interval/);
    assert.doesNotMatch(md, /Failure evidence/);
  });

  it('is deterministic', () => {
    assert.equal(renderReport(promotedCanary(), { marker: '<!-- kube-rollout:web:production -->' }), md);
  });
});

describe('renderReport: rolled-back canary', () => {
  const md = renderReport(rolledBackCanary());

  it('shows the result, the rollback reason and the failed step', () => {
    assert.match(md, /## ↩️ Rolled back: web/);
    assert.match(
      md,
      /\*\*Rollback reason:\*\* analysis error-rate failed 2 times \\\(limit 1\\\): 0\.42 &gt; 0\.05/,
    );
    assert.match(md, /serving `1\.4\.0`/);
    const steps = tableAfter(md, '#### Steps');
    assert.equal(steps[2]![5], '❌ failed');
  });

  it('shows the failing pod with reason, exit code, restarts, message and its last log lines', () => {
    const rows = tableAfter(md, '#### Failure evidence');
    assert.deepEqual(rows[0], [
      'web-canary',
      'web-canary-7d9f-x2x',
      'app',
      '**CrashLoopBackOff**',
      '137',
      '4',
      'back-off 40s restarting failed container',
    ]);
    assert.match(
      md,
      /<details><summary>Last log lines of web-canary-7d9f-x2x\/app<\/summary>\n\n```text\nlistening on :8080\nFATAL: cannot connect to db\n```\n\n<\/details>/,
    );
  });

  it('marks the failed metric and charts the weight falling back to 0', () => {
    const rows = tableAfter(md, '#### Analysis');
    assert.match(rows[0]![4]!, /❌ Failed/);
    assert.match(rows[0]![4]!, /❌ 2 ✅ 1/);
    const [weight] = mermaidBlocks(md);
    assert.match(weight!, /line \[0, 20, 0, 0\]/);
  });
});

describe('renderReport: size limit', () => {
  it('drops logs first, then measurement rows, and says so', () => {
    const record = rolledBackCanary();
    record.evidence[0]!.logTail = Array.from({ length: 2000 }, (_, i) => `log line ${i} ${'x'.repeat(200)}`);
    record.measurements = Array.from({ length: 250 }, (_, i) => ({
      metric: 'error-rate',
      provider: 'prometheus' as const,
      at: new Date(Date.parse(record.startedAt) + i * 1000).toISOString(),
      phase: 'Successful' as const,
      value: i / 1000,
      message: 'm'.repeat(150),
    }));
    const full = renderReport(record, { maxLength: 1_000_000 });
    assert.ok(full.includes('log line 1999'));
    assert.ok(full.includes('[1950 earlier lines omitted]'));
    assert.ok(full.includes('All measurements (250)'));
    assert.ok(!full.includes('Shortened'), 'nothing cut at full detail but the log tail');

    const medium = renderReport(record, { maxLength: full.length - 1 });
    assert.ok(medium.length < full.length);
    assert.ok(
      medium.includes(
        "Shortened to stay readable and within GitHub's size limit: pod logs cut to the last 20 lines.",
      ),
    );
    assert.ok(medium.includes('[1980 earlier lines omitted]'));
    assert.ok(medium.includes('All measurements (250)'), 'measurement rows kept while logs can shrink');

    const small = renderReport(record, { maxLength: 30_000 });
    assert.ok(small.length <= 30_000, `length ${small.length}`);
    assert.ok(!small.includes('log line'));
    assert.match(
      small.slice(0, 2000),
      /Shortened to stay readable and within GitHub's size limit: pod logs left out; 200 measurement rows left out\./,
    );
    assert.ok(small.includes('All measurements (50 of 250)'));
    assert.ok(small.includes('#### Failure evidence'), 'the evidence table stays');
  });

  it('rejects a marker that is not an HTML comment', () => {
    assert.throws(() => renderReport(promotedCanary(), { marker: 'kube-rollout:web' }), /marker/);
  });
});

describe('renderReport: in progress', () => {
  it('says the release is in progress when it has no result yet', () => {
    const record = promotedCanary();
    delete record.result;
    delete record.finishedAt;
    record.steps[4] = { ...record.steps[4]!, verdict: 'running' };
    delete record.steps[4].finishedAt;
    const md = renderReport(record);
    assert.match(md, /## 🔄 In progress: web/);
    assert.equal(tableAfter(md, '#### Steps')[4]![4], 'running');
  });
});

describe('renderPlan', () => {
  it('lists changed objects first, collapses unchanged ones and numbers the steps', () => {
    const md = renderPlan({
      changes: [
        { kind: 'Service', name: 'web', namespace: 'shop', change: 'unchanged', details: [] },
        {
          kind: 'Deployment',
          name: 'web',
          namespace: 'shop',
          change: 'changed',
          details: ['image app: shop/web:1.4.0 → shop/web:1.5.0', 'replicas: 3 → 5'],
        },
        { kind: 'Ingress', name: 'web-canary', namespace: 'shop', change: 'added', details: [] },
      ],
      steps: ['apply canary', 'setWeight 20', 'pause 2m'],
    });
    const rows = tableAfter(md, '');
    assert.deepEqual(rows[0], ['➕ added', 'Ingress', 'web-canary', 'shop', '']);
    assert.deepEqual(rows[1], [
      '✏️ changed',
      'Deployment',
      'web',
      'shop',
      'image app: shop/web:1.4.0 → shop/web:1.5.0<br>replicas: 3 → 5',
    ]);
    assert.match(md, /1 added, 1 changed, 1 unchanged\. Nothing was written to the cluster\./);
    assert.match(md, /<details><summary>1 unchanged objects<\/summary>/);
    assert.match(md, /#### Steps the release will take\n\n1\. apply canary\n2\. setWeight 20\n3\. pause 2m/);
  });
});

describe('renderPlanReport', () => {
  it('names the release, the strategy and both versions, then the changes and steps', () => {
    const md = renderPlanReport({
      name: 'web',
      strategy: 'canary',
      fromVersion: '1.4.0',
      toVersion: '1.5.0',
      changes: [
        {
          kind: 'Deployment',
          name: 'web',
          namespace: 'shop',
          change: 'changed',
          details: ['replicas: 3 → 5'],
        },
      ],
      steps: ['setWeight 20'],
    });
    assert.match(md, /^## kube-rollout plan for `web`\n\n### 📝 Plan\n/);
    assert.match(md, /1\. canary release of web: 1\.4\.0 → 1\.5\.0\n2\. setWeight 20/);
    assert.match(md, /replicas: 3 → 5/);
  });

  it('shows a first release as (new)', () => {
    const md = renderPlanReport({ name: 'api', strategy: 'rolling', toVersion: '2', changes: [], steps: [] });
    assert.match(md, /rolling release of api: \\?\(new\\?\) → 2/);
  });
});
