import type { Llama } from 'node-llama-cpp';
import { median } from '../../../common/math/average';
import { SPEED_CONTEXT_SIZE, SPEED_WORKLOADS, type BatchTimes } from '../../llama-builds/buildSpeed';
import { nativeContextOf } from '../local/nativeContext';

/** Untimed context is filled in batches of this many tokens (as a prompt is). */
const FILL_BATCH = 256;

/**
 * The speed half of a native build's check (llama-builds/buildSpeed.ts): the median time of one
 * `llama_decode` of each workload, decoded the way the engine decodes (the native context's
 * batch, logits of the last token only), after `depth` tokens of context. The median, not the
 * best: the prebuilt binary's spinning threads make some decodes much faster than its typical
 * one (batches of 4 in 13 or 24 ms, run to run), and a run lasts many decodes.
 */
export async function measureBatchTimes(llama: Llama, modelPath: string, threads: number): Promise<BatchTimes> {
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  try {
    const context = await model.createContext({ contextSize: SPEED_CONTEXT_SIZE, threads });
    const native = nativeContextOf(context);
    const handle = native.preventDisposal();
    try {
      const text = model.tokenize('The workbench measures a new build of llama.cpp against the prebuilt binary.');
      const tokens = (count: number) => Uint32Array.from({ length: count }, (_, i) => Number(text[i % text.length]));
      const decode = async (position: number, batch: Uint32Array) => {
        native.context.initBatch(batch.length);
        native.context.addToBatch(0, position, batch, Uint32Array.of(batch.length - 1));
        const started = performance.now();
        await native.context.decodeBatch();
        return performance.now() - started;
      };
      const times: BatchTimes = {};
      for (const workload of SPEED_WORKLOADS) {
        native.context.removeTokenCellsFromSequence(0, 0, -1);
        let position = 0;
        while (position < workload.depth) {
          const count = Math.min(FILL_BATCH, workload.depth - position);
          await decode(position, tokens(count));
          position += count;
        }
        const batch = tokens(workload.tokens);
        const measured: number[] = [];
        for (let i = 0; i < workload.decodes; i++, position += workload.tokens) {
          measured.push(await decode(position, batch));
        }
        times[workload.key] = median(measured);
      }
      return times;
    } finally {
      handle.dispose();
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}
