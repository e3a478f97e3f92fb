import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SampleRecord, Trajectory } from '../../common/api/contract/runs';
import type { SampleWithTrajectory } from '../../main/store/RunFiles';
import { RunStore } from '../../main/store/RunStore';
import { summarizeRun } from '../../main/store/runSummary';

const SAMPLES = 100_000;
/** Appends in flight at once, as when several sequences (and several runs of a sweep) finish together. */
const IN_FLIGHT = 64;
const SERIAL_SAMPLES = 200;
const THINKING = 120;

/** A realistic sample: a graded record and a trajectory of ~THINKING tokens with its text. */
function makeSample(index: number): SampleWithTrajectory {
  const thinking = 20 + ((index * 7919) % THINKING);
  const correct = index % 3 !== 0;
  const record: SampleRecord = {
    key: `problem-${Math.floor(index / 4)}#${index % 4}`,
    index,
    problemId: `problem-${Math.floor(index / 4)}`,
    sampleIndex: index % 4,
    seed: (index * 2654435761) >>> 1,
    phase1Tokens: thinking,
    delimitedThinkingTokens: thinking - 1,
    answerTokens: 12,
    totalTokens: thinking + 12,
    cut: thinking >= 100,
    cutAt: thinking >= 100 ? 100 : null,
    stopReason: 'end-of-generation',
    extensions: 0,
    outcome: correct ? 'correct' : 'wrong',
    correct,
    extracted: correct ? '42' : '17',
    answerKey: correct ? '42' : '17',
    gold: '42',
    generateMs: 850.5,
    tokensPerSecond: 155.2,
  };
  const tokens = Array.from({ length: thinking }, (_, i) => 1000 + ((i * 31 + index) % 30000));
  const text = Array.from({ length: thinking }, (_, i) => ` w${(i * 13 + index) % 997}`).join('');
  const trajectory: Trajectory = {
    key: record.key,
    message: `Problem ${record.problemId}: compute the value of the expression and put it in \\boxed{}.`,
    text: `${text}\n\nThe final answer is \\boxed{${record.extracted}}`,
    segments: [
      { phase: 'thinking', inserted: false, text, tokens },
      {
        phase: 'answer',
        inserted: false,
        text: `\n\nThe final answer is \\boxed{${record.extracted}}`,
        tokens: Array.from({ length: 12 }, (_, i) => 50 + i),
      },
    ],
    cutAt: record.cutAt,
    hintOffset: null,
    grade: {
      outcome: record.outcome,
      correct,
      extracted: record.extracted,
      method: 'boxed',
      span: [10, 12],
      reason: 'equal',
      answerKey: record.answerKey,
    },
  };
  return { record, trajectory };
}

/**
 * The store's numbers (design notes §5): durable append throughput for 100k samples, the time
 * to reopen a 100k-sample run and aggregate it (target < 0.5 s), and the file sizes.
 */
export async function runStoreBench(): Promise<Record<string, unknown>> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'z1wb-store-bench-'));
  try {
    let store = await RunStore.open(root);
    const run = await store.createRun({
      cacheKey: 'bench',
      settingsKey: 'bench',
      notebook: { path: null, cellId: 'bench', title: null },
      label: 'bench',
      variant: { index: 0, of: 1 },
      planned: SAMPLES,
      settings: {
        model: {
          source: 'bench.gguf',
          backend: 'auto',
          gpuLayers: 'auto',
          contextSize: 4096,
          threads: 'auto',
          parallel: 8,
        },
        prompt: {
          template: '{{problem}}',
          chatTemplate: 'model',
          systemPrompt: null,
          thinkPrefix: '',
          stopStrings: [],
        },
        sampling: { temperature: 0.6, topK: 40, topP: 0.95, minP: 0, seed: 1 },
        strategy: {
          strategy: 'shifted-window',
          window: 100,
          hint: '\n\nI overthought it, the final answer should be:\n\n',
          answerBudget: 64,
          maxTokens: 256,
        },
        samples: 4,
        dataset: { from: 'file', path: 'bench.jsonl', map: {} },
        grader: { grader: 'math', fallbacks: [], relativeTolerance: 1e-4, timeLimitMs: 5000 },
        redactProblems: false,
      },
      provenance: null,
    });
    const samples = Array.from({ length: SAMPLES }, (_, i) => makeSample(i));

    // Durable appends with up to IN_FLIGHT outstanding (each resolves once fsynced).
    let files = await store.runFiles(run.id);
    const appendStart = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (const s of samples) {
      const p = files.append([s]).then(() => void inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const appendSeconds = (performance.now() - appendStart) / 1000;
    await store.updateRun(run.id, { status: 'complete', done: SAMPLES, summary: summarizeRun(files.records(), 4) });
    await store.close();

    // One durable append at a time: the latency of a single sample reaching the disk.
    const serialRoot = await mkdtemp(path.join(os.tmpdir(), 'z1wb-store-bench-serial-'));
    const serialStore = await RunStore.open(serialRoot);
    const serialRun = await serialStore.createRun(runInit(run));
    const serialFiles = await serialStore.runFiles(serialRun.id);
    const serialStart = performance.now();
    for (let i = 0; i < SERIAL_SAMPLES; i++) await serialFiles.append([samples[i]!]);
    const serialMs = (performance.now() - serialStart) / SERIAL_SAMPLES;
    await serialStore.close();
    await rm(serialRoot, { recursive: true, force: true });

    // Reopen cold (a new store instance, files read and checked) and aggregate. CPU time is
    // reported too: on a shared machine the wall clock mostly measures the neighbours.
    const loadBefore = os.loadavg()[0]!;
    const cpuStart = process.cpuUsage();
    const reopenStart = performance.now();
    store = await RunStore.open(root);
    files = await store.runFiles(run.id);
    const opened = performance.now();
    const summary = summarizeRun(files.records(), 4);
    const reopenSeconds = (performance.now() - reopenStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const aggregateSeconds = (performance.now() - opened) / 1000;
    // The UI's view: the stored summary, no sample file read at all.
    const storedStart = performance.now();
    await store.close();
    store = await RunStore.open(root);
    const stored = store.get(run.id).summary;
    const storedSummarySeconds = (performance.now() - storedStart) / 1000;
    const trajectoryStart = performance.now();
    files = await store.runFiles(run.id);
    for (let i = 0; i < 100; i++) await files.readTrajectory(samples[(i * 997) % SAMPLES]!.record.key);
    const trajectoryMs = (performance.now() - trajectoryStart) / 100;
    await store.close();

    const sizeOf = async (file: string) => (await stat(path.join(root, file))).size;
    const samplesBytes = await sizeOf(`runs/${run.id}/samples.jsonl`);
    const trajectoriesBytes = await sizeOf(`runs/${run.id}/trajectories.jsonl`);
    return {
      samples: SAMPLES,
      append: {
        inFlight: IN_FLIGHT,
        seconds: appendSeconds,
        samplesPerSecond: SAMPLES / appendSeconds,
        serialDurableAppendMs: serialMs,
      },
      reopenAndAggregate: {
        seconds: reopenSeconds,
        aggregateSeconds,
        targetSeconds: 0.5,
        withinTarget: reopenSeconds < 0.5,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        loadAverage1m: loadBefore,
        accuracy: summary.accuracy.value,
        storedSummaryOpenSeconds: storedSummarySeconds,
        storedSummaryMatches: JSON.stringify(stored) === JSON.stringify(summary),
      },
      readTrajectoryMs: trajectoryMs,
      files: {
        samplesBytes,
        trajectoriesBytes,
        indexBytes: await sizeOf('index.json'),
        samplesBytesPerSample: samplesBytes / SAMPLES,
        trajectoriesBytesPerSample: trajectoriesBytes / SAMPLES,
      },
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function runInit(run: Awaited<ReturnType<RunStore['createRun']>>) {
  const {
    id: _id,
    createdAt: _c,
    updatedAt: _u,
    finishedAt: _f,
    issues: _i,
    summary: _s,
    done: _d,
    status: _st,
    error: _e,
    ...init
  } = run;
  return init;
}
