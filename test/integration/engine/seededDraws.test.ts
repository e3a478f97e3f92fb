/**
 * Seeded draws of the local backend against a reference that creates a fresh sampler for every
 * token: node-llama-cpp's own `controlledEvaluate`, one call per token with that position's seed
 * (docs/engine.md, "Seeded sampling"). The engine re-seeds one sampler per call instead; the
 * drawn tokens must not differ at any position, with parallel sequences, split calls or signals.
 *
 * Model: the bench vocabulary (4096 tokens) on a tiny random body, which never ends a
 * generation by itself and spreads its next-token probability over many candidates, so a draw
 * from a wrong random state shows within a few tokens.
 */
import type { LlamaModel, Token as LlamaToken } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendSequence, GenerateRequest, Token } from '../../../main/engine/backend/GenerationBackend';
import { ContextDecoder } from '../../../main/engine/local/ContextDecoder';
import { nativeContextOf, nativeSequenceOf, type NativeSampler } from '../../../main/engine/local/nativeContext';
import { ReseededSampler } from '../../../main/engine/local/ReseededSampler';
import { tokenSeed } from '../../../main/engine/sampling/seeds';
import { loadLocalEngine, type LocalEngine } from './localEngine';

const TINY_BODY = { embedding: 64, blocks: 2, heads: 2, feedForward: 128 };
const TOKENS = 200;
const PROMPTS = ['Compute 12 + 30.', 'Name three primes.', 'What is 7 times 6?', 'Sort 3, 1, 2.'];
const SAMPLINGS = [
  { temperature: 1, topK: 40, topP: 0.95, minP: 0 },
  { temperature: 0.7, topK: 0, topP: 0.9, minP: 0.02 },
];

let engine: LocalEngine;

beforeAll(async () => {
  engine = await loadLocalEngine('bench', { sequences: 4, fixture: { bench: TINY_BODY } });
});

afterAll(async () => {
  await engine?.dispose();
});

type Sampling = (typeof SAMPLINGS)[number];

/** `count` tokens after `prompt`, each drawn by a new sampler seeded for its position. */
async function freshSamplerDraws(model: LlamaModel, prompt: readonly Token[], sampling: Sampling, sampleSeed: number) {
  const context = await model.createContext({ contextSize: 512, sequences: 1, threads: 1 });
  try {
    const sequence = context.getSequence();
    // As the engine does: the prompt but its last token in one batch, then one token per decode.
    await sequence.controlledEvaluate(prompt.slice(0, -1) as LlamaToken[]);
    const drawn: Token[] = [];
    let last = prompt.at(-1)! as LlamaToken;
    for (let position = prompt.length; drawn.length < TOKENS; position++) {
      const seed = tokenSeed(sampleSeed, 'thinking', position);
      const [result] = await sequence.controlledEvaluate([
        [last, { generateNext: { token: true, options: { ...sampling, seed } } }],
      ]);
      last = result!.next.token!;
      drawn.push(last);
    }
    return drawn;
  } finally {
    await context.dispose();
  }
}

function request(sampling: Sampling, sampleSeed: number, maxTokens: number, extra: Partial<GenerateRequest> = {}) {
  return { maxTokens, sampling, seed: { sampleSeed, stream: 'thinking' as const }, stopStrings: [], ...extra };
}

/** Four samples at once on the backend's four sequences; each one's tokens. */
async function engineDraws(
  prompts: ReadonlyArray<readonly Token[]>,
  generateOn: (sequence: BackendSequence, index: number) => Promise<Token[]>,
) {
  return Promise.all(
    prompts.map(async (prompt, index) => {
      const sequence = await engine.backend.acquireSequence();
      try {
        await sequence.start(prompt);
        return await generateOn(sequence, index);
      } finally {
        sequence.release();
      }
    }),
  );
}

describe('seeded draws, local backend', () => {
  for (const [s, sampling] of SAMPLINGS.entries()) {
    it(`equal a fresh sampler per token at every one of ${TOKENS} positions, 4 sequences at once (sampling ${s + 1})`, async () => {
      const prompts = await Promise.all(PROMPTS.map((text) => engine.backend.tokenize(text)));
      const seeds = prompts.map((_, i) => 1000 * (s + 1) + i);
      const expected: Token[][] = [];
      for (const [i, prompt] of prompts.entries())
        expected.push(await freshSamplerDraws(engine.model, prompt, sampling, seeds[i]!));

      const whole = await engineDraws(prompts, async (sequence, i) => {
        const result = await sequence.generate(request(sampling, seeds[i]!, TOKENS));
        return [...result.tokens];
      });
      // Split into calls of different lengths, with signals on in some (a second sampler reads the same logits).
      const split = await engineDraws(prompts, async (sequence, i) => {
        const tokens: Token[] = [];
        for (const [c, length] of [37, 1, 90, TOKENS - 128].entries()) {
          const signals = (i + c) % 2 === 0 ? { topK: 20 } : undefined;
          const result = await sequence.generate(request(sampling, seeds[i]!, length, { signals }));
          tokens.push(...result.tokens);
        }
        return tokens;
      });

      expect(whole).toEqual(expected);
      expect(split).toEqual(expected);
      // Not vacuous: the samples differ from each other and use many distinct tokens.
      expect(new Set(expected.map((tokens) => tokens.join())).size).toBe(PROMPTS.length);
      for (const tokens of expected) expect(new Set(tokens).size).toBeGreaterThan(TOKENS / 4);
    });
  }

  it('re-seeding with the seed already applied still draws what a fresh sampler draws', async () => {
    const sampling = SAMPLINGS[0]!;
    const context = await engine.model.createContext({ contextSize: 512, sequences: 1, threads: 1 });
    const decoder = new ContextDecoder(nativeContextOf(context), context.batchSize);
    const native = nativeSequenceOf(context.getSequence(), engine.model);
    const reseeded = new ReseededSampler(native, sampling);
    try {
      const prompt = await engine.backend.tokenize(PROMPTS[0]!);
      const last = prompt.length - 1;
      await decoder.evaluate(native.id, 0, prompt.slice(0, -1), null);
      // The prompt's last token evaluated again for each draw, so every draw reads the same logits.
      const drawAfterPrompt = async (sampler: NativeSampler) => {
        await decoder.erase(native.id, last);
        return decoder.evaluate(native.id, last, prompt.slice(-1), sampler);
      };
      const fresh: Array<Token | null> = [];
      const twice: Array<Array<Token | null>> = [];
      for (let seed = 0; seed < 30; seed++) {
        const sampler = native.createSampler({ ...sampling, seed });
        fresh.push(await drawAfterPrompt(sampler));
        sampler.dispose();
        twice.push([await drawAfterPrompt(reseeded.seeded(seed)), await drawAfterPrompt(reseeded.seeded(seed))]);
      }
      expect(twice).toEqual(fresh.map((token) => [token, token]));
      expect(new Set(fresh).size).toBeGreaterThan(10);
    } finally {
      reseeded.dispose();
      await context.dispose();
    }
  });
});
