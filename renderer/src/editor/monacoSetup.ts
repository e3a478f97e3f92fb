/**
 * Monaco, offline and lean: the editor API plus the contributions a settings editor needs, the
 * JSON language (schema completion, hover, markers) and Markdown, with their workers bundled by
 * Vite. Importing `monaco-editor` itself would pull every language and an 11 MB TypeScript
 * worker (see shared STACK.md). This module is only reached through a dynamic import, so none of
 * it is in the first-paint bundle.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/editor/browser/coreCommands';
import 'monaco-editor/editor/contrib/bracketMatching/browser/bracketMatching';
import 'monaco-editor/editor/contrib/clipboard/browser/clipboard';
import 'monaco-editor/editor/contrib/comment/browser/comment';
import 'monaco-editor/editor/contrib/contextmenu/browser/contextmenu';
import 'monaco-editor/editor/contrib/find/browser/findController';
import 'monaco-editor/editor/contrib/folding/browser/folding';
import 'monaco-editor/editor/contrib/format/browser/formatActions';
import 'monaco-editor/editor/contrib/gotoError/browser/gotoError';
import 'monaco-editor/editor/contrib/gotoError/browser/markerSelectionStatus';
import 'monaco-editor/editor/contrib/hover/browser/hoverContribution';
import 'monaco-editor/editor/contrib/linesOperations/browser/linesOperations';
import 'monaco-editor/editor/contrib/snippet/browser/snippetController2';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/toggleTabFocusMode/browser/toggleTabFocusMode';
import 'monaco-editor/editor/contrib/wordHighlighter/browser/wordHighlighter';
import 'monaco-editor/editor/contrib/wordOperations/browser/wordOperations';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import 'monaco-editor/languages/definitions/markdown/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import { PROMPT_LANGUAGE_ID, promptLanguage } from './promptLanguage';
import { editorSchemas } from './editorSchemas';

self.MonacoEnvironment = {
  getWorker: (_workerId: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
};

// Schema problems are errors, not warnings: an invalid window cell must not run (STACK.md: the
// default is 'warning'). No schema is fetched over the network.
jsonDefaults.setDiagnosticsOptions({
  validate: true,
  allowComments: false,
  trailingCommas: 'error',
  enableSchemaRequest: false,
  schemaValidation: 'error',
  schemas: editorSchemas.map(({ uri, fileMatch, schema }) => ({ uri, fileMatch: [fileMatch], schema })),
});

monaco.languages.register({ id: PROMPT_LANGUAGE_ID });
monaco.languages.setMonarchTokensProvider(PROMPT_LANGUAGE_ID, promptLanguage);

// Token colours for template variables, the same hue family in both themes.
monaco.editor.defineTheme('z1-light', {
  base: 'vs',
  inherit: true,
  rules: [{ token: 'variable.template', foreground: '8250df', fontStyle: 'bold' }],
  colors: {},
});
monaco.editor.defineTheme('z1-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [{ token: 'variable.template', foreground: 'd2a8ff', fontStyle: 'bold' }],
  colors: { 'editor.background': '#0d1117' },
});

export { monaco };
export type Monaco = typeof monaco;
