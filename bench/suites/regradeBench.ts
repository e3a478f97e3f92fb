import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Provenance, RunSettings } from '../../common/api/contract/runs';
import { graderSettings, type GraderSettings } from '../../common/grading/graderSettings';
import { datasetSource } from '../../common/notebook/datasetSettings';
import { modelSettings } from '../../common/settings/model';
import { promptSettings } from '../../common/settings/prompt';
import { samplingSettings } from '../../common/settings/sampling';
import { strategySettings } from '../../common/settings/strategy';
import { loadDataset } from '../../main/datasets/loadDataset';
import { grade, sharedGradingPool } from '../../main/grading';
import type { EnginePort } from '../../main/runner/EnginePort';
import { Runner } from '../../main/runner/Runner';
import { RunStore } from '../../main/store/RunStore';
import { makeSample } from './storeSamples';

const SAMPLES_PER_PROBLEM = 4;

const noEngine: EnginePort = {
  call: (method) => Promise.reject(new Error(`the regrade bench runs no model (asked for ${method})`)),
  onEvent: () => () => undefined,
};

/**
 * Regrading a stored run of `count` samples with the math grader, against grading the same
 * responses bare through the same worker pool: the ratio says how much of a regrade is the
 * grader's own time (1.0 = the store costs nothing).
 */
export async function measureRegrade(count: number): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-bench-regrade-'));
  try {
    const problems = Math.ceil(count / SAMPLES_PER_PROBLEM);
    const rows = Array.from({ length: problems }, (_, i) =>
      JSON.stringify({ id: `problem-${i}`, problem: `Problem ${i}`, answer: '42' }),
    );
    await writeFile(path.join(dir, 'problems.jsonl'), rows.join('\n') + '\n');
    const dataset = datasetSource.parse({ from: 'file', path: 'problems.jsonl' });
    const loaded = await loadDataset(dataset, { baseDir: dir, storeDir: dir });
    const math = graderSettings.parse({ grader: 'math' }) as GraderSettings;
    const settings: RunSettings = {
      model: modelSettings.parse({ source: 'bench.gguf' }),
      prompt: promptSettings.parse({ template: '{{problem}}' }),
      sampling: samplingSettings.parse({}),
      strategy: strategySettings.parse({ strategy: 'unbounded' }),
      samples: SAMPLES_PER_PROBLEM,
      dataset,
      grader: graderSettings.parse({ grader: 'exact' }) as GraderSettings,
      redactProblems: false,
    };
    const provenance = {
      model: {
        source: 'bench.gguf',
        path: 'bench.gguf',
        sha256: '0'.repeat(64),
        fileBytes: 1,
        name: null,
        architecture: 'llama',
        quantization: null,
      },
      llamaCpp: { release: 'bench', buildType: 'bench', backend: 'cpu' },
      appVersion: 'bench',
      dataset: { fingerprint: loaded.fingerprint, problems, description: 'bench' },
      seeds: { run: 0, derivation: 'bench' },
      machine: {
        platform: process.platform,
        arch: process.arch,
        cpuModel: '',
        cpus: 1,
        ramBytes: 0,
        gpuNames: [],
        nodeVersion: process.versions.node,
      },
    } satisfies Provenance;

    const store = await RunStore.open(path.join(dir, 'store'));
    const source = await store.createRun({
      cacheKey: 'bench',
      settingsKey: 'bench',
      generationKey: 'bench-generation',
      regradeOf: null,
      notebook: { path: path.join(dir, 'bench.z1.json'), cellId: 'bench', title: null },
      label: 'bench',
      variant: { index: 0, of: 1 },
      planned: count,
      settings,
      provenance,
    });
    const files = await store.runFiles(source.id);
    const samples = Array.from({ length: count }, (_, i) => makeSample(i));
    for (let i = 0; i < count; i += 1000) await files.append(samples.slice(i, i + 1000));
    await store.updateRun(source.id, { done: count, status: 'complete' });

    const pool = sharedGradingPool();
    const responses = samples.map((s) => ({ id: s.record.problemId, gold: '42', response: s.trajectory.text }));
    // Warm-up starts the workers outside the timings.
    await Promise.all(responses.slice(0, 64).map((item) => grade(math, item, { pool })));

    let started = performance.now();
    await Promise.all(responses.map((item) => grade(math, item, { pool })));
    const bareSeconds = (performance.now() - started) / 1000;

    const runner = new Runner({ store, appVersion: 'bench', engine: noEngine, storeDir: dir, emit: () => undefined });
    started = performance.now();
    const job = await runner.regrade([source.id], math);
    const outcome = await runner.wait(job.jobId);
    const regradeSeconds = (performance.now() - started) / 1000;
    await runner.close();
    await store.close();
    return {
      samples: count,
      state: outcome.state,
      regraded: outcome.runs[0]?.done ?? 0,
      regradeSamplesPerSecond: count / regradeSeconds,
      bareGradesPerSecond: count / bareSeconds,
      ratio: bareSeconds / regradeSeconds,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
