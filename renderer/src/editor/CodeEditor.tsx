import { useEffect, useRef, useState } from 'react';
import type { editor as MonacoEditorApi } from 'monaco-editor/editor/editor.api';
import { useTheme } from '../theme/theme';
import { loadMonaco } from './monacoLoader';
import type { Monaco } from './monacoSetup';

export type EditorLanguage = 'json' | 'markdown' | 'z1-prompt';

/** A problem Monaco found in the text (schema, syntax), 1-based like the editor shows it. */
export interface EditorMarker {
  line: number;
  column: number;
  message: string;
  severity: 'error' | 'warning' | 'info';
}

export interface CodeEditorProps {
  value: string;
  language: EditorLanguage;
  /** Identifies the model; for JSON its suffix picks the schema (see settingsModelUri). */
  modelUri: string;
  ariaLabel: string;
  onChange(value: string): void;
  /** Shift+Enter. */
  onRun?(): void;
  onMarkers?(markers: EditorMarker[]): void;
  maxHeight?: number;
  readOnly?: boolean;
}

const LINE_HEIGHT = 19;

/**
 * One Monaco editor sized to its content (up to `maxHeight`), with a plain textarea-like
 * placeholder until the lazily loaded Monaco chunk arrives. The editor owns the text while the
 * user types; `value` is pushed in only when it differs (e.g. a notebook was re-opened).
 */
export function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<MonacoEditorApi.IStandaloneCodeEditor | null>(null);
  const monacoRef = useRef<Monaco | null>(null);
  // Latest callbacks without re-creating the editor when a parent re-renders.
  const callbacks = useRef(props);
  callbacks.current = props;
  const { theme } = useTheme();
  const [ready, setReady] = useState(false);
  const maxHeight = props.maxHeight ?? 480;
  const initialLines = Math.min(props.value.split('\n').length, Math.floor(maxHeight / LINE_HEIGHT));
  const [height, setHeight] = useState(initialLines * LINE_HEIGHT + 8);

  useEffect(() => {
    let disposed = false;
    const disposables: Array<{ dispose(): void }> = [];
    void loadMonaco().then((monaco) => {
      if (disposed || !host.current) return;
      monacoRef.current = monaco;
      const uri = monaco.Uri.parse(callbacks.current.modelUri);
      const model =
        monaco.editor.getModel(uri) ??
        monaco.editor.createModel(callbacks.current.value, callbacks.current.language, uri);
      if (model.getValue() !== callbacks.current.value) model.setValue(callbacks.current.value);
      const editor = monaco.editor.create(host.current, {
        model,
        ariaLabel: callbacks.current.ariaLabel,
        readOnly: callbacks.current.readOnly ?? false,
        automaticLayout: true,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        lineNumbers: 'on',
        lineNumbersMinChars: 3,
        folding: callbacks.current.language === 'json',
        wordWrap: callbacks.current.language === 'json' ? 'off' : 'on',
        fontSize: 13,
        lineHeight: LINE_HEIGHT,
        tabSize: 2,
        renderLineHighlight: 'none',
        overviewRulerLanes: 0,
        scrollbar: { alwaysConsumeMouseWheel: false },
        fixedOverflowWidgets: true,
        quickSuggestions: callbacks.current.language === 'json',
      });
      editorRef.current = editor;
      // Ctrl/Cmd+S is not bound in Monaco, so it reaches the notebook's page-level shortcut.
      editor.addAction({
        id: 'z1.runCell',
        label: 'Run cell',
        keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Enter],
        run: () => callbacks.current.onRun?.(),
      });
      disposables.push(
        editor,
        editor.onDidChangeModelContent(() => callbacks.current.onChange(model.getValue())),
        editor.onDidContentSizeChange((event) => setHeight(Math.min(event.contentHeight, maxHeight))),
        monaco.editor.onDidChangeMarkers((uris) => {
          if (uris.some((changed) => changed.toString() === uri.toString())) reportMarkers(monaco, uri);
        }),
      );
      // The model outlives the editor only while another editor shows it; a cell owns its model.
      disposables.push({ dispose: () => model.dispose() });
      setHeight(Math.min(editor.getContentHeight(), maxHeight));
      setReady(true);
    });
    function reportMarkers(monaco: Monaco, uri: ReturnType<Monaco['Uri']['parse']>) {
      const severityName = (severity: number): EditorMarker['severity'] =>
        severity === monaco.MarkerSeverity.Error
          ? 'error'
          : severity === monaco.MarkerSeverity.Warning
            ? 'warning'
            : 'info';
      const markers = monaco.editor.getModelMarkers({ resource: uri }).map((marker) => ({
        line: marker.startLineNumber,
        column: marker.startColumn,
        message: marker.message,
        severity: severityName(marker.severity),
      }));
      callbacks.current.onMarkers?.(markers);
    }
    return () => {
      disposed = true;
      editorRef.current = null;
      for (const disposable of disposables.reverse()) disposable.dispose();
    };
    // The editor is created once per model; later prop changes are applied by the effects below.
  }, [props.modelUri, props.language]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model && model.getValue() !== props.value) {
      model.pushEditOperations([], [{ range: model.getFullModelRange(), text: props.value }], () => null);
    }
  }, [props.value, ready]);

  useEffect(() => {
    if (ready) monacoRef.current?.editor.setTheme(theme === 'dark' ? 'z1-dark' : 'z1-light');
  }, [theme, ready]);

  return (
    <div
      className="code-editor"
      data-language={props.language}
      data-ready={ready ? 'true' : 'false'}
      style={{ height }}
    >
      <div ref={host} className="code-editor-host" />
      {!ready && <pre className="code-editor-placeholder">{props.value}</pre>}
    </div>
  );
}
