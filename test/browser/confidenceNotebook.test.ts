/// <reference lib="dom" />
// (Code inside page.evaluate runs in the page: the DOM types describe it.)
import { copyFile, cp, mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord, SampleRecord, SampleSignals } from '../../common/api/contract/runs';
import { weightedVote } from '../../common/signals/deepConfVote';
import { chromiumPath, collectErrors, launchChromium } from '../helpers/chromium';
import { REPO_ROOT, startTestHost, waitFor, type TestHost } from '../helpers/headlessHost';
import { drawn, drawnShades } from './drawnTraces';

const ARTIFACTS = path.join(REPO_ROOT, 'test-results', 'figures');
const NOTEBOOK = 'confidence-strategies.z1.json';
const RUN_CELLS = ['run-z1', 'run-s1', 'run-early-exit', 'run-deepconf', 'run-unbounded', 'run-majority'];
/** A drawn point matches within Plotly's pixel rounding: 1% of its tokens, 0.5 points of accuracy. */
const near = ([x, y]: [number, number]) => [expect.closeTo(x, 1 - Math.floor(Math.log10(x))), expect.closeTo(y, 2)];

/**
 * A run's frontier point computed here from its stored samples, apart from the renderer's code:
 * every generated token over the problems; accuracy of one sample, of the majority, or of
 * DeepConf's confidence-weighted vote over the traces its filter did not stop.
 */
function expectedPoint(run: RunRecord, samples: readonly SampleRecord[]): [number, number] {
  const problems = new Map<string, SampleRecord[]>();
  for (const s of samples) problems.set(s.problemId, [...(problems.get(s.problemId) ?? []), s]);
  const tokens = samples.reduce((sum, s) => sum + s.totalTokens + s.discardedTokens, 0);
  let right = 0;
  for (const list of problems.values()) {
    if (list.length === 1) right += list[0]!.correct ? 1 : 0;
    else if (run.settings.strategy.strategy === 'deepconf')
      right += weightedVote(
        list
          .filter((s) => s.stopReason !== 'low-confidence')
          .map((s) => ({ answerKey: s.answerKey, correct: s.correct, confidence: s.lowestGroupConfidence })),
      ).correct
        ? 1
        : 0;
    else
      right += weightedVote(list.map((s) => ({ answerKey: s.answerKey, correct: s.correct, confidence: 1 }))).correct
        ? 1
        : 0;
  }
  return [tokens / problems.size, right / problems.size];
}

/** Token ranges [first, last] of the runs of non-null values: where a drawn line has subpaths. */
function valueRuns(values: ReadonlyArray<number | null>): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  values.forEach((v, i) => {
    if (v === null) return;
    const last = runs.at(-1);
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  });
  return runs;
}

describe.skipIf(!chromiumPath)(
  'confidence-strategies example on the stochastic fixture (real engine, Chromium)',
  () => {
    let t: TestHost;
    let browser: Browser;
    let page: Page;
    let errors: string[];
    let notebookPath: string;
    let nextId = 1;

    async function call<T>(method: string, params: unknown): Promise<T> {
      const response = await t.workbench.handle({ type: 'request', id: nextId++, method, params });
      if ('error' in response) throw new Error(response.error.message);
      return response.result as T;
    }

    async function allSamples(runId: string): Promise<SampleRecord[]> {
      return (await call<{ samples: SampleRecord[] }>('runs.samples', { runId, limit: 1000 })).samples;
    }

    beforeAll(async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-confidence-ui-'));
      await cp(path.join(REPO_ROOT, 'experiments', 'datasets'), path.join(dir, 'datasets'), { recursive: true });
      notebookPath = path.join(dir, NOTEBOOK);
      await copyFile(path.join(REPO_ROOT, 'experiments', NOTEBOOK), notebookPath);
      [t, browser] = await Promise.all([startTestHost({ startupNotebook: notebookPath }), launchChromium()]);
      // Every run cell through the real runner and engine, one after the other.
      for (const cellId of RUN_CELLS) {
        await call('runs.start', { notebookPath, cellId });
        await waitFor(
          `the runs of ${cellId}`,
          async () => (await call<{ jobs: unknown[] }>('runs.jobs', {})).jobs.length === 0,
          120_000,
        );
      }
      page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      errors = collectErrors(page);
      await page.goto(t.host.url);
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('draws every run of the notebook on the frontier at the point its stored samples give', async () => {
      const expected = new Map<string, Array<[number, number]>>();
      for (const cellId of RUN_CELLS) {
        const { runs } = await call<{ runs: RunRecord[] }>('runs.lookup', { notebookPath, cellId });
        expect(runs.every((r) => r.status === 'complete')).toBe(true);
        for (const run of runs) {
          const strategy = run.settings.strategy.strategy;
          expected.set(strategy, [...(expected.get(strategy) ?? []), expectedPoint(run, await allSamples(run.id))]);
        }
      }
      const cell = page.getByTestId('cell-frontier');
      const figure = cell.getByTestId('figure-efficiency-frontier');
      await cell.locator('.plotly-figure[data-state=drawn]').first().waitFor({ timeout: 60_000 });
      const traces = await drawn(figure);
      // Twelve runs: Z1 and s1 at three windows, early exit at θ = 0.5 and 0.9, DeepConf at η = 10 and 90 %,
      // unbounded ×1 and ×8.
      expect(
        Object.fromEntries(traces.filter((d) => d.name !== 'Pareto front').map((d) => [d.name, d.points])),
      ).toEqual(Object.fromEntries([...expected].map(([name, points]) => [name, points.map(near)])));
      expect([...expected.values()].flat()).toHaveLength(12);
      // The front: no drawn point is both cheaper and at least as accurate as a front point.
      const all = [...expected.values()].flat();
      const front = traces.find((d) => d.name === 'Pareto front')!.points;
      expect(front.length).toBeGreaterThan(0);
      for (const [x, y] of front)
        expect(
          all.filter(([ox, oy]) => ox <= x && oy >= y && (ox < x || oy > y)),
          `front point ${x}, ${y}`,
        ).toEqual([]);
      expect(await cell.getByTestId('tokens-saved').locator('tbody tr').count()).toBe(12);
      await cell.screenshot({ path: path.join(ARTIFACTS, 'confidence-frontier-cell.png') });
    });

    it('opens a cut sample from the runs browser with its token signals: phases, cut and lines as stored', async () => {
      const [z1w16] = (await call<{ runs: RunRecord[] }>('runs.lookup', { notebookPath, cellId: 'run-z1' })).runs;
      const cutKeys = (await allSamples(z1w16!.id)).filter((s) => s.cut).map((s) => s.key);
      expect(cutKeys.length).toBeGreaterThan(0);
      await page.getByTestId('show-runs').click();
      const stored = page.getByTestId('stored-runs');
      await stored.getByTestId('run-group-run-z1').getByRole('button', { name: '▸ 3 runs' }).click();
      await stored
        .locator('tr.run-variant')
        .filter({ has: page.locator('td', { hasText: /^shifted-window W=16$/ }) })
        .getByRole('checkbox')
        .check();
      await page.getByTestId('open-runs').click();
      const results = page.getByTestId('runs-browser').getByTestId('run-results');
      // A point of the per-problem scatter whose sample the window cut.
      const scatter = results.getByTestId('figure-per-problem-thinking');
      await results
        .locator('.plotly-figure[data-state=drawn]', { has: page.getByTestId('figure-per-problem-thinking') })
        .waitFor();
      // The first cut sample's point, clicked as Plotly reports a click (points of the per-problem
      // scatter can overlap, and a mouse click opens whichever is nearest).
      await scatter.evaluate((node, key) => {
        const traces = (node as unknown as { data: Array<{ name: string; customdata: string[][] }> }).data;
        const trace = traces.find((t) => t.customdata.some((c) => c[1] === key))!;
        const customdata = trace.customdata.find((c) => c[1] === key)!;
        (node as unknown as { emit(event: string, data: unknown): void }).emit('plotly_click', {
          points: [{ data: trace, customdata }],
        });
      }, cutKeys[0]!);
      const dialog = page.getByTestId('trajectory');
      const key = (await dialog.getAttribute('aria-label'))!.replace('Trajectory of ', '');
      expect(key).toBe(cutKeys[0]);
      const signals = await call<SampleSignals>('runs.signals', { runId: z1w16!.id, key });
      expect(signals.cutIndex).not.toBeNull();

      const figure = dialog.getByTestId('figure-token-signals');
      await dialog
        .locator('.plotly-figure[data-state=drawn]', { has: page.getByTestId('figure-token-signals') })
        .waitFor({ timeout: 30_000 });
      // Each phase shaded in both panels, at its stored token range.
      const phases = signals.spans.map((s) => s.phase);
      expect(phases).toEqual(['thinking', 'hint', 'answer']);
      expect(await drawnShades(figure)).toEqual(
        signals.spans.flatMap((s) => [
          [s.start - 0.5, s.end - 0.5],
          [s.start - 0.5, s.end - 0.5],
        ]),
      );
      const traces = await drawn(figure);
      const named = (name: string) => traces.filter((d) => d.name === name);
      expect(named('window cut').map((d) => d.lines)).toEqual([
        [[signals.cutIndex! - 0.5, signals.cutIndex! - 0.5]],
        [[signals.cutIndex! - 0.5, signals.cutIndex! - 0.5]],
      ]);
      expect(named('confidence').map((d) => d.lines)).toEqual([valueRuns(signals.confidence)]);
      expect(named('entropy').map((d) => d.lines)).toEqual([valueRuns(signals.entropy)]);

      // The run's mean trace: a line per group, named with the run's counts of right and wrong samples.
      await dialog.getByTestId('load-mean-trace').click();
      const mean = dialog.getByTestId('figure-mean-trace-correct-vs-wrong');
      await dialog
        .locator('.plotly-figure[data-state=drawn]', { has: page.getByTestId('figure-mean-trace-correct-vs-wrong') })
        .waitFor({ timeout: 30_000 });
      const correct = (await allSamples(z1w16!.id)).filter((s) => s.correct).length;
      expect([...new Set((await drawn(mean)).map((d) => d.name))]).toEqual([
        `correct (n=${correct})`,
        `wrong (n=${12 - correct})`,
      ]);
      await dialog.screenshot({ path: path.join(ARTIFACTS, 'confidence-trace-dialog.png') });
      expect(errors).toEqual([]);
    });
  },
);
