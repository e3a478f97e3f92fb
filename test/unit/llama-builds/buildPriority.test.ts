import { spawn } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { lowerSpawnedPriority, niced, windowsPriorityOf } from '../../../main/llama-builds/buildPriority';

/** How a build is put below a run on each platform (docs/models.md, "Builds"). */
function recorder() {
  const calls: Array<[number, number]> = [];
  return { calls, setPriority: (pid: number, priority: number) => void calls.push([pid, priority]) };
}

describe('the build priority by platform', () => {
  it.each(['linux', 'darwin'] as const)(
    'on %s (platform faked) wraps the command in nice -n 19 and makes no priority call after spawning',
    (platform) => {
      const { calls, setPriority } = recorder();
      expect(niced('node', ['cli.js', 'source', 'build'], 19, { platform })).toEqual([
        'nice',
        ['-n', '19', 'node', 'cli.js', 'source', 'build'],
      ]);
      lowerSpawnedPriority(4321, 19, { platform, setPriority });
      expect(calls).toEqual([]);
    },
  );

  it('on Windows (platform faked) runs the command as is and gives the spawned pid PRIORITY_LOW for nice 19, PRIORITY_BELOW_NORMAL for nice 10', () => {
    const { calls, setPriority } = recorder();
    expect(niced('node', ['cli.js'], 19, { platform: 'win32' })).toEqual(['node', ['cli.js']]);
    lowerSpawnedPriority(4321, 19, { platform: 'win32', setPriority });
    lowerSpawnedPriority(4322, 10, { platform: 'win32', setPriority });
    expect(calls).toEqual([
      [4321, os.constants.priority.PRIORITY_LOW],
      [4322, os.constants.priority.PRIORITY_BELOW_NORMAL],
    ]);
    expect([windowsPriorityOf(19), windowsPriorityOf(10)]).toEqual([19, 10]);
  });

  it('without a niceness changes nothing on any platform (platform faked)', () => {
    const { calls, setPriority } = recorder();
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(niced('ninja', ['-C', 'out'], undefined, { platform })).toEqual(['ninja', ['-C', 'out']]);
      lowerSpawnedPriority(4321, undefined, { platform, setPriority });
    }
    expect(calls).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')(
    'on Windows (platform faked) the real os.setPriority lowers a live process here too, and a process that is gone is no error',
    async () => {
      const child = spawn('sleep', ['30'], { stdio: 'ignore' });
      try {
        lowerSpawnedPriority(child.pid!, 19, { platform: 'win32' });
        // Node maps PRIORITY_LOW to nice 19 outside Windows: the same call, seen from here.
        expect(os.getPriority(child.pid!)).toBe(19);
      } finally {
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      expect(() => lowerSpawnedPriority(child.pid!, 19, { platform: 'win32' })).not.toThrow();
    },
  );
});
