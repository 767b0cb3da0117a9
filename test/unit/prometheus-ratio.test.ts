import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitRatio } from '../../src/analysis/providers/prometheus-ratio.ts';

describe('splitRatio (the top-level division of a PromQL query)', () => {
  const cases: Array<[string, [string, string] | undefined]> = [
    [
      'sum(rate(http_requests_total{code=~"5..",version="v2"}[1m])) / sum(rate(http_requests_total{version="v2"}[1m]))',
      [
        'sum(rate(http_requests_total{code=~"5..",version="v2"}[1m]))',
        'sum(rate(http_requests_total{version="v2"}[1m]))',
      ],
    ],
    ['sum(rate(a[1m])) / on(pod) group_left sum(rate(b[1m]))', ['sum(rate(a[1m]))', 'sum(rate(b[1m]))']],
    ['a / ignoring(code) group_right(x) b', ['a', 'b']],
    ['a{path="/x/y"} / b', ['a{path="/x/y"}', 'b']],
    ['sum(a / b)', undefined],
    ['rate(a{path="/"}[1m])', undefined],
    ['a /', undefined],
  ];
  for (const [query, expected] of cases) {
    it(query, () => {
      const split = splitRatio(query);
      assert.deepEqual(split && [split.numerator, split.denominator], expected);
    });
  }
});
