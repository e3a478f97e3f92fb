import { describe, expect, it } from 'vitest';
import { SignalColumns } from '../../../main/engine/strategies/SignalColumns';

// Values that a float32 or a rounding on the way would change.
const a = { logprob: -0.1, entropy: 1 / 3, confidence: 2.220446049250313e-16 };
const b = { logprob: -0, entropy: 5e-324, confidence: 1.7976931348623157e308 };

function columnsOf(signals: SignalColumns) {
  const values = { logprob: [] as Array<number | null>, entropy: [] as Array<number | null>, confidence: [] as Array<number | null> };
  signals.appendTo(values);
  return values;
}

describe('SignalColumns', () => {
  it('gives back every value bit for bit, nulls where none was pushed, across growth', () => {
    const signals = new SignalColumns();
    const pushed = Array.from({ length: 300 }, (_, i) => (i % 3 === 2 ? null : i % 3 === 0 ? a : b));
    for (const s of pushed) signals.push(s);
    expect(signals.length).toBe(300);
    expect(signals.toSignals()).toEqual(pushed);
    expect(Object.is(signals.at(1)!.logprob, -0)).toBe(true);
    expect(columnsOf(signals).confidence.slice(0, 4)).toEqual([2.220446049250313e-16, 1.7976931348623157e308, null, 2.220446049250313e-16]);
    expect(signals.at(300)).toBeNull();
    expect(signals.at(-1)).toBeNull();
  });

  it('holds nulls before the first signal without storage, and signals after them', () => {
    const signals = new SignalColumns();
    signals.pushAll(undefined, 100);
    expect(signals.anyPresent()).toBe(false);
    signals.push(a);
    expect(signals.anyPresent()).toBe(true);
    expect(signals.at(99)).toBeNull();
    expect(signals.at(100)).toEqual(a);
    expect(columnsOf(signals).logprob).toEqual([...Array<null>(100).fill(null), -0.1]);
  });

  it('takes a call’s signals only when there is one per token', () => {
    const signals = new SignalColumns();
    signals.pushAll([a, b], 2);
    signals.pushAll([a], 2);
    expect(signals.toSignals()).toEqual([a, b, null, null]);
  });

  it('drops the last entries, overwrites them on the next push, and copies independently', () => {
    const signals = new SignalColumns();
    for (const s of [a, b, a]) signals.push(s);
    signals.dropLast(2);
    signals.push(null);
    const copy = signals.copy();
    signals.push(b);
    expect(signals.toSignals()).toEqual([a, null, b]);
    expect(copy.toSignals()).toEqual([a, null]);
    copy.push(a);
    expect(signals.at(2)).toEqual(b);
    expect(new SignalColumns().copy().length).toBe(0);
  });
});
