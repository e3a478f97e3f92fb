import { describe, expect, it } from 'vitest';
import { strategyLabel, strategySettings, strategyWindow } from '../../../common/settings/strategy';
import { expandWindowCell, parseWindowCell } from '../../../common/settings/windowCell';

describe('early-exit settings', () => {
  it("default to DEER's values (arXiv 2504.15895 and its code)", () => {
    expect(strategySettings.parse({ strategy: 'early-exit' })).toEqual({
      strategy: 'early-exit',
      threshold: 0.95,
      score: 'mean-probability',
      transitions: ['Wait', '\n\n'],
      inducingText: '\n**Final Answer**\n\\boxed',
      trialStopStrings: ['}'],
      trialBudget: 20,
      maxProbes: 10,
      window: 14745,
      hint: '\n\nI overthought it, the final answer should be:\n\n',
      answerBudget: 1024,
      endOfThinking: '</think>',
      maxTokens: 16384,
    });
  });

  it('are named by threshold and window, and stand at their window on a window axis', () => {
    const settings = strategySettings.parse({ strategy: 'early-exit', threshold: 0.9, window: 4096 });
    expect(strategyLabel(settings)).toBe('early-exit θ=0.9 W=4096');
    const logprob = strategySettings.parse({ strategy: 'early-exit', score: 'mean-logprob', threshold: -0.1 });
    expect(strategyLabel(logprob)).toBe('early-exit θ=-0.1 (log-prob) W=14745');
    expect(strategyWindow(settings)).toBe(4096);
  });

  it('sweep a list of thresholds (not whole numbers) and keep a list of transitions as one setting', () => {
    const cell = parseWindowCell({ strategy: 'early-exit', threshold: [0.9, 0.95, 0.99], transitions: ['Wait'] });
    expect(cell.success).toBe(true);
    const runs = expandWindowCell(cell.data!);
    expect(runs.map((s) => (s.strategy === 'early-exit' ? [s.threshold, s.transitions] : null))).toEqual([
      [0.9, ['Wait']],
      [0.95, ['Wait']],
      [0.99, ['Wait']],
    ]);
  });

  it('refuse a threshold above 1 and an empty inducing text, naming the field', () => {
    const high = parseWindowCell({ strategy: 'early-exit', threshold: [0.9, 1.5] });
    expect(high.success).toBe(false);
    expect(high.error!.issues[0]!.path).toEqual(['threshold', 1]);
    const empty = strategySettings.safeParse({ strategy: 'early-exit', inducingText: '' });
    expect(empty.error!.issues[0]!.path).toEqual(['inducingText']);
  });

  it('refuse a threshold the score cannot reach', () => {
    const negative = strategySettings.safeParse({ strategy: 'early-exit', threshold: -0.5 });
    expect(negative.error!.issues.map((i) => [i.path, i.message])).toEqual([
      [['threshold'], 'a threshold on the mean probability lies between 0 and 1'],
    ]);
    const positive = parseWindowCell({ strategy: 'early-exit', score: 'mean-logprob', threshold: [-0.1, 0.2] });
    expect(positive.error!.issues.map((i) => [i.path, i.message])).toEqual([
      [['threshold', 1], 'a threshold on the mean log-probability is at most 0'],
    ]);
    expect(strategySettings.safeParse({ strategy: 'early-exit', score: 'mean-logprob', threshold: -3 }).success).toBe(
      true,
    );
  });
});
