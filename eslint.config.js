import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/results/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Layering: the renderer speaks only the shared contract; nothing in common/ reaches for Node
    // or for main-side code; the engine knows nothing of hosts, notebooks or Electron.
    files: ['renderer/**/*.{ts,tsx}', 'common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/main/**', '../main', '../../main'], message: 'The renderer and common/ may import only common/ (the API contract).' },
            { group: ['node:*', 'electron', 'node-llama-cpp', 'lowdb', 'lowdb/*', 'ws'], message: 'No Node or main-side packages here.' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', '**/electron/**', '**/host/**', '**/store/**', '**/runner/**', '**/notebook/**'], message: 'The engine knows nothing of hosts, storage or notebooks.' },
          ],
        },
      ],
    },
  },
);
