import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_STEPS, parseSteps, type CanaryStep } from '../../src/config/index.ts';
import { InputError, InputErrors } from '../../src/errors.ts';

function errorsOf(text: string): InputError[] {
  try {
    parseSteps(text);
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return err instanceof InputErrors ? err.errors : [err];
  }
  assert.fail('expected parseSteps to throw');
}

describe('parseSteps', () => {
  const valid: Array<[string, string, CanaryStep[]]> = [
    [
      'setWeight',
      '- setWeight: 10\n- setWeight: 0\n- setWeight: 100',
      [{ setWeight: 10 }, { setWeight: 0 }, { setWeight: 100 }],
    ],
    ['pause with a duration', '- pause: 2m', [{ pause: { durationMs: 120_000 } }]],
    ['pause with seconds', '- pause: 30', [{ pause: { durationMs: 30_000 } }]],
    ['pause mapping', '- pause: {duration: 1h30m}', [{ pause: { durationMs: 5_400_000 } }]],
    ['pause until promote', '- pause: {}', [{ pause: {} }]],
    ['bare pause', '- pause:', [{ pause: {} }]],
    ['analysis without override', '- analysis: {}', [{ analysis: {} }]],
    ['bare analysis', '- analysis:', [{ analysis: {} }]],
    [
      'analysis with metrics',
      '- analysis:\n    metrics:\n      - name: ok\n        provider: web\n        url: http://h/x\n        successCondition: result == true',
      [
        {
          analysis: {
            metrics: [
              {
                name: 'ok',
                provider: 'web',
                url: 'http://h/x',
                successCondition: 'result == true',
                failureLimit: 0,
                inconclusiveLimit: 0,
                consecutiveErrorLimit: 4,
                dryRun: false,
                phase: 'pre-promotion',
                line: 3,
              },
            ],
          },
        },
      ],
    ],
    [
      'header route by value',
      '- setHeaderRoute: {name: beta, header: x-beta, value: "true"}',
      [{ setHeaderRoute: { name: 'beta', header: 'x-beta', match: { exact: 'true' } } }],
    ],
    [
      'header route by prefix',
      '- setHeaderRoute: {name: b, header: user-agent, prefix: Mozilla}',
      [{ setHeaderRoute: { name: 'b', header: 'user-agent', match: { prefix: 'Mozilla' } } }],
    ],
    [
      'header route by regex',
      '- setHeaderRoute: {name: b, header: x-user, regex: "^qa-.*"}',
      [{ setHeaderRoute: { name: 'b', header: 'x-user', match: { regex: '^qa-.*' } } }],
    ],
    ['header route removal', '- setHeaderRoute: {name: beta}', [{ removeHeaderRoute: 'beta' }]],
    ['empty list', '[]', []],
  ];
  for (const [name, text, want] of valid) it(`reads ${name}`, () => assert.deepEqual(parseSteps(text), want));

  it('has the documented default', () => {
    assert.deepEqual(DEFAULT_STEPS, [
      { setWeight: 10 },
      { pause: { durationMs: 120_000 } },
      { setWeight: 50 },
      { pause: { durationMs: 120_000 } },
    ]);
  });

  const invalid: Array<[string, string, number | undefined, RegExp]> = [
    ['a mapping instead of a list', 'setWeight: 10', undefined, /expected a YAML list of steps/],
    [
      'an unknown step',
      '- setWeight: 10\n- pause: 1m\n- wait: 1m',
      3,
      /unknown step 'wait' \(valid: setWeight, pause, analysis, setHeaderRoute, setCanaryScale\)/,
    ],
    ['two kinds in one step', '- setWeight: 10\n  pause: 1m', 1, /exactly one of/],
    ['a weight above 100', '- setWeight: 150', 1, /whole number from 0 to 100, got number '150'/],
    ['a fractional weight', '- setWeight: 12.5', 1, /whole number from 0 to 100/],
    ['a weight as text', '- setWeight: ten', 1, /got string 'ten'/],
    ['a bad pause duration', '- setWeight: 1\n- pause: 5 minutes', 2, /pause: invalid duration '5 minutes'/],
    ['an unknown pause key', '- pause:\n    until: promote', 2, /pause: unknown key 'until'/],
    ['a scalar step', '- 10', 1, /a step must be a mapping/],
    [
      'analysis with unknown key',
      '- analysis:\n    template: x',
      2,
      /unknown key 'template' \(valid: interval, startingStep, metrics\)/,
    ],
    [
      'analysis metric error',
      '- analysis:\n    metrics:\n      - name: m\n        provider: web',
      3,
      /metric 'm': `url` is required for provider web/,
    ],
    ['header route without name', '- setHeaderRoute: {header: x, value: y}', 1, /`name` is required/],
    ['header route without header', '- setHeaderRoute: {name: a, value: y}', 1, /`header` is required/],
    [
      'header route with two matches',
      '- setHeaderRoute: {name: a, header: x, value: y, prefix: z}',
      1,
      /exactly one of value, prefix, regex/,
    ],
    [
      'header route with no match',
      '- setHeaderRoute: {name: a, header: x}',
      1,
      /exactly one of value, prefix, regex/,
    ],
    [
      'header route with a bad regex',
      '- setHeaderRoute: {name: a, header: x, regex: "("}',
      1,
      /invalid regex/,
    ],
    [
      'header route with unknown key',
      '- setHeaderRoute: {name: a, header: x, exact: y}',
      1,
      /unknown key 'exact'/,
    ],
    ['malformed YAML', '- setWeight: 10\n- pause: [1m\n', 3, /invalid YAML/],
    ['two YAML documents', '- setWeight: 10\n---\n- pause: {}\n', 3, /more than one document/],
  ];
  for (const [name, text, line, message] of invalid) {
    it(`rejects ${name}`, () => {
      const [error] = errorsOf(text);
      assert.equal(error.location.input, 'steps');
      assert.equal(error.location.line, line);
      assert.match(error.message, message);
      if (line) assert.match(error.message, new RegExp(`^input 'steps' line ${line}: `));
    });
  }

  it('reports every bad step', () => {
    const errors = errorsOf('- setWeight: 200\n- pause: soon\n- setWeight: 20\n- bogus: 1');
    assert.deepEqual(
      errors.map((e) => e.location.line),
      [1, 2, 4],
    );
  });
});
