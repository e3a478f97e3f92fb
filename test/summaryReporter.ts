import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the test output with the one plain line CI reads: `N passed, N failed` (skipped tests
 * are counted on the line before), counting every test that ran (unit, integration, browser). A module that failed to load counts
 * as one failure so that a syntax error can never look green.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed += 1;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
    }
    // Skipped tests are said on a line of their own: the last line is exactly `N passed, N failed`.
    const skippedLine = skipped > 0 ? `${skipped} skipped (each says why in its name or output)\n` : '';
    process.stdout.write(`\n${skippedLine}${passed} passed, ${failed} failed\n`);
  }
}
