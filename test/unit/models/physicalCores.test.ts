import { describe, expect, it } from 'vitest';
import {
  countPhysicalCoresInCpuinfo,
  defaultThreadCount,
  physicalCoreCount,
  resolveThreads,
} from '../../../main/engine/hardware/physicalCores';

const block = (processor: number, physical: number, core: number) =>
  `processor\t: ${processor}\nmodel name\t: Test CPU\nphysical id\t: ${physical}\nsiblings\t: 4\ncore id\t\t: ${core}\ncpu cores\t: 2\n`;

describe('choosing threads from the machine', () => {
  it('counts physical cores, not hyper-threads, in /proc/cpuinfo', () => {
    // 2 cores × 2 hyper-threads on one socket.
    const smt = [block(0, 0, 0), block(1, 0, 1), block(2, 0, 0), block(3, 0, 1)].join('\n');
    expect(countPhysicalCoresInCpuinfo(smt)).toBe(2);
    // Two sockets with the same core ids are different cores.
    const twoSockets = [block(0, 0, 0), block(1, 0, 1), block(2, 1, 0), block(3, 1, 1)].join('\n');
    expect(countPhysicalCoresInCpuinfo(twoSockets)).toBe(4);
  });

  it('says it does not know when the kernel lists no core ids (some ARM machines)', () => {
    expect(countPhysicalCoresInCpuinfo('processor\t: 0\nBogoMIPS\t: 48.00\n\nprocessor\t: 1\nBogoMIPS\t: 48.00\n')).toBeNull();
    expect(countPhysicalCoresInCpuinfo('')).toBeNull();
  });

  it('uses the physical cores for "auto" and keeps an explicit number', () => {
    expect(physicalCoreCount()).toBeGreaterThanOrEqual(1);
    expect(defaultThreadCount()).toBeLessThanOrEqual(physicalCoreCount());
    expect(resolveThreads('auto')).toBe(defaultThreadCount());
    expect(resolveThreads(3)).toBe(3);
  });
});

describe('the engine process environment', () => {
  it('asks for one libuv pool thread (one OpenMP team for every decode) unless the parent says otherwise', async () => {
    const { engineProcessEnv } = await import('../../../main/engine-supervisor/engineProcessEnv');
    expect(engineProcessEnv({})).toEqual({ UV_THREADPOOL_SIZE: '1' });
    expect(engineProcessEnv({ UV_THREADPOOL_SIZE: '8' })).toEqual({ UV_THREADPOOL_SIZE: '8' });
  });
});
