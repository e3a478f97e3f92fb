import type { DatasetPreset } from '../../common/api/contract/datasets';
import type { DatasetPresetName, DatasetRow } from '../../common/notebook/datasetSettings';
import { graderSettings, type GraderSettingsInput } from '../../common/grading/graderSettings';

export interface PresetDefinition extends DatasetPreset {
  /** Turns a mapped row into the shape the grader expects (code tests, mostly). */
  finish?: (row: DatasetRow) => DatasetRow;
}

function preset(
  definition: Omit<PresetDefinition, 'grader' | 'source'> & {
    grader: GraderSettingsInput;
    source: Omit<DatasetPreset['source'], 'from' | 'gated' | 'map'> & { map: DatasetPreset['source']['map'] };
  },
): PresetDefinition {
  return {
    ...definition,
    grader: graderSettings.parse(definition.grader),
    source: { from: 'huggingface', gated: definition.gated, ...definition.source },
  };
}

function parseJsonList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    const parsed = JSON.parse(value) as unknown;
    if (Array.isArray(parsed)) return parsed;
  }
  throw new Error('expected a list of tests');
}

/**
 * The benchmarks of the Z1 paper and its neighbours, with where they live on the Hub, which
 * column is which, and how they are graded. Ids and columns as published on the Hub.
 */
export const DATASET_PRESETS: Record<DatasetPresetName, PresetDefinition> = {
  'math-500': preset({
    name: 'math-500',
    title: 'MATH-500',
    description: "500 competition math problems (Lightman et al.'s subset of MATH); answers compared as math.",
    source: { repo: 'HuggingFaceH4/MATH-500', config: 'default', split: 'test', map: { id: 'unique_id' } },
    grader: { grader: 'math' },
    gated: false,
    redactProblems: false,
  }),
  gsm8k: preset({
    name: 'gsm8k',
    title: 'GSM8K',
    description: 'Grade-school math word problems; the gold answer is the number after "####".',
    source: { repo: 'openai/gsm8k', config: 'main', split: 'test', map: { problem: 'question' }, answerAfter: '####' },
    grader: { grader: 'math', fallbacks: ['last-number'] },
    gated: false,
    redactProblems: false,
  }),
  'aime-2024': preset({
    name: 'aime-2024',
    title: 'AIME 2024',
    description: 'The 30 problems of AIME 2024 I and II; integer answers 0–999.',
    source: { repo: 'HuggingFaceH4/aime_2024', config: 'default', split: 'train', map: {} },
    grader: { grader: 'math' },
    gated: false,
    redactProblems: false,
  }),
  'gpqa-diamond': preset({
    name: 'gpqa-diamond',
    title: 'GPQA-Diamond',
    description:
      'Graduate-level science multiple choice (198 questions). Gated: needs your Hugging Face token. Options are shown in a seeded per-problem order; question text is never put in exported figures.',
    source: {
      repo: 'Idavidrein/gpqa',
      config: 'gpqa_diamond',
      split: 'train',
      map: {
        id: 'Record ID',
        problem: 'Question',
        choices: ['Correct Answer', 'Incorrect Answer 1', 'Incorrect Answer 2', 'Incorrect Answer 3'],
      },
    },
    grader: { grader: 'mcq', shuffle: true, seed: 0 },
    gated: true,
    redactProblems: true,
  }),
  humaneval: preset({
    name: 'humaneval',
    title: 'HumanEval',
    description: "164 Python functions to complete, checked by each problem's check(candidate).",
    source: {
      repo: 'openai/openai_humaneval',
      config: 'openai_humaneval',
      split: 'test',
      map: { id: 'task_id', problem: 'prompt', tests: 'test' },
    },
    grader: { grader: 'code' },
    gated: false,
    redactProblems: false,
    finish: (row) => ({
      ...row,
      tests: [{ type: 'function', code: String(row.tests), entryPoint: String(row.fields.entry_point) }],
    }),
  }),
  mbpp: preset({
    name: 'mbpp',
    title: 'MBPP (sanitized)',
    description: 'Mostly Basic Python Problems, the hand-verified subset; checked by assert statements.',
    source: {
      repo: 'google-research-datasets/mbpp',
      config: 'sanitized',
      split: 'test',
      map: { id: 'task_id', problem: 'prompt', tests: 'test_list' },
    },
    grader: { grader: 'code' },
    gated: false,
    redactProblems: false,
    finish: (row) => {
      const setup =
        typeof row.fields.test_setup_code === 'string' && row.fields.test_setup_code
          ? `${row.fields.test_setup_code}\n`
          : '';
      return {
        ...row,
        tests: parseJsonList(row.tests).map((code) => ({ type: 'assert', code: setup + String(code) })),
      };
    },
  }),
  livecodebench: preset({
    name: 'livecodebench',
    title: 'LiveCodeBench (code generation, release v1)',
    description: 'Contest problems with standard-input tests (the public test cases).',
    source: {
      repo: 'livecodebench/code_generation_lite',
      config: 'release_v1',
      split: 'test',
      map: { id: 'question_id', problem: 'question_content', tests: 'public_test_cases' },
    },
    grader: { grader: 'code' },
    gated: false,
    redactProblems: false,
    finish: (row) => ({
      ...row,
      tests: parseJsonList(row.tests).map((t) => {
        const test = t as { input?: unknown; output?: unknown };
        return { type: 'stdio', input: String(test.input ?? ''), output: String(test.output ?? '') };
      }),
    }),
  }),
};

export function presetList(): DatasetPreset[] {
  return Object.values(DATASET_PRESETS).map(({ finish: _finish, ...rest }) => rest);
}
