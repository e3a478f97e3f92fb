import { describe, expect, it } from 'vitest';
import { labelRows } from '../../../renderer/src/figures/labelRows';

describe('labelRows', () => {
  it('keeps labels that fit side by side in one row', () => {
    const placed = labelRows(
      [
        { at: 20, width: 20 },
        { at: 60, width: 20 },
      ],
      { length: 100, gap: 2 },
    );
    expect(placed).toEqual({
      rows: 1,
      labels: [
        { index: 0, left: 10, row: 0 },
        { index: 1, left: 50, row: 0 },
      ],
    });
  });

  it('moves a label that would touch its neighbour up a row, and back down when there is room', () => {
    const placed = labelRows(
      [
        { at: 30, width: 20 },
        { at: 40, width: 20 },
        { at: 50, width: 20 },
        { at: 80, width: 20 },
      ],
      { length: 200, gap: 2 },
    );
    expect(placed.rows).toBe(3);
    expect(placed.labels.map((l) => l.row)).toEqual([0, 1, 2, 0]);
  });

  it('shifts labels at the ends inward so none is cut off', () => {
    const placed = labelRows(
      [
        { at: 2, width: 20 },
        { at: 99, width: 20 },
      ],
      { length: 100, gap: 2 },
    );
    expect(placed.labels.map((l) => l.left)).toEqual([0, 80]);
  });
});
