import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import type { RunSummary } from '../../common/api/contract/runs';
import { encodeRowLine } from '../../main/store/checksummedLines';
import { RunFiles } from '../../main/store/RunFiles';
import { sampleToRow } from '../../main/store/sampleRows';
import { appendDurably, runSignalsBench } from './storeSignals';
import { makeSample } from './storeSamples';
import { RunStore } from '../../main/store/RunStore';
import { summarizeRun } from '../../main/store/runSummary';
import { SampleColumns } from '../../main/store/sampleColumns';
import { SAMPLES_CACHE_FILE } from '../../main/store/samplesCache';

const SAMPLES = 100_000;
/** Appends in flight at once, as when several sequences (and several runs of a sweep) finish together. */
const IN_FLIGHT = 64;
const SERIAL_SAMPLES = 200;
/** Reopen rounds; each path's median is reported. */
const ROUNDS = 5;

/**
 * The store's numbers (docs/architecture.md, "Targets"): durable append throughput for 100k samples, the time
 * to reopen a 100k-sample run and aggregate it (target < 0.5 s) by the old path and the new one
 * side by side, and the file sizes.
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
    await appendDurably(files, samples, IN_FLIGHT);
    const appendSeconds = (performance.now() - appendStart) / 1000;
    // Completing the run saves samples.cache (the columns), as the runner's last update does.
    const finalSummary = summarizeRun(files.records(), 4);
    const cacheWriteStart = performance.now();
    await store.updateRun(run.id, { status: 'complete', done: SAMPLES, summary: finalSummary });
    const cacheWriteSeconds = (performance.now() - cacheWriteStart) / 1000;
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

    // Reopen cold and aggregate, three ways side by side, alternating, each in a fresh process
    // (cold JIT, empty heap, nothing shared between the paths; the time is measured inside it,
    // from RunStore.open to the summary): the old path (every line of samples.jsonl through
    // JSON.parse, records, summarizeRun), the new path (samples.cache checked against
    // samples.jsonl by crc32, columns, summarize), and the new path after a kill -9 left no
    // cache (parse every line once, write the cache). CPU time is reported too: on a shared
    // machine the wall clock mostly measures the neighbours.
    const runDir = store.runDir(run.id);
    const cachePath = path.join(runDir, SAMPLES_CACHE_FILE);
    const cacheBytes = (await stat(cachePath)).size;
    const loadBefore = os.loadavg()[0]!;
    const timings: Record<ReopenPath, ReopenResult[]> = { old: [], new: [], newWithoutCache: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of ['old', 'new', 'newWithoutCache'] as const) {
        if (which === 'newWithoutCache') await rm(cachePath);
        timings[which].push(await reopenInChild(root, run.id, which));
      }
    }
    const summaries = {
      old: timings.old.at(-1)!.summary,
      new: timings.new.at(-1)!.summary,
      newWithoutCache: timings.newWithoutCache.at(-1)!.summary,
    };
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
    const stats = (which: ReopenPath) => ({
      seconds: median(timings[which].map((t) => t.seconds)),
      cpuSeconds: median(timings[which].map((t) => t.cpuSeconds)),
      allSeconds: timings[which].map((t) => t.seconds),
      samplesFromCache: timings[which].map((t) => t.cachedSamples),
      summariesEqual: timings[which].every((t) => JSON.stringify(t.summary) === JSON.stringify(summaries.old)),
    });
    const oldPath = stats('old');
    const newPath = stats('new');
    const withoutCache = stats('newWithoutCache');
    // The new path again inside this process, where its code has already run (as when the app
    // opens a second run): the JIT is warm.
    const warm: number[] = [];
    for (let round = 0; round < ROUNDS + 1; round++) {
      const start = performance.now();
      const s = await RunStore.open(root);
      (await s.runFiles(run.id)).summarize(4);
      warm.push((performance.now() - start) / 1000);
      await s.close();
    }
    const newWarmSeconds = median(warm.slice(1));

    // The UI's view: the stored summary, no sample file read at all.
    const storedStart = performance.now();
    store = await RunStore.open(root);
    const stored = store.get(run.id).summary;
    const storedSummarySeconds = (performance.now() - storedStart) / 1000;
    const trajectoryStart = performance.now();
    files = await store.runFiles(run.id);
    for (let i = 0; i < 100; i++) await files.readTrajectory(samples[(i * 997) % SAMPLES]!.record.key);
    const trajectoryMs = (performance.now() - trajectoryStart) / 100;
    const recordsStart = performance.now();
    const recordCount = files.records().length;
    const recordsSeconds = (performance.now() - recordsStart) / 1000;
    await store.close();

    // What the new bookkeeping adds to an append: the columns and the running crc32 of
    // samples.jsonl (the rows are encoded as before, outside the timing).
    const rowLines = samples.map((s, i) => Buffer.from(encodeRowLine(sampleToRow(s.record, { t: [i, 1], s: null }))));
    const columns = new SampleColumns();
    const bookkeepingStart = performance.now();
    let crc = 0;
    for (let i = 0; i < SAMPLES; i++) {
      columns.setRecord(i, samples[i]!.record, { t: [i, 1], s: null });
      columns.length++;
      crc = crc32(rowLines[i]!, crc);
    }
    const bookkeepingSeconds = (performance.now() - bookkeepingStart) / 1000;

    const sizeOf = async (file: string) => (await stat(path.join(root, file))).size;
    const samplesBytes = await sizeOf(`runs/${run.id}/samples.jsonl`);
    const trajectoriesBytes = await sizeOf(`runs/${run.id}/trajectories.jsonl`);
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    return {
      samples: SAMPLES,
      append: {
        inFlight: IN_FLIGHT,
        seconds: appendSeconds,
        samplesPerSecond: SAMPLES / appendSeconds,
        serialDurableAppendMs: serialMs,
        // Measured apart (the same work without I/O), as a share of the durable append time.
        columnsAndCrcSeconds: bookkeepingSeconds,
        columnsAndCrcShare: bookkeepingSeconds / appendSeconds,
        cacheWriteAtCloseSeconds: cacheWriteSeconds,
      },
      reopenAndAggregate: {
        rounds: ROUNDS,
        loadAverage1m: loadBefore,
        targetSeconds: 0.5,
        old: { what: 'JSON.parse of every line, records, summarizeRun', ...oldPath },
        new: { what: 'samples.cache checked by crc32 of samples.jsonl, columns, summarize', ...newPath },
        newWithoutCache: {
          what: 'no cache (kill -9 before it was saved): parse every line, write the cache',
          ...withoutCache,
        },
        newInProcessWarmSeconds: newWarmSeconds,
        speedup: oldPath.seconds / newPath.seconds,
        cpuSpeedup: oldPath.cpuSeconds / newPath.cpuSeconds,
        withinTarget: newPath.seconds < 0.5,
        accuracy: summaries.new.accuracy.value,
        newEqualsOld: newPath.summariesEqual,
        withoutCacheEqualsOld: withoutCache.summariesEqual,
        storedSummaryMatches: same(stored, summaries.old),
        storedSummaryOpenSeconds: storedSummarySeconds,
        recordsFromColumnsSeconds: recordsSeconds,
        records: recordCount,
      },
      readTrajectoryMs: trajectoryMs,
      signals: await runSignalsBench(),
      files: {
        samplesBytes,
        samplesCacheBytes: cacheBytes,
        trajectoriesBytes,
        indexBytes: await sizeOf('index.json'),
        samplesBytesPerSample: samplesBytes / SAMPLES,
        samplesCacheBytesPerSample: cacheBytes / SAMPLES,
        trajectoriesBytesPerSample: trajectoriesBytes / SAMPLES,
      },
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

type ReopenPath = 'old' | 'new' | 'newWithoutCache';
interface ReopenResult {
  seconds: number;
  cpuSeconds: number;
  cachedSamples: number;
  summary: RunSummary;
}
const CHILD_FLAG = '--store-reopen-child';

/** Runs one cold reopen + aggregate in a fresh process (this file, with CHILD_FLAG). */
function reopenInChild(root: string, runId: string, which: ReopenPath): Promise<ReopenResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), CHILD_FLAG, root, runId, which],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as ReopenResult) : reject(new Error(`reopen child exited with ${code}`)),
    );
  });
}

/** The child: reopen the store and the run by one path, summarize, print the timing and summary. */
async function reopenChild(root: string, runId: string, which: ReopenPath): Promise<void> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const store = await RunStore.open(root);
  let summary: RunSummary;
  let cachedSamples = 0;
  if (which === 'old') {
    const { files } = await RunFiles.open(store.runDir(runId), { cache: false });
    summary = summarizeRun(files.records(), 4);
    await files.close();
  } else {
    const files = await store.runFiles(runId);
    summary = files.summarize(4);
    cachedSamples = files.loaded.cachedSamples;
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  await store.close();
  const result: ReopenResult = { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, cachedSamples, summary };
  process.stdout.write(JSON.stringify(result));
}

if (process.argv[2] === CHILD_FLAG) {
  const [root, runId, which] = process.argv.slice(3);
  reopenChild(root!, runId!, which as ReopenPath).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
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
