import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../common/api/contract/runs';
import { notebookFile, type Notebook } from '../../../common/notebook/notebookSchema';
import {
  expectAccuracy,
  expectOutcome,
  expectThinkingHistogram,
  lastBoxed,
  oracleProblems,
  type OracleStrategy,
} from '../../../main/fixtures/oracleSpec';
import type { GradeResult } from '../../../main/grading';
import { GRADING_RULES_VERSION } from '../../../main/grading';
import { Runner, type GradeFunction } from '../../../main/runner/Runner';
import { RunStore } from '../../../main/store/RunStore';
import { summarizeSignals } from '../../../common/signals/summarizeSignals';
import { graderSettings } from '../../../common/grading/graderSettings';
import { signalsOf } from '../../../main/runner/runQueries';
import { summaryFields } from '../../../main/runner/sampleRecord';
import { fromHalf, toHalf } from '../../../main/store/float16';
import { SIGNALS_FILE } from '../../../main/store/signalBlocks';
import { FakeOracleEngine, fakeSignals } from './fakeOracleEngine';

const EXAMPLE = path.resolve('experiments/oracle-sweep.z1.json');

/**
 * Compares the last \boxed{} with the gold answer: enough for the oracle, and instant. As an
 * "exact" grader it compares the whole response, which no oracle response equals.
 */
const boxedGrader: GradeFunction = async (settings, item) => {
  const answer = settings.grader === 'exact' ? item.response.trim() : lastBoxed(item.response);
  const correct = answer === String(item.gold);
  return {
    outcome: answer === null ? 'unparsed' : correct ? 'correct' : 'wrong',
    correct,
    extracted: answer,
    method: 'boxed',
    span: null,
    reason: '',
    answerKey: answer,
  } satisfies GradeResult;
};

interface Setup {
  dir: string;
  notebookPath: string;
  store: RunStore;
  engine: FakeOracleEngine;
  runner: Runner;
  events: Array<{ event: string; data: unknown }>;
}

let open: Setup[] = [];
afterEach(async () => {
  for (const s of open) {
    await s.runner.close();
    await s.store.close();
  }
  open = [];
});

async function setup(dir?: string): Promise<Setup> {
  dir ??= await mkdtemp(path.join(os.tmpdir(), 'z1wb-runner-'));
  const notebookPath = path.join(dir, 'oracle-sweep.z1.json');
  await mkdir(path.join(dir, 'datasets'), { recursive: true });
  await copyFile(EXAMPLE, notebookPath).catch(() => undefined);
  await copyFile(path.resolve('experiments/datasets/oracle.jsonl'), path.join(dir, 'datasets', 'oracle.jsonl')).catch(
    () => undefined,
  );
  const store = await RunStore.open(path.join(dir, 'store'));
  const engine = new FakeOracleEngine();
  const events: Setup['events'] = [];
  const runner = new Runner({
    store,
    appVersion: 'test',
    engine,
    storeDir: path.join(dir, 'store'),
    emit: (event, data) => events.push({ event, data }),
    grade: boxedGrader,
    itemsPerRequest: 5,
    // Every progress event, unthrottled: tests read each one.
    progressMs: 0,
  });
  const s = { dir, notebookPath, store, engine, runner, events };
  open.push(s);
  return s;
}

async function runCell(s: Setup, cellId: string, notebook?: Notebook) {
  const started = await s.runner.start({ notebookPath: s.notebookPath, cellId, ...(notebook ? { notebook } : {}) });
  return { started, outcome: await s.runner.wait(started.jobId) };
}

// Notebook JSON is edited freely here, as a user would in a text editor.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EditableNotebook = { cells: Array<Record<string, any>> };

/** The notebook file edited, then parsed as the API parses an editor's notebook. */
async function editNotebook(s: Setup, edit: (nb: EditableNotebook) => void): Promise<Notebook> {
  const nb = JSON.parse(await readFile(s.notebookPath, 'utf8'));
  edit(nb);
  return notebookFile.parse(nb);
}

const windowOf = (r: RunRecord) => (r.settings.strategy as { window: number }).window;

describe('Runner (on an engine that answers from the oracle spec)', () => {
  it('runs the sweep: exact accuracy and thinking histogram at every window', async () => {
    const s = await setup();
    const { started, outcome } = await runCell(s, 'z1-sweep');
    expect(started.runs.map((r) => [r.label, r.origin])).toEqual(
      [8, 16, 32, 64, 128].map((w) => [`shifted-window W=${w}`, 'new']),
    );
    expect(outcome.state).toBe('complete');
    for (const run of outcome.runs) {
      const strategy = { strategy: 'shifted-window' as const, window: windowOf(run) };
      expect(run.status).toBe('complete');
      expect(run.summary!.accuracy.value).toBeCloseTo(expectAccuracy('plain', strategy), 12);
      const counts = new Map<number, number>();
      for (const bin of run.summary!.thinking.phase1.histogram.bins) if (bin.count) counts.set(bin.start, bin.count);
      expect(run.summary!.thinking.phase1.histogram.binWidth).toBe(windowOf(run) < 40 ? 1 : windowOf(run) < 80 ? 2 : 5);
      // Every value falls in the bin that starts at it (or below it for wider bins).
      const expected = new Map<number, number>();
      const width = run.summary!.thinking.phase1.histogram.binWidth;
      for (const [tokens, n] of expectThinkingHistogram('plain', strategy))
        expected.set(Math.floor(tokens / width) * width, (expected.get(Math.floor(tokens / width) * width) ?? 0) + n);
      expect(counts).toEqual(expected);
      expect(run.provenance).toMatchObject({
        llamaCpp: { release: 'b0000' },
        dataset: { problems: 12 },
        seeds: { run: 0 },
      });
    }
    // One request per chunk of 5 items, all five windows branched in each.
    expect(s.engine.generateCalls.map((c) => [c.items.length, c.strategies.length])).toEqual([
      [5, 5],
      [5, 5],
      [2, 5],
    ]);
    const states = s.events.filter((e) => e.event === 'run.state').map((e) => (e.data as { state: string }).state);
    expect(states).toEqual(['running', 'complete']);
    expect(s.events.filter((e) => e.event === 'run.sample')).toHaveLength(60);
    expect(s.events.filter((e) => e.event === 'run.progress').at(-1)!.data).toMatchObject({ done: 60, total: 60 });
  });

  it('reuses stored samples for an unchanged cell, and never when an input changes', async () => {
    const s = await setup();
    const first = await runCell(s, 'z1-sweep');
    const again = await runCell(s, 'z1-sweep');
    expect(again.started.runs.map((r) => r.origin)).toEqual(['cached', 'cached', 'cached', 'cached', 'cached']);
    expect(again.started.runs.map((r) => r.runId)).toEqual(first.started.runs.map((r) => r.runId));
    expect(s.engine.generateCalls).toHaveLength(3);

    // A longer sweep reuses the windows it shares and runs only the new one.
    const longer = await editNotebook(s, (nb) => (nb.cells[4]!.window.window = [8, 16, 32, 64, 128, 256]));
    const grown = await runCell(s, 'z1-sweep', longer);
    expect(grown.started.runs.map((r) => r.origin)).toEqual(['cached', 'cached', 'cached', 'cached', 'cached', 'new']);

    const changes: Array<[string, (nb: EditableNotebook) => void]> = [
      ['seed', (nb) => (nb.cells[5]!.sampling.seed = 1)],
      ['temperature', (nb) => (nb.cells[5]!.sampling.temperature = 0.5)],
      ['sample count', (nb) => (nb.cells[5]!.samples = 2)],
      ['hint', (nb) => (nb.cells[4]!.window.hint = '\n\nTime is up:\n\n')],
      ['prompt', (nb) => (nb.cells[3]!.prompt.template = 'Q: {{problem}}')],
      ['model settings', (nb) => (nb.cells[1]!.model.contextSize = 1024)],
      ['model file', (nb) => (nb.cells[1]!.model.source = 'fixture:stochastic')],
      ['dataset', (nb) => (nb.cells[2]!.dataset.limit = 11)],
    ];
    for (const [what, change] of changes) {
      const edited = await editNotebook(s, change);
      const { started } = await runCell(s, 'z1-sweep', edited);
      expect(
        started.runs.map((r) => r.origin),
        what,
      ).toEqual(['new', 'new', 'new', 'new', 'new']);
    }
    // Editing the dataset file's content changes its fingerprint: new runs, not stale samples.
    await writeFile(
      path.join(s.dir, 'datasets', 'oracle.jsonl'),
      (await readFile(path.join(s.dir, 'datasets', 'oracle.jsonl'), 'utf8')).replace('"answer":"5"', '"answer":"6"'),
    );
    expect((await runCell(s, 'z1-sweep')).started.runs.map((r) => r.origin)).toEqual([
      'new',
      'new',
      'new',
      'new',
      'new',
    ]);
  });

  it('stops when the engine crashes and resumes to exactly the uninterrupted result', async () => {
    const reference = await setup();
    const uninterrupted = (await runCell(reference, 'z1-sweep')).outcome.runs;

    const s = await setup();
    s.engine.crashAfter = 7;
    const crashed = await runCell(s, 'z1-sweep');
    expect(crashed.outcome.state).toBe('failed');
    expect(crashed.outcome.error).toContain('killed by SIGKILL');
    for (const run of crashed.outcome.runs)
      expect(run).toMatchObject({ status: 'stopped', done: 7, error: expect.stringContaining('resume') });

    const resumed = await s.runner.resume(crashed.outcome.runs[2]!.id);
    expect(resumed.runs).toEqual([
      { runId: crashed.outcome.runs[2]!.id, label: 'shifted-window W=32', origin: 'resumed' },
    ]);
    expect((await s.runner.wait(resumed.jobId)).state).toBe('complete');
    // Starting the cell again resumes the other four (the one just finished is cached).
    const rest = await runCell(s, 'z1-sweep');
    expect(rest.started.runs.map((r) => r.origin)).toEqual(['resumed', 'resumed', 'cached', 'resumed', 'resumed']);
    expect(rest.outcome.state).toBe('complete');
    for (const [i, run] of rest.outcome.runs.entries()) {
      const files = await s.store.runFiles(run.id);
      const keys = files.records().map((r) => r.key);
      expect(new Set(keys).size).toBe(12);
      expect(keys).toHaveLength(12);
      const reference_ = await reference.store.runFiles(uninterrupted[i]!.id);
      expect(files.records()).toEqual(reference_.records());
      expect(run.summary).toEqual(uninterrupted[i]!.summary);
    }
    // Only the missing items were generated again: 7 before the crash, then 5 + 5 for the rest.
    const generated = s.engine.generateCalls.flatMap((c) => c.items.map((i) => `${i.key}x${c.strategies.length}`));
    expect(generated.filter((k) => k.startsWith('q01#0'))).toEqual(['q01#0x5']);
  });

  it('regrades the stored trajectories when only the grader changes: no generation, the old grading kept', async () => {
    const s = await setup();
    const first = await runCell(s, 'z1-sweep');
    const generated = s.engine.generateCalls.length;
    const loads = s.engine.loads;
    const exact = await editNotebook(s, (nb) => (nb.cells[2]!.grader = { grader: 'exact' }));
    const regraded = await runCell(s, 'z1-sweep', exact);
    expect(regraded.outcome.state).toBe('complete');
    expect(regraded.started.runs.map((r) => r.origin)).toEqual(Array(5).fill('regraded'));
    expect(s.engine.generateCalls).toHaveLength(generated);
    expect(s.engine.loads).toBe(loads);
    const generatedAfterRegrade = s.engine.generateCalls.length;

    for (const [i, run] of regraded.outcome.runs.entries()) {
      const source = first.outcome.runs[i]!;
      expect(run.id).not.toBe(source.id);
      expect(run).toMatchObject({ regradeOf: source.id, generationKey: source.generationKey, done: 12 });
      expect(run.settings.grader).toEqual({ grader: 'exact', caseSensitive: false, fallbacks: [], timeLimitMs: 5000 });
      expect(run.provenance!.grading).toMatchObject({ regradeOf: source.id, rulesVersion: GRADING_RULES_VERSION });
      expect(run.summary!.accuracy.value).toBe(0);
      // The same trajectories, graded anew; the source run keeps its own grades.
      const [was, now] = [await s.store.runFiles(source.id), await s.store.runFiles(run.id)];
      expect(now.records().map(({ outcome: _o, correct: _c, extracted: _e, answerKey: _a, ...rest }) => rest)).toEqual(
        was.records().map(({ outcome: _o, correct: _c, extracted: _e, answerKey: _a, ...rest }) => rest),
      );
      expect((await now.readTrajectory('q05#0')).text).toBe((await was.readTrajectory('q05#0')).text);
      expect(s.store.get(source.id).summary).toEqual(source.summary);
    }
    // A regrading generated nothing, so re-running it compares the same generation.
    expect(await s.runner.rerunDiff(regraded.outcome.runs[0]!.id)).toMatchObject({ compared: 12, identical: 12 });
    // Each grading is reused from then on, the old one as much as the new one.
    expect((await runCell(s, 'z1-sweep', exact)).started.runs.map((r) => r.origin)).toEqual(Array(5).fill('cached'));
    expect((await runCell(s, 'z1-sweep')).started.runs.map((r) => r.runId)).toEqual(
      first.started.runs.map((r) => r.runId),
    );

    const diffCalls = s.engine.generateCalls.length - generatedAfterRegrade;
    // An explicit regrade (the CLI's and the UI's) makes a third grading, and a second ask reuses it.
    const numeric = { grader: 'numeric' as const, tolerance: 0, relativeTolerance: 0, fallbacks: [], timeLimitMs: 100 };
    const explicit = await s.runner.regrade([first.outcome.runs[0]!.id], numeric);
    expect(explicit.runs.map((r) => r.origin)).toEqual(['regraded']);
    expect((await s.runner.wait(explicit.jobId)).runs[0]).toMatchObject({ status: 'complete', done: 12 });
    expect((await s.runner.regrade([first.outcome.runs[0]!.id], numeric)).runs[0]).toMatchObject({
      origin: 'cached',
      runId: explicit.runs[0]!.runId,
    });
    expect(s.engine.generateCalls).toHaveLength(generated + diffCalls);
  });

  it('runs stored before generation keys existed are regraded too: the key is recovered from their provenance', async () => {
    const s = await setup();
    const first = await runCell(s, 'baseline');
    const legacy = first.outcome.runs[0]!;
    await s.store.updateRun(legacy.id, { generationKey: undefined, regradeOf: undefined, cacheKey: 'samples/1 key' });
    const runner = new Runner({
      store: s.store,
      appVersion: 'test',
      engine: s.engine,
      storeDir: path.join(s.dir, 'store'),
      emit: () => undefined,
      grade: boxedGrader,
    });
    open.push({ ...s, runner });
    const exact = await editNotebook(s, (nb) => (nb.cells[2]!.grader = { grader: 'exact' }));
    const started = await runner.start({ notebookPath: s.notebookPath, cellId: 'baseline', notebook: exact });
    expect(started.runs.map((r) => r.origin)).toEqual(['regraded']);
    expect((await runner.wait(started.jobId)).runs[0]).toMatchObject({ regradeOf: legacy.id, done: 12 });
    expect(s.store.get(legacy.id).generationKey).toBe(first.outcome.runs[0]!.generationKey);
  });

  it('a stopped run is finished under a new grader by grading what it holds and generating only the rest', async () => {
    const s = await setup();
    s.engine.cancelInside = {
      key: 'q04#0',
      afterSteps: 0,
      cancel: () => s.runner.cancel(s.runner.activeJobs()[0]!.jobId),
    };
    const stopped = (await runCell(s, 'baseline')).outcome.runs[0]!;
    s.engine.cancelInside = null;
    expect(stopped).toMatchObject({ status: 'stopped', done: 3 });
    const before = s.engine.generateCalls.flatMap((c) => c.items.map((i) => i.key)).length;
    const exact = await editNotebook(s, (nb) => (nb.cells[2]!.grader = { grader: 'exact' }));
    const finished = await runCell(s, 'baseline', exact);
    expect(finished.started.runs.map((r) => r.origin)).toEqual(['regraded']);
    expect(finished.outcome.runs[0]).toMatchObject({ status: 'complete', done: 12, regradeOf: stopped.id });
    const generatedNow = s.engine.generateCalls.flatMap((c) => c.items.map((i) => i.key)).slice(before);
    expect(generatedNow).toEqual(['q04#0', 'q05#0', 'q06#0', 'q07#0', 'q08#0', 'q09#0', 'q10#0', 'q11#0', 'q12#0']);
  });

  it('estimates the time left from samples stored, never from the start-up before the first one', async () => {
    const s = await setup();
    await runCell(s, 'baseline');
    const progress = s.events
      .filter((e) => e.event === 'run.progress')
      .map((e) => e.data as { done: number; etaSeconds: number | null });
    // The first stored sample starts the clock: no estimate yet, then one from the measured rate.
    expect(progress[0]).toMatchObject({ done: 1, etaSeconds: null });
    expect(
      progress.filter((p) => p.done > 1 && p.done < 12).every((p) => p.etaSeconds !== null && p.etaSeconds >= 0),
    ).toBe(true);
    expect(progress.at(-1)).toMatchObject({ done: 12, etaSeconds: 0 });
  });

  it('cancels a job, keeping finished samples, and resumes it', async () => {
    const s = await setup();
    const started = await s.runner.start({ notebookPath: s.notebookPath, cellId: 'baseline' });
    s.runner.cancel(started.jobId);
    const outcome = await s.runner.wait(started.jobId);
    expect(outcome.state).toBe('stopped');
    expect(outcome.runs[0]).toMatchObject({ status: 'stopped', error: 'cancelled' });
    const done = outcome.runs[0]!.done;
    expect(done).toBeLessThan(12);
    const resumed = await s.runner.resume(outcome.runs[0]!.id);
    const final = await s.runner.wait(resumed.jobId);
    expect(final.runs[0]).toMatchObject({ status: 'complete', done: 12 });
    expect(final.runs[0]!.summary!.accuracy.value).toBe(1);
  });

  it('re-runs a stored run and reports identical samples or the first differing token', async () => {
    const s = await setup();
    const { outcome } = await runCell(s, 'z1-sweep');
    const w8 = outcome.runs[0]!;
    const same = await s.runner.rerunDiff(w8.id);
    expect(same).toEqual({ runId: w8.id, compared: 12, identical: 12, differing: [] });
    s.engine.perturb.add('q03#0');
    const diff = await s.runner.rerunDiff(w8.id);
    const trajectory = await (await s.store.runFiles(w8.id)).readTrajectory('q03#0');
    const answerStart = trajectory.segments
      .filter((seg) => seg.phase !== 'answer')
      .reduce((n, seg) => n + seg.tokens.length, 0);
    expect(diff.identical).toBe(11);
    expect(diff.differing).toEqual([
      {
        key: 'q03#0',
        firstDifference: answerStart,
        phase: 'answer',
        storedTokens: expect.any(Number),
        newTokens: expect.any(Number),
      },
    ]);
    expect(trajectory).toMatchObject({
      cutAt: 8,
      hintOffset: expect.any(Number),
      segments: [{ phase: 'thinking' }, { phase: 'hint', inserted: true }, { phase: 'answer' }],
    });
  });

  it("finds a cell's stored runs by its settings and refuses to run one run twice at once", async () => {
    const s = await setup();
    expect(await s.runner.lookup({ notebookPath: s.notebookPath, cellId: 'z1-sweep' })).toEqual([]);
    const started = await s.runner.start({ notebookPath: s.notebookPath, cellId: 'baseline' });
    await expect(s.runner.start({ notebookPath: s.notebookPath, cellId: 'baseline' })).rejects.toThrow(
      'is already running',
    );
    await s.runner.wait(started.jobId);
    const found = await s.runner.lookup({ notebookPath: s.notebookPath, cellId: 'baseline' });
    expect(found.map((r) => r.id)).toEqual([started.runs[0]!.runId]);
  });

  it("asks for the model cell's signals (summaries by default) and stores them; recording never changes which run is reused", async () => {
    const s = await setup();
    const first = await runCell(s, 'baseline');
    const requests = s.engine.generateCalls.length;
    expect(s.engine.generateCalls.map((call) => call.signals)).toEqual(
      new Array(requests).fill({ mode: 'summary', topK: 20, groupSize: 2048 }),
    );
    const runId = first.started.runs[0]!.runId;
    const files = await s.store.runFiles(runId);
    expect(files.count).toBe(12);
    for (const record of files.records()) {
      const { segments } = await files.readTrajectory(record.key);
      const summary = summarizeSignals(fakeSignals(segments, 20), { topK: 20, groupSize: 2048 });
      expect(record).toMatchObject({ ...summaryFields(summary), discardedTokens: 0, probeCount: 0 });
      expect(record.meanConfidence).not.toBeNull();
      expect(files.hasSignals(record.key)).toBe(false);
    }
    expect(await readdir(s.store.runDir(runId))).not.toContain(SIGNALS_FILE);
    expect(s.store.get(runId).settings.signals).toEqual({ mode: 'summary', topK: 20, groupSize: 2048 });

    // Recording turned on by the run cell, or the model cell's signals changed: the same samples, the same run.
    const edits: Array<(nb: EditableNotebook) => void> = [
      (nb) => (nb.cells.find((c) => c.id === 'baseline')!.recordSignals = true),
      (nb) => (nb.cells[1]!.model.signals = { mode: 'record', topK: 5, groupSize: 16 }),
    ];
    for (const edit of edits) {
      const notebook = await editNotebook(s, edit);
      const again = await runCell(s, 'baseline', notebook);
      expect(again.started.runs).toEqual([{ runId, label: first.started.runs[0]!.label, origin: 'cached' }]);
      expect(await s.runner.lookup({ notebookPath: s.notebookPath, cellId: 'baseline', notebook })).toMatchObject([
        { id: runId },
      ]);
    }
    expect(s.engine.generateCalls).toHaveLength(requests);

    // A new run with recording on keeps every token's signals; one with signals off has no summaries.
    const recording = await editNotebook(s, (nb) => {
      nb.cells.find((c) => c.id === 'z1-sweep')!.recordSignals = true;
      nb.cells.find((c) => c.id === 'z1-sweep')!.sampling.seed = 3;
    });
    const recorded = await runCell(s, 'z1-sweep', recording);
    expect(recorded.started.runs.map((r) => r.origin)).toEqual(['new', 'new', 'new', 'new', 'new']);
    expect(s.engine.generateCalls.at(-1)!.signals).toEqual({ mode: 'record', topK: 20, groupSize: 2048 });
    const w8 = recorded.started.runs[0]!.runId;
    const w8Files = await s.store.runFiles(w8);
    const cut = w8Files.records().find((r) => r.cut)!;
    const trajectory = await w8Files.readTrajectory(cut.key);
    const expected = fakeSignals(trajectory.segments, 20);
    const half = (values: Array<number | null>) => values.map((v) => (v === null ? null : fromHalf(toHalf(v))));
    const read = await signalsOf(s.store, w8, cut.key);
    expect(read).toStrictEqual({
      key: cut.key,
      topK: 20,
      tokens: expected.logprob.length,
      logprob: half(expected.logprob),
      entropy: half(expected.entropy),
      confidence: half(expected.confidence),
      spans: trajectory.segments.reduce<Array<{ phase: string; inserted: boolean; start: number; end: number }>>(
        (spans, segment) => {
          const start = spans.at(-1)?.end ?? 0;
          return [
            ...spans,
            { phase: segment.phase, inserted: segment.inserted, start, end: start + segment.tokens.length },
          ];
        },
        [],
      ),
      cutIndex: 8,
      probes: [],
    });
    // W = 8: eight thinking tokens, then the inserted hint (no signals), then the answer.
    expect(read.spans.slice(0, 2)).toEqual([
      { phase: 'thinking', inserted: false, start: 0, end: 8 },
      { phase: 'hint', inserted: true, start: 8, end: 9 },
    ]);
    expect(read.logprob[8]).toBeNull();
    expect(read.logprob[7]).not.toBeNull();
    expect(read.logprob.every((v, i) => (v === null) === (i === 8))).toBe(true);
    // A regrading keeps them (it copies the trajectories and their signals).
    const regrading = await s.runner.regrade([w8], graderSettings.parse({ grader: 'exact' }));
    await s.runner.wait(regrading.jobId);
    expect(await signalsOf(s.store, regrading.runs[0]!.runId, cut.key)).toStrictEqual(read);

    const off = await editNotebook(s, (nb) => {
      nb.cells[1]!.model.signals = { mode: 'off' };
      nb.cells.find((c) => c.id === 'baseline')!.sampling.seed = 4;
    });
    const quiet = await runCell(s, 'baseline', off);
    const quietFiles = await s.store.runFiles(quiet.started.runs[0]!.runId);
    expect(quietFiles.records().map((r) => r.meanConfidence)).toEqual(new Array(12).fill(null));
    await expect(signalsOf(s.store, quiet.started.runs[0]!.runId, 'q01#0')).rejects.toThrow('has no per-token signals');
  });

  it('stores every sample under its own strategy when a batch is cancelled inside an item, with a strategy listed twice', async () => {
    const s = await setup();
    const sweep = { strategy: 'shifted-window', window: [8, 16], answerBudget: 16, maxTokens: 256 };
    const unbounded = { strategy: 'unbounded', maxTokens: 256 };
    // The engine runs the sweep (W=8, W=16) before the unbounded run, so the cancel inside q03#0
    // leaves the unbounded strategy (request position 1) without a result.
    const notebook = await editNotebook(s, (nb) => {
      nb.cells.find((c) => c.id === 'z1-windows')!.window = [
        { ...sweep, window: 8 },
        unbounded,
        { ...sweep, window: 16 },
        unbounded,
      ];
    });
    s.engine.cancelInside = {
      key: 'q03#0',
      afterSteps: 1,
      cancel: () => s.runner.cancel(s.runner.activeJobs()[0]!.jobId),
    };
    const { started, outcome } = await runCell(s, 'z1-sweep', notebook);
    expect(outcome.state).toBe('stopped');
    expect(started.runs.map((r) => r.label)).toHaveLength(4);
    expect(new Set(started.runs.map((r) => r.runId)).size).toBe(3);
    // Equal strategies are one run, asked of the engine once.
    expect(s.engine.generateCalls[0]!.strategies.map((st) => st.strategy)).toEqual([
      'shifted-window',
      'unbounded',
      'shifted-window',
    ]);

    const storedKeys = async () => {
      const byStrategy: Record<string, string[]> = {};
      for (const id of new Set(started.runs.map((r) => r.runId))) {
        const record = s.store.get(id);
        const files = await s.store.runFiles(id);
        const strategy = record.settings.strategy as OracleStrategy;
        const name = strategy.strategy === 'unbounded' ? 'unbounded' : `W=${(strategy as { window: number }).window}`;
        byStrategy[name] = files.records().map((sample) => sample.key);
        for (const sample of files.records()) {
          const problem = oracleProblems.find((p) => p.id === sample.problemId)!;
          const expected = expectOutcome(problem, 'plain', strategy);
          expect({ run: name, key: sample.key, thinking: sample.phase1Tokens, cut: sample.cut }).toEqual({
            run: name,
            key: sample.key,
            thinking: expected.thinkingTokens,
            cut: expected.cut,
          });
        }
      }
      return byStrategy;
    };
    expect(await storedKeys()).toEqual({
      'W=8': ['q01#0', 'q02#0', 'q03#0'],
      unbounded: ['q01#0', 'q02#0'],
      'W=16': ['q01#0', 'q02#0', 'q03#0'],
    });

    s.engine.cancelInside = null;
    const resumed = await runCell(s, 'z1-sweep', notebook);
    expect(resumed.outcome.state).toBe('complete');
    const after = await storedKeys();
    expect(Object.values(after).map((keys) => keys.length)).toEqual([12, 12, 12]);
  });
});
