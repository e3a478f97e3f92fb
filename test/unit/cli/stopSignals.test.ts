import { afterEach, describe, expect, it } from 'vitest';
import { Interrupted, watchStopSignals, type StopSignals } from '../../../main/cli/stopSignals';

const never = () => new Promise<never>(() => undefined);

describe('watchStopSignals (signals emitted in-process)', () => {
  let stop: StopSignals | null = null;
  afterEach(() => stop?.dispose());

  it('interrupts the running step at once and names the exit code of the signal', async () => {
    const seen: string[] = [];
    stop = watchStopSignals({ stopMs: 50, onSignal: (s) => seen.push(s) });
    expect(stop.exitCode).toBeNull();
    const step = stop.race(never());
    process.emit('SIGTERM');
    await expect(step).rejects.toBeInstanceOf(Interrupted);
    expect(seen).toEqual(['SIGTERM']);
    expect(stop.signal).toBe('SIGTERM');
    expect(stop.exitCode).toBe(143);
    // Once interrupted, every later step is too.
    await expect(stop.race(never())).rejects.toThrow('interrupted by SIGTERM');
  });

  it('gives cleanup until stopMs after the signal, then leaves it behind', async () => {
    stop = watchStopSignals({ stopMs: 80, onSignal: () => undefined });
    expect(await stop.withinStopTime(Promise.resolve('before'))).toBe('before');
    const cleanup = stop.withinStopTime(never());
    const started = performance.now();
    process.emit('SIGINT');
    expect(await cleanup).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(stop.exitCode).toBe(130);
    expect(await stop.withinStopTime(Promise.resolve('quick'))).toBe('quick');
  });

  it('hands a second signal to onSecondSignal, and stops listening once disposed', () => {
    const second: string[] = [];
    stop = watchStopSignals({ stopMs: 10, onSignal: () => undefined, onSecondSignal: (s) => second.push(s) });
    const listeners = process.listenerCount('SIGINT');
    process.emit('SIGINT');
    process.emit('SIGTERM');
    expect(second).toEqual(['SIGTERM']);
    stop.dispose();
    expect(process.listenerCount('SIGINT')).toBe(listeners - 1);
    stop = null;
  });
});
