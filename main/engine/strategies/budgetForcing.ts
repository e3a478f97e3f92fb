import type { StrategyResult } from '../../../common/api/contract/generation';
import type { SampleRun, Verdict } from './SampleRun';
import type { BudgetForcingSettings } from './types';

/**
 * s1's budget forcing (Muennighoff et al., arXiv 2501.19393, §3.1):
 * - maximum: when the thinking reaches `maxThinkingTokens`, the end-of-thinking delimiter is
 *   forced, followed by the answer cue, and the model answers;
 * - minimum: when the model tries to end its thinking (writes the delimiter, or ends its
 *   generation) before `minThinkingTokens`, the delimiter is suppressed and "Wait" appended,
 *   at most `maxWaits` times.
 * Thinking tokens are the ones the model generates before the delimiter; the inserted "Wait"s
 * do not count against the budget (as in s1's code, which subtracts generated tokens only).
 */
export async function runBudgetForcing(settings: BudgetForcingSettings, run: SampleRun): Promise<StrategyResult> {
  const delimiter = settings.endOfThinking;
  let waits = 0;
  for (;;) {
    const thinking = await run.generate('thinking', {
      maxTokens: Math.min(
        settings.maxThinkingTokens - run.generatedIn('thinking'),
        settings.maxTokens - run.tokensAfterPrompt,
      ),
      peekAfterLimit: true,
      stopStrings: [delimiter],
    });
    const thought = run.generatedIn('thinking');

    if (thinking.end === 'max-tokens') {
      if (run.tokensAfterPrompt >= settings.maxTokens)
        return run.result(settings, { cut: false, phase1Tokens: thought, extensions: waits });
      // At the maximum, look before forcing: the model may end its thinking by itself right here.
      if (thinking.next?.endsGeneration) {
        return run.result(settings, {
          cut: false,
          stopReason: 'end-of-generation',
          phase1Tokens: thought,
          extensions: waits,
        });
      }
      if (thinking.next?.completesStopString === delimiter) {
        run.accept('thinking', thinking.next);
        return answer(settings, run, { cut: false, phase1Tokens: thought, extensions: waits });
      }
      await run.insert('cue', delimiter + settings.answerCue);
      return answer(settings, run, { cut: true, cutAt: thought, phase1Tokens: thought, extensions: waits });
    }

    const wroteDelimiter = thinking.end === 'stop-string' && thinking.stop?.text === delimiter;
    if (thinking.end !== 'end-of-generation' && !wroteDelimiter) {
      // Cancelled, a prompt stop string, or a full context: the sample ends here.
      return run.result(settings, { cut: false, phase1Tokens: thought, extensions: waits });
    }
    const delimiterTokens = wroteDelimiter ? thinking.tokens.length - thinking.stop!.tokenIndex : 0;
    const thoughtBeforeEnd = thought - delimiterTokens;
    if (thoughtBeforeEnd < settings.minThinkingTokens && waits < settings.maxWaits) {
      if (delimiterTokens > 0) await run.retract(delimiterTokens);
      await run.insert('wait', settings.waitText);
      waits += 1;
      continue;
    }
    if (!wroteDelimiter) {
      return run.result(settings, { cut: false, phase1Tokens: thoughtBeforeEnd, extensions: waits });
    }
    return answer(settings, run, { cut: false, phase1Tokens: thoughtBeforeEnd, extensions: waits });
  }
}

/** After the thinking has ended (by itself or forced): the answer, within its budget. */
async function answer(settings: BudgetForcingSettings, run: SampleRun, verdict: Verdict): Promise<StrategyResult> {
  await run.generate('answer', {
    maxTokens: Math.min(settings.answerBudget, settings.maxTokens - run.tokensAfterPrompt),
  });
  return run.result(settings, verdict);
}
