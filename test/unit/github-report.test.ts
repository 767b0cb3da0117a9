import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as core from '@actions/core';
import { shortDescription } from '../../src/github/deployment-status.ts';
import { releaseOutputs, setReleaseOutputs } from '../../src/github/outputs.ts';
import { commentBody, commentMarker, MAX_COMMENT_LENGTH } from '../../src/github/pr-comment.ts';
import { writeJobSummary } from '../../src/github/summary.ts';
import { promotedCanary, rolledBackCanary } from '../helpers/sample-record.ts';

const dir = mkdtempSync(join(tmpdir(), 'kube-rollout-summary-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('writeJobSummary', () => {
  it('appends the report to GITHUB_STEP_SUMMARY and writes the same Markdown to a file', async () => {
    const summaryFile = join(dir, 'step-summary.md');
    writeFileSync(summaryFile, 'earlier step\n');
    process.env.GITHUB_STEP_SUMMARY = summaryFile;
    const warnings: string[] = [];
    const path = await writeJobSummary('## report\n', {
      summary: core.summary,
      name: 'web/production',
      dir,
      warn: (m) => warnings.push(m),
    });
    assert.equal(path, join(dir, 'kube-rollout-web-production.md'));
    assert.equal(readFileSync(path!, 'utf8'), '## report\n');
    assert.equal(readFileSync(summaryFile, 'utf8'), 'earlier step\n## report\n\n');
    assert.deepEqual(warnings, []);
  });

  it('warns, and still writes the file, when the job summary cannot be written', async () => {
    const warnings: string[] = [];
    const failing = {
      addRaw() {
        return failing;
      },
      write: () => Promise.reject(new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY')),
    };
    const path = await writeJobSummary('x', {
      summary: failing,
      name: 'api',
      dir,
      warn: (m) => warnings.push(m),
    });
    assert.equal(readFileSync(path!, 'utf8'), 'x\n');
    assert.match(warnings[0]!, /job summary.*GITHUB_STEP_SUMMARY/);
  });
});

describe('release outputs', () => {
  it('sets every CONTRACT output from a promoted record', () => {
    const set: [string, string][] = [];
    const outputs = setReleaseOutputs(promotedCanary(), '/tmp/report.md', (n, v) => set.push([n, v]));
    assert.deepEqual(Object.fromEntries(set), {
      result: 'promoted',
      version: '1.5.0',
      'previous-version': '1.4.0',
      'canary-weight': '100',
      revision: '7',
      'rollback-reason': '',
      summary: '/tmp/report.md',
      'changed-workloads': '[]',
    });
    assert.deepEqual(outputs, Object.fromEntries(set));
  });

  it('lists the workloads whose pod template changes as JSON, the unchanged ones left out', () => {
    const record = promotedCanary();
    record.workloads = [
      { workload: 'Deployment/cart', change: 'changed', images: ['cart: r/cart:1 → r/cart:2'], ready: '3/3' },
      { workload: 'Deployment/redis', change: 'unchanged' },
      { workload: 'Deployment/mail', change: 'new', images: ['mail: r/mail:2'], how: 'in place: new' },
    ];
    assert.deepEqual(JSON.parse(releaseOutputs(record)['changed-workloads']), [
      { workload: 'Deployment/cart', change: 'changed', images: ['cart: r/cart:1 → r/cart:2'], ready: '3/3' },
      { workload: 'Deployment/mail', change: 'new', images: ['mail: r/mail:2'], how: 'in place: new' },
    ]);
  });

  it('reports the stable version and a one-line reason after a rollback', () => {
    const record = rolledBackCanary();
    record.rollbackReason = 'analysis failed\n  error rate 0.42';
    delete record.servingVersion;
    const outputs = releaseOutputs(record);
    assert.equal(outputs.result, 'rolled-back');
    assert.equal(outputs.version, '1.4.0');
    assert.equal(outputs['canary-weight'], '0');
    assert.equal(outputs['rollback-reason'], 'analysis failed error rate 0.42');
    assert.equal(outputs.summary, '');
  });
});

describe('comment and deployment helpers', () => {
  it('builds markers that cannot close the HTML comment', () => {
    assert.equal(commentMarker('web'), '<!-- kube-rollout:web:default -->');
    assert.equal(commentMarker('we b-->x', 'prod:eu'), '<!-- kube-rollout:we-b-x:prod-eu -->');
  });

  it('puts the marker first and keeps the body within the comment limit', () => {
    const marker = commentMarker('web');
    assert.equal(commentBody(marker, 'hi'), `${marker}\nhi`);
    assert.equal(commentBody(marker, `${marker}\nhi`), `${marker}\nhi`);
    const long = commentBody(marker, 'x'.repeat(100_000));
    assert.equal(long.length, MAX_COMMENT_LENGTH);
    assert.ok(long.startsWith(marker));
  });

  it('cuts descriptions to 140 characters on one line', () => {
    assert.equal(shortDescription('a\nb'), 'a b');
    const cut = shortDescription('y'.repeat(200));
    assert.equal(cut.length, 140);
    assert.ok(cut.endsWith('…'));
  });
});
