import { promptSettings, type PromptSettings } from '../../../common/settings/prompt';
import { samplingSettings, type SamplingSettings } from '../../../common/settings/sampling';
import { signalSettings } from '../../../common/settings/signals';
import { strategySettings, type StrategySettings } from '../../../common/settings/strategy';
import type { StrategyResult } from '../../../common/api/contract/generation';
import type { GenerationBackend } from '../../../main/engine/backend/GenerationBackend';
import { runStrategy } from '../../../main/engine/strategies/runStrategy';
import { SampleRun } from '../../../main/engine/strategies/SampleRun';
import { runBranchedSweep } from '../../../main/engine/sweep/branchedSweep';
import type { WindowSettings } from '../../../main/engine/strategies/types';

export interface RunOptions {
  message?: string;
  prompt?: Partial<PromptSettings>;
  sampling?: Partial<SamplingSettings>;
  sampleSeed?: number;
  endOfThinking?: string | null;
  /** Token signals, as an `engine.generate` request gives them (parsed: defaults filled in). */
  signals?: Record<string, unknown>;
  /** The item's DeepConf threshold. */
  stopBelowConfidence?: number;
}

export function strategy(input: Record<string, unknown>): StrategySettings {
  return strategySettings.parse(input);
}

export async function withRun<T>(
  backend: GenerationBackend,
  options: RunOptions,
  body: (run: SampleRun) => Promise<T>,
): Promise<T> {
  const prompt = promptSettings.parse({ template: '{{problem}}', ...options.prompt });
  const { seed: _seed, ...sampling } = samplingSettings.parse(options.sampling ?? {});
  const rendered = await backend.renderPrompt(prompt, options.message ?? 'q');
  const sequence = await backend.acquireSequence();
  try {
    const promptMs = await sequence.start(rendered.tokens);
    const delimiters = backend.thinkDelimiters;
    const run = new SampleRun({
      sequence,
      backend,
      key: 'k',
      sampleSeed: options.sampleSeed ?? 1,
      sampling,
      stopStrings: prompt.stopStrings,
      endOfThinking: options.endOfThinking === undefined ? (delimiters?.close ?? null) : options.endOfThinking,
      thinkingOpened: delimiters !== null && rendered.text.trimEnd().endsWith(delimiters.open),
      promptMs,
      signals: options.signals ? signalSettings.parse(options.signals) : undefined,
      ...(options.stopBelowConfidence !== undefined ? { stopBelowConfidence: options.stopBelowConfidence } : {}),
    });
    return await body(run);
  } finally {
    sequence.release();
  }
}

/** One strategy, run independently on a fresh sequence. */
export function runOne(
  backend: GenerationBackend,
  settings: StrategySettings,
  options: RunOptions = {},
): Promise<StrategyResult> {
  return withRun(backend, options, (run) => runStrategy(settings, run));
}

/** Window strategies that differ only in W, run as one branched sweep. */
export function runSweep(
  backend: GenerationBackend,
  settings: StrategySettings[],
  options: RunOptions = {},
): Promise<StrategyResult[]> {
  return withRun(backend, options, (run) => runBranchedSweep(settings as WindowSettings[], run));
}

/**
 * What must be identical between a branched sweep's result and an independent run's: all but
 * the timings and the result's position in its request.
 */
export function comparable(result: StrategyResult & { strategyIndex?: number }) {
  const { timings: _timings, strategyIndex: _index, ...rest } = result;
  return rest;
}
