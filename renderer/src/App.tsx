import { lazy, Suspense, useEffect, useState } from 'react';
import type { ApiClient } from '../../common/api/ApiClient';
import type { AppInfo } from '../../common/api/contract/app';
import type { EngineStatus } from '../../common/api/contract/engine';
import { ClientContext } from './api/ClientContext';
import { NotebookView } from './notebook/NotebookView';
import { ThemeToggle } from './theme/ThemeToggle';

// The lab is a page for tests and benchmarks; it should cost the notebook nothing.
const FigureLab = lazy(() => import('./lab/FigureLab').then((m) => ({ default: m.FigureLab })));

export function App({ client, disconnected }: { client: ApiClient; disconnected: boolean }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [engine, setEngine] = useState<EngineStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.call('app.info', {}).then(setInfo, (e: Error) => setError(e.message));
    client.call('engine.status', {}).then(setEngine, (e: Error) => setError(e.message));
    return client.on('engine.state', setEngine);
  }, [client]);

  return (
    <ClientContext.Provider value={client}>
      <div className="app">
        <header className="app-header">
          <h1>Z1 Workbench</h1>
          <span className="version" data-testid="app-version">
            {info ? `v${info.version} · ${info.host}` : 'connecting…'}
          </span>
          <span className={`engine-state engine-${engine?.state ?? 'unknown'}`} data-testid="engine-state">
            engine: {engine ? engine.state : '…'}
            {engine && engine.restarts > 0 ? ` (restarted ${engine.restarts}×)` : ''}
          </span>
          <ThemeToggle />
        </header>
        {disconnected && (
          <div className="banner error" role="alert">
            Lost the connection to the workbench host. Reload the page once it runs again.
          </div>
        )}
        {engine?.lastCrash && engine.state !== 'ready' && (
          <div className="banner error" role="alert" data-testid="engine-crash">
            The engine process stopped ({engine.lastCrash}); restarting it. Saved work is not affected.
          </div>
        )}
        {error && (
          <div className="banner error" role="alert">
            {error}
          </div>
        )}
        {window.location.hash.startsWith('#lab') ? (
          <Suspense fallback={<p className="muted">loading…</p>}>
            <FigureLab />
          </Suspense>
        ) : (
          <NotebookView info={info} />
        )}
      </div>
    </ClientContext.Provider>
  );
}
