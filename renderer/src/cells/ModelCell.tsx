import { useEffect, useState } from 'react';
import type { LoadedModel } from '../../../common/api/contract/generation';
import type { SuggestedModel } from '../../../common/api/contract/models';
import { modelSettings } from '../../../common/settings/model';
import { errorMessage, isDesktop, useClient } from '../api/ClientContext';
import { useSession } from '../notebook/NotebookSession';
import { JsonSettingsEditor, type SettingsCheck } from './JsonSettingsEditor';
import type { CellProps } from './cellProps';
import { resolveAgainstNotebook } from './modelPath';
import { formatIssue } from '../../../common/api/validate';
import { BuildStatusRow } from './BuildStatusRow';

/** How the thread count was chosen (docs/models.md, "Threads"). */
const THREAD_SOURCES = { explicit: 'as set', measured: 'fastest measured', cache: 'fastest measured earlier' };

function checkModel(value: unknown): SettingsCheck {
  const parsed = modelSettings.safeParse(value);
  if (parsed.success) return { ok: true, summary: `source ${parsed.data.source}` };
  return { ok: false, message: formatIssue('model', parsed.error.issues[0]!) };
}

const GiB = 2 ** 30;
const parameters = (n: number) =>
  n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : `${(n / 1e3).toFixed(0)}k`;
const bytes = (n: number) => (n >= GiB ? `${(n / GiB).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`);

/**
 * The model: a local GGUF (native file dialog on the desktop, a path in the browser), or an
 * hf: URI downloaded with progress. Loading shows what llama.cpp made of it on this machine.
 */
export function ModelCell({ cell, onChange, runRef, onValidity }: CellProps<'model'>) {
  const client = useClient();
  const session = useSession();
  const loaded = session.model(cell.id);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [download, setDownload] = useState<{ id: string; received: number; total: number } | null>(null);
  const [suggested, setSuggested] = useState<SuggestedModel[]>([]);
  const source = cell.model.source;

  useEffect(() => {
    client.call('engine.suggestedModels', {}).then(setSuggested, () => setSuggested([]));
  }, [client]);

  useEffect(
    () =>
      client.on('engine.downloadProgress', (event) => {
        setDownload((current) =>
          current && current.id === event.downloadId
            ? { ...current, received: event.downloadedBytes, total: event.totalBytes }
            : current,
        );
      }),
    [client],
  );

  async function load() {
    setBusy('loading');
    setError(null);
    try {
      if (loaded) await client.call('engine.unloadModel', { modelId: loaded.modelId }).catch(() => undefined);
      const model = await client.call('engine.loadModel', {
        model: { ...cell.model, source: resolveAgainstNotebook(cell.model.source, session.current().path) },
      });
      session.setModel(cell.id, model);
    } catch (e) {
      session.setModel(cell.id, null);
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  }
  runRef.current = () => void load();

  async function startDownload(uri: string) {
    const id = `dl-${Date.now().toString(36)}`;
    setDownload({ id, received: 0, total: 0 });
    setError(null);
    try {
      const result = await client.call('engine.downloadModel', { source: uri, downloadId: id });
      onChange({ ...cell, model: { ...cell.model, source: result.path } });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setDownload(null);
    }
  }

  async function chooseFile() {
    const chosen = await client.call('shell.showOpenDialog', {
      title: 'Choose a GGUF model',
      filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
    });
    if (!chosen.canceled && chosen.paths[0]) onChange({ ...cell, model: { ...cell.model, source: chosen.paths[0] } });
  }

  return (
    <>
      <JsonSettingsEditor
        cellId={cell.id}
        kind="model"
        value={cell.model}
        ariaLabel={`Model settings of cell ${cell.id} (JSON)`}
        check={checkModel}
        onValid={(model) => onChange({ ...cell, model: model as typeof cell.model })}
        onRun={() => void load()}
        onValidity={onValidity}
      />
      <div className="field-row">
        <button
          type="button"
          className="primary"
          onClick={() => void load()}
          disabled={busy !== null}
          data-testid={`load-model-${cell.id}`}
        >
          {busy === 'loading' ? 'Loading…' : loaded ? 'Reload' : 'Load'}
        </button>
        {isDesktop() && (
          <button type="button" onClick={() => void chooseFile()}>
            Choose GGUF…
          </button>
        )}
        {source.startsWith('hf:') && !download && (
          <button type="button" onClick={() => void startDownload(source)}>
            Download {source}
          </button>
        )}
        {suggested.length > 0 && (
          <label>
            suggested
            <select
              value=""
              onChange={(e) =>
                e.target.value && onChange({ ...cell, model: { ...cell.model, source: e.target.value } })
              }
            >
              <option value="">choose…</option>
              {suggested.map((m) => (
                <option key={m.id} value={m.uri} title={m.note}>
                  {m.name} ({m.quantization}, {bytes(m.approxBytes)})
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {download && (
        <div className="progress" role="status">
          <progress max={download.total || 1} value={download.received} />
          <span>
            {bytes(download.received)}
            {download.total ? ` of ${bytes(download.total)}` : ''}
          </span>
          <button type="button" onClick={() => void client.call('engine.cancelDownload', { downloadId: download.id })}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <div className="status-line error" role="alert">
          {error}
        </div>
      )}
      {loaded && <LoadedModelInfo model={loaded} />}
    </>
  );
}

function LoadedModelInfo({ model }: { model: LoadedModel }) {
  const { info } = model;
  return (
    <div className="model-info" data-testid="model-info">
      <table className="data-table">
        <tbody>
          <tr>
            <th scope="row">model</th>
            <td>
              {info.name ?? info.path} · {info.architecture}
              {info.quantization ? ` · ${info.quantization}` : ''}
              {info.parameterCount ? ` · ${parameters(info.parameterCount)} parameters` : ''}
            </td>
          </tr>
          <tr>
            <th scope="row">backend</th>
            <td data-testid="model-backend">{model.backend.toUpperCase()}</td>
          </tr>
          {model.build && <BuildStatusRow build={model.build} />}
          <tr>
            <th scope="row">layers offloaded</th>
            <td>
              {model.gpuLayersOffloaded} of {model.totalLayers}
            </td>
          </tr>
          <tr>
            <th scope="row">memory estimate</th>
            <td>
              RAM {bytes(model.estimatedBytes.ram)} · VRAM {bytes(model.estimatedBytes.vram)}
            </td>
          </tr>
          <tr>
            <th scope="row">context</th>
            <td>
              {model.contextSize} tokens × {model.parallel} sequence{model.parallel === 1 ? '' : 's'} · {model.threads}{' '}
              threads{model.threadChoice ? ` (${THREAD_SOURCES[model.threadChoice.source]})` : ''}
            </td>
          </tr>
          <tr>
            <th scope="row">think delimiters</th>
            <td>
              {info.thinkDelimiters
                ? `${info.thinkDelimiters.open} … ${info.thinkDelimiters.close}`
                : 'none found (shifted thinking, as Z1)'}
            </td>
          </tr>
        </tbody>
      </table>
      <details>
        <summary>chat template</summary>
        <pre className="prompt-preview">{info.chatTemplate ?? 'none in the file'}</pre>
      </details>
    </div>
  );
}
