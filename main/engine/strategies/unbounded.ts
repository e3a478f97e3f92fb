import type { SampleResult } from '../../../common/api/contract/generation';
import type { SampleRun } from './SampleRun';
import type { UnboundedSettings } from './types';

/** No window: the model generates until it stops by itself or the overall budget runs out (the baseline). */
export async function runUnbounded(settings: UnboundedSettings, run: SampleRun): Promise<SampleResult> {
  await run.generate('thinking', { maxTokens: settings.maxTokens });
  return run.result(settings, { cut: false });
}
