// Lint, including the layer rules of docs/architecture.md: each folder has one
// runtime and one job, and may import only the layers below it.
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'net', 'http', 'https', 'child_process', 'crypto', 'stream', 'events', 'url', 'util'];

const layer = (files, groups, message, ignores = [], regex = undefined) => ({
  files,
  ignores,
  rules: {
    // gitignore-style groups cannot say "every folder but one" (no extglob, and no file can be
    // re-included under an excluded folder): that takes a regex.
    'no-restricted-imports': ['error', { patterns: [{ group: groups, message }, ...(regex ? [{ regex, message }] : [])] }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', 'dist/**', 'test-output/**', 'scratch/**', 'bench/peers/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  layer(
    ['shared/**/*.ts'],
    ['electron', '**/gateway/**', '**/electron/**', '**/renderer/**', '**/server/**', ...NODE_BUILTINS],
    'shared/ is runtime-agnostic: no Node or Electron APIs, and no imports from other layers.',
    ['**/*.test.ts'],
  ),
  // Unit tests beside shared code run under node:test, but still may not reach into other layers.
  layer(['shared/**/*.test.ts'], ['electron', '**/gateway/**', '**/electron/**', '**/renderer/**', '**/server/**'], 'shared/ tests exercise shared/ only.'),
  layer(
    ['gateway/**/*.ts'],
    ['electron', '**/electron/**', '**/renderer/**', '**/server/**'],
    'gateway/ runs in plain Node: it may import shared/ only, never electron/, renderer/ or server/.',
  ),
  // The daemon stays in small modules and functions (issue 14): a newcomer can read any one whole.
  {
    files: ['gateway/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  layer(
    ['renderer/**/*.{ts,tsx}'],
    ['electron', '**/gateway/**', '**/electron/**', '**/server/**', '**/console-ui/**', ...NODE_BUILTINS],
    'renderer/ speaks only the control API: it may import shared/ and ui-shared/ only.',
  ),
  // Components both browser apps draw the same way: they take data as props and call no API.
  layer(
    ['ui-shared/**/*.{ts,tsx}'],
    ['electron', '**/gateway/**', '**/electron/**', '**/server/**', '**/renderer/**', '**/console-ui/**', ...NODE_BUILTINS],
    'ui-shared/ holds components both browser apps share: it may import shared/ only.',
  ),
  layer(
    ['console-ui/**/*.{ts,tsx}'],
    ['electron', '**/gateway/**', '**/electron/**', '**/server/**', '**/renderer/**', ...NODE_BUILTINS],
    'console-ui/ speaks only the console API (shared/console/contract.ts): it may import shared/ and ui-shared/ only.',
  ),
  layer(
    ['server/**/*.ts'],
    ['electron', '**/electron/**', '**/renderer/**'],
    "server/ may import shared/ and gateway's upstream client only.",
    [],
    '(^|/)gateway/(?!upstream/)',
  ),
  layer(
    ['electron/**/*.ts'],
    ['**/renderer/**', '**/server/**'],
    'electron/ hosts the gateway and the renderer bundle; it does not import renderer/ or server/ code.',
  ),
);
