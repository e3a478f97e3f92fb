import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureFile } from '../../../main/fixtures/fixtureFiles';
import { expectOutcome, oracleJudgeVerdict, oracleProblems } from '../../../main/fixtures/oracleSpec';
import { RunStore } from '../../../main/store/RunStore';
import { JUDGE_CACHE_FILE } from '../../../main/store/judgeCache';
import { runCli as cli } from '../../helpers/runCli';
import { startLlamaServer, type LlamaServer } from '../remote/llamaServer';

const REPO = path.resolve('.');
const WINDOWS = [8, 16, 32, 64, 128];

/**
 * The oracle sweep graded by the cascade: the math rules, then the oracle model itself as the
 * judge (a prompt ending in " Verdict:" makes it answer CORRECT for odd-numbered problems and
 * WRONG for the others, docs/fixtures.md), so every grade is known in advance.
 */
async function judgedNotebook(judgeSource: string | null): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-judge-'));
  await cp(path.join(REPO, 'experiments', 'datasets'), path.join(dir, 'datasets'), { recursive: true });
  const notebook = JSON.parse(await readFile(path.join(REPO, 'experiments/oracle-sweep.z1.json'), 'utf8'));
  notebook.cells.find((c: { type: string }) => c.type === 'dataset').grader = {
    grader: 'rules-then-judge',
    rules: { grader: 'math' },
    judge: {
      model: judgeSource ? 'judge-model' : 'oracle',
      prompt: 'judge-prompt',
      verdictPattern: '\\b(CORRECT|WRONG)\\b',
      maxTokens: 8,
    },
  };
  // After the run cells, so that no run cell takes these as its own model and prompt.
  if (judgeSource)
    notebook.cells.push({ type: 'model', id: 'judge-model', metadata: {}, model: { source: judgeSource } });
  notebook.cells.push({
    type: 'prompt',
    id: 'judge-prompt',
    metadata: {},
    prompt: {
      template:
        '<|im_start|>user\n{{problem}}\nGold: {{gold}}\nAnswer: {{extracted}}<|im_end|>\n<|im_start|>assistant\n Verdict:',
      chatTemplate: 'raw',
    },
  });
  const file = path.join(dir, 'judged.z1.json');
  await writeFile(file, JSON.stringify(notebook, null, 2));
  return { dir, file };
}

/** Correct by the cascade: the rules say so, or else the judge does. */
function expectedCorrect(window: number): number {
  return oracleProblems.filter(
    (p) =>
      expectOutcome(p, 'plain', { strategy: 'shifted-window', window }).correct || oracleJudgeVerdict(p) === 'CORRECT',
  ).length;
}

interface RunJson {
  id: string;
  window: number;
  samples: number;
  accuracy: { value: number };
}

async function runJudged(file: string, store: string): Promise<RunJson[]> {
  const result = await cli(['run', file, '--cell', 'z1-sweep', '--store', store, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { runs: RunJson[] }).runs;
}

describe('the rules-then-judge cascade with the oracle model as judge (real llama.cpp)', () => {
  it('gives the exact accuracies, records who decided, and a second regrade asks no model', async () => {
    const { dir, file } = await judgedNotebook(null);
    const store = path.join(dir, 'store');
    const runs = await runJudged(file, store);
    // Rules alone: 1, 3, 6, 9, 12 of 12; the judge adds the odd-numbered problems the rules call wrong.
    expect(runs.map((r) => [r.window, r.samples, Math.round(r.accuracy.value * 12)])).toEqual(
      WINDOWS.map((w) => [w, 12, expectedCorrect(w)]),
    );
    expect(WINDOWS.map(expectedCorrect)).toEqual([6, 7, 9, 11, 12]);

    const opened = await RunStore.open(store);
    const files = await opened.runFiles(runs[0]!.id);
    const grades = await Promise.all(
      oracleProblems.map(async (p) => [p.id, (await files.readTrajectory(`${p.id}#0`)).grade.decidedBy]),
    );
    // At W = 8 only q01's thinking fits: the rules decide it, the judge all the others.
    expect(grades).toEqual(oracleProblems.map((p) => [p.id, p.id === 'q01' ? 'rules' : 'judge']));
    const settings = opened.get(runs[0]!.id).settings.grader;
    await opened.close();
    // Every problem but q01 is cut at some window and answers the same wrong \boxed{0}: 11 prompts.
    expect((await readFile(path.join(store, JUDGE_CACHE_FILE), 'utf8')).trim().split('\n')).toHaveLength(11);

    // Other rule settings with the same verdicts: the judge is asked the same questions again.
    const again = { ...settings, rules: { grader: 'math', relativeTolerance: 1e-5 } };
    const regraded = await cli([
      'runs',
      'regrade',
      runs[0]!.id,
      '--settings',
      JSON.stringify(again),
      '--store',
      store,
      '--json',
    ]);
    expect(regraded.code, regraded.stderr).toBe(0);
    const summary = JSON.parse(regraded.stdout);
    expect(summary.runs).toMatchObject([{ origin: 'regraded', samples: 12 }]);
    expect(Math.round(summary.runs[0].accuracy.value * 12)).toBe(6);
    expect(summary.judgeReplies).toEqual({ asked: 0, cached: 11 });
  });
});

describe('the cascade with the judge on an OpenAI-compatible server (real llama-server)', () => {
  let server: LlamaServer;
  beforeAll(async () => {
    server = await startLlamaServer({ modelPath: await ensureFixtureFile('oracle'), parallel: 2 });
  }, 900_000);
  afterAll(async () => {
    await server?.kill();
  });

  it('gives the same grades as the local judge', async () => {
    const { dir, file } = await judgedNotebook(`openai:${server.baseUrl}`);
    const runs = await runJudged(file, path.join(dir, 'store'));
    expect(runs.map((r) => Math.round(r.accuracy.value * 12))).toEqual(WINDOWS.map(expectedCorrect));
  });
});
