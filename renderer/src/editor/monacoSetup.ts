/**
 * Monaco, offline and lean: the editor API plus the contributions a settings editor needs, the
 * JSON language (schema completion, hover, markers) and Markdown, with their workers bundled by
 * Vite. Importing `monaco-editor` itself would pull every language and an 11 MB TypeScript
 * worker and ~30 MB of files. This module is only reached through a dynamic import, so none of
 * it is in the first-paint bundle.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
// The editor contributions (hover, suggest, markers, find, folding …). Monaco's JSON language
// imports this same module lazily with its worker manager; loading it after the first editor
// exists registers services too late ("depends on UNKNOWN service ICodeLensCache" for every
// editor created afterwards), so it is imported here, before any editor is created.
import 'monaco-editor/internal/common/workers';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import 'monaco-editor/languages/definitions/markdown/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import { PROMPT_LANGUAGE_ID, promptLanguage } from './promptLanguage';
import { editorSchemas } from './editorSchemas';

self.MonacoEnvironment = {
  getWorker: (_workerId: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
};

// Schema problems are errors, not warnings: an invalid window cell must not run (Monaco's
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
