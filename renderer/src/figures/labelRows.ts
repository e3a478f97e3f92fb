/**
 * Puts labels centred on positions along a line into rows so that no two in a row overlap:
 * each label takes the lowest row whose last label ends (plus `gap`) before it starts. Labels
 * near an edge are shifted inward so none sticks out of [0, length]. Pure: positions and widths
 * in the same unit (pixels or points).
 */
export interface PlacedLabel {
  /** Index into the input. */
  index: number;
  /** Left edge after the shift away from the edges. */
  left: number;
  row: number;
}

export function labelRows(
  items: ReadonlyArray<{ at: number; width: number }>,
  options: { length: number; gap: number },
): { labels: PlacedLabel[]; rows: number } {
  const order = items.map((item, index) => ({ ...item, index })).sort((a, b) => a.at - b.at);
  const rowEnds: number[] = [];
  const labels: PlacedLabel[] = [];
  for (const item of order) {
    const left = Math.min(Math.max(0, item.at - item.width / 2), Math.max(0, options.length - item.width));
    let row = rowEnds.findIndex((end) => end + options.gap <= left);
    if (row === -1) row = rowEnds.push(-Infinity) - 1;
    rowEnds[row] = left + item.width;
    labels.push({ index: item.index, left, row });
  }
  labels.sort((a, b) => a.index - b.index);
  return { labels, rows: rowEnds.length };
}
