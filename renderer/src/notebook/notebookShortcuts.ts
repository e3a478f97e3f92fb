/**
 * The notebook's keyboard shortcuts (Ctrl on Linux and Windows, Cmd on macOS). They are read in
 * the capture phase, so they work inside a Monaco editor too (Monaco would otherwise take
 * Ctrl+Shift+Enter for "insert line above").
 */
export type NotebookCommand = 'save' | 'saveAs' | 'open' | 'runAll' | 'runAllBelow' | 'stopAll';

export const SHORTCUTS: Record<NotebookCommand, string> = {
  save: 'Ctrl+S',
  saveAs: 'Ctrl+Shift+S',
  open: 'Ctrl+O',
  runAll: 'Ctrl+Shift+Enter',
  runAllBelow: 'Ctrl+Alt+Enter',
  stopAll: 'Ctrl+Shift+.',
};

export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function notebookCommand(e: KeyLike): NotebookCommand | null {
  if (!(e.ctrlKey || e.metaKey)) return null;
  const key = e.key.toLowerCase();
  if (e.key === 'Enter') {
    if (e.altKey && !e.shiftKey) return 'runAllBelow';
    if (e.shiftKey && !e.altKey) return 'runAll';
    return null;
  }
  if (e.altKey) return null;
  // By code: Shift turns "." into ">" on many layouts.
  if (e.code === 'Period' && e.shiftKey) return 'stopAll';
  if (key === 's') return e.shiftKey ? 'saveAs' : 'save';
  if (key === 'o' && !e.shiftKey) return 'open';
  return null;
}
