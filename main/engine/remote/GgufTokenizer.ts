import type { LlamaModel, Token as LlamaToken } from 'node-llama-cpp';
import type { PromptSettings } from '../../../common/settings/prompt';
import type { RenderedPrompt, Token } from '../backend/GenerationBackend';
import { renderLocalPrompt } from '../local/renderPrompt';
import type { RemoteTokenizer } from './RemoteTokenizer';

/**
 * The tokenizer of the model's own GGUF file, loaded without weights (`vocabOnly`): for servers
 * without tokenizer endpoints, and for exactly the local backend's prompts (same chat template
 * code, same tokenizer) when the server runs that file.
 */
export class GgufTokenizer implements RemoteTokenizer {
  readonly description: string;

  constructor(
    private readonly model: LlamaModel,
    path: string,
  ) {
    this.description = `gguf:${path}`;
  }

  async tokenize(text: string, addSpecial: boolean): Promise<Token[]> {
    // A whole prompt is tokenized as the local backend's raw prompts are; inserted text without a leading space.
    const tokens = addSpecial ? this.model.tokenize(text, true) : this.model.tokenize(text, true, 'trimLeadingSpace');
    const bos = this.model.tokens.bos;
    if (addSpecial && this.model.tokens.shouldPrependBosToken && bos !== null && tokens[0] !== bos) return [bos, ...tokens];
    return tokens;
  }

  async detokenize(tokens: readonly Token[], preceding?: readonly Token[]): Promise<string> {
    return this.model.detokenize(tokens as LlamaToken[], false, preceding as LlamaToken[] | undefined);
  }

  async renderPrompt(prompt: PromptSettings, message: string): Promise<RenderedPrompt> {
    return renderLocalPrompt(this.model, prompt, message);
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
