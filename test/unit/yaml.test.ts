// src/yaml.ts: values read the way Kubernetes reads manifests, and the line of every key and item.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { InputError } from '../../src/errors.ts';
import { parseYaml } from '../../src/yaml.ts';

const where = { input: 'manifests', file: 'app.yaml' };
const one = (text: string, schema: 'kubernetes' | 'core' = 'kubernetes') =>
  parseYaml(text, schema, where)[0]!;

describe('parseYaml', () => {
  // What kubectl sends for each plain scalar (sigs.k8s.io/yaml: YAML 1.1 without timestamps and
  // base 60), and what YAML 1.2 core reads for the inputs.
  const scalars: Array<[string, unknown, unknown]> = [
    ['yes', true, 'yes'],
    ['Off', false, 'Off'],
    ['y', true, 'y'],
    ['TRUE', true, true],
    ['0644', 420, 644],
    ['0o17', '0o17', 15],
    ['0x1F', 31, 31],
    ['0b101', 5, '0b101'],
    ['1_000', 1000, '1_000'],
    ['08', 8, 8],
    ['+12', 12, 12],
    ['1e3', 1000, 1000],
    ['1.5E+3', 1500, 1500],
    ['.5', 0.5, 0.5],
    ['1.', 1, 1],
    ['-.inf', -Infinity, -Infinity],
    ['1:20', '1:20', '1:20'],
    ['190:20:30.5', '190:20:30.5', '190:20:30.5'],
    ['2024-05-01', '2024-05-01', '2024-05-01'],
    ['~', null, null],
    ['Null', null, null],
    ['"012"', '012', '012'],
    ['v1.2.3', 'v1.2.3', 'v1.2.3'],
    ['1.2.3', '1.2.3', '1.2.3'],
  ];
  for (const [text, kubernetes, core] of scalars) {
    it(`reads ${text} as ${String(kubernetes)} in manifests and ${String(core)} in inputs`, () => {
      assert.deepEqual(one(`v: ${text}\n`).value, { v: kubernetes });
      assert.deepEqual(one(`v: ${text}\n`, 'core').value, { v: core });
    });
  }

  it('reads every fixture app as the previous parser (the `yaml` package, same settings) did', () => {
    const files = yamlFiles(join(import.meta.dirname, '../fixtures'));
    assert.ok(files.length > 20, `${files.length} fixture files`);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (text.includes('{{')) continue; // a Helm template, not YAML until rendered
      const before = parseAllDocuments(text, {
        version: '1.1',
        customTags: (tags) =>
          tags.filter(
            (t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME'),
          ),
      });
      if (!Array.isArray(before) || before.some((d) => d.errors.length)) continue;
      const now = parseYaml(text, 'kubernetes', { input: 'manifests', file }).map((d) => d.value);
      assert.deepEqual(
        now.filter((v) => v !== null),
        before.map((d) => d.toJS()).filter((v) => v !== null),
        file,
      );
    }
  });

  it('gives each document, key and list item its line', () => {
    const text =
      '# a comment\n---\napiVersion: v1\nkind: List\nitems:\n  - name: a\n    ports:\n      - 80\n  - {name: b}\n---\n\nx: 1\n';
    const [list, second] = parseYaml(text, 'kubernetes', where);
    assert.equal(list!.line, 3);
    assert.equal(second!.line, 12);
    const value = list!.value as { items: Array<{ ports?: number[] }> };
    assert.equal(list!.lineOf(value, 'kind'), 4);
    assert.equal(list!.lineOf(value.items, 0), 6);
    assert.equal(list!.lineOf(value.items, 1), 9);
    assert.equal(list!.lineOf(value.items[0], 'ports'), 7);
    assert.equal(list!.lineOf(value.items[0]!.ports, 0), 8);
    assert.equal(second!.lineOf(second!.value, 'x'), 12);
  });

  it('keeps following lines past anchors, aliases and merge keys', () => {
    const text = 'base: &b {a: 1}\nuse:\n  <<: *b\n  c:\n    - d: 2\nafter: [*b]\nlast: 3\n';
    const doc = one(text);
    const value = doc.value as { use: { a: number; c: Array<{ d: number }> } };
    assert.deepEqual(value.use, { a: 1, c: [{ d: 2 }] });
    assert.equal(doc.lineOf(value.use, 'c'), 4);
    assert.equal(doc.lineOf(value.use.c, 0), 5);
    assert.equal(doc.lineOf(value, 'last'), 7);
  });

  const refused: Array<[string, string, number, RegExp]> = [
    ['a duplicate key', 'a: 1\nb: 2\na: 3\n', 3, /invalid YAML: duplicated mapping key/],
    ['a tab in the indentation', 'a:\n\tb: 1\n', 2, /invalid YAML/],
    ['an unclosed list', 'a: [1,\n', 2, /invalid YAML/],
    [
      'an alias bomb',
      'x: 1\n---\na: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
      3,
      /aliases expand too far/,
    ],
  ];
  for (const [name, text, line, message] of refused) {
    it(`refuses ${name}, naming the file and line`, () => {
      assert.throws(
        () => parseYaml(text, 'kubernetes', where),
        (err: unknown) =>
          err instanceof InputError &&
          message.test(err.message) &&
          err.location.file === 'app.yaml' &&
          err.location.line === line,
      );
    });
  }

  it('reads mappings nested as deep as a large CustomResourceDefinition, refuses a runaway nesting', () => {
    const nested = (depth: number) =>
      Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ` 1\n`;
    let value = one(nested(300)).value as Record<string, unknown>;
    for (let i = 0; i < 299; i++) value = value[`k${i}`] as Record<string, unknown>;
    assert.deepEqual(value, { k299: 1 });
    assert.throws(() => parseYaml(nested(1200), 'kubernetes', where), /invalid YAML: nesting exceeded/);
  });

  it('lets an anchor be used a few times', () => {
    const text = `env: &env [{name: A, value: "1"}]\n${Array.from({ length: 20 }, (_, i) => `c${i}: *env`).join('\n')}\n`;
    const value = one(text).value as Record<string, unknown>;
    assert.deepEqual(value.c19, [{ name: 'A', value: '1' }]);
  });
});

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}
