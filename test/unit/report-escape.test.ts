import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import type { RolloutRecord } from '../../src/record/types.ts';
import {
  codeBlock,
  escapeCell,
  escapeInline,
  inlineCode,
  neutralizeMentions,
  renderReport,
  tailLines,
  truncate,
} from '../../src/report/index.ts';
import { rolledBackCanary } from '../helpers/sample-record.ts';

/** CommonMark + GFM tables with raw HTML allowed: what GitHub parses before it sanitizes. */
const markdown = new MarkdownIt({ html: true, linkify: false });

/** Rendered HTML with code blocks and code spans removed: where HTML and mentions would be live. */
function liveHtml(md: string): string {
  return markdown
    .render(md)
    .replace(/<pre>[\s\S]*?<\/pre>/g, '')
    .replace(/<code>[\s\S]*?<\/code>/g, '');
}

function assertHarmless(md: string): void {
  const html = markdown.render(md);
  const live = liveHtml(md);
  assert.doesNotMatch(html, /<script/i, 'a script tag got through');
  assert.doesNotMatch(html, /<img/i, 'an img tag got through');
  assert.doesNotMatch(html, /<[a-z][^>]*\son[a-z]+=/i, 'an event handler attribute got through');
  assert.doesNotMatch(html, /<details open/i, 'an attacker details tag got through');
  assert.doesNotMatch(live, /(^|[^\w\u200d])@[A-Za-z0-9]/m, 'a live @mention');
  assert.doesNotMatch(live, /(^|[^\w\u200d])#\d/m, 'a live issue reference');
}

const NASTY = [
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror=alert(1)>',
  '</details><details open><summary>pwned</summary>',
  'cc @acme/platform-team and @octocat, see #123 and acme/shop#7',
  '<!-- hidden --> <a href="javascript:alert(1)">x</a>',
  'col | with | pipes',
  '**bold** _em_ [link](https://evil.example) ![img](https://evil.example/x.png)',
].join('\n');

function hostileRecord(): RolloutRecord {
  const record = rolledBackCanary();
  const log = [
    'normal line',
    '```',
    '</details>',
    '<script>alert("from log")</script>',
    '````',
    '@acme/platform-team look here',
    '~~~',
    'still in the log',
  ];
  record.app = 'web<script>';
  record.notes = [NASTY, '# heading?', '- list?', '> quote?'];
  record.rollbackReason = NASTY;
  record.steps[0] = { ...record.steps[0]!, label: NASTY, detail: NASTY };
  record.measurements[0] = {
    ...record.measurements[0]!,
    metric: NASTY,
    query: 'sum(x{a="|"}) ``` `` ` <script>',
    message: NASTY,
    value: NASTY,
  };
  record.evidence = [
    {
      ...record.evidence[0]!,
      pod: 'pod<img src=x onerror=alert(1)>',
      container: '@octocat',
      reason: NASTY,
      message: NASTY,
      logTail: log,
    },
  ];
  return record;
}

describe('report escaping: injection corpus', () => {
  it('renders hostile pod messages, names, queries and logs harmless', () => {
    const md = renderReport(hostileRecord());
    assertHarmless(md);
    // Our own collapsible is the only one, and it is closed.
    const html = markdown.render(md);
    assert.equal((html.match(/<details>/g) ?? []).length, 2, 'all measurements + the log');
    assert.equal((html.match(/<\/details>/g) ?? []).length, 2);
  });

  it('keeps every line of a log with fences inside one code block', () => {
    const md = renderReport(hostileRecord());
    const blocks = [
      ...markdown.render(md).matchAll(/<pre><code class="language-text">([\s\S]*?)<\/code><\/pre>/g),
    ].map((m) => m[1]!);
    assert.equal(blocks.length, 1);
    const block = blocks[0]!;
    for (const line of ['normal line', '```', '&lt;/details&gt;', '````', '~~~', 'still in the log']) {
      assert.ok(block.includes(line), `log line ${line} outside the code block`);
    }
    // The fence is longer than the longest backtick run in the log.
    assert.match(md, /\n`````text\n/);
  });

  it('keeps table rows intact when cells hold pipes and newlines', () => {
    const md = renderReport(hostileRecord());
    const html = markdown.render(md);
    const evidence = html.slice(html.indexOf('Failure evidence'));
    const body = evidence.indexOf('<tbody>');
    const firstRow = evidence.slice(body, evidence.indexOf('</tr>', body));
    assert.equal((firstRow.match(/<td/g) ?? []).length, 7, 'the evidence row has exactly its 7 cells');
    assert.ok(firstRow.includes('col | with | pipes'));
  });

  it('stays within GitHub limits with a 1 MB log and a 1 MB message', () => {
    const record = hostileRecord();
    const big = `${'A'.repeat(1023)}\n`.repeat(1024); // 1 MB
    record.evidence[0]!.logTail = big.split('\n');
    record.evidence[0]!.message = big;
    record.evidence.push({ ...record.evidence[0]!, pod: 'second', logTail: [big] });
    record.notes.push(big);
    const md = renderReport(record);
    assert.ok(md.length <= 65_536, `report is ${md.length} characters`);
    assert.ok(md.length <= 60_000, 'default maxLength');
    assertHarmless(md);
  });
});

describe('escape helpers', () => {
  it('escapeInline turns HTML into entities and breaks mentions', () => {
    const out = escapeInline('<b onclick=x>@octocat</b> & @acme/team #12');
    assert.equal(out, '&lt;b onclick=x&gt;@\u200doctocat&lt;/b&gt; &amp; @\u200dacme/team \\#\u200d12');
    assert.equal(escapeInline("it's"), 'it&#39;s');
  });

  it('escapeInline keeps text on one line and truncates with a marker', () => {
    assert.equal(escapeInline('a\nb'), 'a b');
    assert.equal(escapeInline('x'.repeat(50), 10), `${'x'.repeat(10)}… \\[40 characters truncated\\]`);
  });

  it('escapeCell escapes pipes and turns newlines into <br>', () => {
    assert.equal(escapeCell('a | b\n\nc'), 'a \\| b<br>c');
  });

  it('neutralizeMentions leaves e-mail-free text alone', () => {
    assert.equal(neutralizeMentions('no mentions here'), 'no mentions here');
    assert.equal(neutralizeMentions('@a'), '@\u200da');
  });

  it('codeBlock picks a fence longer than any backtick run', () => {
    assert.equal(codeBlock('plain'), '\n```text\nplain\n```\n');
    assert.equal(codeBlock('a ```` b', 'sh'), '\n`````sh\na ```` b\n`````\n');
  });

  it('inlineCode picks a longer backtick run and pads edge backticks', () => {
    assert.equal(inlineCode('a`b'), '``a`b``');
    assert.equal(inlineCode('`x`'), '`` `x` ``');
    assert.equal(inlineCode('a|b'), '`a\\|b`');
  });

  it('tailLines keeps the end of a log and says how much was dropped', () => {
    assert.deepEqual(tailLines(['1', '2', '3\n4'], 2), ['[2 earlier lines omitted]', '3', '4']);
    assert.deepEqual(tailLines(['only'], 5), ['only']);
  });

  it('truncate says how many characters were cut', () => {
    assert.equal(truncate('abcdef', 3), 'abc… [3 characters truncated]');
    assert.equal(truncate('abc', 3), 'abc');
  });
});
