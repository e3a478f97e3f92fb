import type { PromptSettings } from '../../../common/settings/prompt';
import type { RenderedPrompt, Token } from '../backend/GenerationBackend';
import { remoteError } from './remoteErrors';
import type { RemoteTokenizer, ServerKind } from './RemoteTokenizer';
import type { ServerClient } from './ServerClient';
import { appliedTemplate, detokenizeResult, tokenizeResult } from './serverResponses';

/**
 * The server's own tokenizer: llama-server's `/tokenize`, `/detokenize` and `/apply-template`
 * (the GGUF's chat template), or vLLM's `/tokenize` (which also applies the chat template) and
 * `/detokenize`. Other servers have none: their model cells name the GGUF file instead.
 */
export class ServerTokenizer implements RemoteTokenizer {
  readonly description = 'server';
  private bos: Promise<Token | null> | null = null;

  constructor(
    private readonly client: ServerClient,
    private readonly kind: ServerKind,
    private readonly model: string,
    private readonly bosText: string | null,
  ) {
    if (kind !== 'llama-server' && kind !== 'vllm') {
      throw remoteError(
        'remote-settings',
        `the server at ${client.address.baseUrl} (${kind}) has no tokenizer endpoints the workbench knows; set "remote": { "tokenizer": "<path of the model's GGUF file>" }`,
      );
    }
  }

  async tokenize(text: string, addSpecial: boolean): Promise<Token[]> {
    if (text.length === 0) return [];
    const body =
      this.kind === 'llama-server'
        ? { content: text, add_special: addSpecial, parse_special: true }
        : { model: this.model, prompt: text, add_special_tokens: addSpecial };
    const result = await this.client.json('/tokenize', tokenizeResult, { root: true, body });
    return result.tokens.map((t) => (typeof t === 'number' ? t : t.id));
  }

  async detokenize(tokens: readonly Token[], preceding: readonly Token[] = []): Promise<string> {
    if (tokens.length === 0) return '';
    if (preceding.length === 0) return this.detokenizeAll(tokens);
    // Text can depend on the token before (SentencePiece's leading space): detokenize in context.
    const [whole, before] = await Promise.all([this.detokenizeAll([...preceding, ...tokens]), this.detokenizeAll(preceding)]);
    return whole.startsWith(before) ? whole.slice(before.length) : this.detokenizeAll(tokens);
  }

  async renderPrompt(prompt: PromptSettings, message: string): Promise<RenderedPrompt> {
    const body = prompt.chatTemplate === 'raw' ? await this.tokenize(message, true) : await this.chatTokens(prompt, message);
    const tokens = [...body, ...(await this.tokenize(prompt.thinkPrefix, false))];
    return { text: await this.detokenizeAll(tokens), tokens };
  }

  async dispose(): Promise<void> {}

  private async detokenizeAll(tokens: readonly Token[]): Promise<string> {
    const body = this.kind === 'llama-server' ? { tokens } : { model: this.model, tokens };
    const result = await this.client.json('/detokenize', detokenizeResult, { root: true, body });
    return typeof result.content === 'string' ? result.content : String(result.prompt);
  }

  private async chatTokens(prompt: PromptSettings, message: string): Promise<Token[]> {
    const messages = [
      ...(prompt.systemPrompt !== null ? [{ role: 'system', content: prompt.systemPrompt }] : []),
      { role: 'user', content: message },
    ];
    if (this.kind === 'vllm') {
      const body = { model: this.model, messages, add_generation_prompt: true, add_special_tokens: false };
      const result = await this.client.json('/tokenize', tokenizeResult, { root: true, body });
      return result.tokens.map((t) => (typeof t === 'number' ? t : t.id));
    }
    const rendered = await this.client.json('/apply-template', appliedTemplate, { root: true, body: { messages } });
    const tokens = await this.tokenize(rendered.prompt, true);
    // Templates that write the BOS token themselves would get a second one from add_special.
    const bos = await this.bosToken();
    return bos !== null && tokens[0] === bos && tokens[1] === bos ? tokens.slice(1) : tokens;
  }

  private bosToken(): Promise<Token | null> {
    this.bos ??= this.bosText
      ? this.tokenize(this.bosText, false).then((t) => (t.length === 1 ? t[0]! : null))
      : Promise.resolve(null);
    return this.bos;
  }
}
