import os from 'node:os';
import { graderSettings, type GraderSettings } from '../../common/grading/graderSettings';
import { gradeCode, setSandboxConcurrency } from '../../main/grading/code/gradeCode';
import type { CodeTest } from '../../main/grading/code/codeTest';
import { judgeAnswer } from '../../main/grading/judgeAnswer';
import { GradingPool } from '../../main/grading/worker/gradingPool';
import { measureRegrade } from './regradeBench';

/**
 * MATH-style pairs (gold, boxed answer) in the proportions a real run sees: mostly plain numbers
 * and fractions (the exact fast path), then radicals, tuples, intervals, expressions and text
 * that need the CAS; 7 of the 20 answers are wrong.
 */
const MATH_PAIRS: Array<[string, string]> = [
  ['42', '42'],
  ['42', '24'],
  ['\\frac{1}{4}', '0.25'],
  ['\\frac{3}{7}', '\\frac{6}{14}'],
  ['1,000', '1000'],
  ['50\\%', '0.5'],
  ['2\\frac{1}{2}', '2.5'],
  ['-7', '7'],
  ['\\frac{\\sqrt{2}}{2}', '\\frac{1}{\\sqrt2}'],
  ['2\\sqrt{3}', '\\sqrt{12}'],
  ['3\\sqrt{2}', '4.24'],
  ['(1, 2)', '(2, 1)'],
  ['(-\\infty, 3]', '(-\\infty,3]'],
  ['\\{1, 2, 3\\}', '\\{3, 2, 1\\}'],
  ['x^2+2x+1', '(x+1)^2'],
  ['2x+3', '2x-3'],
  ['\\frac{\\pi}{6}', '\\frac{\\pi}{3}'],
  ['\\begin{pmatrix}1\\\\2\\end{pmatrix}', '\\begin{pmatrix}1\\\\2\\end{pmatrix}'],
  ['\\text{Monday}', '\\text{Tuesday}'],
  ['y = 2x + 3', '2x - y + 3 = 0'],
];

function mathItems(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const [gold, answer] = MATH_PAIRS[i % MATH_PAIRS.length]!;
    return { id: i, gold, response: `After some work, the answer is $\\boxed{${answer}}$.` };
  });
}

async function measureMath(count: number): Promise<Record<string, unknown>> {
  const settings = graderSettings.parse({ grader: 'math' }) as Extract<GraderSettings, { grader: 'math' }>;
  const items = mathItems(count);

  // One thread, no worker: the cost of the comparison itself.
  for (const item of items.slice(0, MATH_PAIRS.length)) judgeAnswer(settings, item);
  let started = performance.now();
  for (const item of items) judgeAnswer(settings, item);
  const inProcessSeconds = (performance.now() - started) / 1000;

  const workers = Math.min(2, os.availableParallelism());
  const pool = new GradingPool({ size: workers });
  try {
    // Warm-up starts the workers (tsx compiles the grader, Compute Engine loads) outside the timing.
    await Promise.all(items.slice(0, 4 * workers).map((item) => pool.run(settings, item, settings.timeLimitMs)));
    started = performance.now();
    const results = await Promise.all(items.map((item) => pool.run(settings, item, settings.timeLimitMs)));
    const poolSeconds = (performance.now() - started) / 1000;
    return {
      items: count,
      correct: results.filter((r) => r.correct).length,
      errors: results.filter((r) => r.outcome === 'error').length,
      gradesPerSecond: count / poolSeconds,
      workers,
      inProcessGradesPerSecond: count / inProcessSeconds,
    };
  } finally {
    await pool.close();
  }
}

/** Grades `responses` responses `concurrency` at a time, as `z1wb grade --grader code` does. */
async function codeThroughput(
  response: string,
  tests: CodeTest[],
  responses: number,
): Promise<Record<string, unknown>> {
  const settings = graderSettings.parse({ grader: 'code', timeoutMs: 5000 }) as Extract<
    GraderSettings,
    { grader: 'code' }
  >;
  const concurrency = os.availableParallelism();
  setSandboxConcurrency(concurrency);
  const warm = await gradeCode(settings, { response, tests: tests.slice(0, 1) });
  const started = performance.now();
  let passed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < responses) {
        next++;
        const result = await gradeCode(settings, { response, tests });
        passed += result.tests!.filter((t) => t.outcome === 'pass').length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    tests: responses * tests.length,
    passed,
    testsPerSecond: (responses * tests.length) / seconds,
    concurrency,
    sandbox: warm.sandbox,
  };
}

/**
 * Sandboxed code tests per second: stdin/stdout tests (one sandbox each) and HumanEval-style
 * check(candidate) tests (two sandboxes each, the solution's and the test's, exchanging values).
 */
async function measureCode(responses: number, testsPerResponse: number): Promise<Record<string, unknown>> {
  const stdioTests: CodeTest[] = Array.from({ length: testsPerResponse }, (_, i) => ({
    type: 'stdio',
    input: `${i} ${i + 1}\n`,
    output: `${2 * i + 1}\n`,
  }));
  const stdio = await codeThroughput(
    '```python\na, b = map(int, input().split())\nprint(a + b)\n```',
    stdioTests,
    responses,
  );
  const functionTests: CodeTest[] = Array.from({ length: 2 }, (_, i) => ({
    type: 'function',
    code: `def check(candidate):\n    assert candidate(${i}, ${i + 1}) == ${2 * i + 1}\n`,
    entryPoint: 'add',
  }));
  const functions = await codeThroughput(
    '```python\ndef add(a, b):\n    return a + b\n```',
    functionTests,
    responses / 2,
  );
  return { ...stdio, functionTests: functions };
}

/**
 * Grading throughput: math grades per second (worker pool and bare), code tests per second
 * (sandboxed), and regrading a stored 100k-sample run against bare grading of its responses.
 */
export async function runGradingBench(): Promise<Record<string, unknown>> {
  return {
    // Throughput depends on what else the machine runs: the load is part of the result.
    loadAverage1m: os.loadavg()[0],
    math: await measureMath(4000),
    code: await measureCode(40, 5),
    regrade: await measureRegrade(100_000),
  };
}
