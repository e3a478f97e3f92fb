/**
 * The oracle model's confidence problems (main/fixtures/confidenceSpec.ts): its logit tables
 * against the spec, and its greedy chains through real llama.cpp.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chainModelLogits } from '../../../main/fixtures/chainModel';
import {
  confidenceChain,
  confidenceDatasetJsonl,
  confidenceNextToken,
  confidenceProblems,
  expectEarlyExit,
  TRIAL_CUE,
  trialAnswerDistribution,
} from '../../../main/fixtures/confidenceSpec';
import { ORACLE_LOGIT_UNIT, oracleModelDefinition } from '../../../main/fixtures/oracleModel';
import { oracleProblems } from '../../../main/fixtures/oracleSpec';
import { generationRequest, loadLocalEngine, runBatch } from './localEngine';

const definition = oracleModelDefinition();
const { vocabulary } = definition;

/** The chain model's problem index ("state") of each confidence problem's paragraph. */
function stateOf(problemIndex: number, paragraph: number): number {
  const before = confidenceProblems.slice(0, problemIndex).reduce((sum, p) => sum + p.paragraphs.length, 0);
  return oracleProblems.length + before + paragraph - 1;
}

function softmax(logits: Float64Array): Float64Array {
  const max = Math.max(...logits);
  const weights = logits.map((l) => Math.exp(l - max));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

describe('the confidence dataset', () => {
  it('experiments/datasets/oracle-confidence.jsonl equals the spec', () => {
    const file = readFileSync(
      new URL('../../../experiments/datasets/oracle-confidence.jsonl', import.meta.url),
      'utf8',
    );
    expect(file).toBe(confidenceDatasetJsonl());
    expect(
      file
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: string }).id),
    ).toEqual(['e01', 'e02', 'e03', 'e04']);
  });
});

describe('the confidence problems in the oracle tables', () => {
  it('pick confidenceNextToken in every paragraph, for every token and flag, by at least one unit', () => {
    let checked = 0;
    confidenceProblems.forEach((problem, index) => {
      problem.paragraphs.forEach((_, j) => {
        for (const token of vocabulary.tokens) {
          if (token.kind === 'byte' || token.text === TRIAL_CUE) continue;
          // Only the last paragraph holds a ` Done.`: before it, "concluded" cannot happen.
          const last = j === problem.paragraphs.length - 1;
          for (const concluded of last ? [false, true] : [false]) {
            const expected = confidenceNextToken(problem, j + 1, token.text, concluded);
            if (expected === null) continue;
            const logits = chainModelLogits(definition, token.id, stateOf(index, j + 1), concluded);
            const label = `${problem.id} ¶${j + 1} after ${JSON.stringify(token.text)} concluded=${concluded}`;
            const sorted = [...logits].sort((a, b) => b - a);
            expect(logits[vocabulary.id(expected)], label).toBe(sorted[0]);
            expect(sorted[0]! - sorted[1]!, label).toBeGreaterThanOrEqual(ORACLE_LOGIT_UNIT);
            checked += 1;
          }
        }
      });
    });
    expect(checked).toBeGreaterThan(200);
  });

  it('give each trial answer its designed probability, the rest to the other answer', () => {
    confidenceProblems.forEach((problem, index) => {
      problem.paragraphs.forEach((_, j) => {
        const trial = trialAnswerDistribution(problem, j + 1);
        if (!trial) return;
        const p = softmax(chainModelLogits(definition, vocabulary.id(TRIAL_CUE), stateOf(index, j + 1), false));
        expect(p[vocabulary.id(trial.top)]).toBeCloseTo(trial.probability, 12);
        expect(p[vocabulary.id(trial.second)]).toBeCloseTo(1 - trial.probability, 12);
      });
    });
  });

  it('exit where the design says (spec values)', () => {
    const [e01, e02, e03, e04] = confidenceProblems;
    const exits = (threshold: number) =>
      confidenceProblems.map((p) => {
        const outcome = expectEarlyExit(p, { threshold });
        return outcome.exitedAt === null ? null : [outcome.probes[outcome.exitedAt]!.atThinkingToken, outcome.answer];
      });
    expect(exits(0.95)).toEqual([null, [16, '25'], [5, '0'], null]);
    expect(exits(0.9)).toEqual([[12, '42'], [16, '25'], [5, '0'], null]);
    expect(exits(0.8)).toEqual([[12, '42'], [10, '25'], [5, '0'], null]);
    expect(exits(0.965)).toEqual([null, [16, '25'], [11, '81'], null]);
    expect(exits(0.5)).toEqual([
      [4, '0'],
      [3, '0'],
      [5, '0'],
      [2, '0'],
    ]);
    expect(expectEarlyExit(e01!, { threshold: 0.95 })).toMatchObject({ thinkingTokens: 18, correct: true });
    expect(expectEarlyExit(e02!, { threshold: 0.95, transitions: ['Wait'] }).exitedAt).toBe(null);
    expect(expectEarlyExit(e03!, { threshold: 0.95, maxProbes: 0 }).correct).toBe(true);
    expect(expectEarlyExit(e04!, { threshold: 0.7, window: 8 })).toMatchObject({ cut: true, answer: '0' });
  });
});

describe('the confidence problems through llama.cpp', () => {
  it('generate exactly the spec chain for every confidence problem (greedy)', async () => {
    const engine = await loadLocalEngine('oracle');
    try {
      const items = confidenceProblems.map((p) => ({ key: p.id, problemId: p.id, sampleIndex: 0, message: p.problem }));
      const prompt = { template: '{{problem}}', thinkPrefix: '<think>\n' };
      const strategies = [{ strategy: 'unbounded', maxTokens: 200 }];
      const results = await runBatch(engine.backend, generationRequest({ prompt, items, strategies }));
      for (const problem of confidenceProblems) {
        const result = results.get(problem.id)![0]!;
        const chain = confidenceChain(problem);
        expect(result.text, problem.id).toBe(chain.slice(0, -1).join(''));
        expect([result.totalTokens, result.stopReason]).toEqual([chain.length - 1, 'end-of-generation']);
        expect(result.delimitedThinkingTokens).toBe(problem.thinkingLength.think);
      }
    } finally {
      await engine.dispose();
    }
  });
});
