import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Objects are read through typed views (src/manifests/workload-views.ts, src/traffic/objects.ts):
      // spec and status are `unknown` until a view names them.
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The product never depends on its test fixtures: the simulator package or anything in test/.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@kube-rollout/*', '**/packages/**'], message: 'src/ must not import the simulator.' },
            { group: ['**/test/**'], message: 'src/ must not import test code.' },
          ],
        },
      ],
    },
  },
);
