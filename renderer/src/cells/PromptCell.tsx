import { useEffect, useState } from 'react';
import { promptSettings } from '../../../common/settings/prompt';
import { errorMessage, useClient } from '../api/ClientContext';
import { CodeEditor } from '../editor/CodeEditor';
import { textModelUri } from '../editor/modelUris';
import { fillTemplate, templateVariables } from '../../../common/notebook/promptTemplate';
import { nearestAbove, useSession } from '../notebook/NotebookSession';
import type { CellProps } from './cellProps';

type Preview =
  | { state: 'idle' | 'waiting'; note: string }
  | { state: 'ready'; text: string; tokenCount: number; problemId: string }
  | { state: 'error'; note: string };

/**
 * The prompt template (Monaco, {{variables}} highlighted) and its settings, with a live preview
 * of the exact prompt the first problem starts from: the model's chat template applied by the
 * engine (engine.renderPrompt), and its token count.
 */
export function PromptCell({ cell, index, cells, onChange, runRef, onValidity }: CellProps<'prompt'>) {
  const client = useClient();
  const session = useSession();
  const prompt = cell.prompt;
  const valid = promptSettings.safeParse(prompt);
  const modelCell = nearestAbove(cells, index, 'model');
  const datasetCell = nearestAbove(cells, index, 'dataset');
  const loaded = modelCell ? session.model(modelCell.id) : undefined;
  const firstRow = datasetCell ? session.dataset(datasetCell.id)?.rows[0] : undefined;
  const [preview, setPreview] = useState<Preview>({ state: 'idle', note: '' });
  const [refresh, setRefresh] = useState(0);
  runRef.current = () => setRefresh((n) => n + 1);

  useEffect(() => onValidity(valid.success), [valid.success, onValidity]);

  const key = JSON.stringify([prompt, loaded?.modelId, firstRow?.id, refresh]);
  useEffect(() => {
    if (!valid.success) return setPreview({ state: 'error', note: valid.error.issues[0]!.message });
    if (!loaded) return setPreview({ state: 'idle', note: 'Load the model above to preview the exact prompt.' });
    if (!firstRow)
      return setPreview({ state: 'idle', note: 'Preview the dataset above to fill in its first problem.' });
    const { text: message, missing } = fillTemplate(prompt.template, firstRow, firstRow.choices ?? null);
    if (missing.length > 0)
      return setPreview({
        state: 'error',
        note: `problem "${firstRow.id}" has no ${missing.map((m) => `{{${m}}}`).join(', ')}`,
      });
    setPreview({ state: 'waiting', note: 'rendering…' });
    let stale = false;
    // Debounced: the preview follows typing without a request per keystroke.
    const timer = setTimeout(() => {
      client.call('engine.renderPrompt', { modelId: loaded.modelId, prompt: valid.data, message }).then(
        (result) =>
          !stale &&
          setPreview({ state: 'ready', text: result.text, tokenCount: result.tokenCount, problemId: firstRow.id }),
        (error: unknown) => !stale && setPreview({ state: 'error', note: errorMessage(error) }),
      );
    }, 300);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
    // `key` stands for every input above (compared by value, not identity).
  }, [key]);

  const variables = templateVariables(prompt.template);
  const set = (patch: Partial<typeof prompt>) => onChange({ ...cell, prompt: { ...prompt, ...patch } });
  return (
    <>
      <CodeEditor
        value={prompt.template}
        language="z1-prompt"
        modelUri={textModelUri(cell.id, 'prompt-template')}
        ariaLabel={`Prompt template of cell ${cell.id}`}
        onChange={(template) => set({ template })}
        onRun={() => void runRef.current?.()}
      />
      <div className="field-row">
        <span className="muted">
          variables: {variables.length ? variables.map((v) => `{{${v}}}`).join(' ') : 'none'}
        </span>
        <label>
          chat template
          <select
            value={prompt.chatTemplate ?? 'model'}
            onChange={(e) => set({ chatTemplate: e.target.value as 'model' | 'raw' })}
          >
            <option value="model">the model's</option>
            <option value="raw">raw text</option>
          </select>
        </label>
        <label>
          think prefix
          <input
            value={JSON.stringify(prompt.thinkPrefix ?? '').slice(1, -1)}
            onChange={(e) => set({ thinkPrefix: unescape(e.target.value) })}
            placeholder="e.g. <think>\n"
            size={12}
          />
        </label>
        <label>
          system prompt
          <input
            value={prompt.systemPrompt ?? ''}
            onChange={(e) => set({ systemPrompt: e.target.value || null })}
            size={30}
          />
        </label>
      </div>
      <div className="prompt-preview-box" data-testid={`prompt-preview-${cell.id}`}>
        {preview.state === 'ready' ? (
          <>
            <div className="muted">
              Exact prompt for problem “{preview.problemId}”:{' '}
              <strong data-testid={`prompt-tokens-${cell.id}`}>{preview.tokenCount} tokens</strong>
            </div>
            <pre className="prompt-preview">{preview.text}</pre>
          </>
        ) : (
          <div className={preview.state === 'error' ? 'status-line error' : 'muted'}>{preview.note}</div>
        )}
      </div>
    </>
  );
}

/** The think prefix is edited with visible escapes (\n), as it is written in JSON. */
function unescape(text: string): string {
  try {
    return JSON.parse(`"${text.replace(/"/g, '\\"')}"`) as string;
  } catch {
    return text;
  }
}
