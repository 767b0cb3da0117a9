import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatImageRef,
  parseImageRef,
  repository,
  sameRepository,
  type ImageRef,
} from '../../src/manifests/index.ts';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

describe('parseImageRef', () => {
  const cases: Array<[string, Omit<ImageRef, 'original'>, string]> = [
    ['nginx', { path: 'nginx' }, 'docker.io/library/nginx'],
    ['nginx:1.27', { path: 'nginx', tag: '1.27' }, 'docker.io/library/nginx'],
    ['library/nginx', { path: 'library/nginx' }, 'docker.io/library/nginx'],
    ['docker.io/nginx', { registry: 'docker.io', path: 'nginx' }, 'docker.io/library/nginx'],
    [
      'index.docker.io/library/nginx:1',
      { registry: 'index.docker.io', path: 'library/nginx', tag: '1' },
      'docker.io/library/nginx',
    ],
    ['acme/web:v1', { path: 'acme/web', tag: 'v1' }, 'docker.io/acme/web'],
    ['localhost:5000/app:1.2', { registry: 'localhost:5000', path: 'app', tag: '1.2' }, 'localhost:5000/app'],
    ['localhost/app', { registry: 'localhost', path: 'app' }, 'localhost/app'],
    [
      'registry.local:5000/acme/web:v1',
      { registry: 'registry.local:5000', path: 'acme/web', tag: 'v1' },
      'registry.local:5000/acme/web',
    ],
    [
      'ghcr.io/acme/team/shop/api:sha-abc',
      { registry: 'ghcr.io', path: 'acme/team/shop/api', tag: 'sha-abc' },
      'ghcr.io/acme/team/shop/api',
    ],
    [
      `ghcr.io/acme/shop@${DIGEST}`,
      { registry: 'ghcr.io', path: 'acme/shop', digest: DIGEST },
      'ghcr.io/acme/shop',
    ],
    [
      `ghcr.io/acme/shop:v2@${DIGEST}`,
      { registry: 'ghcr.io', path: 'acme/shop', tag: 'v2', digest: DIGEST },
      'ghcr.io/acme/shop',
    ],
    [
      `localhost:5000/app@${DIGEST}`,
      { registry: 'localhost:5000', path: 'app', digest: DIGEST },
      'localhost:5000/app',
    ],
    ['[::1]:5000/app:v1', { registry: '[::1]:5000', path: 'app', tag: 'v1' }, '[::1]:5000/app'],
    [
      'my_registry/a__b/c-d.e:V_1.0-rc',
      { path: 'my_registry/a__b/c-d.e', tag: 'V_1.0-rc' },
      'docker.io/my_registry/a__b/c-d.e',
    ],
  ];
  for (const [text, parts, repo] of cases) {
    it(`parses ${text}`, () => {
      const ref = parseImageRef(text);
      assert.deepEqual(ref, { original: text, ...parts });
      assert.equal(repository(ref), repo);
      assert.equal(formatImageRef(ref), text);
    });
  }

  const invalid: Array<[string, RegExp]> = [
    ['', /empty/],
    ['Acme/Web', /path component 'Web'/],
    ['acme/Web', /path component 'Web'/],
    ['app:', /tag ''/],
    ['app:v1:v2', /path component 'app:v1'|tag/],
    ['app@sha256:xyz', /digest/],
    ['app@md5', /digest/],
    ['a//b', /path component ''/],
    ['ghcr.io/', /path component ''/],
    ['app:-bad', /tag '-bad'/],
  ];
  for (const [text, message] of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseImageRef(text),
        (err: Error) => {
          assert.match(err.message, /^invalid image reference/);
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }
});

describe('sameRepository', () => {
  const pairs: Array<[string, string, boolean]> = [
    ['nginx', 'docker.io/library/nginx:1.27', true],
    ['nginx:1', `nginx@${DIGEST}`, true],
    ['library/nginx', 'index.docker.io/library/nginx', true],
    ['localhost:5000/app:1', 'localhost:5000/app:2', true],
    ['localhost:5000/app', 'localhost:5001/app', false],
    ['localhost:5000/app', 'localhost/app', false],
    ['ghcr.io/acme/web', 'ghcr.io/acme/web-sidecar', false],
    ['acme/web', 'ghcr.io/acme/web', false],
    ['registry.local:5000/acme/web:v2', 'registry.local:5000/acme/web:v1', true],
  ];
  for (const [a, b, same] of pairs) it(`${a} vs ${b}`, () => assert.equal(sameRepository(a, b), same));
});
