/// <reference lib="dom" />
// (Code inside page.evaluate runs in the page: the DOM types describe it.)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/chromium';
import { REPO_ROOT, type TestHost } from '../helpers/headlessHost';
import { geometryProblems, measureSvg } from './figureGeometryChecks';
import { PAPER_PRESETS } from '../../renderer/src/export/paperPresets';
import { drawn, drawnShades } from './drawnTraces';
import { openFigureLab } from './figureLabPage';
import type { FigureSample } from '../../renderer/src/figures/figureData';
import { meanTraceOf } from '../../renderer/src/figures/meanTrace';
import type { GradedTrace } from '../../renderer/src/figures/meanTrace';
import type {} from '../../renderer/src/lab/labHandle';
import { knownTrace } from '../unit/figures/traceFixtures';

const ARTIFACTS = path.join(REPO_ROOT, 'test-results', 'figures');

/**
 * Four runs on two problems with known costs: unbounded 1 of 2 right at 500 tokens per problem;
 * unbounded ×2 (maj@2) 2 of 2 at 1000; Z1 W=64 1 of 2 at 100; early exit 2 of 2 at 175 kept +
 * 25 discarded = 200. Front: Z1, early exit.
 */
function frontierSamples(): FigureSample[] {
  const base = { window: null, model: 'm', thinkingTokens: 0, cut: false };
  const sample = (runId: string, strategy: string, p: number, i: number, extra: Partial<FigureSample>) => ({
    ...base,
    runId,
    runLabel: `${strategy} ${runId}`,
    strategy,
    problemId: `p${p}`,
    sampleKey: `p${p}#${i}`,
    correct: true,
    answerKey: 'a',
    ...extra,
  });
  return [
    sample('×1', 'unbounded', 1, 0, { totalTokens: 400 }),
    sample('×1', 'unbounded', 2, 0, { totalTokens: 600, correct: false, answerKey: 'b' }),
    ...[1, 2].flatMap((p) => [0, 1].map((i) => sample('×2', 'unbounded', p, i, { totalTokens: 500 }))),
    sample('W=64', 'shifted-window', 1, 0, { totalTokens: 90 }),
    sample('W=64', 'shifted-window', 2, 0, { totalTokens: 110, correct: false, answerKey: 'b' }),
    sample('t=0.9', 'early-exit', 1, 0, { totalTokens: 150, discardedTokens: 30 }),
    sample('t=0.9', 'early-exit', 2, 0, { totalTokens: 200, discardedTokens: 20 }),
  ];
}

/** Two correct samples and a wrong one, with known signals. */
const GRADED: GradedTrace[] = [
  { correct: true, trace: { confidence: [4, 4, 2, 2], entropy: [1, 1, 1, 1] } },
  { correct: true, trace: { confidence: [6, 2, 6, 2, 6, 2, 6, 2], entropy: [0, 2, 0, 2, 0, 2, 0, 2] } },
  { correct: false, trace: { confidence: [1, null, 1, 3, 3], entropy: [2, 2, 2, 2] } },
];

describe.skipIf(!chromiumPath)(
  'efficiency frontier and trace view, drawn in Chromium (figure lab on the headless host)',
  () => {
    let t: TestHost;
    let browser: Browser;
    let page: Page;
    let errors: string[];

    async function download(testId: string): Promise<{ name: string; bytes: Buffer }> {
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
      const bytes = await readFile((await file.path())!);
      await writeFile(path.join(ARTIFACTS, file.suggestedFilename()), bytes);
      return { name: file.suggestedFilename(), bytes };
    }

    beforeAll(async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      ({ t, browser, page, errors } = await openFigureLab(frontierSamples(), []));
      await page.evaluate(([trace, graded]) => window.z1Lab!.showTraces(trace, graded), [
        knownTrace(),
        GRADED,
      ] as const);
      for (const id of ['figure-efficiency-frontier', 'figure-token-signals', 'figure-mean-trace-correct-vs-wrong'])
        await page
          .locator('.plotly-figure[data-state=drawn]', { has: page.getByTestId(id) })
          .waitFor({ timeout: 30_000 });
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('draws one point per run at its tokens per problem and accuracy, and rings the Pareto front', async () => {
      const traces = await drawn(page.getByTestId('figure-efficiency-frontier'));
      expect(traces.map((d) => [d.name, d.points])).toEqual([
        [
          'unbounded',
          [
            [500, 0.5],
            [1000, 1],
          ],
        ],
        ['shifted-window', [[100, 0.5]]],
        ['early-exit', [[200, 1]]],
        [
          'Pareto front',
          [
            [100, 0.5],
            [200, 1],
          ],
        ],
      ]);
      // The staircase: one line from the first front point to the last.
      expect(traces.at(-1)!.lines).toEqual([[100, 200]]);
    });

    it('tabulates the tokens saved at equal accuracy against the unbounded and maj@k runs', async () => {
      const rows = await page
        .getByTestId('tokens-saved')
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(rows).toEqual([
        ['unbounded ×1', '1', '50.0%', '500.0', '', '0 (0.0%)', '500 (50.0%)'],
        ['unbounded ×2', '2', '100.0%', '1000.0', '', '—', '0 (0.0%)'],
        ['shifted-window W=64', '1', '50.0%', '100.0', '●', '400 (80.0%)', '900 (90.0%)'],
        ['early-exit t=0.9', '1', '100.0%', '200.0', '●', '—', '800 (80.0%)'],
      ]);
    });

    it('draws a sample\'s signals with its phases shaded, the cut, the "Wait" and the probes where they happened', async () => {
      const figure = page.getByTestId('figure-token-signals');
      // Five phase stretches, each shaded in both panels: their drawn left and right edges in tokens.
      const shades = await drawnShades(figure);
      expect(shades).toEqual([
        [-0.5, 5.5],
        [-0.5, 5.5],
        [5.5, 7.5],
        [5.5, 7.5],
        [7.5, 11.5],
        [7.5, 11.5],
        [11.5, 14.5],
        [11.5, 14.5],
        [14.5, 17.5],
        [14.5, 17.5],
      ]);
      const traces = await drawn(figure);
      const named = (name: string) => traces.filter((d) => d.name === name);
      // The lines break at the inserted "Wait" (6–7) and hint (12–14): three stretches each.
      expect(named('confidence').map((d) => d.lines)).toEqual([
        [
          [0, 5],
          [8, 11],
          [15, 17],
        ],
      ]);
      expect(named('entropy').map((d) => d.lines)).toEqual([
        [
          [0, 5],
          [8, 11],
          [15, 17],
        ],
      ]);
      // Across both panels, between two tokens: the cut before token 12, the "Wait" before 6.
      expect(named('window cut').map((d) => d.lines)).toEqual([[[11.5, 11.5]], [[11.5, 11.5]]]);
      expect(named('"Wait" inserted').map((d) => d.lines)).toEqual([[[5.5, 5.5]], [[5.5, 5.5]]]);
      // On the confidence line at the last token before they branched (at 4, discarded; at 10, exited).
      expect(named('probe (discarded)').map((d) => d.points)).toEqual([[[3, 1.3]]]);
      expect(named('probe that exited').map((d) => d.points)).toEqual([[[9, 1.9]]]);
    });

    it('draws the mean trace of correct and wrong samples at the position-normalised means', async () => {
      const traces = await drawn(page.getByTestId('figure-mean-trace-correct-vs-wrong'));
      const expected = (correct: boolean, signal: 'confidence' | 'entropy') =>
        meanTraceOf(GRADED.filter((g) => g.correct === correct).map((g) => g.trace[signal]))
          .map((y, b) => [(b + 0.5) / 20, y] as const)
          .filter(([, y]) => y !== null)
          .map(([x, y]) => [Number(x.toPrecision(3)), Number(y!.toPrecision(3))]);
      // Drawn panel by panel: confidence on top, entropy below.
      expect(traces.map((d) => [d.name, d.points])).toEqual([
        ['correct (n=2)', expected(true, 'confidence')],
        ['wrong (n=1)', expected(false, 'confidence')],
        ['correct (n=2)', expected(true, 'entropy')],
        ['wrong (n=1)', expected(false, 'entropy')],
      ]);
      // Every bin of the 8-token sample has a value: 8 of 20 positions in the correct group.
      expect(traces[0]!.points).toHaveLength(8);
    });

    it('exports both trace views at every paper preset with no text cut off or overlapping and legends off the data', async () => {
      const problems: string[] = [];
      for (const preset of PAPER_PRESETS) {
        for (const kind of ['token-signals', 'mean-trace'] as const) {
          const svg = await page.evaluate(
            ([k, p]) => window.z1Lab!.exportFigure({ kind: k, preset: p, format: 'svg' }),
            [kind, preset.id] as const,
          );
          await writeFile(path.join(ARTIFACTS, `${kind}-${preset.id}.svg`), svg);
          const geometry = await measureSvg(page, svg);
          expect(geometry.plots, `${kind} at ${preset.id}`).toHaveLength(2);
          problems.push(...geometryProblems(geometry).map((p) => `${kind} at ${preset.id}: ${p}`));
        }
      }
      expect(problems).toEqual([]);
    });

    it('exports the trace as a paper figure: legend and labels off the data, the shading kept', async () => {
      const svg = await download('export-token-signals-svg');
      expect(svg.name).toBe('token-signals-single-column.svg');
      const text = svg.bytes.toString('utf8');
      expect(text).toMatch(/<svg[^>]* width="3.3in"/);
      const geometry = await measureSvg(page, text);
      expect(geometry.shapes).toBe(10);
      expect(geometry.plots).toHaveLength(2);
      expect(geometryProblems(geometry)).toEqual([]);
      const frontier = await download('export-efficiency-frontier-csv');
      expect(frontier.bytes.toString('utf8').split(/\r?\n/)[4]).toBe(
        'early-exit t=0.9,early-exit,1,single,2,2,1,200,1,,,,unbounded ×2,800,0.8',
      );
      await page.getByTestId('lab-traces').screenshot({ path: path.join(ARTIFACTS, 'trace-view.png') });
      expect(errors).toEqual([]);
    });
  },
);
