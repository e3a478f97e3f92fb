import { describe, expect, it } from 'vitest';
import { strategyLabel, strategySettings, strategyWindow } from '../../../common/settings/strategy';

const parse = (value: unknown) => strategySettings.parse(value);

describe('what a strategy is called and where it stands on a window axis (one definition for every side)', () => {
  it('names each strategy with its deciding numbers', () => {
    expect(strategyLabel(parse({ strategy: 'shifted-window', window: 512 }))).toBe('shifted-window W=512');
    expect(strategyLabel(parse({ strategy: 'hard-cut', window: 64 }))).toBe('hard-cut W=64');
    expect(strategyLabel(parse({ strategy: 'budget-forcing', maxThinkingTokens: 256 }))).toBe('budget-forcing max=256');
    expect(strategyLabel(parse({ strategy: 'budget-forcing', maxThinkingTokens: 256, minThinkingTokens: 64 }))).toBe(
      'budget-forcing max=256 min=64',
    );
    expect(strategyLabel(parse({ strategy: 'unbounded' }))).toBe('unbounded (16384 tokens)');
  });

  it('puts windows and budget maxima on the window axis, and unbounded nowhere', () => {
    expect(strategyWindow(parse({ strategy: 'shifted-window', window: 512 }))).toBe(512);
    expect(strategyWindow(parse({ strategy: 'hard-cut', window: 64 }))).toBe(64);
    expect(strategyWindow(parse({ strategy: 'budget-forcing', maxThinkingTokens: 256 }))).toBe(256);
    expect(strategyWindow(parse({ strategy: 'unbounded', maxTokens: 99 }))).toBeNull();
  });
});
