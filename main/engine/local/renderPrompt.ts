import { JinjaTemplateChatWrapper, type ChatHistoryItem, type LlamaModel, type Token } from 'node-llama-cpp';
import type { PromptSettings } from '../../../common/settings/prompt';
import type { RenderedPrompt } from '../backend/GenerationBackend';

/**
 * The exact tokens a sample starts from.
 *
 * - "model": the user message (and system prompt) rendered by the GGUF's own Jinja chat
 *   template, ending with the assistant turn's header.
 * - "raw": the message is the whole prompt, special tokens written out (e.g. `<|im_start|>`).
 *
 * The think prefix is appended as tokens of its own: node-llama-cpp's chat wrappers leave a
 * trailing `<think>\n` out of the generation prompt, and Z1's code evaluation appends `<think>`
 * to the prompt (arXiv 2504.00810, evaluation setup).
 */
export function renderLocalPrompt(model: LlamaModel, prompt: PromptSettings, message: string): RenderedPrompt {
  const body =
    prompt.chatTemplate === 'raw' ? rawPromptTokens(model, message) : chatTemplateTokens(model, prompt, message);
  const prefix = prompt.thinkPrefix ? model.tokenize(prompt.thinkPrefix, true, 'trimLeadingSpace') : [];
  const tokens = [...body, ...prefix];
  return { text: model.detokenize(tokens, true), tokens };
}

function rawPromptTokens(model: LlamaModel, message: string): Token[] {
  const tokens = model.tokenize(message, true);
  const bos = model.tokens.bos;
  return model.tokens.shouldPrependBosToken && bos !== null && tokens[0] !== bos ? [bos, ...tokens] : tokens;
}

function chatTemplateTokens(model: LlamaModel, prompt: PromptSettings, message: string): Token[] {
  const template = model.fileInfo.metadata?.tokenizer?.chat_template;
  if (typeof template !== 'string' || template.length === 0) {
    throw new Error(
      'the model has no chat template (tokenizer.chat_template); set "chatTemplate": "raw" and write the whole prompt',
    );
  }
  const wrapper = new JinjaTemplateChatWrapper({ template, tokenizer: model.tokenizer });
  const history: ChatHistoryItem[] = [
    ...(prompt.systemPrompt !== null ? [{ type: 'system' as const, text: prompt.systemPrompt }] : []),
    { type: 'user', text: message },
    { type: 'model', response: [] },
  ];
  return wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer);
}
