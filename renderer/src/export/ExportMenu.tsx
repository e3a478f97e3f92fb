import { useState } from 'react';
import type { FigureSpec } from '../figures/figureData';
import { renderFigureFile, type ExportFormat } from './figureFiles';
import {
  DEFAULT_EXPORT_SETTINGS,
  PAPER_FONTS,
  PAPER_PRESETS,
  presetById,
  type ExportSettings,
  type PaperFontId,
  type PaperPresetId,
} from './paperPresets';
import { saveFile } from './saveFile';

const FORMATS: ExportFormat[] = ['svg', 'pdf', 'png', 'csv'];
const DPIS = [150, 300, 600];

/**
 * Export controls of one figure: paper preset, font, size, PNG DPI, whether the title goes into
 * the file, and a button per format. Files are named `<fileName>-<preset>.<format>`.
 */
export function ExportMenu({
  id,
  title,
  fileName,
  build,
  formats = FORMATS,
}: {
  /** Stable id of the figure kind, for test ids. */
  id: string;
  /** What the figure is called: the PDF's title, and drawn into the file when asked. */
  title: string;
  fileName: string;
  build: () => FigureSpec;
  formats?: ExportFormat[];
}) {
  const [settings, setSettings] = useState<ExportSettings>(DEFAULT_EXPORT_SETTINGS);
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  async function exportAs(format: ExportFormat) {
    setBusy(format);
    setMessage(null);
    try {
      const file = await renderFigureFile(build(), format, settings, title);
      const name = `${fileName}${format === 'csv' ? '' : `-${settings.preset}`}.${file.extension}`;
      const outcome = await saveFile(name, file.blob, file.mime);
      setMessage(outcome === 'cancelled' ? null : `${name} (${formatBytes(file.blob.size)})`);
    } catch (error) {
      setMessage(`export failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(null);
    }
  }

  const drawn = formats.some((f) => f !== 'csv');
  return (
    <div className="export-menu" role="group" aria-label={`Export ${title}`}>
      {drawn && (
        <>
          <label>
            size
            <select
              value={settings.preset}
              onChange={(e) => {
                const preset = presetById(e.target.value as PaperPresetId);
                setSettings({ ...settings, preset: preset.id as PaperPresetId, fontSize: preset.fontSize });
              }}
            >
              {PAPER_PRESETS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            font
            <select
              value={settings.font}
              onChange={(e) => setSettings({ ...settings, font: e.target.value as PaperFontId })}
            >
              {PAPER_FONTS.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            pt
            <input
              type="number"
              min={5}
              max={24}
              step={0.5}
              value={settings.fontSize}
              onChange={(e) => setSettings({ ...settings, fontSize: Number(e.target.value) || settings.fontSize })}
            />
          </label>
          <label>
            <input
              type="checkbox"
              checked={settings.includeTitle ?? false}
              onChange={(e) => setSettings({ ...settings, includeTitle: e.target.checked })}
            />
            title in file
          </label>
          <label>
            PNG DPI
            <select value={settings.dpi} onChange={(e) => setSettings({ ...settings, dpi: Number(e.target.value) })}>
              {DPIS.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {formats.map((format) => (
        <button
          key={format}
          type="button"
          disabled={busy !== null}
          onClick={() => void exportAs(format)}
          data-testid={`export-${id}-${format}`}
        >
          {busy === format ? '…' : format.toUpperCase()}
        </button>
      ))}
      {message && <span className="export-message">{message}</span>}
    </div>
  );
}

function formatBytes(bytes: number): string {
  return bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} kB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
