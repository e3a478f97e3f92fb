import { expandWindowCell, parseWindowCell } from '../../../common/settings/windowCell';

/**
 * What to call the branches a live sample shows, in the order they stream. A sweep generates the
 * shared thinking once and branches the hint and answer off at each window that cuts, smallest
 * first (docs/engine.md, "Branched sweeps"), so the k-th branch belongs to the k-th smallest
 * window. Only shifted-window runs stream a branch (a hard cut adds nothing after the cut);
 * settings that mix strategies get no labels, since their order is not the windows' order.
 */
export function branchLabels(windowSettings: unknown): string[] {
  const parsed = parseWindowCell(windowSettings);
  if (!parsed.success) return [];
  const strategies = expandWindowCell(parsed.data);
  if (strategies.some((s) => s.strategy !== strategies[0]!.strategy)) return [];
  const windows = strategies.flatMap((s) => (s.strategy === 'shifted-window' ? [s.window] : []));
  return [...new Set(windows)].sort((a, b) => a - b).map((w) => `W=${w}`);
}
