import { readdirSync, readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { gradeCommand } from '../../../main/cli/commands/grade';

function threadCount(): number {
  return Number(readFileSync('/proc/self/status', 'utf8').match(/^Threads:\s+(\d+)/m)![1]);
}

/** This process's children, by pid and command line (for a readable failure). */
function childProcesses(): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/status`, 'utf8').match(/^PPid:\s+(\d+)/m)?.[1] === String(process.pid);
      } catch {
        return false;
      }
    })
    .map((pid) => {
      try {
        return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`;
      } catch {
        return `${pid}: (gone)`;
      }
    });
}

/** Children are reaped asynchronously: wait briefly for them to go before calling them leaked. */
async function childProcessesAfterSettling(): Promise<string[]> {
  for (let i = 0; i < 40 && childProcesses().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return childProcesses();
}

/** One math item per line, every tenth malformed; `pulled` counts the lines the command has read. */
function mathLines(count: number, pulled: { lines: number }): Readable {
  return Readable.from(
    (function* () {
      for (let i = 1; i <= count; i++) {
        pulled.lines++;
        if (i % 10 === 0) yield '{"id": broken\n';
        else yield `${JSON.stringify({ id: i, gold: `\\frac{${i}}{2}`, response: i % 3 === 0 ? `\\boxed{${i / 2}}` : `Answer: ${i}` })}\n`;
      }
    })(),
  );
}

describe('z1wb grade on large inputs', () => {
  it('streams thousands of lines in order with bounded read-ahead and leaves no worker behind', { timeout: 180_000 }, async () => {
    const count = 3000;
    const concurrency = 2;
    const pulled = { lines: 0 };
    const stdout = new PassThrough();
    let text = '';
    let written = 0;
    let maxAhead = 0;
    stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      written = text.split('\n').length - 1;
      maxAhead = Math.max(maxAhead, pulled.lines - written);
    });
    const threadsBefore = threadCount();
    const code = await gradeCommand(['--grader', 'math', '--concurrency', String(concurrency), '--quiet'], {
      stdin: mathLines(count, pulled),
      stdout,
      stderr: new PassThrough(),
    });
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as { id: number | null; outcome: string; reason: string });
    expect(code).toBe(1);
    expect(lines).toHaveLength(count);
    const malformed = lines.filter((line) => line.outcome === 'error');
    expect(malformed).toHaveLength(count / 10);
    expect(malformed[0]!.reason).toMatch(/^line 10: not valid JSON/);
    expect(lines.filter((line) => line.outcome === 'correct')).toHaveLength(900);
    expect(lines.filter((line) => line.id !== null).map((line) => line.id)).toEqual(
      Array.from({ length: count }, (_, i) => i + 1).filter((i) => i % 10 !== 0),
    );
    // The window is 8 grades per worker; the generator stream buffers 16 more at most.
    expect(maxAhead).toBeLessThanOrEqual(8 * concurrency + 16 + 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(threadCount()).toBeLessThanOrEqual(threadsBefore);
  });

  it('grades many code responses and leaves no process behind', { timeout: 180_000 }, async () => {
    // A generous time limit: a loaded CI machine can take a second to start Python in the sandbox.
    const count = 24;
    const rows = Array.from({ length: count }, (_, i) => {
      const code = i % 4 === 3 ? 'while True: pass' : i % 4 === 2 ? 'print(int(input()) * 3)' : 'print(int(input()) * 2)';
      return JSON.stringify({ id: i, gold: '', response: `\`\`\`python\n${code}\n\`\`\``, tests: [{ input: String(i), output: String(i * 2) }] });
    });
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const code = await gradeCommand(['--grader', 'code', '--concurrency', '2', '--timeout-ms', '2500', '--quiet'], {
      stdin: Readable.from([rows.join('\n')]),
      stdout,
      stderr: new PassThrough(),
    });
    expect(code).toBe(0);
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as { id: number; outcome: string; tests: Array<{ outcome: string }> });
    expect(lines.map((line) => line.id)).toEqual(rows.map((_, i) => i));
    expect(lines.map((line) => line.tests[0]!.outcome)).toEqual(rows.map((_, i) => (i % 4 === 3 ? 'timeout' : i % 4 === 2 ? 'fail' : 'pass')));
    expect(await childProcessesAfterSettling()).toEqual([]);
  });
});
