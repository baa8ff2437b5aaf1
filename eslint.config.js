// Flat config. Not type-aware, to stay fast. Runtime boundaries are enforced here:
// src-shared is pure (no Node, no Electron, no app folders), only src-main/app and src-preload
// touch Electron, src-main logs through the logger, and no import cycles anywhere.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['fs', 'path', 'crypto', 'os', 'child_process', 'net', 'http', 'https', 'tls', 'dgram', 'dns', 'stream', 'url', 'util', 'events', 'worker_threads', 'zlib', 'module', 'process', 'readline', 'buffer', 'timers'];

const electronOnlyInShell = {
  name: 'electron',
  message: 'Only src-main/app and src-preload may import electron; the gateway must run headless too.',
};

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'extensions/*/dist/**', '**/node_modules/**', 'bench/results/**', 'coverage/**', 'test-results/**', 'playwright-report/**', '.tmp/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
      // NodeNext imports say `.js` for `.ts` sources; map them so cycle detection sees the real files.
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.node'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'] },
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-imports': ['error', { paths: [electronOnlyInShell], patterns: [{ group: ['electron/*'], message: electronOnlyInShell.message }] }],
    },
  },
  {
    files: ['src-main/app/**', 'src-preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src-renderer/**', 'src-node-page/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/cli/**', 'src-main/logging/**'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['src-shared/**'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            electronOnlyInShell,
            ...['ws', 'better-sqlite3', ...NODE_BUILTINS].map((name) => ({
              name,
              message: 'src-shared is pure: no Node builtins or Node-only packages.',
            })),
          ],
          patterns: [
            { group: ['node:*'], message: 'src-shared is pure: no node:* imports.' },
            { group: ['electron/*'], message: 'src-shared is pure: no electron.' },
            { group: [...NODE_BUILTINS.map((b) => `${b}/*`), 'better-sqlite3/*', 'ws/*'], message: 'src-shared is pure: no Node builtins.' },
            {
              group: ['**/src-main', '**/src-main/**', '**/src-renderer', '**/src-renderer/**', '**/src-preload', '**/src-preload/**'],
              message: 'src-shared is the bottom floor: it must not import from src-main, src-renderer or src-preload.',
            },
          ],
        },
      ],
    },
  },
  {
    // Imports point one way (DESIGN.md §2): the folders underneath never reach up into the ones that wire them.
    files: ['src-main/**', 'src-preload/**', 'src-renderer/**', 'src-node-page/**'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: ['./src-main/store', './src-main/logging', './src-main/config'], from: ['./src-main/gateway', './src-main/channels', './src-main/routing', './src-main/queue', './src-main/delivery', './src-main/agents', './src-main/nodes', './src-main/sessions', './src-main/plugins', './src-main/cli', './src-main/app'], message: 'store, logging and config sit underneath: they import nothing above them.' },
            { target: './src-main/agents', from: ['./src-main/gateway', './src-main/channels', './src-main/delivery', './src-main/queue', './src-main/cli', './src-main/app'], message: 'the agent runtime streams events and returns replies: it never reaches delivery, channels or the gateway.' },
            { target: './src-main/channels', from: ['./src-main/gateway', './src-main/queue', './src-main/agents', './src-main/cli', './src-main/app'], message: 'channel adapters get a sink; they never import the queue, agents or the gateway.' },
            { target: ['./src-main/delivery', './src-main/queue', './src-main/routing', './src-main/sessions', './src-main/nodes', './src-main/plugins'], from: ['./src-main/gateway', './src-main/cli', './src-main/app'], message: 'only the composition root (gateway/) wires parts together; parts never import it.' },
            { target: './src-main/gateway', from: ['./src-main/cli', './src-main/app'], message: 'the gateway is started by the CLI and the desktop shell, never the other way round.' },
            { target: ['./src-renderer', './src-node-page', './src-preload'], from: './src-main', message: 'browser and preload code talk to the gateway over the protocol, never by importing it.' },
          ],
        },
      ],
    },
  },
  {
    // A plugin sees the gateway only through the plugin API (src-shared): the bundled channels are built
    // exactly like a third-party plugin, so anything they need is something every plugin can have.
    files: ['extensions/**', 'plugin-kit/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            { group: ['electron/*'], message: electronOnlyInShell.message },
            {
              group: ['**/src-main', '**/src-main/**', '**/src-renderer', '**/src-renderer/**', '**/src-preload/**', '**/test-support/**'],
              message: 'a plugin must not import gateway code: use the plugin API (src-shared/plugin/api.ts) and the src-shared domain types.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests poke at wire payloads whose shape is the thing under test.
    files: ['**/*.test.ts', '**/*.test.tsx', 'e2e/**', 'test-support/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
