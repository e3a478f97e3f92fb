import { describe, expect, it } from 'vitest';
import { planSweeps } from '../../../main/engine/sweep/planSweeps';
import { strategy } from './engineTestKit';

describe('planning early-exit sweeps', () => {
  it('groups early exits that differ only in threshold and window, and nothing else with them', () => {
    const plan = planSweeps([
      strategy({ strategy: 'early-exit', threshold: 0.9, window: 64 }),
      strategy({ strategy: 'unbounded' }),
      strategy({ strategy: 'early-exit', threshold: 0.95, window: 128 }),
      strategy({ strategy: 'early-exit', threshold: 0.9, transitions: ['Wait'] }),
      strategy({ strategy: 'shifted-window', window: 64 }),
      strategy({ strategy: 'early-exit', threshold: 0.99, window: 64 }),
      strategy({ strategy: 'shifted-window', window: 128 }),
    ]);
    expect(plan.map((step) => (step.kind === 'sweep' ? ['sweep', step.indices] : ['single', step.index]))).toEqual([
      ['sweep', [0, 2, 5]],
      ['single', 1],
      ['single', 3],
      ['sweep', [4, 6]],
    ]);
  });
});
