import type { TokenSignals } from '../../../common/api/contract/generation';
import type { RunRecord, SampleRecord, Trajectory } from '../../../common/api/contract/runs';
import type { NewRun } from '../../../main/store/RunStore';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeLine, encodeRowLine } from '../../../main/store/checksummedLines';
import { SAMPLE_COLUMNS } from '../../../main/store/sampleRows';
import { SAMPLES_FILE, TRAJECTORIES_FILE, type SampleWithTrajectory } from '../../../main/store/RunFiles';

/** A graded sample of problem `p{problem}` with a given thinking length and grade. */
export function sample(
  index: number,
  options: { thinking?: number; correct?: boolean; samplesPerProblem?: number; signals?: boolean } = {},
): SampleWithTrajectory {
  const perProblem = options.samplesPerProblem ?? 1;
  const problemId = `p${Math.floor(index / perProblem)}`;
  const sampleIndex = index % perProblem;
  const thinking = options.thinking ?? 10 + (index % 50);
  const correct = options.correct ?? index % 3 !== 0;
  const record: SampleRecord = {
    key: `${problemId}#${sampleIndex}`,
    index,
    problemId,
    sampleIndex,
    seed: 1000 + index,
    phase1Tokens: thinking,
    delimitedThinkingTokens: null,
    answerTokens: 3,
    totalTokens: thinking + 3,
    cut: thinking >= 40,
    cutAt: thinking >= 40 ? 40 : null,
    stopReason: 'end-of-generation',
    extensions: 0,
    outcome: correct ? 'correct' : 'wrong',
    correct,
    extracted: correct ? '42' : '0',
    answerKey: correct ? '42' : '0',
    gold: '42',
    generateMs: 5,
    tokensPerSecond: 1000,
    meanLogprob: null,
    meanEntropy: null,
    meanConfidence: null,
    lowestGroupConfidence: null,
    bottomGroupConfidence: null,
    tailConfidence: null,
    discardedTokens: 0,
    probeCount: 0,
  };
  const trajectory: Trajectory = {
    key: record.key,
    message: `Problem ${problemId}`,
    text: ' s1'.repeat(thinking) + ' The answer is 42',
    segments: [
      {
        phase: 'thinking',
        inserted: false,
        text: ' s1'.repeat(thinking),
        tokens: Array.from({ length: thinking }, (_, i) => i),
      },
    ],
    cutAt: record.cutAt,
    hintOffset: null,
    grade: { outcome: record.outcome },
  };
  return { record, trajectory, ...(options.signals ? { signals: signalsOf(index, thinking) } : {}) };
}

/**
 * Per-token signals of sample `index` with `tokens` tokens: varied values over the ranges real
 * ones take (log-probabilities down to −20, entropies up to ln 20, confidences from ln 20 up),
 * one null (an inserted token) every 7 tokens.
 */
export function signalsOf(index: number, tokens: number): TokenSignals {
  const values = (f: (i: number) => number) => Array.from({ length: tokens }, (_, i) => (i % 7 === 6 ? null : f(i)));
  return {
    topK: 20,
    logprob: values((i) => -(((index * 31 + i * 17) % 2000) / 100)),
    entropy: values((i) => ((index * 13 + i * 7) % 300) / 100),
    confidence: values((i) => Math.log(20) + ((index * 11 + i * 29) % 1500) / 100),
  };
}

export function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    cacheKey: 'cache-1',
    settingsKey: 'settings-1',
    notebook: { path: '/nb/a.z1.json', cellId: 'run', title: null },
    label: 'shifted-window W=40',
    variant: { index: 0, of: 1 },
    planned: 10,
    settings: {
      model: {
        source: 'fixture:oracle',
        backend: 'auto',
        gpuLayers: 'auto',
        contextSize: 512,
        threads: 1,
        parallel: 1,
      },
      prompt: { template: '{{problem}}', chatTemplate: 'model', systemPrompt: null, thinkPrefix: '', stopStrings: [] },
      sampling: { temperature: 0, topK: 40, topP: 0.95, minP: 0, seed: 0 },
      strategy: { strategy: 'shifted-window', window: 40, hint: 'hint', answerBudget: 16, maxTokens: 128 },
      samples: 1,
      dataset: { from: 'file', path: 'datasets/oracle.jsonl', map: {} },
      grader: { grader: 'exact', caseSensitive: false, fallbacks: [], timeLimitMs: 5000 },
      redactProblems: false,
    },
    provenance: null,
    ...overrides,
  } satisfies Omit<
    RunRecord,
    'id' | 'createdAt' | 'updatedAt' | 'finishedAt' | 'issues' | 'summary' | 'done' | 'status' | 'error'
  >;
}

/** The columns of samples.jsonl before signal summaries were added: up to tokensPerSecond, then t. */
const FIRST_COLUMNS = [...SAMPLE_COLUMNS.slice(0, SAMPLE_COLUMNS.indexOf('tokensPerSecond') + 1), 't'];

/** A run folder's sample files as the store wrote them before signal summaries (those fields left out). */
export async function writeFirstLayoutFiles(dir: string, samples: SampleWithTrajectory[]): Promise<void> {
  let offset = 0;
  const trajectoryLines: Buffer[] = [];
  const rows: string[] = [];
  for (const s of samples) {
    const line = encodeLine(s.trajectory);
    trajectoryLines.push(line);
    const fields = s.record as unknown as Record<string, unknown>;
    rows.push(encodeRowLine(FIRST_COLUMNS.map((c) => (c === 't' ? [offset, line.length] : fields[c]))));
    offset += line.length;
  }
  const header = encodeLine({ format: 'z1-samples', version: 1, columns: FIRST_COLUMNS }).toString();
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, TRAJECTORIES_FILE), Buffer.concat(trajectoryLines));
  await writeFile(path.join(dir, SAMPLES_FILE), header + rows.join(''));
}
