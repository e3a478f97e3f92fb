/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { collectErrors, launchChromium } from '../helpers/chromium';
import { startTestHost, type TestHost } from '../helpers/headlessHost';
import type { FigureSample } from '../../renderer/src/figures/figureData';
import type {} from '../../renderer/src/lab/labHandle';

export interface FigureLabPage {
  t: TestHost;
  browser: Browser;
  page: Page;
  errors: string[];
}

/** A real headless host and Chromium on the figure lab (#lab), showing the given samples. */
export async function openFigureLab(samples: FigureSample[], windows: number[]): Promise<FigureLabPage> {
  const [t, browser] = await Promise.all([startTestHost(), launchChromium()]);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = collectErrors(page);
  await page.goto(`${t.host.url}#lab`);
  await page.waitForFunction(() => !!window.z1Lab);
  await showSamples(page, samples, windows);
  return { t, browser, page, errors };
}

/** Gives the lab new samples and waits until it shows them. */
export async function showSamples(page: Page, samples: FigureSample[], windows: number[]): Promise<void> {
  await page.evaluate(([s, w]) => window.z1Lab!.setSamples(s, w), [samples, windows] as const);
  await page
    .getByTestId('lab-sample-count')
    .filter({ hasText: `${samples.length} samples` })
    .waitFor();
}
