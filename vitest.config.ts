import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Two cores: integration tests run real llama.cpp and subprocess sandboxes.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default', './test/summaryReporter.ts'],
    // No engine a test starts compiles llama.cpp behind it (docs/models.md, "Builds").
    env: { Z1WB_AUTO_BUILD: 'off' },
  },
});
