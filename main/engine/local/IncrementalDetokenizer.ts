import type { LlamaModel, Token } from 'node-llama-cpp';

/** Tokens of context handed to the detokenizer (SentencePiece spacing depends on the token before). */
const CONTEXT_TOKENS = 8;
/** A UTF-8 character spans at most 4 byte tokens. */
const MAX_HELD_TOKENS = 4;

/**
 * Text of generated tokens one token at a time. A token that ends in the middle of a UTF-8
 * character yields '' and its text comes with the token that completes the character, so the
 * pieces always join to valid text.
 */
export class IncrementalDetokenizer {
  private held: Token[] = [];
  private context: Token[];

  constructor(
    private readonly model: LlamaModel,
    preceding: readonly number[],
  ) {
    this.context = preceding.slice(-CONTEXT_TOKENS) as Token[];
  }

  /** The text this token adds. */
  push(token: number): string {
    this.held.push(token as Token);
    const text = this.model.detokenize(this.held, false, this.context);
    if (text.endsWith('\uFFFD') && this.held.length < MAX_HELD_TOKENS) return '';
    this.context = [...this.context, ...this.held].slice(-CONTEXT_TOKENS);
    this.held = [];
    return text;
  }

  /** The text this token would add, without adding it. */
  peek(token: number): string {
    return this.model.detokenize([...this.held, token as Token], false, this.context);
  }
}
