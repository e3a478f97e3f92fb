import type { AutoBuildStatus } from './AutoNativeBuild';
import { checkSummary, type VerificationRecord } from './buildVerification';
import type { Toolchain } from './toolchain';

/**
 * Which build of llama.cpp's addon runs, why, and whether the workbench should prepare the
 * native one (docs/models.md, "Builds"). Pure: the facts come in, the decision and the sentence a
 * user reads come out, so every case is tested with exact words.
 */
export type BuildSetting = 'auto' | 'prebuilt' | 'native';

export interface BuildSituation {
  setting: BuildSetting;
  /** Where the setting came from, named in the reason: 'the model cell', 'Z1WB_LLAMA_BUILD', … */
  settingFrom: string;
  /** The backend of the binding in use. */
  backend: 'cpu' | 'cuda' | 'metal' | 'vulkan';
  inUse: 'native' | 'prebuilt';
  /** A finished native build of the addon exists (verified or not). */
  nativeAvailable: boolean;
  /** The check of that build; null when it was not checked. */
  verification: VerificationRecord | null;
  toolchain: Toolchain;
  job: AutoBuildStatus;
}

export interface BuildReport {
  inUse: 'native' | 'prebuilt';
  reason: string;
  /** Start (or resume) the automatic build now. */
  startAutoBuild: boolean;
  /** The command that installs what the build needs; null when nothing is missing or no build is wanted. */
  installCommand: string | null;
}

function progressOf(job: AutoBuildStatus): string {
  if (job.state === 'verifying') return 'checking it';
  if (job.state === 'waiting') return job.message;
  return job.percent !== null ? `${job.percent}% built` : 'starting';
}

export function buildReport(s: BuildSituation): BuildReport {
  const report = (reason: string, startAutoBuild = false, installCommand: string | null = null): BuildReport => ({
    inUse: s.inUse,
    reason,
    startAutoBuild,
    installCommand,
  });
  if (s.inUse === 'native') {
    if (s.setting === 'native') return report(`native build for this CPU, as set by ${s.settingFrom}`);
    return report(`native build for this CPU (checked: ${s.verification ? checkSummary(s.verification) : 'never'})`);
  }
  if (s.setting === 'prebuilt') return report(`prebuilt binary, as set by ${s.settingFrom}`);
  if (s.backend !== 'cpu') {
    return report(
      `prebuilt ${s.backend.toUpperCase()} binary: a GPU machine keeps it (backend "cpu" with build "native" uses a build for this CPU instead)`,
    );
  }
  if (s.nativeAvailable && s.verification?.verified) {
    return report('prebuilt binary: the checked native build is used from the next model load with no model loaded');
  }
  if (s.nativeAvailable && s.verification && !s.verification.verified) {
    return report(`prebuilt binary: the native build failed its check (${s.verification.problem ?? 'unknown'})`);
  }
  switch (s.job.state) {
    case 'waiting':
    case 'building':
    case 'verifying':
      return report(`prebuilt binary while a native build for this CPU is prepared (${progressOf(s.job)})`);
    case 'failed':
      return report(`prebuilt binary: the native build failed (${s.job.message}); it is tried again at the next start`);
    case 'cancelled':
      return report('prebuilt binary: the native build was cancelled; it resumes at the next start of the workbench');
    default:
      break;
  }
  if (s.nativeAvailable) {
    return report('prebuilt binary while the native build for this CPU is checked before use', true);
  }
  if (!s.toolchain.complete) {
    return report(
      `prebuilt binary: a native build for this CPU needs ${s.toolchain.missing.join(', ')}` +
        (s.toolchain.installCommand ? ` (install: ${s.toolchain.installCommand})` : ''),
      false,
      s.toolchain.installCommand,
    );
  }
  return report('prebuilt binary while a native build for this CPU is prepared (starting)', true);
}
