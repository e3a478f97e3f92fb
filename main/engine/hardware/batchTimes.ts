import type { Llama } from 'node-llama-cpp';
import { nativeContextOf } from '../local/nativeContext';
import { median } from '../../../common/math/average';
import { SPEED_BATCHES, type BatchTimes } from '../../llama-builds/buildSpeed';

/** Decodes timed per batch size: about 1 s in all on a 2-core VM with the bench fixture. */
const DECODES: Readonly<Record<number, number>> = { 1: 24, 4: 12, 16: 6, 256: 3 };
const PREFIX = 8;

/**
 * The speed half of a native build's check (llama-builds/buildSpeed.ts): the median time of one
 * `llama_decode` of each batch size, decoded the way the engine decodes (the native context's
 * batch, logits of the last token only), after the same 8-token prefix. The median, not the
 * best: the prebuilt binary's spinning threads make some decodes much faster than its typical
 * one (batches of 4 in 9.8 or 22 ms, run to run), and a run lasts many decodes.
 */
export async function measureBatchTimes(llama: Llama, modelPath: string, threads: number): Promise<BatchTimes> {
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  try {
    const context = await model.createContext({ contextSize: 1024, threads });
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
      await decode(0, tokens(PREFIX));
      const times: BatchTimes = {};
      for (const size of SPEED_BATCHES) {
        const batch = tokens(size);
        const measured: number[] = [];
        let position = PREFIX;
        for (let i = 0; i < DECODES[size]!; i++) {
          // Long batches start again after the prefix, so the last one fits the context too.
          if (position + size > 1024) {
            native.context.removeTokenCellsFromSequence(0, PREFIX, -1);
            position = PREFIX;
          }
          measured.push(await decode(position, batch));
          position += size;
        }
        native.context.removeTokenCellsFromSequence(0, PREFIX, -1);
        times[size] = median(measured);
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
