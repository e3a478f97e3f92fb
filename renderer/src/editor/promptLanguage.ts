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

/** The variable names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(/\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g)) {
    if (!names.includes(match[1]!)) names.push(match[1]!);
  }
  return names;
}
