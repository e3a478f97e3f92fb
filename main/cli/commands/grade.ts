import os from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { graderNames, graderSettings, type GraderSettings } from '../../../common/grading/graderSettings';
import {
  accuracy,
  grade,
  gradeItem,
  GradingPool,
  setSandboxConcurrency,
  type GradeItem,
  type GradeOutcome,
  type GradeResult,
} from '../../grading';
import { EXIT, UsageError, flagInteger, flagString, parseArgs, type CliIo } from '../cliIo';
import { formatIssues } from '../../../common/api/validate';

export const gradeUsage = `z1wb grade --grader math|mcq|exact|regex|numeric|code [options] < items.jsonl > grades.jsonl
  Grades one JSON object per input line: {"id", "gold", "response"}, plus "choices" (mcq; and
  optionally "shuffleSeed") or "tests" (code). Writes one line per input, in input order:
  {"id", "correct", "extracted", "outcome", "reason", "method", "span"} (code adds "tests", "sandbox").
  outcome is correct | wrong | unparsed (no answer found) | error (bad line, or the grader failed).

  --settings JSON          grader settings as in a notebook (flags below override them)
  --concurrency N          grades at once (default: CPU count)
  --fallback LIST          answer fallbacks, comma-separated: last-math,last-number,last-line,whole-response
  --relative-tolerance X   math/numeric: relative tolerance
  --tolerance X            numeric: absolute tolerance
  --seed N / --no-shuffle  mcq: base seed of the option shuffle / keep the dataset's order
  --pattern RE             regex: the pattern (group "answer" or 1 is the answer)
  --case-sensitive         exact/regex: compare case
  --timeout-ms N           code: per-test limit; math/mcq/exact/regex/numeric: per-comparison limit
  --total-timeout-ms N     code: limit for all tests of one response
  --memory-mb N            code: memory limit
  --quiet                  no summary on stderr
Exit codes: 0 every line graded, 1 some input lines were malformed (each got an "error" line), 2 wrong usage.`;

/** Input lines longer than this are refused (their line still gets an "error" result). */
const MAX_LINE_BYTES = 64 * 2 ** 20;

interface OutputLine {
  id: string | number | null;
  correct: boolean;
  extracted: string | null;
  outcome: GradeOutcome;
  reason: string;
  [extra: string]: unknown;
}

function buildSettings(parsed: ReturnType<typeof parseArgs>): GraderSettings {
  const grader = flagString(parsed, 'grader');
  if (!grader) throw new UsageError('--grader is required');
  if (!(graderNames as readonly string[]).includes(grader))
    throw new UsageError(`unknown grader "${grader}" (known: ${graderNames.join(', ')})`);
  let base: Record<string, unknown> = {};
  const settingsJson = flagString(parsed, 'settings');
  if (settingsJson !== undefined) {
    try {
      base = JSON.parse(settingsJson) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--settings is not JSON: ${(error as Error).message}`);
    }
    if (!base || typeof base !== 'object' || Array.isArray(base))
      throw new UsageError('--settings must be a JSON object');
  }
  const settings: Record<string, unknown> = { ...base, grader };
  const number = (name: string) => {
    const value = flagString(parsed, name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${value}"`);
    return n;
  };
  const fallback = flagString(parsed, 'fallback');
  if (fallback !== undefined) settings['fallbacks'] = fallback.split(',').filter(Boolean);
  const put = (key: string, value: unknown) => value !== undefined && (settings[key] = value);
  put('relativeTolerance', number('relative-tolerance'));
  put('tolerance', number('tolerance'));
  put('seed', flagInteger(parsed, 'seed', { min: 0, max: 2 ** 31 - 1 }));
  if (parsed.flags.has('no-shuffle')) settings['shuffle'] = false;
  put('pattern', flagString(parsed, 'pattern'));
  if (parsed.flags.has('case-sensitive')) settings['caseSensitive'] = true;
  const timeout = flagInteger(parsed, 'timeout-ms', { min: 10, max: 3_600_000 });
  put(grader === 'code' ? 'timeoutMs' : 'timeLimitMs', timeout);
  put('totalTimeoutMs', flagInteger(parsed, 'total-timeout-ms', { min: 100, max: 3_600_000 }));
  put('memoryMb', flagInteger(parsed, 'memory-mb', { min: 32, max: 65_536 }));
  const result = graderSettings.safeParse(settings);
  if (!result.success) {
    throw new UsageError(`invalid settings: ${formatIssues('', result.error.issues)}`);
  }
  return result.data;
}

function parseLine(
  text: string,
  lineNumber: number,
  settings: GraderSettings,
): { item: GradeItem } | { error: OutputLine } {
  const fail = (id: unknown, reason: string) => ({
    error: {
      id: typeof id === 'string' || typeof id === 'number' ? id : null,
      correct: false,
      extracted: null,
      outcome: 'error' as const,
      reason: `line ${lineNumber}: ${reason}`,
    },
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(null, `not valid JSON (${(error as Error).message})`);
  }
  const id = value && typeof value === 'object' ? (value as Record<string, unknown>)['id'] : undefined;
  const parsed = gradeItem.safeParse(value);
  if (!parsed.success) {
    return fail(id, formatIssues('', parsed.error.issues));
  }
  if (settings.grader === 'mcq' && !parsed.data.choices) return fail(id, '"choices" is required by the mcq grader');
  if (settings.grader === 'code' && !parsed.data.tests?.length)
    return fail(id, '"tests" is required by the code grader');
  return { item: parsed.data };
}

function toOutput(id: GradeItem['id'], result: GradeResult): OutputLine {
  return {
    id: id ?? null,
    correct: result.correct,
    extracted: result.extracted,
    outcome: result.outcome,
    reason: result.reason,
    method: result.method,
    span: result.span,
    ...(result.tests ? { tests: result.tests } : {}),
    ...(result.sandbox ? { sandbox: result.sandbox } : {}),
  };
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

/**
 * Streams JSONL through a grader: lines are read as the window of grades in flight allows (so
 * memory stays flat on inputs of any length) and written back in input order.
 */
export async function gradeCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, {
    values: [
      'grader',
      'settings',
      'concurrency',
      'fallback',
      'relative-tolerance',
      'tolerance',
      'seed',
      'pattern',
      'timeout-ms',
      'total-timeout-ms',
      'memory-mb',
    ],
    booleans: ['no-shuffle', 'case-sensitive', 'quiet'],
  });
  if (parsed.positional.length > 0)
    throw new UsageError(`unexpected argument "${parsed.positional[0]}" (items are read from standard input)`);
  const settings = buildSettings(parsed);
  const concurrency = flagInteger(parsed, 'concurrency', { min: 1, max: 256 }) ?? os.availableParallelism();
  const pool = settings.grader === 'code' ? null : new GradingPool({ size: concurrency });
  if (settings.grader === 'code') setSandboxConcurrency(concurrency);
  // Answer grades are quick: keep a few per worker queued; code grades each hold a sandbox.
  const window = settings.grader === 'code' ? concurrency : concurrency * 8;

  const pending: Array<Promise<OutputLine>> = [];
  const counts: Record<GradeOutcome, number> = { correct: 0, wrong: 0, unparsed: 0, error: 0 };
  let malformed = 0;
  const emit = async (line: OutputLine) => {
    counts[line.outcome]++;
    await write(io.stdout, `${JSON.stringify(line)}\n`);
  };
  const submit = async (text: string, lineNumber: number) => {
    if (text.trim() === '') return;
    const input = parseLine(text, lineNumber, settings);
    if ('error' in input) {
      malformed++;
      pending.push(Promise.resolve(input.error));
    } else {
      const item = input.item;
      pending.push(grade(settings, item, pool ? { pool } : {}).then((result) => toOutput(item.id, result)));
    }
    while (pending.length >= window) await emit(await pending.shift()!);
  };

  try {
    let carry = '';
    let lineNumber = 0;
    // A line past the size limit is dropped as it streams in and reported when its newline comes.
    let oversized = false;
    const refuseOversized = (n: number) => {
      malformed++;
      pending.push(
        Promise.resolve({
          id: null,
          correct: false,
          extracted: null,
          outcome: 'error',
          reason: `line ${n}: longer than ${MAX_LINE_BYTES} bytes`,
        }),
      );
    };
    // The decoder keeps a UTF-8 character that straddles two chunks whole.
    const decoder = new StringDecoder('utf8');
    for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
      const lines = (carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split('\n');
      carry = lines.pop()!;
      for (const line of lines) {
        lineNumber++;
        if (oversized) {
          oversized = false;
          refuseOversized(lineNumber);
          continue;
        }
        await submit(line.endsWith('\r') ? line.slice(0, -1) : line, lineNumber);
      }
      if (carry.length > MAX_LINE_BYTES) {
        oversized = true;
        carry = '';
      }
    }
    carry += decoder.end();
    lineNumber++;
    if (oversized) refuseOversized(lineNumber);
    else await submit(carry, lineNumber);
    while (pending.length > 0) await emit(await pending.shift()!);
  } finally {
    await pool?.close();
  }

  if (!parsed.flags.has('quiet')) {
    const total = counts.correct + counts.wrong + counts.unparsed + counts.error;
    const acc = accuracy(counts.correct, total);
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    io.stderr.write(
      `graded ${total} line${total === 1 ? '' : 's'} with "${settings.grader}": ${counts.correct} correct, ${counts.wrong} wrong, ${counts.unparsed} unparsed, ${counts.error} error` +
        (total > 0 ? `; accuracy ${pct(acc.accuracy!)} (Wilson 95% ${pct(acc.lower)}–${pct(acc.upper)})` : '') +
        (malformed > 0 ? `; ${malformed} malformed input line${malformed === 1 ? '' : 's'}` : '') +
        '\n',
    );
  }
  return malformed > 0 ? EXIT.failed : EXIT.ok;
}
