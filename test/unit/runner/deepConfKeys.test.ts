import { describe, expect, it } from 'vitest';
import { runSettings, type RunSettings } from '../../../common/api/contract/runs';
import { generationKeyOf, settingsKeyOf } from '../../../main/runner/runPlan';

function settings(strategy: Record<string, unknown>, signals: Record<string, unknown>): RunSettings {
  return runSettings.parse({
    model: { source: 'fixture:stochastic' },
    prompt: { template: '{{problem}}' },
    sampling: {},
    strategy,
    samples: 8,
    dataset: { from: 'file', path: 'problems.jsonl' },
    grader: { grader: 'math' },
    redactProblems: false,
    signals,
  });
}

const keys = (s: RunSettings) => [settingsKeyOf(s), generationKeyOf(s, 'sha', 'fingerprint')];

describe('the keys of a deepconf run', () => {
  it('include the signals that decide where its traces stop (on, K, group size), not whether they are recorded', () => {
    const deepconf = { strategy: 'deepconf' };
    const base = keys(settings(deepconf, { mode: 'summary', topK: 20, groupSize: 4 }));
    const [settingsKey, generationKey] = base;
    for (const changed of [{ groupSize: 8 }, { topK: 10 }, { mode: 'off' }]) {
      const other = keys(settings(deepconf, { mode: 'summary', topK: 20, groupSize: 4, ...changed }));
      expect(other[0], JSON.stringify(changed)).not.toBe(settingsKey);
      expect(other[1], JSON.stringify(changed)).not.toBe(generationKey);
    }
    expect(keys(settings(deepconf, { mode: 'record', topK: 20, groupSize: 4 }))).toEqual(base);
  });

  it('leave other strategies as they were: signals change none of their samples', () => {
    const unbounded = { strategy: 'unbounded' };
    expect(keys(settings(unbounded, { mode: 'summary', groupSize: 4 }))).toEqual(
      keys(settings(unbounded, { mode: 'off', topK: 5, groupSize: 8 })),
    );
  });
});
