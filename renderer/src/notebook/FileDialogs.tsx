import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage, useClient } from '../api/ClientContext';
import { recentPaths } from './useNotebook';

type Entry = { path: string; title: string; kind: 'example' | 'recent' };

function Dialog({ label, onClose, children }: { label: string; onClose(): void; children: ReactNode }) {
  useEffect(() => {
    const close = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [onClose]);
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label={label} onClick={(e) => e.stopPropagation()}>
        {children}
      </div>
    </div>
  );
}

/**
 * Open a notebook in the browser host: the examples and recent notebooks the host knows, a path
 * on the host, or a file from this computer (read here, validated by the host).
 */
export function OpenDialog({
  onOpen,
  onOpenText,
  onClose,
}: {
  onOpen(path: string): void;
  onOpenText(text: string, name: string): void;
  onClose(): void;
}) {
  const client = useClient();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [path, setPath] = useState('');
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    client.call('notebooks.list', {}).then(
      (result) => {
        const known = result.notebooks.map((n) => ({ path: n.path, title: n.title, kind: n.kind }));
        const local = recentPaths()
          .filter((p) => !known.some((k) => k.path === p))
          .map((p) => ({ path: p, title: p.split(/[\\/]/).pop() ?? p, kind: 'recent' as const }));
        setEntries([...known, ...local]);
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  }, [client]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (path.trim()) onOpen(path.trim());
  }

  return (
    <Dialog label="Open notebook" onClose={onClose}>
      <h3>Open notebook</h3>
      {error && <div className="status-line error">{error}</div>}
      {(['recent', 'example'] as const).map((kind) => {
        const list = entries.filter((e) => e.kind === kind);
        return list.length === 0 ? null : (
          <div key={kind}>
            <h4>{kind === 'recent' ? 'Recent' : 'Examples'}</h4>
            <ul className="file-list">
              {list.map((e) => (
                <li key={e.path}>
                  <button
                    type="button"
                    onClick={() => onOpen(e.path)}
                    data-testid={`open-${e.path.split(/[\\/]/).pop()}`}
                  >
                    {e.title}
                  </button>{' '}
                  <span className="muted">{e.path}</span>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
      <form className="field-row" onSubmit={submit}>
        <label>
          path on the host
          <input
            value={path}
            onChange={(e) => setPath(e.target.value)}
            size={50}
            placeholder="/path/to/notebook.z1.json"
            autoFocus
          />
        </label>
        <button type="submit" disabled={!path.trim()}>
          Open
        </button>
      </form>
      <div className="field-row">
        <button type="button" onClick={() => input.current?.click()}>
          From this computer…
        </button>
        <input
          ref={input}
          type="file"
          accept=".json,.z1.json"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void file.text().then((text) => onOpenText(text, file.name));
          }}
        />
        <span style={{ flex: 1 }} />
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}

/** Save as, in the browser host: a path on the host (the desktop app shows its native dialog instead). */
export function SaveAsDialog({
  initialPath,
  onSave,
  onClose,
}: {
  initialPath: string;
  onSave(path: string): void;
  onClose(): void;
}) {
  const [path, setPath] = useState(initialPath);
  return (
    <Dialog label="Save notebook as" onClose={onClose}>
      <h3>Save notebook as</h3>
      <form
        className="field-row"
        onSubmit={(e) => {
          e.preventDefault();
          const chosen = path.trim();
          if (chosen) onSave(chosen.endsWith('.z1.json') ? chosen : `${chosen.replace(/\.json$/, '')}.z1.json`);
        }}
      >
        <label>
          path on the host
          <input
            value={path}
            onChange={(e) => setPath(e.target.value)}
            size={60}
            autoFocus
            data-testid="save-as-path"
          />
        </label>
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </form>
    </Dialog>
  );
}
