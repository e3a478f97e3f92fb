/// <reference lib="dom" />
// (Code inside page.evaluate runs in the page: the DOM types describe it.)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumPath, launchChromium } from '../../test/helpers/chromium';
import { RENDERER_DIR, REPO_ROOT, startTestHost } from '../../test/helpers/headlessHost';
import type {} from '../../renderer/src/lab/labHandle';

const FIRST_PAINT_RUNS = 5;
const HISTOGRAM_SAMPLES = 100_000;
const STREAM_TOKENS = 20_000;
const STREAM_RATE = 5_000;

/**
 * The UI in Debian's Chromium against a real headless host (the renderer bundle as shipped):
 * first paint of the app, a thinking-token histogram of 100k samples (data to drawn figure), and
 * how smooth the live sample stays while tokens stream in faster than frames.
 */
export async function runUiBench(): Promise<Record<string, unknown>> {
  if (!chromiumPath) throw new Error('no Chromium found: apt-get install -y chromium (or set CHROMIUM_PATH)');
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  const [t, browser] = await Promise.all([startTestHost(), launchChromium()]);
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // tsx compiles this file with esbuild's keepNames, which wraps the functions declared inside
    // page.evaluate callbacks in a `__name(fn, "name")` helper that only exists in Node.
    await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    const firstPaint: number[] = [];
    const connected: number[] = [];
    for (let i = 0; i < FIRST_PAINT_RUNS; i++) {
      const page = await context.newPage();
      await page.goto(t.host.url);
      await page.getByTestId('app-version').filter({ hasText: 'headless' }).waitFor();
      const timing = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        now: performance.now(),
      }));
      firstPaint.push(timing.fcp);
      connected.push(timing.now);
      await page.close();
    }

    const page = await context.newPage();
    await page.goto(`${t.host.url}#lab?only=histogram`);
    await page.waitForFunction(() => !!window.z1Lab && window.z1Lab.drawTimes.length > 0, null, { timeout: 60_000 });
    const histogram = await drawHistogram(page, HISTOGRAM_SAMPLES);
    const histogramAgain = await drawHistogram(page, HISTOGRAM_SAMPLES);
    await page.close();

    const streamPage = await context.newPage();
    await streamPage.goto(`${t.host.url}#lab?only=stream`);
    await streamPage.waitForFunction(() => !!window.z1Lab);
    const streaming = await measureStream(streamPage);
    await streamPage.close();

    const firstPaintMs = median(firstPaint);
    return {
      firstPaintMs,
      firstPaintRunsMs: firstPaint.map(round),
      connectedMs: median(connected),
      histogram100k: {
        samples: HISTOGRAM_SAMPLES,
        totalMs: round(Math.min(histogram.totalMs, histogramAgain.totalMs)),
        plotlyMs: round(Math.min(histogram.plotlyMs, histogramAgain.plotlyMs)),
        firstTotalMs: round(histogram.totalMs),
      },
      streaming,
      targets: {
        firstPaintUnder2s: firstPaintMs < 2000,
        histogram100kUnder1s: Math.min(histogram.totalMs, histogramAgain.totalMs) < 1000,
        noReRenderWhileStreaming: streaming.reactCommits === 0,
      },
    };
  } finally {
    await browser.close();
    await t.close();
  }
}

/**
 * From handing the lab 100k samples to Plotly having drawn them: making the samples, binning
 * per window and Plotly.react, as the page reports it.
 */
async function drawHistogram(page: Page, count: number): Promise<{ totalMs: number; plotlyMs: number }> {
  return page.evaluate(
    (n) =>
      new Promise<{ totalMs: number; plotlyMs: number }>((resolve) => {
        const lab = window.z1Lab!;
        const before = lab.drawTimes.length;
        const start = performance.now();
        lab.synthetic(n);
        const poll = () => {
          if (lab.drawTimes.length > before)
            resolve({ totalMs: performance.now() - start, plotlyMs: lab.drawTimes[lab.drawTimes.length - 1]! });
          else requestAnimationFrame(poll);
        };
        poll();
      }),
    count,
  );
}

/** Frame gaps, long tasks and React commits while tokens stream at STREAM_RATE per second. */
async function measureStream(page: Page) {
  return page.evaluate(
    async ([tokens, rate]) => {
      const lab = window.z1Lab!;
      const frames: number[] = [];
      let longTasks = 0;
      const observer = new PerformanceObserver((list) => (longTasks += list.getEntries().length));
      observer.observe({ type: 'longtask' });
      let running = true;
      let last = performance.now();
      const tick = (now: number) => {
        frames.push(now - last);
        last = now;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      lab.takeCommits();
      const start = performance.now();
      await lab.stream(tokens, rate);
      const seconds = (performance.now() - start) / 1000;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      running = false;
      observer.disconnect();
      const sorted = [...frames].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
      return {
        tokens,
        tokensPerSecond: Math.round(tokens / seconds),
        frames: frames.length,
        frameP50Ms: Math.round(at(0.5) * 10) / 10,
        frameP95Ms: Math.round(at(0.95) * 10) / 10,
        frameMaxMs: Math.round(sorted[sorted.length - 1]! * 10) / 10,
        longTasks,
        reactCommits: lab.takeCommits(),
        blocks: document.querySelector('[data-testid=live-sample]')!.childNodes.length,
      };
    },
    [STREAM_TOKENS, STREAM_RATE] as const,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.floor(sorted.length / 2)]!);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
