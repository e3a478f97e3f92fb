import path from 'node:path';
import { ApiError } from '../../../common/api/messages';
import { DATASET_PRESETS, presetList } from '../../datasets/datasetPresets';
import { downloadSplit, huggingFaceToken } from '../../datasets/huggingFaceDownload';
import { loadDataset } from '../../datasets/loadDataset';
import { mapRecords } from '../../datasets/mapRows';
import { readDatasetFile } from '../../datasets/readDatasetFile';
import type { Handlers } from '../../messaging/Dispatcher';
import type { HostContext } from '../HostContext';

/** datasets.*: import files with a field mapping, preview dataset cells, presets, Hugging Face downloads. */
export function createDatasetHandlers(ctx: HostContext): Handlers {
  return {
    'datasets.import': async ({ path: file, format, map, answerAfter, previewRows }) => {
      const mapped = mapRecords(await readDatasetFile(path.resolve(file), format), { map, answerAfter });
      return {
        rows: mapped.rows.length,
        skipped: mapped.skipped,
        fingerprint: mapped.fingerprint,
        columns: mapped.columns,
        preview: mapped.rows.slice(0, previewRows),
      };
    },
    'datasets.preview': async ({ source, notebookPath, offset, limit }) => {
      const dataset = await loadDataset(source, {
        baseDir: notebookPath ? path.dirname(path.resolve(notebookPath)) : process.cwd(),
        storeDir: ctx.storeDir,
        onProgress: (p) => ctx.events.emit('dataset.progress', p),
      });
      return {
        fingerprint: dataset.fingerprint,
        total: dataset.rows.length,
        columns: dataset.columns,
        skipped: dataset.skipped,
        offset,
        rows: dataset.rows.slice(offset, offset + limit),
      };
    },
    'datasets.presets': () => ({ presets: presetList() }),
    'datasets.download': async ({ source, token }) => {
      const split =
        source.from === 'preset'
          ? DATASET_PRESETS[source.preset].source
          : source.from === 'huggingface'
            ? source
            : null;
      if (!split)
        throw new ApiError(
          'invalid-params',
          'params.source: only Hugging Face datasets and presets are downloaded',
          'params.source',
        );
      const name = `hf:${split.repo}/${split.config}/${split.split}`;
      const downloaded = await downloadSplit(ctx.storeDir, split, {
        token: huggingFaceToken(token),
        onProgress: (p) => ctx.events.emit('dataset.progress', { dataset: name, ...p }),
      });
      const dataset = await loadDataset(source, { baseDir: process.cwd(), storeDir: ctx.storeDir, token });
      return { cached: downloaded.cached, files: downloaded.files, bytes: downloaded.bytes, rows: dataset.rows.length };
    },
  };
}
