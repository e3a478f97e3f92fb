import { expandWindowCell, parseWindowCell } from '../../../common/settings/windowCell';
import { strategyLabel } from '../../../common/settings/strategy';
import { JsonSettingsEditor, type SettingsCheck } from './JsonSettingsEditor';
import type { CellProps } from './cellProps';
import { formatIssue } from '../../../common/api/validate';

/** Checks a window cell with the engine's own zod schema and says what it expands to. */
export function checkWindow(value: unknown): SettingsCheck {
  const parsed = parseWindowCell(value);
  if (!parsed.success) {
    return { ok: false, message: formatIssue('window', parsed.error.issues[0]!) };
  }
  const runs = expandWindowCell(parsed.data);
  return {
    ok: true,
    summary: `${runs.length} run${runs.length === 1 ? '' : 's'}: ${runs.map(strategyLabel).join(', ')}`,
  };
}

/** Window settings (Monaco JSON): one strategy, a sweep written as a list, or strategies side by side. */
export function WindowCell({ cell, onChange, runRef, onValidity }: CellProps<'window'>) {
  runRef.current = null;
  return (
    <JsonSettingsEditor
      cellId={cell.id}
      kind="window"
      value={cell.window}
      ariaLabel={`Window settings of cell ${cell.id} (JSON)`}
      check={checkWindow}
      onValid={(window) => onChange({ ...cell, window: window as typeof cell.window })}
      onValidity={onValidity}
    />
  );
}
