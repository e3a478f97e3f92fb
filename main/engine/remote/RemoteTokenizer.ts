import type { PromptSettings } from '../../../common/settings/prompt';
import type { RenderedPrompt, Token } from '../backend/GenerationBackend';

/** What kind of server answers: decides the extension fields sent and the tokenizer endpoints used. */
export type ServerKind = 'llama-server' | 'vllm' | 'sglang' | 'openai-compatible';

/**
 * The model's tokenizer as the remote backend uses it: the server's own endpoints, or the
 * model's GGUF vocabulary loaded locally. Either way the token ids are the server's, so prompts
 * can be sent as ids.
 */
export interface RemoteTokenizer {
  /** "server" or "gguf:<path>", for provenance. */
  readonly description: string;
  /**
   * Special tokens written in the text (`<|im_start|>`, `<think>`) are recognised. `addSpecial`:
   * also add what the model puts at the start of a text (a BOS token), as for a whole prompt.
   */
  tokenize(text: string, addSpecial: boolean): Promise<Token[]>;
  /** The text of tokens that follow `preceding`; control tokens are not written out. */
  detokenize(tokens: readonly Token[], preceding?: readonly Token[]): Promise<string>;
  /** The prompt a sample starts from, as the local backend renders it (chat template, think prefix). */
  renderPrompt(prompt: PromptSettings, message: string): Promise<RenderedPrompt>;
  dispose(): Promise<void>;
}
