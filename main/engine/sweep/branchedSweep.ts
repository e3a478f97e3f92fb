import type { StrategyResult } from '../../../common/api/contract/generation';
import { stopAtCut } from '../strategies/hardCut';
import type { SampleRun } from '../strategies/SampleRun';
import { answerAfterHint } from '../strategies/shiftedWindow';
import { stoppedByBudget, thinkWithinWindow } from '../strategies/thinkWithinWindow';
import type { WindowSettings } from '../strategies/types';

/**
 * A sweep over the window that generates each thinking token once (docs/engine.md, "Branched sweeps").
 *
 * With greedy or seeded decoding, the first W1 thinking tokens of the runs at W1 < W2 < … are
 * the same. So phase 1 is extended from window to window; at each window that cuts, the
 * strategy's continuation (Z1's hint and answer, or nothing for a hard cut) is branched off,
 * its result recorded, then erased from the sequence before the thinking goes on. Each result
 * is token for token the result of an independent run at its window: both take the same steps
 * through the same code (thinkWithinWindow, then the strategy's own continuation), and the
 * backend draws every token from its position and seed stream alone.
 *
 * `settings` must share one strategy and differ only in `window`; results come back in the
 * order given.
 */
export async function runBranchedSweep(settings: readonly WindowSettings[], run: SampleRun): Promise<StrategyResult[]> {
  assertOneSweep(settings);
  const results = new Array<StrategyResult | undefined>(settings.length);
  const order = settings.map((_, index) => index).sort((a, b) => settings[a]!.window - settings[b]!.window);
  for (let i = 0; i < order.length; i += 1) {
    const index = order[i]!;
    const at = settings[index]!;
    const phase1 = await thinkWithinWindow(run, at.window, at.maxTokens);
    if (!phase1.cut || phase1.by === 'budget') {
      // Phase 1 ended by itself, or the overall budget ended it: every larger window ends the same way.
      for (const rest of order.slice(i)) {
        results[rest] = phase1.cut
          ? await stoppedByBudget(settings[rest]!, run)
          : await run.result(settings[rest]!, { cut: false, stopReason: phase1.stopReason });
      }
      break;
    }
    const branchPoint = run.checkpoint();
    results[index] = await continueAfterCut(at, run);
    await run.restore(branchPoint);
  }
  return results.map((result) => result!);
}

function continueAfterCut(settings: WindowSettings, run: SampleRun): Promise<StrategyResult> {
  return settings.strategy === 'shifted-window' ? answerAfterHint(settings, run) : stopAtCut(settings, run);
}

/** Settings that differ only in `window` (one strategy): what a branched sweep can share. */
export function sameSweep(a: WindowSettings, b: WindowSettings): boolean {
  return sweepKey(a) === sweepKey(b);
}

export function sweepKey(settings: WindowSettings): string {
  const { window: _window, ...rest } = settings;
  return JSON.stringify(Object.entries(rest).sort(([x], [y]) => x.localeCompare(y)));
}

function assertOneSweep(settings: readonly WindowSettings[]): void {
  const first = settings[0];
  if (!first || settings.some((s) => !sameSweep(first, s))) {
    throw new Error('a branched sweep needs settings of one strategy that differ only in "window"');
  }
}
