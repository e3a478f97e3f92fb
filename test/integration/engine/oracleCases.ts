/**
 * The oracle cases shared by the local and the remote strategy tests: the problems as items,
 * the windows tried, how a prompt is formed, and how a result is checked against oracleSpec.
 */
import { expect } from 'vitest';
import type { SampleResult } from '../../../common/api/contract/generation';
import { oracleProblems, type OracleMode, type OracleOutcome } from '../../../main/fixtures/oracleSpec';

export const MODES: readonly OracleMode[] = ['plain', 'think'];
/** Windows below, at and above the oracle's thinking lengths (q05 = 32, q08 = 64, q11 = 127/128). */
export const WINDOWS = [0, 8, 16, 24, 32, 64, 127, 128];

export const items = oracleProblems.map((p) => ({ key: p.id, problemId: p.id, sampleIndex: 0, message: p.problem }));
/** The GGUF's own chat template; think mode appends `<think>\n` as Z1's evaluation does. */
export const promptFor = (mode: OracleMode) => ({
  template: '{{problem}}',
  thinkPrefix: mode === 'think' ? '<think>\n' : '',
});

export function expectMatches(result: SampleResult, expected: OracleOutcome): void {
  expect(result.text).toBe(expected.text);
  expect(result.phase1Tokens).toBe(expected.thinkingTokens);
  expect(result.cut).toBe(expected.cut);
  expect(result.delimitedThinkingTokens).toBe(expected.tokensBeforeThinkClose);
  expect(result.extensions).toBe(expected.waits);
}

/** Counts per value, in increasing order of value. */
export function histogram(counts: number[]): Map<number, number> {
  const h = new Map<number, number>();
  for (const c of counts) h.set(c, (h.get(c) ?? 0) + 1);
  return new Map([...h].sort((a, b) => a[0] - b[0]));
}
