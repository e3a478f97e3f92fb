import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AutoNativeBuild, type AutoBuildStatus } from '../../../main/llama-builds/AutoNativeBuild';
import { verificationOf } from '../../../main/llama-builds/buildVerification';
import { processGroupAlive } from '../../../main/locks/processAlive';
import { until } from '../cli/cliProcess';
import { smallBuildSteps, writeSmallProject } from './smallBuild';

/**
 * The automatic native build's job (detection aside) on real processes and files: a small
 * ninja build stands in for node-llama-cpp's (docs/models.md, "Builds": the job runs whatever
 * `build` step it is given; the llama.cpp one takes 7+ minutes).
 */
let dir: string;
let cacheDir: string;
const strays: number[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-autobuild-'));
  cacheDir = path.join(dir, 'cache');
  await writeSmallProject(dir);
});

afterEach(async () => {
  for (const group of strays.splice(0)) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  await rm(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid the build's second step wrote, once it has written it (the shell creates the file first). */
async function step2Pid(): Promise<number> {
  const file = path.join(dir, 'step2.pid');
  let pid = 0;
  await until('the second build step', async () => {
    pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    return pid > 0;
  });
  return pid;
}

function recorder(): {
  statuses: AutoBuildStatus[];
  job: (extra?: Partial<ConstructorParameters<typeof AutoNativeBuild>[0]>) => AutoNativeBuild;
} {
  const statuses: AutoBuildStatus[] = [];
  return {
    statuses,
    job: (extra = {}) =>
      new AutoNativeBuild({
        cacheDir,
        steps: smallBuildSteps(dir, cacheDir),
        onStatus: (s) => statuses.push(s),
        ...extra,
      }),
  };
}

/** Build lines that ran a step, e.g. "[1/2] CXX hello". */
const stepLines = (statuses: AutoBuildStatus[]) => [
  ...new Set(statuses.filter((s) => /^\[\d+\/\d+\]/.test(s.message)).map((s) => s.message)),
];

describe('the automatic native build job', () => {
  it('builds at the lowest priority with progress, checks the result, and ends ready with its lock released', async () => {
    await writeFile(path.join(dir, 'fast'), '');
    const { statuses, job } = recorder();
    const build = job();
    const end = await build.start();
    expect(end).toMatchObject({ state: 'ready', percent: 100 });
    expect(stepLines(statuses)).toEqual(['[1/2] CXX hello', '[2/2] RUN out.txt']);
    expect(statuses.filter((s) => s.state === 'building').map((s) => s.percent)).toContain(50);
    expect([...new Set(statuses.map((s) => s.state))]).toEqual(['waiting', 'building', 'verifying', 'ready']);
    expect((await readFile(path.join(dir, 'niceness.txt'), 'utf8')).trim()).toBe('19');
    expect(existsSync(build.lockFile)).toBe(false);
    const addon = await smallBuildSteps(dir, cacheDir).current!();
    expect((await verificationOf(addon!, cacheDir))?.verified).toBe(true);

    // Done is done: starting again checks the record and builds nothing.
    statuses.length = 0;
    expect(await job().start()).toMatchObject({ state: 'ready' });
    expect(stepLines(statuses)).toEqual([]);
  });

  it('cancels: the compilers die, nothing is recorded; started again it resumes where it stopped', async () => {
    const { statuses, job } = recorder();
    const build = job();
    const ending = build.start();
    const step2 = await step2Pid();
    expect(build.cancel()).toBe(true);
    expect(await ending).toMatchObject({ state: 'cancelled' });
    await until('the cancelled step to exit', () => !alive(step2), 5000);
    expect(existsSync(build.lockFile)).toBe(false);
    expect(existsSync(path.join(dir, 'out.txt'))).toBe(false);

    statuses.length = 0;
    await writeFile(path.join(dir, 'fast'), '');
    expect(await job().start()).toMatchObject({ state: 'ready' });
    // Only the step the cancel interrupted runs again: the compiled program is kept.
    expect(stepLines(statuses)).toEqual(['[1/1] RUN out.txt']);
  });

  /**
   * A job in a child process, killed with kill -9 once its build reached the second step. The
   * build (ninja) runs in the group whose pid the job recorded; ninja runs each step in a group
   * of its own (`step`).
   */
  async function killedJob(): Promise<{ lockFile: string; step2: number; build: number; step: number }> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./autoBuildChild.ts', import.meta.url)), dir, cacheDir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const step2 = await step2Pid();
    const lockFile = path.join(cacheDir, 'native-addon-build.lock');
    expect(Number((await readFile(lockFile, 'utf8')).trim())).toBe(child.pid);
    const build = Number((await readFile(path.join(cacheDir, 'native-addon-build.pid'), 'utf8')).trim());
    const step = Number((await readFile(`/proc/${step2}/stat`, 'utf8')).split(' ')[4]);
    expect(step).not.toBe(build);
    strays.push(build, step);
    child.kill('SIGKILL');
    await until('the killed job to exit', () => !alive(child.pid!));
    return { lockFile, step2, build, step };
  }

  it("lets a build outlive its job's killed process: the next job waits for it, then checks it and is ready", async () => {
    const { lockFile, step2 } = await killedJob();
    expect(alive(step2)).toBe(true); // the build writes to a log file, not to the dead process
    const { statuses, job } = recorder();
    const ending = job({ waitMs: 50 }).start();
    await until('the job to wait for the running build', () =>
      statuses.some((s) => s.message === 'another process is building llama.cpp'),
    );
    await writeFile(path.join(dir, 'fast'), '');
    expect(await ending).toMatchObject({ state: 'ready' });
    expect(stepLines(statuses)).toEqual([]); // it built nothing itself
    expect(existsSync(lockFile)).toBe(false);
  });

  it('stops, when cancelled while waiting, the build a killed job left running', async () => {
    const { step2 } = await killedJob();
    const { statuses, job } = recorder();
    const build = job({ waitMs: 50 });
    const ending = build.start();
    await until('the job to wait for the running build', () =>
      statuses.some((s) => s.message === 'another process is building llama.cpp'),
    );
    expect(build.cancel()).toBe(true);
    expect(await ending).toMatchObject({ state: 'cancelled' });
    await until('the left-over build to exit', () => !alive(step2), 5000);
  });

  it('takes over from a job killed with its build (kill -9 of both), and resumes the build', async () => {
    const { lockFile, build, step } = await killedJob();
    // The build's group is what the next job checks; the step's group is killed too, so that
    // the old step cannot finish behind the new job. Dead means what the job reads: no member
    // left but zombies waiting for PID 1 to reap them.
    for (const group of [build, step]) process.kill(-group, 'SIGKILL');
    await until('the killed build to exit', () => !processGroupAlive(build) && !processGroupAlive(step), 5000);

    const { statuses, job } = recorder();
    await writeFile(path.join(dir, 'fast'), '');
    expect(await job({ waitMs: 50 }).start()).toMatchObject({ state: 'ready' });
    expect(statuses.map((s) => s.message)).not.toContain('another process is building llama.cpp');
    expect(stepLines(statuses)).toEqual(['[1/1] RUN out.txt']);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('waits while another live process holds the job, and is cancellable while it waits', async () => {
    const { statuses, job } = recorder();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await mkdir(cacheDir, { recursive: true });
      await writeFile(path.join(cacheDir, 'native-addon-build.lock'), `${holder.pid}\n`);
      const build = job({ waitMs: 50 });
      const ending = build.start();
      const waiting = () => statuses.some((s) => s.message === 'another process is building llama.cpp');
      await until('the job to wait', waiting);
      build.cancel();
      expect(await ending).toMatchObject({ state: 'cancelled' });
      expect(stepLines(statuses)).toEqual([]);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('refuses a build that fails its check, records why, and does not build or check it again', async () => {
    await writeFile(path.join(dir, 'fast'), '');
    const statuses: AutoBuildStatus[] = [];
    const steps = smallBuildSteps(dir, cacheDir, 'what the prebuilt binary printed\n');
    const end = await new AutoNativeBuild({ cacheDir, steps, onStatus: (s) => statuses.push(s) }).start();
    expect(end).toEqual({
      state: 'refused',
      stage: null,
      percent: null,
      message: 'not used: it printed "built by the test\\n"',
    });
    const addon = await steps.current!();
    expect(await verificationOf(addon!, cacheDir)).toMatchObject({
      verified: false,
      problem: 'it printed "built by the test\\n"',
    });

    statuses.length = 0;
    expect((await new AutoNativeBuild({ cacheDir, steps, onStatus: (s) => statuses.push(s) }).start()).state).toBe(
      'refused',
    );
    expect(statuses.map((s) => s.state)).toEqual(['waiting', 'refused']);
  });
});
