import type { StrategyResult } from '../../../common/api/contract/generation';
import { signalTopK } from '../../../common/settings/signals';
import type { StrategySettings } from '../../../common/settings/strategy';
import type { GenerateResult } from '../backend/GenerationBackend';
import { scoreTrialAnswer } from './earlyExitScore';
import { stopReasonOf, type RunCheckpoint, type SampleRun, type Verdict } from './SampleRun';
import type { EarlyExitSettings } from './types';

type Probe = NonNullable<StrategyResult['probes']>[number];

/**
 * DEER-style early exit (Yang et al., "Dynamic Early Exit in Reasoning Models", arXiv
 * 2504.15895; docs/engine.md, "Early exit (DEER)"):
 * 1. the model thinks until a reasoning transition ("Wait", a paragraph break) begins;
 * 2. just before it, the inducing text is appended and a trial answer generated and scored;
 * 3. a score ≥ the threshold ends the sample with that answer; otherwise the trial is erased
 *    from the sequence (as a branched sweep erases its branches: no re-evaluation of the
 *    thinking) and the thinking goes on with the transition;
 * 4. the window stays the hard maximum: a thinking still going at W (the token after W looked
 *    at first) gets Z1's hint and answer.
 * Once the model writes the end-of-thinking delimiter no trial is induced any more.
 *
 * `settings` may differ in `threshold` and `window` (a sweep): every probe is shared, each
 * threshold exits at the first probe that reaches it, each window's hint and answer are
 * branched off at W and erased, and the rest go on from there. Results come back in the order
 * given, each token for token the result of an independent run.
 */
export async function runEarlyExitSweep(
  settings: readonly EarlyExitSettings[],
  run: SampleRun,
): Promise<StrategyResult[]> {
  assertOneSweep(settings);
  const shared = settings[0]!;
  const results = new Array<StrategyResult | undefined>(settings.length);
  let waiting = settings.map((_, index) => index);
  const probes: Probe[] = [];
  const finish = async (indices: readonly number[], verdict: Verdict) => {
    for (const index of indices) {
      // A copy: the sweep goes on adding probes that are not this result's.
      const own = [...(verdict.probes ?? probes)];
      results[index] = await run.result(settings[index]!, { ...verdict, probes: own, discardedTokens: discarded(own) });
    }
    waiting = waiting.filter((index) => !indices.includes(index));
  };
  /** Thinking tokens right after the last transition looked at: transitions in a row are one. */
  let afterTransition = -1;
  /** The model wrote the end-of-thinking delimiter: no more probes. */
  let thinkingEnded = false;

  while (waiting.length > 0) {
    const window = Math.min(...waiting.map((index) => settings[index]!.window));
    const probing = !thinkingEnded && probes.length < shared.maxProbes && shared.transitions.length > 0;
    const generated = await run.generate('thinking', {
      maxTokens: Math.min(window, shared.maxTokens) - run.generatedIn('thinking'),
      peekAfterLimit: true,
      stopStrings: thinkingEnded
        ? []
        : [...(probing ? shared.transitions : []), ...[shared.endOfThinking].filter(Boolean)],
    });
    if (!thinkingEnded && generated.end === 'stop-string' && generated.stop?.text === shared.endOfThinking) {
      thinkingEnded = true;
      continue;
    }
    const transition = transitionOf(generated, shared);
    if (transition !== null) {
      const point = run.generatedIn('thinking') - transition;
      if (point > afterTransition) {
        const probe = await takeProbe(run, shared, { point, transition });
        const own = [...probes, { ...probe.record, exited: true }];
        const exiting = waiting.filter((index) => probe.tokens > 0 && probe.score >= settings[index]!.threshold);
        await finish(exiting, { cut: true, cutAt: point, probes: own });
        probes.push({ ...probe.record, exited: false });
        if (waiting.length > 0) await probe.erase();
      }
      afterTransition = run.generatedIn('thinking');
      continue;
    }
    if (generated.end !== 'max-tokens' || generated.next?.endsGeneration) {
      // The model ended by itself (at the limit: the token after it says so), or was stopped.
      const stopReason = generated.end === 'max-tokens' ? 'end-of-generation' : stopReasonOf(generated.end);
      await finish(waiting, { cut: false, stopReason });
      break;
    }
    const cutAt = run.generatedIn('thinking');
    if (window >= shared.maxTokens) {
      await finish(waiting, { cut: true, cutAt, stopReason: 'max-tokens' });
      break;
    }
    const branchPoint = run.checkpoint();
    await run.insert('hint', shared.hint);
    await run.generate('answer', {
      maxTokens: Math.min(shared.answerBudget, shared.maxTokens - run.tokensAfterPrompt),
    });
    await finish(
      waiting.filter((index) => settings[index]!.window === window),
      { cut: true, cutAt },
    );
    if (waiting.length > 0) await run.restore(branchPoint);
  }
  return results.map((result) => result!);
}

/** One early-exit run: a sweep of one threshold. */
export async function runEarlyExit(settings: EarlyExitSettings, run: SampleRun): Promise<StrategyResult> {
  return (await runEarlyExitSweep([settings], run))[0]!;
}

/** Whether a sweep's settings are early exits (thresholds and windows) rather than a window strategy's. */
export function isEarlyExitSweep(settings: readonly StrategySettings[]): settings is readonly EarlyExitSettings[] {
  return settings[0]?.strategy === 'early-exit';
}

/** Settings that differ only in `threshold` and `window`: what one early-exit sweep shares. */
export function earlyExitSweepKey(settings: EarlyExitSettings): string {
  const { threshold: _threshold, window: _window, ...rest } = settings;
  return JSON.stringify(Object.entries(rest).sort(([x], [y]) => x.localeCompare(y)));
}

function assertOneSweep(settings: readonly EarlyExitSettings[]): void {
  const first = settings[0];
  if (!first || settings.some((s) => earlyExitSweepKey(s) !== earlyExitSweepKey(first))) {
    throw new Error('an early-exit sweep needs early-exit settings that differ only in "threshold" and "window"');
  }
}

/** How many tokens the transition that stopped the generation took, or null when none did. */
function transitionOf(generated: GenerateResult, settings: EarlyExitSettings): number | null {
  if (generated.end !== 'stop-string' || !generated.stop) return null;
  if (generated.stop.text === settings.endOfThinking || !settings.transitions.includes(generated.stop.text))
    return null;
  return generated.tokens.length - Math.max(0, generated.stop.tokenIndex);
}

/**
 * Takes the thinking back to just before the transition, appends the inducing text, generates
 * the trial answer with its signals and scores it. `erase` returns to the thinking with the
 * transition written again; the trial answer stays when the sample exits with it.
 */
async function takeProbe(
  run: SampleRun,
  settings: EarlyExitSettings,
  at: { point: number; transition: number },
): Promise<{ record: Omit<Probe, 'exited'>; tokens: number; score: number; erase(): Promise<void> }> {
  const written = lastGenerated(run.checkpoint(), at.transition);
  await run.retract(at.transition);
  const before = run.checkpoint();
  const inducing = await run.insert('cue', settings.inducingText);
  const budget = Math.min(settings.trialBudget, settings.maxTokens - run.tokensAfterPrompt);
  const trial = await run.generate('answer', {
    maxTokens: Math.max(0, budget),
    stopStrings: settings.trialStopStrings,
    signals: { topK: run.signalSettings?.topK ?? TRIAL_TOP_K },
  });
  const score = scoreTrialAnswer(trial, settings.score);
  return {
    record: { atThinkingToken: at.point, tokens: inducing + trial.tokens.length, score },
    tokens: trial.tokens.length,
    score,
    async erase() {
      await run.restore(before, { keepTime: true });
      for (const token of written) run.accept('thinking', token);
    },
  };
}

/** K of the trial answers' signals when the run sets none (common/settings/signals.ts). */
const TRIAL_TOP_K = signalTopK.parse(undefined);

/** The last `count` generated tokens of a checkpoint, as `accept` takes them back. */
function lastGenerated(checkpoint: RunCheckpoint, count: number) {
  const segment = checkpoint.segments.at(-1)!;
  return segment.tokens.slice(-count).map((token, i) => ({
    token,
    text: segment.pieces[segment.pieces.length - count + i] ?? '',
    endsGeneration: false,
    completesStopString: null,
    signal: segment.signals.at(segment.signals.length - count + i) ?? undefined,
  }));
}

function discarded(probes: readonly Probe[]): number {
  return probes.reduce((sum, probe) => sum + (probe.exited ? 0 : probe.tokens), 0);
}
