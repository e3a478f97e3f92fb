/**
 * The local backend's pieces of text, token by token, against node-llama-cpp's own
 * `detokenize(held, false, context)` (what IncrementalDetokenizer called before it read the
 * native detokenizer directly): stored runs hold these pieces, and stop strings are found in
 * them, so not one may differ. Random streams of the bench vocabulary, with the byte tokens of
 * multi-byte characters whole, cut short and out of order.
 */
import type { LlamaModel, Token as LlamaToken } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../common/math/seededRandom';
import { IncrementalDetokenizer } from '../../../main/engine/local/IncrementalDetokenizer';
import { BENCH_MODEL_DEFAULTS } from '../../../main/fixtures/benchModel';
import { loadLocalEngine, type LocalEngine } from './localEngine';

let engine: LocalEngine;

beforeAll(async () => {
  engine = await loadLocalEngine('bench', {
    fixture: { bench: { embedding: 64, blocks: 2, heads: 2, feedForward: 128 } },
  });
});

afterAll(async () => {
  await engine?.dispose();
});

/** The previous implementation, on node-llama-cpp's public `detokenize` with 8 tokens of context. */
class WrapperPieces {
  private held: LlamaToken[] = [];
  private context: LlamaToken[];

  constructor(
    private readonly model: LlamaModel,
    preceding: readonly number[],
  ) {
    this.context = preceding.slice(-8) as LlamaToken[];
  }

  push(token: number): string {
    this.held.push(token as LlamaToken);
    const text = this.model.detokenize(this.held, false, this.context);
    if (text.endsWith('\uFFFD') && this.held.length < 4) return '';
    this.context = [...this.context, ...this.held].slice(-8);
    this.held = [];
    return text;
  }

  peek(token: number): string {
    return this.model.detokenize([...this.held, token as LlamaToken], false, this.context);
  }
}

/** A deterministic stream of integers below 2^32. */
function randomNumbers(seed: number): () => number {
  const random = seededRandom(seed);
  return () => Math.floor(random() * 4294967296);
}

describe('IncrementalDetokenizer (bench vocabulary, real llama.cpp)', () => {
  it('gives the pieces and peeks node-llama-cpp’s detokenize gives, over random streams', async () => {
    const model = engine.model;
    const characters = ['é', '中', '😀', 'ß', '→'].map((c) => model.tokenize(c, false, 'trimLeadingSpace'));
    // The fixture spells these with byte tokens: the interesting case.
    expect(characters.filter((tokens) => tokens.length > 1).length).toBeGreaterThanOrEqual(3);
    const words = ['Compute', ' the', ' sum', '\n', ' 42', '\\boxed{', '}'].map((w) => model.tokenize(w, false));
    // Control tokens read as nothing: a context of only these falls back to the held tokens alone.
    const controls = ['<|im_start|>', '<|im_end|>'].flatMap((c) => model.tokenize(c, true));
    const vocabulary = BENCH_MODEL_DEFAULTS.vocabularySize;
    let pieces = 0;
    let withheld = 0;
    for (let stream = 0; stream < 40; stream++) {
      const next = randomNumbers(stream + 1);
      const preceding = Array.from({ length: next() % 12 }, () =>
        stream % 4 === 0 ? controls[next() % controls.length]! : next() % vocabulary,
      );
      const ours = new IncrementalDetokenizer(model, preceding);
      const theirs = new WrapperPieces(model, preceding);
      for (let step = 0; step < 60; step++) {
        const pick = next() % 10;
        const character = characters[next() % characters.length]!;
        const tokens =
          pick < 3
            ? character
            : pick < 5
              ? character.slice(0, 1 + (next() % character.length)) // cut short
              : pick < 6
                ? [...character].reverse()
                : pick < 8
                  ? words[next() % words.length]!
                  : pick < 9
                    ? [controls[next() % controls.length]!]
                    : [next() % vocabulary];
        for (const token of tokens) {
          const peeked = next() % vocabulary;
          expect(ours.peek(peeked)).toBe(theirs.peek(peeked));
          const piece = ours.push(token);
          expect(piece).toBe(theirs.push(token));
          pieces += 1;
          if (piece === '') withheld += 1;
        }
      }
    }
    // Not vacuous: many pieces, and some held back until a character was complete.
    expect(controls).toHaveLength(2);
    expect(pieces).toBeGreaterThan(2000);
    expect(withheld).toBeGreaterThan(100);
  });
});
