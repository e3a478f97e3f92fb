import os from 'node:os';
import type { CodeGraderSettings } from '../../../common/grading/graderSettings';
import { errorResult, unparsedResult, type GradeResult, type SandboxReport, type TestResult } from '../gradeResult';
import type { CodeTest } from './codeTest';
import { firstDifference, outputsMatch } from './compareOutput';
import { extractCode } from './extractCode';
import { decodePlainValue, plainValueEquals, showPlainValue } from './harness/plainValue';
import { chooseSandbox, runSandboxed, type SandboxRun } from './runSandboxed';

/** Sandboxed processes at once, over every caller in this process (each is a Python interpreter). */
let capacity = Math.max(1, os.availableParallelism());
let running = 0;
const waiting: Array<() => void> = [];

export function setSandboxConcurrency(count: number): void {
  capacity = Math.max(1, Math.floor(count));
  while (running < capacity && waiting.length > 0) {
    running++;
    waiting.shift()!();
  }
}

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running < capacity) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await work();
  } finally {
    // The slot passes straight to the next waiter, or is given back.
    if (running <= capacity && waiting.length > 0) waiting.shift()!();
    else running--;
  }
}

const SIGNALS: Record<number, string> = { 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 24: 'SIGXCPU', 25: 'SIGXFSZ' };

/**
 * Runs the last fenced code block of a response against every test, each in a fresh sandbox.
 * Correct when all pass. Tests are run in order within one response; tests that the total time
 * limit (or stopOnFirstFailure) leaves unrun are reported, never silently dropped.
 */
export async function gradeCode(
  settings: CodeGraderSettings,
  item: { response: string; tests?: CodeTest[] | undefined },
  signal?: AbortSignal,
): Promise<GradeResult> {
  const tests = item.tests ?? [];
  if (tests.length === 0) return errorResult('code grading needs "tests" (at least one)');
  const found = extractCode(item.response);
  if (!found) return unparsedResult('no complete fenced code block in the response');

  const choice = await chooseSandbox(settings.sandbox);
  if ('refused' in choice) return errorResult(choice.refused);

  const results: TestResult[] = [];
  let report: SandboxReport | undefined;
  const deadline = performance.now() + settings.totalTimeoutMs;
  let stopped: string | null = null;
  for (let index = 0; index < tests.length; index++) {
    const remaining = deadline - performance.now();
    if (stopped === null && remaining < 50)
      stopped = `not run: the total time limit of ${settings.totalTimeoutMs} ms was reached`;
    if (stopped === null && signal?.aborted) stopped = 'not run: grading was cancelled';
    if (stopped !== null) {
      results.push({
        index,
        outcome: stopped.includes('time limit') ? 'timeout' : 'fail',
        reason: stopped,
        durationMs: 0,
      });
      continue;
    }
    const test = tests[index]!;
    const timeoutMs = Math.min(settings.timeoutMs, Math.floor(remaining));
    const run = await withSlot(() =>
      runSandboxed({
        mode: test.type,
        solution: found.text,
        ...(test.type === 'stdio' ? { stdin: test.input } : {}),
        ...(test.type === 'call' ? { entryPoint: test.entryPoint, args: test.args } : {}),
        ...(test.type === 'function' || test.type === 'assert' || test.type === 'unittest' ? { test: test.code } : {}),
        ...(test.type === 'function' ? { entryPoint: test.entryPoint } : {}),
        sandbox: settings.sandbox,
        limits: {
          timeoutMs,
          memoryMb: settings.memoryMb,
          maxProcesses: settings.maxProcesses,
          maxOutputBytes: settings.maxOutputKb * 1024,
          maxFileBytes: settings.maxFileMb * 2 ** 20,
        },
        python: settings.python,
        ...(signal ? { signal } : {}),
      }),
    );
    report ??= run.report;
    if (settings.requireNetworkIsolation && run.report.network !== 'isolated') {
      return {
        ...errorResult('network isolation is required but no network namespace could be created here'),
        sandbox: run.report,
      };
    }
    const result = classify(index, test, run, timeoutMs);
    results.push(result);
    if (result.outcome !== 'pass' && settings.stopOnFirstFailure)
      stopped = `not run: stopped after test ${index + 1} did not pass`;
  }

  const passed = results.filter((r) => r.outcome === 'pass').length;
  const firstBad = results.find((r) => r.outcome !== 'pass');
  const correct = passed === tests.length;
  const sandboxBroken = results.find((r) => r.reason.startsWith('sandbox:'));
  return {
    outcome: sandboxBroken ? 'error' : correct ? 'correct' : 'wrong',
    correct,
    extracted: found.text,
    method: found.method,
    span: found.span,
    reason: correct
      ? `all ${tests.length} tests passed`
      : `${passed}/${tests.length} tests passed; test ${firstBad!.index + 1}: ${firstBad!.outcome} (${firstBad!.reason})`,
    answerKey: null,
    tests: results,
    ...(report ? { sandbox: report } : {}),
  };
}

function classify(index: number, test: CodeTest, run: SandboxRun, timeoutMs: number): TestResult {
  const base = { index, durationMs: Math.round(run.durationMs) };
  if (run.aborted) return { ...base, outcome: 'fail', reason: 'cancelled' };
  if (run.timedOut)
    return { ...base, outcome: 'timeout', reason: `exceeded the ${timeoutMs} ms time limit; process tree killed` };
  if (run.outputExceeded)
    return { ...base, outcome: 'fail', reason: 'printed more than the output limit; process tree killed' };
  if (!run.started) {
    const detail = run.stderrTail.trim().split('\n').at(-1) ?? '';
    return { ...base, outcome: 'crash', reason: `sandbox: the harness did not start${detail ? `: ${detail}` : ''}` };
  }
  const result = run.result;
  if (result?.status === 'sandbox') return { ...base, outcome: 'crash', reason: `sandbox: ${result.message}` };
  if (result) {
    switch (result.status) {
      case 'done':
        return stdioVerdict(base, test, run.stdout);
      case 'value':
        return callVerdict(base, test, result.value);
      case 'pass':
        return { ...base, outcome: 'pass', reason: result.message || 'passed' };
      case 'fail':
        return { ...base, outcome: 'fail', reason: result.message };
      case 'memory':
        return { ...base, outcome: 'memory', reason: result.message };
      case 'exit':
        return { ...base, outcome: 'crash', reason: result.message };
      default:
        return { ...base, outcome: 'crash', reason: result.message || 'crashed' };
    }
  }
  // No verdict from inside: the process died or left on its own.
  const exit = run.exit;
  if (exit?.signal !== undefined) {
    const name = SIGNALS[exit.signal] ?? `signal ${exit.signal}`;
    if (exit.signal === 24) return { ...base, outcome: 'timeout', reason: 'CPU time limit exceeded (SIGXCPU)' };
    if (exit.signal === 25) return { ...base, outcome: 'crash', reason: 'file size limit exceeded (SIGXFSZ)' };
    if (exit.signal === 9) return { ...base, outcome: 'memory', reason: 'killed by SIGKILL (out of memory)' };
    return { ...base, outcome: 'crash', reason: `killed by ${name}` };
  }
  if (test.type === 'stdio' && exit?.code === 0) return stdioVerdict(base, test, run.stdout);
  const tail = run.stderrTail.trim().split('\n').at(-1) ?? '';
  return {
    ...base,
    outcome: 'fail',
    reason: `exited (status ${exit?.code ?? 'unknown'}) before the tests finished${tail ? `: ${tail}` : ''}`,
  };
}

/** A call test's result, compared here from its plain encoding: nothing the program made takes part. */
function callVerdict(base: { index: number; durationMs: number }, test: CodeTest, encoded: unknown): TestResult {
  if (test.type !== 'call') return { ...base, outcome: 'fail', reason: 'no verdict from the test' };
  let value;
  try {
    value = decodePlainValue(encoded);
  } catch (error) {
    return { ...base, outcome: 'fail', reason: `${test.entryPoint} returned ${(error as Error).message}` };
  }
  return plainValueEquals(value, test.expected)
    ? { ...base, outcome: 'pass', reason: 'result matches' }
    : {
        ...base,
        outcome: 'fail',
        reason: `wrong result: expected ${JSON.stringify(test.expected).slice(0, 200)}, got ${showPlainValue(value).slice(0, 200)}`,
      };
}

function stdioVerdict(base: { index: number; durationMs: number }, test: CodeTest, stdout: string): TestResult {
  if (test.type !== 'stdio') return { ...base, outcome: 'fail', reason: 'no verdict from the test' };
  return outputsMatch(stdout, test.output)
    ? { ...base, outcome: 'pass', reason: 'output matches' }
    : { ...base, outcome: 'fail', reason: `wrong output: ${firstDifference(stdout, test.output)}` };
}
