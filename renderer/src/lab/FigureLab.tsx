import { Profiler, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { renderFigureFile } from '../export/figureFiles';
import { DEFAULT_EXPORT_SETTINGS, presetById, type PaperPresetId } from '../export/paperPresets';
import { buildFigure } from '../figures/figureCatalog';
import type { FigureSample, FigureSpec } from '../figures/figureData';
import { EfficiencyView, PerProblemScatterView, ScalingCurveView, ThinkingHistogramView } from '../figures/FigureViews';
import { FrontierView } from '../figures/FrontierView';
import { meanTraceFigure, type GradedTrace } from '../figures/meanTrace';
import { traceFigure, type SampleTrace } from '../figures/traceFigure';
import { MeanTraceView, SampleTraceView } from '../figures/TraceViews';
import { RunComparisonTable } from '../figures/RunComparisonTable';
import { syntheticSamples } from '../figures/syntheticSamples';
import { LiveSampleView } from '../runs/LiveSampleView';
import type { TokenChunk, TokenSource } from '../runs/tokenStream';
import { CodeEditor, type EditorMarker } from '../editor/CodeEditor';
import { settingsModelUri } from '../editor/modelUris';
import type { LabHandle } from './labHandle';

/**
 * A page (#lab) that shows every figure, a window editor and the live stream on data it is
 * given: how the figures are tested with exact values and how the UI benchmark draws 100k
 * samples, without a model or a stored run.
 */
export function FigureLab() {
  // `#lab?only=histogram` (or stream, editor…) shows one part: what the benchmark measures alone.
  const only = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('only');
  const show = (part: string) => !only || only === part;
  const [samples, setSamples] = useState<FigureSample[]>(() => syntheticSamples(500));
  const [windows, setWindows] = useState<number[]>([256, 512, 1024, 2048]);
  const [markers, setMarkers] = useState<EditorMarker[]>([]);
  const [windowJson, setWindowJson] = useState(
    '{\n  "strategy": "shifted-window",\n  "window": [256, 512, 1024, 2048]\n}\n',
  );
  const [traces, setTraces] = useState<{ trace: SampleTrace; graded: GradedTrace[] } | null>(null);
  const current = useRef({ samples, windows, traces });
  current.current = { samples, windows, traces };
  const listeners = useMemo(() => new Set<(chunk: TokenChunk) => void>(), []);
  const source = useCallback<TokenSource>(
    (push) => {
      listeners.add(push);
      return () => listeners.delete(push);
    },
    [listeners],
  );

  useEffect(() => {
    let commits = 0;
    const handle: LabHandle = {
      setSamples: (next, nextWindows) => {
        setSamples(next);
        setWindows(nextWindows);
      },
      synthetic: (count) => setSamples(syntheticSamples(count)),
      stream: (tokens, perSecond) =>
        new Promise((resolve) => {
          let sent = 0;
          const cutAt = Math.floor(tokens * 0.8);
          const perTick = Math.max(1, Math.round(perSecond / 250));
          const timer = setInterval(() => {
            for (let i = 0; i < perTick && sent < tokens; i++, sent++) {
              const phase = sent < cutAt ? 'thinking' : sent < cutAt + 8 ? 'hint' : 'answer';
              for (const push of listeners) push({ phase, text: sent % 13 === 12 ? ' token\n' : ' token' });
            }
            if (sent >= tokens) {
              clearInterval(timer);
              resolve();
            }
          }, 4);
        }),
      takeCommits: () => {
        const n = commits;
        commits = 0;
        return n;
      },
      drawTimes: [],
      exportFigure: async ({ kind, preset, format, title, font }) => {
        const { samples: now, windows: nowWindows, traces: nowTraces } = current.current;
        const figure =
          kind === 'token-signals' || kind === 'mean-trace'
            ? traceViewFigure(kind, nowTraces)
            : buildFigure(kind, now, { windows: nowWindows });
        const settings = {
          ...DEFAULT_EXPORT_SETTINGS,
          preset: preset as PaperPresetId,
          fontSize: presetById(preset).fontSize,
          includeTitle: title !== undefined,
          font: font ?? DEFAULT_EXPORT_SETTINGS.font,
        };
        const file = await renderFigureFile(figure, format, settings, title ?? kind);
        if (format === 'svg') return file.blob.text();
        const bytes = new Uint8Array(await file.blob.arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(binary);
      },
      openedSample: null,
      showTraces: (trace, graded) => setTraces({ trace, graded }),
    };
    window.z1Lab = handle;
    countCommit = () => commits++;
    return () => {
      delete window.z1Lab;
      countCommit = () => undefined;
    };
  }, [listeners]);

  const onDrawn = useCallback((ms: number) => window.z1Lab?.drawTimes.push(ms), []);
  const onOpen = useCallback((runId: string, sampleKey: string) => {
    if (window.z1Lab) window.z1Lab.openedSample = { runId, sampleKey };
  }, []);

  return (
    <Profiler id="lab" onRender={() => countCommit()}>
      <main className="lab" data-testid="figure-lab">
        <h2>Figure lab</h2>
        <p className="muted" data-testid="lab-sample-count">
          {samples.length} samples
        </p>
        {show('editor') && (
          <section className="cell" aria-label="Window settings">
            <CodeEditor
              value={windowJson}
              language="json"
              modelUri={settingsModelUri('lab', 'window')}
              ariaLabel="Window settings (JSON)"
              onChange={setWindowJson}
              onMarkers={setMarkers}
            />
            <ul className="marker-list" data-testid="lab-markers">
              {markers.map((m, i) => (
                <li key={i} className={`marker-${m.severity}`}>
                  {m.line}:{m.column} {m.message}
                </li>
              ))}
            </ul>
          </section>
        )}
        {show('stream') && <LiveSampleView source={source} label="Live sample (synthetic)" />}
        {show('histogram') && (
          <ThinkingHistogramView samples={samples} windows={windows} countLabel="phase 1" onDrawn={onDrawn} />
        )}
        {show('curve') && <ScalingCurveView samples={samples} countLabel="phase 1" />}
        {show('efficiency') && <EfficiencyView samples={samples} countLabel="phase 1" />}
        {show('scatter') && <PerProblemScatterView samples={samples} countLabel="phase 1" onOpenSample={onOpen} />}
        {show('table') && <RunComparisonTable samples={samples} />}
        {show('frontier') && <FrontierView samples={samples} />}
        {traces && (
          <div data-testid="lab-traces">
            <SampleTraceView trace={traces.trace} />
            <MeanTraceView samples={traces.graded} />
          </div>
        )}
      </main>
    </Profiler>
  );
}

let countCommit: () => void = () => undefined;

function traceViewFigure(
  kind: 'token-signals' | 'mean-trace',
  traces: { trace: SampleTrace; graded: GradedTrace[] } | null,
): FigureSpec {
  if (!traces) throw new Error('the lab shows no traces: call showTraces first');
  return kind === 'token-signals' ? traceFigure(traces.trace) : meanTraceFigure(traces.graded);
}
