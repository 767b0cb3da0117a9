// Regenerates action.yml's `traffic` description from the router definitions (src/traffic/docs.ts),
// the input and output tables in README.md from action.yml, and the minimal RBAC Roles from the
// pre-flight's permission list (src/preflight/role.ts), so they never drift.
// `npm run docs` writes; `npm run docs -- --check` fails when action.yml or README.md is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';
import { parse } from 'yaml';

const { roleSection } = await tsImport('../src/preflight/role.ts', import.meta.url);
const { trafficInputDescription } = await tsImport('../src/traffic/docs.ts', import.meta.url);

/**
 * action.yml with the `traffic` input's description regenerated, as a double-quoted YAML scalar
 * (JSON string syntax; what Prettier writes for text with apostrophes).
 */
function withTrafficDescription(text) {
  const re = /(\n {2}traffic:\n {4}description: )(?:'(?:[^']|'')*'|"(?:[^"\\]|\\.)*")/;
  if (!re.test(text)) throw new Error('action.yml has no quoted `traffic` input description');
  return text.replace(re, (_m, head) => head + JSON.stringify(trafficInputDescription()));
}

const actionText = readFileSync('action.yml', 'utf8');
const nextAction = withTrafficDescription(actionText);
const action = parse(nextAction);
const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n+/g, ' ')
    .trim();

const inputs = [
  '| input | default | description |',
  '|---|---|---|',
  ...Object.entries(action.inputs).map(
    ([name, i]) =>
      `| \`${name}\` | ${i.default !== undefined ? `\`${cell(i.default)}\`` : '—'} | ${cell(i.description)} |`,
  ),
].join('\n');
const outputs = [
  '| output | description |',
  '|---|---|',
  ...Object.entries(action.outputs).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`),
].join('\n');

function replaceBlock(text, tag, body) {
  const re = new RegExp(`(<!-- ${tag}:start -->)[\\s\\S]*?(<!-- ${tag}:end -->)`);
  if (!re.test(text)) throw new Error(`README.md has no <!-- ${tag}:start --> … <!-- ${tag}:end --> block`);
  return text.replace(re, `$1\n${body}\n$2`);
}

const readme = readFileSync('README.md', 'utf8');
const next = replaceBlock(
  replaceBlock(replaceBlock(readme, 'inputs', inputs), 'outputs', outputs),
  'roles',
  roleSection(),
);
if (process.argv.includes('--check')) {
  if (nextAction !== actionText) {
    console.error(
      "action.yml's `traffic` description differs from the router definitions: run `npm run docs`",
    );
    process.exit(1);
  }
  if (next !== readme) {
    console.error('README.md input/output tables or Roles are stale: run `npm run docs`');
    process.exit(1);
  }
} else {
  writeFileSync('action.yml', nextAction);
  writeFileSync('README.md', next);
}
