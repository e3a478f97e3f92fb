import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { tryPidLock } from '../locks/pidLock';
import { abortableSleep } from './abortableSleep';
import {
  checkSummary,
  currentNativeAddon,
  verificationOf,
  verifyNativeAddon,
  type AddonIdentity,
  type VerificationRecord,
} from './buildVerification';
import { workbenchCacheDir, type BuildProgress } from './llamaCppSource';
import { buildNativeAddon, nodeLlamaCppBuildRunning } from './nativeAddonBuild';
import { processGroupAlive } from '../locks/processAlive';
import { killGroup } from './runCommand';

/**
 * The native build of the addon that the workbench prepares on its own (docs/models.md, "Builds"):
 * compile in the background at the lowest priority, check the result against the prebuilt
 * binary, and leave it to the next model load to switch. One job per machine: engine processes
 * share a pid lock in the cache folder, so a second one waits instead of compiling the same thing.
 *
 * States: idle → (waiting →) building → verifying → ready | refused; failed and cancelled are
 * left by an error or `cancel()`, and `start()` again resumes (node-llama-cpp's `source build`
 * recompiles only what an interrupted build left; a killed job's lock is taken over).
 */
export type AutoBuildState =
  'idle' | 'waiting' | 'building' | 'verifying' | 'ready' | 'refused' | 'failed' | 'cancelled';

export interface AutoBuildStatus {
  state: AutoBuildState;
  /** The build's stage while building ('verify' while checking), null otherwise. */
  stage: BuildProgress['stage'] | 'verify' | null;
  percent: number | null;
  /** The last thing that happened, in words (a compiler line, the check's verdict, the error). */
  message: string;
}

/** The parts of the job that touch the world; tests run them on small real commands. */
export interface AutoBuildSteps {
  /**
   * Compiles the addon (or whatever the test builds) with its output in `logFile` and its
   * process group reported to `onSpawn`, so that it can finish after this process is gone;
   * throws when cancelled or failed.
   */
  build(options: {
    signal: AbortSignal;
    onProgress: (progress: BuildProgress) => void;
    logFile: string;
    onSpawn: (pid: number) => void;
  }): Promise<void>;
  /** The finished build's file identity; null when there is none. */
  current(): Promise<AddonIdentity | null>;
  /** The recorded check of this build, if any. */
  verification(addon: AddonIdentity): Promise<VerificationRecord | null>;
  /** Checks the build and records the verdict; `onMessage` says what it waits for. */
  verify(
    addon: AddonIdentity,
    options: { signal: AbortSignal; onMessage: (message: string) => void },
  ): Promise<VerificationRecord>;
  /** A build outside this job is compiling (e.g. one started by hand): wait for it. */
  otherBuildRunning(): Promise<boolean>;
}

export interface AutoNativeBuildOptions {
  /** Where the job's lock lives (default: the workbench cache). */
  cacheDir?: string;
  steps?: Partial<AutoBuildSteps>;
  onStatus?: (status: AutoBuildStatus) => void;
  /** Polling while another process builds. */
  waitMs?: number;
}

export class AutoNativeBuild {
  private current: AutoBuildStatus = { state: 'idle', stage: null, percent: null, message: '' };
  private job: Promise<AutoBuildStatus> | null = null;
  private controller: AbortController | null = null;
  private readonly steps: AutoBuildSteps;
  private readonly cacheDir: string;
  private readonly listeners = new Set<(status: AutoBuildStatus) => void>();

  constructor(private readonly options: AutoNativeBuildOptions = {}) {
    this.cacheDir = options.cacheDir ?? workbenchCacheDir();
    const cacheDir = this.cacheDir;
    this.steps = {
      build: (options) => buildNativeAddon({ ...options, nice: 19 }).then(() => undefined),
      current: currentNativeAddon,
      verification: (addon) => verificationOf(addon, cacheDir),
      verify: (addon, { signal, onMessage }) => verifyNativeAddon(addon, { cacheDir, signal, onMessage }),
      otherBuildRunning: nodeLlamaCppBuildRunning,
      ...options.steps,
    };
  }

  get lockFile(): string {
    return path.join(this.cacheDir, 'native-addon-build.lock');
  }

  /** The build's output (appended by every attempt). */
  get logFile(): string {
    return path.join(this.cacheDir, 'native-addon-build.log');
  }

  /** The process group of the last build started, which may outlive the job that started it. */
  get buildPidFile(): string {
    return path.join(this.cacheDir, 'native-addon-build.pid');
  }

  /** The group of a build still running (started by this job or by a job whose process died). */
  private runningBuildGroup(): number | null {
    const pid = Number(readFileOrEmpty(this.buildPidFile).trim());
    return Number.isInteger(pid) && pid > 0 && processGroupAlive(pid) ? pid : null;
  }

  status(): AutoBuildStatus {
    return { ...this.current };
  }

  /** Every status change (progress lines included); returns the unsubscribe function. */
  subscribe(listener: (status: AutoBuildStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get running(): boolean {
    return this.job !== null;
  }

  /** Starts the job in the background unless it runs or is done; resolves when it ends. */
  start(): Promise<AutoBuildStatus> {
    if (this.job) return this.job;
    const controller = new AbortController();
    this.controller = controller;
    // Queued until the lock is taken: a load that started the job reports it at once.
    this.set({ state: 'waiting', stage: null, percent: null, message: 'starting' });
    const job = this.run(controller.signal).finally(() => {
      if (this.job === job) {
        this.job = null;
        this.controller = null;
      }
    });
    this.job = job;
    return job;
  }

  /** Stops a running job (its compilers too); true when one was running. */
  cancel(): boolean {
    if (!this.controller || this.controller.signal.aborted) return false;
    // Waiting on a build an earlier engine left running: stop that one too.
    const orphan = this.current.state === 'waiting' ? this.runningBuildGroup() : null;
    if (orphan !== null) killGroup(orphan);
    this.controller.abort();
    return true;
  }

  private set(change: Partial<AutoBuildStatus>): void {
    this.current = { ...this.current, ...change };
    this.options.onStatus?.(this.status());
    for (const listener of this.listeners) listener(this.status());
  }

  private async run(signal: AbortSignal): Promise<AutoBuildStatus> {
    let locked = false;
    try {
      await mkdir(this.cacheDir, { recursive: true });
      const otherBuild = async () => this.runningBuildGroup() !== null || (await this.steps.otherBuildRunning());
      while (!(locked = await tryPidLock(this.lockFile)) || (await otherBuild())) {
        if (locked) {
          await rm(this.lockFile, { force: true });
          locked = false;
        }
        this.set({ state: 'waiting', stage: null, percent: null, message: 'another process is building llama.cpp' });
        await abortableSleep(this.options.waitMs ?? 2000, signal);
      }
      let addon = await this.steps.current();
      const known = addon ? await this.steps.verification(addon) : null;
      if (addon && known) return this.verdict(known);
      if (!addon) {
        this.set({ state: 'building', stage: 'clone', percent: null, message: 'starting the build' });
        await this.steps.build({
          signal,
          onProgress: (p) => this.set({ state: 'building', stage: p.stage, percent: p.percent, message: p.line }),
          logFile: this.logFile,
          onSpawn: (pid) => writeFileSync(this.buildPidFile, `${pid}\n`),
        });
        addon = await this.steps.current();
        if (!addon) throw new Error('the build finished but left no addon');
      }
      this.set({
        state: 'verifying',
        stage: 'verify',
        percent: null,
        message: 'checking the build against the prebuilt binary',
      });
      const onMessage = (message: string) => this.set({ message });
      return this.verdict(await this.steps.verify(addon, { signal, onMessage }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.set({ state: signal.aborted ? 'cancelled' : 'failed', stage: null, percent: null, message });
      return this.status();
    } finally {
      if (locked) await rm(this.lockFile, { force: true });
    }
  }

  private verdict(record: VerificationRecord): AutoBuildStatus {
    if (record.verified) {
      this.set({
        state: 'ready',
        stage: null,
        percent: 100,
        message: `verified: ${checkSummary(record)}`,
      });
    } else {
      this.set({
        state: 'refused',
        stage: null,
        percent: null,
        message: `not used: ${record.problem ?? 'check failed'}`,
      });
    }
    return this.status();
  }
}

function readFileOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
