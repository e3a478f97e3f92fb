import { describe, expect, it } from 'vitest';
import { ContextDecoder } from '../../../main/engine/local/ContextDecoder';
import type { NativeAccess, NativeContext, NativeSampler } from '../../../main/engine/local/nativeContext';

/**
 * The decoder's scheduling against a scripted native context (a stand-in: the real llama.cpp
 * context runs in test/integration/engine, where parallel, cancelled and branched generations
 * go through this decoder). The script records every batch and every erase, and "draws" the
 * token after a sequence's last one as 100 × sequence id + position of the drawn token.
 */
function scriptedContext() {
  const batches: Array<Array<{ sequenceId: number; first: number; tokens: number[]; logits: number[] }>> = [];
  const events: string[] = [];
  const samples: Array<{ index: number; sampler: NativeSampler; probabilities: boolean }> = [];
  /** When each draw started and ended: `start <index>`, `end <index>`. */
  const draws: string[] = [];
  let current: (typeof batches)[number] = [];
  let finishDecode: (() => void) | null = null;
  let failNext: Error | null = null;
  const context: NativeContext = {
    initBatch(size) {
      current = [];
      events.push(`init ${size}`);
    },
    addToBatch(sequenceId, first, tokens, logitIndexes) {
      const offset = current.reduce((n, part) => n + part.tokens.length, 0);
      current.push({ sequenceId, first, tokens: [...tokens], logits: [...logitIndexes] });
      return Uint32Array.from([...logitIndexes].map((i) => offset + i));
    },
    decodeBatch() {
      batches.push(current);
      events.push('decode');
      if (failNext) {
        const error = failNext;
        failNext = null;
        return Promise.reject(error);
      }
      return new Promise<void>((resolve) => (finishDecode = resolve));
    },
    async sampleToken(index, sampler, probabilities = false) {
      samples.push({ index, sampler, probabilities });
      draws.push(`start ${index}`);
      await new Promise((resolve) => setImmediate(resolve)); // a worker thread's round trip
      draws.push(`end ${index}`);
      let offset = 0;
      for (const part of batches.at(-1)!) {
        if (index < offset + part.tokens.length) {
          const token = part.sequenceId * 100 + part.first + (index - offset) + 1;
          return probabilities ? [token, [token, 0.75, token + 1, 0.25]] : token;
        }
        offset += part.tokens.length;
      }
      return -1;
    },
    removeTokenCellsFromSequence(sequenceId, start, end) {
      events.push(`erase ${sequenceId} ${start} ${end}`);
      return true;
    },
  };
  const access: NativeAccess = { context, preventDisposal: () => ({ dispose() {} }), whenDisposing: () => {} };
  return {
    access,
    batches,
    events,
    samples,
    draws,
    /** Lets the decode in flight finish. */
    finish: async () => {
      await until(() => finishDecode !== null);
      const done = finishDecode!;
      finishDecode = null;
      done();
    },
    failNextDecode: (error: Error) => (failNext = error),
  };
}

const sampler: NativeSampler = { applyConfig() {}, dispose() {} };

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('condition never held');
}

describe('ContextDecoder (scripted native context: a stand-in for llama.cpp)', () => {
  it('decodes at once for a lone sequence and draws the token after its last one', async () => {
    const native = scriptedContext();
    const decoder = new ContextDecoder(native.access, 8);
    decoder.activate(1);
    const drawn = decoder.evaluate(1, 5, [7, 8], sampler);
    expect(native.events).toEqual(['init 2', 'decode']);
    await native.finish();
    expect(await drawn).toBe(100 + 7); // position 7 follows positions 5 and 6
    expect(native.batches[0]).toEqual([{ sequenceId: 1, first: 5, tokens: [7, 8], logits: [1] }]);
  });

  it('runs a probe on the same logits right after the draw, and hands it the candidates (token signals)', async () => {
    const native = scriptedContext();
    const decoder = new ContextDecoder(native.access, 8);
    decoder.activate(1);
    const probeSampler: NativeSampler = { applyConfig() {}, dispose() {} };
    const received: Array<readonly number[]> = [];
    const drawn = decoder.evaluate(1, 5, [7, 8], sampler, { sampler: probeSampler, receive: (c) => received.push(c) });
    await native.finish();
    expect(await drawn).toBe(107);
    expect(native.samples).toEqual([
      { index: 1, sampler, probabilities: false },
      { index: 1, sampler: probeSampler, probabilities: true },
    ]);
    expect(received).toEqual([[107, 0.75, 108, 0.25]]);
  });

  it('waits until every active sequence has queued, then decodes them in one batch', async () => {
    const native = scriptedContext();
    const decoder = new ContextDecoder(native.access, 8);
    for (const id of [1, 2, 3]) decoder.activate(id);
    const first = decoder.evaluate(1, 0, [1], sampler);
    const second = decoder.evaluate(2, 0, [1], sampler);
    expect(native.batches).toHaveLength(0);
    const third = decoder.evaluate(3, 0, [1], sampler);
    await native.finish();
    expect(await Promise.all([first, second, third])).toEqual([101, 201, 301]);
    expect(native.batches).toHaveLength(1);
    expect(native.batches[0]!.map((part) => part.sequenceId)).toEqual([1, 2, 3]);
    expect(decoder.counts).toEqual({ decodes: 1, tokens: 3 });
  });

  it('adds a batch in order of sequence id, whatever order the sequences queued in', async () => {
    // llama.cpp gathers rows into sequence order otherwise, and its matrix products fall back
    // from the blocked kernel to vector dots (2x slower for 4 sequences on the bench model).
    const native = scriptedContext();
    const decoder = new ContextDecoder(native.access, 8);
    for (const id of [3, 1, 2]) decoder.activate(id);
    const drawn = [
      decoder.evaluate(3, 4, [1], sampler),
      decoder.evaluate(1, 6, [1], sampler),
      decoder.evaluate(2, 5, [1], sampler),
    ];
    await native.finish();
    expect(await Promise.all(drawn)).toEqual([305, 107, 206]);
    expect(native.batches[0]!.map((part) => part.sequenceId)).toEqual([1, 2, 3]);
  });

  it('draws the first token of a batch alone (llama.cpp reorders the outputs on that read), then the others at once', async () => {
    const native = scriptedContext();
    const decoder = new ContextDecoder(native.access, 8);
    for (const id of [1, 2, 3]) decoder.activate(id);
    const drawn = [1, 2, 3].map((id) => decoder.evaluate(id, 0, [1], sampler));
    await native.finish();
    expect(await Promise.all(drawn)).toEqual([101, 201, 301]);
    expect(native.draws).toEqual(['start 0', 'end 0', 'start 1', 'start 2', 'end 1', 'end 2']);
  });

  it('does not wait longer than a turn of the event loop for an idle active sequence', async () => {
    const native = scriptedContext();
    const decoder = new ContextDecoder(native.access, 8);
    decoder.activate(1);
    decoder.activate(2);
    const drawn = decoder.evaluate(1, 0, [1], sampler);
    expect(native.batches).toHaveLength(0);
    await native.finish();
    expect(await drawn).toBe(101);
  });

  it('evaluates a prompt longer than a batch over several batches, sharing them with other sequences', async () => {
    const native = scriptedContext();
    const decoder = new ContextDecoder(native.access, 4);
    decoder.activate(1);
    decoder.activate(2);
    const prompt = decoder.evaluate(1, 0, [1, 2, 3, 4, 5, 6], null);
    const step = decoder.evaluate(2, 9, [9], sampler);
    await native.finish();
    await native.finish();
    expect(await step).toBe(210);
    expect(await prompt).toBeNull();
    expect(native.batches).toHaveLength(2);
    expect(native.batches[0]).toEqual([{ sequenceId: 1, first: 0, tokens: [1, 2, 3, 4], logits: [] }]);
    expect(native.batches[1]).toEqual([
      { sequenceId: 1, first: 4, tokens: [5, 6], logits: [] },
      { sequenceId: 2, first: 9, tokens: [9], logits: [0] },
    ]);
  });

  it('erases KV cells only between decodes', async () => {
    const native = scriptedContext();
    const decoder = new ContextDecoder(native.access, 8);
    decoder.activate(1);
    decoder.activate(2);
    const drawn = decoder.evaluate(1, 0, [1], sampler);
    await until(() => native.events.includes('decode'));
    const erased = decoder.erase(2, 3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(native.events).toEqual(['init 1', 'decode']);
    await native.finish();
    await drawn;
    expect(await erased).toBe(true);
    expect(native.events).toEqual(['init 1', 'decode', 'erase 2 3 -1']);
    // Nothing in flight: at once.
    expect(await decoder.erase(1, 0)).toBe(true);
    expect(native.events.at(-1)).toBe('erase 1 0 -1');
  });

  it('fails every evaluation of a failed batch and goes on with the next', async () => {
    const native = scriptedContext();
    const decoder = new ContextDecoder(native.access, 8);
    decoder.activate(1);
    native.failNextDecode(new Error('could not find a KV slot for the batch'));
    await expect(decoder.evaluate(1, 0, [1, 2], sampler)).rejects.toThrow('could not find a KV slot');
    const next = decoder.evaluate(1, 0, [1], sampler);
    await native.finish();
    expect(await next).toBe(101);
  });
});

describe('ContextDecoder, disposal handle (scripted native context)', () => {
  it('keeps one handle from the first decode on and gives it back when a dispose begins, after the batch in flight', async () => {
    const native = scriptedContext();
    let held = 0;
    let taken = 0;
    let disposing: (() => void) | null = null;
    const access: NativeAccess = {
      ...native.access,
      preventDisposal: () => {
        if (disposing === null) throw new Error('no dispose listener');
        if (held === 0 && taken > 0) throw new Error('the context is disposed');
        held += 1;
        taken += 1;
        return { dispose: () => (held -= 1) };
      },
      whenDisposing: (listener) => (disposing = listener),
    };
    const decoder = new ContextDecoder(access, 8);
    decoder.activate(1);
    for (let position = 0; position < 3; position++) {
      const drawn = decoder.evaluate(1, position, [100 + position], sampler);
      await native.finish();
      expect(await drawn).toBe(101 + position);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect([held, taken]).toEqual([1, 1]);

    // A dispose begins during a decode: the handle stays until that batch is done.
    const inFlight = decoder.evaluate(1, 3, [103], sampler);
    await until(() => native.batches.length === 4);
    disposing!();
    expect(held).toBe(1);
    await native.finish();
    expect(await inFlight).toBe(104);
    await until(() => held === 0);
    const refused = decoder.evaluate(1, 4, [104], sampler).then(
      () => 'drawn',
      (error: Error) => error.message,
    );
    const decoded = until(() => native.batches.length === 5).then(() => 'decoded');
    expect(await Promise.race([refused, decoded])).toBe('the context is disposed');
  });

  it('gives the handle back at once when a dispose begins while nothing is decoding', async () => {
    const native = scriptedContext();
    let held = 0;
    let disposing: (() => void) | null = null;
    const access: NativeAccess = {
      ...native.access,
      preventDisposal: () => {
        held += 1;
        return { dispose: () => (held -= 1) };
      },
      whenDisposing: (listener) => (disposing = listener),
    };
    const decoder = new ContextDecoder(access, 8);
    decoder.activate(1);
    const drawn = decoder.evaluate(1, 0, [100], sampler);
    await native.finish();
    await drawn;
    await new Promise((resolve) => setImmediate(resolve)); // the batch is over
    expect(held).toBe(1);
    disposing!();
    expect(held).toBe(0);
  });
});

describe('nativeContextOf', () => {
  it("names what is missing when node-llama-cpp's internals changed", async () => {
    const { nativeContextOf } = await import('../../../main/engine/local/nativeContext');
    const context = { _ctx: { initBatch() {}, addToBatch() {}, decodeBatch() {}, sampleToken() {} } };
    expect(() => nativeContextOf(context as never)).toThrow(
      'node-llama-cpp changed: LlamaContext._ctx.removeTokenCellsFromSequence is gone',
    );
  });
});
