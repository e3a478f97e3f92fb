import os from 'node:os';
import type { HardwareInfo } from './engineTypes';
import type { Provenance, RunRecord } from '../../common/api/contract/runs';
import { GRADING_RULES_VERSION } from '../grading';
import type { Plan } from './runPlan';

/** Where a run's numbers came from: enough to tell two runs' conditions apart months later. */
export function provenanceOf(plan: Plan, hardware: HardwareInfo, appVersion: string): Provenance {
  const cpus = os.cpus();
  return {
    model: {
      source: plan.spec.model.source,
      path: plan.modelPath,
      sha256: plan.modelInfo.sha256,
      fileBytes: plan.modelInfo.fileBytes,
      name: plan.modelInfo.name,
      architecture: plan.modelInfo.architecture,
      quantization: plan.modelInfo.quantization,
      ...(plan.modelServer ? { server: plan.modelServer } : {}),
    },
    llamaCpp: { release: hardware.llamaCppRelease, buildType: hardware.buildType, backend: hardware.backend },
    appVersion,
    dataset: {
      fingerprint: plan.dataset.fingerprint,
      problems: plan.dataset.rows.length,
      description: plan.dataset.description,
    },
    seeds: {
      run: plan.spec.sampling.seed,
      derivation:
        'sample seed = first 31 bits of sha256("z1wb-sample", run seed, problem id, sample index); stored with each sample',
    },
    machine: {
      platform: `${process.platform} ${os.release()}`,
      arch: process.arch,
      cpuModel: cpus[0]?.model ?? 'unknown',
      cpus: cpus.length,
      ramBytes: hardware.ramBytes,
      gpuNames: hardware.gpuNames,
      nodeVersion: process.versions.node,
    },
  };
}

/** A regrading's provenance: where the trajectories came from and which grading rules judged them. */
export function withGrading(provenance: Provenance, source: RunRecord | null): Provenance {
  return {
    ...provenance,
    grading: { rulesVersion: GRADING_RULES_VERSION, regradeOf: source?.id ?? null, gradedAt: new Date().toISOString() },
  };
}
