import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AutoBuildSteps } from '../../../main/llama-builds/AutoNativeBuild';
import { CHECK_VERSION, recordVerification, verificationOf } from '../../../main/llama-builds/buildVerification';
import { cpuIdentity } from '../../../main/llama-builds/cpuIdentity';
import { cmakePercent } from '../../../main/llama-builds/llamaCppSource';
import { runNiced } from '../../../main/llama-builds/buildPriority';

/**
 * A real build small enough for a test, in place of the 7-minute llama.cpp one: ninja compiles a
 * C++ file (recording the priority it ran at), then runs the program once a `fast` file exists,
 * so a test can cancel or kill the job half-way and see it resume. The "check" compares what the
 * program printed with what was expected.
 */
export const SMALL_BUILD_OUTPUT = 'built by the test\n';

export async function writeSmallProject(dir: string): Promise<void> {
  await writeFile(
    path.join(dir, 'hello.cpp'),
    `#include <cstdio>\nint main() { std::printf("built by the test\\n"); return 0; }\n`,
  );
  await writeFile(
    path.join(dir, 'build.ninja'),
    [
      'rule cxx',
      '  command = nice > niceness.txt && c++ -O1 -o $out $in',
      '  description = CXX $out',
      'rule run',
      // The shell's pid, for the test to see that a cancel killed it; `$$` is ninja's `$`.
      '  command = echo $$$$ > step2.pid; while [ ! -e fast ]; do sleep 0.05; done; ./hello > $out',
      '  description = RUN $out',
      'build hello: cxx hello.cpp',
      'build out.txt: run hello',
      '',
    ].join('\n'),
  );
}

export function smallBuildSteps(dir: string, cacheDir: string, expected = SMALL_BUILD_OUTPUT): Partial<AutoBuildSteps> {
  return {
    build: ({ signal, onProgress, logFile, onSpawn }) => {
      return runNiced('ninja', ['-C', dir], 19, {
        signal,
        logFile,
        onSpawn,
        onLine: (line) => onProgress({ stage: 'build', percent: cmakePercent(line), line }),
      });
    },
    current: async () => {
      const info = await stat(path.join(dir, 'out.txt')).catch(() => null);
      return info ? { folder: dir, size: info.size, mtimeMs: info.mtimeMs } : null;
    },
    verification: (addon) => verificationOf(addon, cacheDir),
    verify: async (addon) => {
      const printed = await readFile(path.join(dir, 'out.txt'), 'utf8');
      const record = {
        addon,
        verified: printed === expected,
        problem: printed === expected ? null : `it printed ${JSON.stringify(printed)}`,
        prebuiltTokens: [],
        nativeTokens: [],
        speed: null,
        checkedAt: new Date().toISOString(),
        cpu: cpuIdentity(),
        checkVersion: CHECK_VERSION,
      };
      await recordVerification(record, cacheDir);
      return record;
    },
    otherBuildRunning: async () => false,
  };
}
