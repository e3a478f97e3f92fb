import type { languages } from 'monaco-editor/editor/editor.api';

export const PROMPT_LANGUAGE_ID = 'z1-prompt';

/**
 * A Monarch grammar for prompt templates: `{{variable}}` placeholders stand out from the text
 * around them (Monarch tokenizers are data, not code, so they need no eval under the CSP).
 */
export const promptLanguage: languages.IMonarchLanguage = {
  tokenizer: {
    root: [
      [/\{\{\s*[A-Za-z_][\w.]*\s*\}\}/, 'variable.template'],
      [/\{\{[^}]*\}\}/, 'invalid'],
      [/[^{]+/, ''],
      [/\{/, ''],
    ],
  },
};
