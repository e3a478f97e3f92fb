import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Params, Result } from '../../../common/api/contract';
import { ApiError, type AnyMessage, type EventMessage } from '../../../common/api/messages';
import { Workbench } from '../../../main/api/Workbench';
import { ENGINE_READY_EVENT, type EngineChild } from '../../../main/messaging/EngineChild';
import { FakeOracleEngine } from '../runner/fakeOracleEngine';

/** An engine "process" that answers from the oracle spec, speaking the real envelope. */
function fakeEngineChild(fake: FakeOracleEngine): () => EngineChild {
  return () => {
    const listeners: Array<(message: unknown) => void> = [];
    const deliver = (message: AnyMessage) => setImmediate(() => listeners.forEach((l) => l(message)));
    fake.onEvent((event) => deliver(event));
    setImmediate(() => deliver({ type: 'event', event: ENGINE_READY_EVENT, data: {} }));
    return {
      pid: 4242,
      send: (message) => {
        if (message.type !== 'request') return;
        fake.call(message.method as MethodName, message.params as never).then(
          (result) => deliver({ type: 'response', id: message.id, result }),
          (error: unknown) =>
            deliver({
              type: 'response',
              id: message.id,
              error: (error instanceof ApiError ? error : new ApiError('failed', String(error))).toPayload(),
            }),
        );
      },
      onMessage: (listener) => listeners.push(listener),
      onExit: () => undefined,
      kill: () => undefined,
    };
  };
}

let workbench: Workbench;
let dir: string;
let notebookPath: string;
const events: EventMessage[] = [];
let nextId = 1;

async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
  const response = await workbench.handle({ type: 'request', id: nextId++, method, params });
  if ('error' in response) throw ApiError.from(response.error);
  return response.result as Result<M>;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-handlers-'));
  notebookPath = path.join(dir, 'oracle-sweep.z1.json');
  await mkdir(path.join(dir, 'datasets'));
  await copyFile('experiments/oracle-sweep.z1.json', notebookPath);
  await copyFile('experiments/datasets/oracle.jsonl', path.join(dir, 'datasets', 'oracle.jsonl'));
  workbench = new Workbench({
    host: 'headless',
    storeDir: path.join(dir, 'store'),
    spawnEngine: fakeEngineChild(new FakeOracleEngine()),
  });
  workbench.onEvent((message) => events.push(message));
});

afterAll(async () => {
  await workbench.close();
});

describe('notebooks, runs and datasets over the API (a stand-in engine process answering from the oracle spec)', () => {
  it('opens, validates and saves notebooks, and lists the examples and recent ones', async () => {
    const opened = await call('notebooks.open', { path: notebookPath });
    expect(opened).toMatchObject({ path: notebookPath, issues: [], migratedFrom: null });
    const invalid = await call('notebooks.validate', { text: opened.text.replace('"samples": 1', '"samples": 0') });
    expect(invalid.issues[0]).toMatchObject({ cellId: 'z1-sweep', path: 'cells[5].samples', line: expect.any(Number) });
    const copy = path.join(dir, 'copy.z1.json');
    await call('notebooks.save', { path: copy, notebook: opened.notebook });
    // Without the text it was opened from, a save lays the notebook out anew (docs/notebook-format.md).
    expect(JSON.parse(await readFile(copy, 'utf8'))).toEqual(opened.notebook);
    await expect(
      call('notebooks.save', { path: copy, notebook: { format: 'z1-notebook', version: 1, cells: [{ type: 'run' }] } }),
    ).rejects.toMatchObject({ code: 'invalid-params' });
    const list = await call('notebooks.list', {});
    expect(list.notebooks.filter((n) => n.kind === 'recent').map((n) => n.path)).toEqual([copy, notebookPath]);
    expect(list.notebooks.some((n) => n.kind === 'example' && n.path.endsWith('oracle-sweep.z1.json'))).toBe(true);
    const schema = await call('notebooks.schema', {});
    expect(Object.keys(schema.cells)).toEqual(['markdown', 'model', 'dataset', 'prompt', 'window', 'run', 'plot']);
  });

  it('runs a cell with progress events, then serves its runs, samples, trajectories, comparisons and exports', async () => {
    const started = await call('runs.start', { notebookPath, cellId: 'z1-sweep' });
    expect(started.runs).toHaveLength(5);
    const deadline = Date.now() + 20_000;
    while (
      !events.some(
        (e) =>
          e.event === 'run.state' &&
          (e.data as { jobId: string; state: string }).jobId === started.jobId &&
          (e.data as { state: string }).state !== 'running',
      )
    ) {
      if (Date.now() > deadline) throw new Error('the run did not finish');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(events.filter((e) => e.event === 'run.progress').at(-1)!.data).toMatchObject({
      jobId: started.jobId,
      done: 60,
      total: 60,
    });

    const listed = await call('runs.list', { notebookPath });
    expect(listed.runs).toHaveLength(5);
    expect(listed.runs.every((r) => r.status === 'complete')).toBe(true);
    const looked = (await call('runs.lookup', { notebookPath, cellId: 'z1-sweep' })).runs;
    expect(looked.map((r) => r.label)).toEqual([8, 16, 32, 64, 128].map((w) => `shifted-window W=${w}`));
    const [w8, , w32] = looked;
    expect((await call('runs.get', { runId: w32!.id })).summary!.accuracy.value).toBe(0.5);

    const page = await call('runs.samples', { runId: w32!.id, offset: 2, limit: 3, filter: {} });
    expect(page.total).toBe(12);
    expect(page.samples.map((s) => s.key)).toEqual(['q03#0', 'q04#0', 'q05#0']);
    const wrong = await call('runs.samples', { runId: w32!.id, offset: 0, limit: 100, filter: { correct: false } });
    expect(wrong.samples.map((s) => s.problemId)).toEqual(['q06', 'q07', 'q08', 'q09', 'q10', 'q11']);
    const trajectory = await call('runs.trajectory', { runId: w32!.id, key: 'q06#0' });
    expect(trajectory).toMatchObject({
      cutAt: 32,
      hintOffset: expect.any(Number),
      segments: [{ phase: 'thinking' }, { phase: 'hint', inserted: true }, { phase: 'answer' }],
    });
    expect(trajectory.text.slice(trajectory.hintOffset!)).toMatch(/^\n\nI overthought it/);
    // The notebook keeps signal summaries only: no per-token signals to show.
    await expect(call('runs.signals', { runId: w32!.id, key: 'q06#0' })).rejects.toMatchObject({
      code: 'no-signals',
      message: expect.stringContaining(
        'set the model cell\'s signals mode to "record" or the run cell\'s "recordSignals"',
      ),
    });

    const compared = await call('runs.compare', { a: w32!.id, b: w8!.id, bootstrapSeed: 0 });
    expect(compared.paired).toMatchObject({ pairs: 12, bothCorrect: 1, onlyA: 5, onlyB: 0, neither: 6 });
    expect(compared.disagreements.map((d) => d.problemId)).toEqual(['q02', 'q03', 'q04', 'q05', 'q12']);
    expect(compared.sameDataset).toBe(true);

    const csv = await call('runs.export', { runIds: [w8!.id, w32!.id], what: 'summary', format: 'csv' });
    expect(csv.text!.split('\n')[1]).toMatch(new RegExp(`^${w8!.id},shifted-window W=8,shifted-window,8,12,8.3,`));
    const file = path.join(dir, 'samples.csv');
    expect(await call('runs.export', { runIds: [w8!.id], what: 'samples', format: 'csv', path: file })).toMatchObject({
      path: file,
      text: null,
    });
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(13);
    const diff = await call('runs.rerunDiff', { runId: w8!.id });
    expect(diff).toMatchObject({ compared: 12, identical: 12, differing: [] });
    expect(await call('runs.delete', { runId: w8!.id })).toEqual({ deleted: true });
    await expect(call('runs.get', { runId: w8!.id })).rejects.toMatchObject({ code: 'unknown-run' });
  });

  it('imports and previews datasets and lists the presets', async () => {
    const imported = await call('datasets.import', {
      path: path.join(dir, 'datasets', 'oracle.jsonl'),
      map: {},
      previewRows: 2,
    });
    expect(imported).toMatchObject({ rows: 12, skipped: [], columns: ['id', 'problem', 'answer', 'thinkingLength'] });
    expect(imported.preview.map((r) => r.id)).toEqual(['q01', 'q02']);
    const preview = await call('datasets.preview', {
      source: { from: 'file', path: 'datasets/oracle.jsonl', map: {}, limit: 5 },
      notebookPath,
      offset: 3,
      limit: 10,
    });
    expect(preview.rows.map((r) => r.id)).toEqual(['q04', 'q05']);
    expect(preview.total).toBe(5);
    const presets = await call('datasets.presets', {});
    expect(presets.presets.map((p) => p.name)).toEqual([
      'math-500',
      'gsm8k',
      'aime-2024',
      'gpqa-diamond',
      'humaneval',
      'mbpp',
      'livecodebench',
    ]);
    expect(presets.presets.find((p) => p.name === 'gpqa-diamond')).toMatchObject({
      gated: true,
      redactProblems: true,
      grader: { grader: 'mcq', shuffle: true },
    });
  });
});
