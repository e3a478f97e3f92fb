import type { AutoBuildStatus, AutoNativeBuild } from './AutoNativeBuild';
import { currentNativeAddon, verificationOf } from './buildVerification';
import { buildReport, type BuildReport, type BuildSetting } from './buildStatus';
import { detectToolchain, type Toolchain } from './toolchain';
import { AUTO_BUILD_ENV } from './engineAutoBuild';

/** What `engine.hardware`, every loaded model and `z1wb run` report about the build. */
export interface BuildDescription extends Omit<BuildReport, 'startAutoBuild'> {
  /** The automatic build's job (idle when none ran in this process). */
  auto: AutoBuildStatus;
}

export interface DescribeBuildOptions {
  setting: BuildSetting;
  settingFrom: string;
  backend: 'cpu' | 'cuda' | 'metal' | 'vulkan';
  inUse: 'native' | 'prebuilt';
  autoBuild?: AutoNativeBuild | null;
  /** Start the automatic build if the decision is to build (model loads do; status queries do not). */
  start?: boolean;
  cacheDir?: string;
  /** Default: detected on PATH. */
  toolchain?: Toolchain;
}

const IDLE: AutoBuildStatus = { state: 'idle', stage: null, percent: null, message: '' };

/**
 * Gathers the facts (the native build on disk, its check, the toolchain, the job) and decides;
 * with `autoBuild` given and the decision being to build, starts the job in the background.
 */
export async function describeBuild(options: DescribeBuildOptions): Promise<BuildDescription> {
  const addon = await currentNativeAddon();
  const verification = addon ? await verificationOf(addon, options.cacheDir) : null;
  const job = options.autoBuild?.status() ?? IDLE;
  const report = buildReport({
    setting: options.setting,
    settingFrom: options.settingFrom,
    backend: options.backend,
    inUse: options.inUse,
    nativeAvailable: addon !== null,
    verification,
    toolchain: options.toolchain ?? detectToolchain(),
    job,
  });
  const { startAutoBuild, ...description } = report;
  if (startAutoBuild && options.autoBuild && options.start) {
    void options.autoBuild.start();
    return { ...description, auto: options.autoBuild.status() };
  }
  if (startAutoBuild && options.autoBuild) {
    const reason =
      'prebuilt binary; a native build for this CPU is prepared in the background from the first model load';
    return { ...description, reason, auto: job };
  }
  if (startAutoBuild) {
    const off =
      process.env[AUTO_BUILD_ENV] === 'off' ? `${AUTO_BUILD_ENV}=off` : 'only the engine process prepares one';
    return {
      ...description,
      reason: `prebuilt binary: no checked native build, and none is prepared (${off})`,
      auto: job,
    };
  }
  return { ...description, auto: job };
}
