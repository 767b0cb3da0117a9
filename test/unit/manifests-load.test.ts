import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { loadManifests, parseManifests } from '../../src/manifests/index.ts';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

let ws: string;
before(async () => {
  ws = await mkdtemp(path.join(tmpdir(), 'kr-load-'));
  const files: Record<string, string> = {
    'k8s/b.yaml': cm('b'),
    'k8s/a.yml': `${cm('a1')}---\n${cm('a2')}`,
    'k8s/nested/c.yaml': cm('c'),
    'k8s/README.md': '# not a manifest',
    'k8s/notes.txt': 'kind: nope',
    'single.yaml': cm('single'),
    'other/x.yaml': cm('x'),
    'other/z.yaml': cm('z'),
    'empty/.keep': '',
  };
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(ws, file)), { recursive: true });
    await writeFile(path.join(ws, file), text);
  }
});
after(async () => {
  await rm(ws, { recursive: true, force: true });
});

const names = (objects: Array<{ object: { metadata: { name?: string } } }>) =>
  objects.map((o) => o.object.metadata.name);

describe('loadManifests', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['a file', ['single.yaml'], ['single']],
    ['a directory, recursive, sorted, YAML only', ['k8s'], ['a1', 'a2', 'b', 'c']],
    ['a directory with a trailing slash', ['k8s/'], ['a1', 'a2', 'b', 'c']],
    ['a glob', ['other/*.yaml'], ['x', 'z']],
    ['a recursive glob', ['k8s/**/*.yaml'], ['b', 'c']],
    [
      'several patterns in order, without repeats',
      ['single.yaml', 'k8s/b.yaml', 'k8s'],
      ['single', 'b', 'a1', 'a2', 'c'],
    ],
  ];
  for (const [name, patterns, want] of cases) {
    it(`loads ${name}`, async () => assert.deepEqual(names(await loadManifests(patterns, ws)), want));
  }

  it('records the file relative to the workspace and the document line', async () => {
    const objects = await loadManifests(['k8s/a.yml'], ws);
    assert.deepEqual(
      objects.map((o) => [o.file, o.line]),
      [
        ['k8s/a.yml', 1],
        ['k8s/a.yml', 6],
      ],
    );
  });

  it('accepts an absolute path', async () => {
    assert.deepEqual(names(await loadManifests([path.join(ws, 'single.yaml')], '/')), ['single']);
  });

  const missing: Array<[string, string[], RegExp]> = [
    ['a missing file', ['nope.yaml'], /^input 'manifests': 'nope.yaml' does not exist/],
    ['a glob matching nothing', ['other/*.json'], /^input 'manifests': 'other\/\*.json' matches no files/],
    [
      'a directory without YAML',
      ['empty'],
      /^input 'manifests': directory 'empty' holds no .yml or .yaml files/,
    ],
  ];
  for (const [name, patterns, message] of missing) {
    it(`rejects ${name}`, async () => {
      await assert.rejects(loadManifests(patterns, ws), (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.equal(err.location.input, 'manifests');
        assert.match(err.message, message);
        return true;
      });
    });
  }
});

describe('parseManifests', () => {
  it('skips empty documents and comments', () => {
    const text = `---\n# only a comment\n---\n${cm('a')}---\n---\n\n${cm('b')}...\n`;
    const objects = parseManifests(text, 'f.yaml');
    assert.deepEqual(names(objects), ['a', 'b']);
    assert.deepEqual(
      objects.map((o) => o.line),
      [4, 11],
    );
  });

  it('expands kind: List with each item’s line', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n  - ${cm('a').trim().split('\n').join('\n    ')}\n  - ${cm('b').trim().split('\n').join('\n    ')}\n`;
    const objects = parseManifests(text, 'list.yaml');
    assert.deepEqual(names(objects), ['a', 'b']);
    assert.deepEqual(
      objects.map((o) => o.line),
      [4, 8],
    );
  });

  it('reads YAML the way Kubernetes does (octal modes, unquoted dates stay text)', () => {
    const [{ object }] = parseManifests(
      `${cm('a')}  annotations: {built: 2024-05-01}\ndata:\n  mode: 0644\n  port: 8080\n`,
      'f.yaml',
    );
    assert.equal(object.metadata.annotations?.built, '2024-05-01');
    assert.deepEqual(object.data, { mode: 420, port: 8080 });
  });

  it('resolves anchors and merge keys', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l {app: web}\n  annotations:\n    <<: *l\n    extra: "1"\n`;
    const [{ object }] = parseManifests(text, 'f.yaml');
    assert.deepEqual(object.metadata.annotations, { app: 'web', extra: '1' });
  });

  const invalid: Array<[string, string, number, RegExp]> = [
    [
      'malformed YAML',
      `${cm('a')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n labels: x\n`,
      10,
      /invalid YAML: bad indentation of a mapping entry/,
    ],
    ['a duplicate key', `${cm('a')}metadata: {name: b}\n`, 5, /invalid YAML: duplicated mapping key/],
    [
      'a name YAML reads as a boolean',
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: yes\n`,
      1,
      /Service object: metadata.name must be a string, got boolean true \(quote it\)/,
    ],
    ['an unclosed flow mapping', `${cm('a')}data: {a: 1\n`, 6, /invalid YAML/],
    ['a tab-indented line', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n`, 4, /invalid YAML/],
    [
      'a document without kind',
      `${cm('a')}---\napiVersion: v1\nmetadata: {name: b}\n`,
      6,
      /object has no kind/,
    ],
    [
      'a document without apiVersion',
      `kind: Service\nmetadata: {name: b}\n`,
      1,
      /Service object has no apiVersion/,
    ],
    [
      'an object without a name',
      `${cm('a')}---\n\napiVersion: v1\nkind: Service\nmetadata: {}\n`,
      7,
      /Service object has no metadata.name/,
    ],
    ['a list at the top', `- a\n- b\n`, 1, /expected a Kubernetes object \(a mapping\), got a list/],
    ['a scalar document', `hello\n`, 1, /expected a Kubernetes object/],
    [
      'a bad List item',
      `apiVersion: v1\nkind: List\nitems:\n  - ${cm('a').trim().split('\n').join('\n    ')}\n  - {apiVersion: v1, kind: Service}\n`,
      8,
      /Service object has no metadata.name/,
    ],
  ];
  for (const [name, text, line, message] of invalid) {
    it(`rejects ${name} with file:line`, () => {
      assert.throws(
        () => parseManifests(text, 'k8s/app.yaml'),
        (err: unknown) => {
          assert.ok(err instanceof InputError);
          assert.deepEqual(err.location, { input: 'manifests', file: 'k8s/app.yaml', line });
          assert.match(err.message, new RegExp(`^input 'manifests', k8s/app.yaml:${line}: `));
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }
});
