// Regenerates action.yml's registry-derived text (the `strategy` and `traffic` descriptions, the
// inputs routers and metric providers declare: src/docs/action-yml.ts),
// the input and output tables in README.md from action.yml, and the minimal RBAC Roles from the
// pre-flight's permission list (src/preflight/role.ts), so they never drift.
// `npm run docs` writes; `npm run docs -- --check` fails when action.yml or README.md is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';
import { parse } from 'yaml';

const { roleSection } = await tsImport('../src/preflight/role.ts', import.meta.url);
const { generateActionText } = await tsImport('../src/docs/action-yml.ts', import.meta.url);

const actionText = readFileSync('action.yml', 'utf8');
const nextAction = generateActionText(actionText);
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
      "action.yml's strategy, router or provider text differs from their definitions: run `npm run docs`",
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
