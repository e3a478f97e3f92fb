import tseslint from 'typescript-eslint';

const HOSTS = ['electron', '**/electron/**', '**/headless/**', '**/cli/**', '**/api/**'];
const ENGINE_SIDE = ['**/engine-process/**', '**/engine-supervisor/**'];
/** What each folder of main/ must not import, and why. */
const FORBIDDEN = {
  engine: [
    [...HOSTS, ...ENGINE_SIDE, '**/store/**', '**/runner/**', '**/notebook/**', '**/grading/**', '**/messaging/**'],
    'The engine knows nothing of hosts, storage, notebooks or grading.',
  ],
  'engine-process': [
    [...HOSTS, '**/runner/**', '**/engine-supervisor/**'],
    'The engine process answers engine.* requests; it knows nothing of hosts or the runner.',
  ],
  'engine-supervisor': [
    [...HOSTS, '**/runner/**', '**/store/**', '**/engine-process/**'],
    'The supervisor starts and watches the engine process; it does not import what runs inside it.',
  ],
  messaging: [
    [...HOSTS, ...ENGINE_SIDE, '**/engine/**', '**/runner/**', '**/store/**', '**/grading/**'],
    'The dispatcher and event hub are transport-neutral: common/ only.',
  ],
  runner: [
    [...HOSTS, ...ENGINE_SIDE, '**/messaging/**'],
    'The runner knows nothing of hosts or Electron: the host passes it what it needs.',
  ],
  store: [
    [...HOSTS, ...ENGINE_SIDE, '**/runner/**', '**/engine/**', '**/grading/**', '**/datasets/**', '**/notebook/**'],
    'The store keeps runs; it knows nothing of who makes them.',
  ],
  grading: [
    [...HOSTS, ...ENGINE_SIDE, '**/runner/**', '**/store/**', '**/engine/**'],
    'The grading library knows nothing of runs or hosts.',
  ],
  datasets: [[...HOSTS, ...ENGINE_SIDE, '**/runner/**', '**/engine/**'], 'Datasets know nothing of runs or hosts.'],
};
/** Outside their own folder, the engine and the grading library are imported through index.ts. */
const PUBLIC_SURFACES = [
  {
    group: ['**/engine/**', '**/grading/**', '!**/common/grading/**'],
    message: 'Import the engine and the grading library through their index.ts.',
  },
];

function boundaries() {
  const configs = Object.entries(FORBIDDEN).map(([folder, [group, message]]) => ({
    files: [`main/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        // common/ is below everything: always allowed.
        {
          patterns: [
            { group: [...group, '!**/common/**'], message },
            ...(folder === 'engine' || folder === 'grading' ? [] : PUBLIC_SURFACES),
          ],
        },
      ],
    },
  }));
  const rest = ['main/**/*.ts'];
  const ignores = Object.keys(FORBIDDEN).map((folder) => `main/${folder}/**`);
  return [
    { files: rest, ignores, rules: { 'no-restricted-imports': ['error', { patterns: PUBLIC_SURFACES }] } },
    ...configs,
  ];
}

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
            {
              group: ['**/main/**', '../main', '../../main'],
              message: 'The renderer and common/ may import only common/ (the API contract).',
            },
            {
              group: ['node:*', 'electron', 'node-llama-cpp', 'lowdb', 'lowdb/*', 'ws'],
              message: 'No Node or main-side packages here.',
            },
          ],
        },
      ],
    },
  },
  // Layering of main/: imports point down to common/, never back up (docs/architecture.md). The
  // engine and the grading library are reached through their index.ts; each folder below may
  // not import the folders listed for it. One rule per folder, since a later rule for the same
  // files replaces an earlier one.
  ...boundaries(),
);
