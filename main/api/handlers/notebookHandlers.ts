import path from 'node:path';
import { cellTypes } from '../../../common/notebook/notebookSchema';
import { cellJsonSchema, notebookJsonSchema, windowCellJsonSchema } from '../../../common/notebook/notebookJsonSchema';
import { validateNotebookText } from '../../../common/notebook/validateNotebook';
import { exampleNotebooks, openNotebookFile, saveNotebookFile } from '../../notebook/notebookFiles';
import { experimentsOf } from '../experiments';
import type { Handlers } from '../../messaging/Dispatcher';
import type { HostContext } from '../HostContext';

/** notebooks.*: open, validate and save `*.z1.json` files; the examples and recent notebooks. */
export function createNotebookHandlers(ctx: HostContext): Handlers {
  return {
    'notebooks.open': async ({ path: file }) => {
      const opened = await openNotebookFile(file);
      const { store } = await experimentsOf(ctx);
      await store.touchNotebook(opened.path, opened.notebook?.metadata.title ?? path.basename(opened.path));
      return opened;
    },
    'notebooks.validate': ({ text }) => validateNotebookText(text),
    'notebooks.save': async ({ path: file, notebook, layout }) => {
      const saved = await saveNotebookFile(file, notebook, { layout });
      const { store } = await experimentsOf(ctx);
      const title = (notebook as { metadata?: { title?: unknown } }).metadata?.title;
      await store.touchNotebook(saved.path, typeof title === 'string' ? title : path.basename(saved.path));
      return saved;
    },
    'notebooks.list': async () => {
      const { store } = await experimentsOf(ctx);
      const examples = (await exampleNotebooks()).map((e) => ({ ...e, kind: 'example' as const, lastOpened: null }));
      const recent = store
        .notebooks()
        .map((n) => ({ path: n.path, title: n.title, kind: 'recent' as const, lastOpened: n.lastOpened }));
      return { notebooks: [...recent, ...examples] };
    },
    'notebooks.schema': () => ({
      notebook: notebookJsonSchema(),
      cells: Object.fromEntries(cellTypes.map((type) => [type, cellJsonSchema(type)])),
      window: windowCellJsonSchema(),
    }),
  };
}
