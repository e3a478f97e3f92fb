/// <reference lib="dom" />
// What the notebook's browser tests share (code inside page.evaluate runs in the page).
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Replaces the focused Monaco editor's text the way a paste does. Typing through CDP races
 * Monaco's EditContext input on a busy machine (characters get lost), and typed newlines trigger
 * auto-indent and bracket closing; a paste event inserts the text as it is.
 */
export async function paste(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Control+A');
  await page.evaluate((value) => {
    const data = new DataTransfer();
    data.setData('text/plain', value);
    document.activeElement!.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, text);
}

/**
 * Replaces the text of the Monaco editor inside `scope` and waits until the editor shows it (on a
 * busy machine focus can lag behind the click, and the paste then lands nowhere).
 */
export async function pasteInto(page: Page, scope: Locator, text: string): Promise<void> {
  const editor = scope.locator('.code-editor[data-ready=true] .monaco-editor');
  const longest = text.split('\n').reduce((a, b) => (b.length > a.length ? b : a));
  await expect
    .poll(async () => {
      await editor.click();
      await paste(page, text);
      return (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
    })
    .toContain(longest);
}
