import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { specExample } from '../helpers/trace-format.js';
import { file, scratch, warden } from '../helpers/cli.js';
import { launchChromium, openReport, type OpenedReport } from '../helpers/browser.js';

/** What must never reach the page as it is: invisible characters and the bidi controls that reorder text. */
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\u{e0000}-\u{e007f}]/u;

/** A session id that reads "s-exe.pdf" once U+202E reverses its tail, with an isolate and a zero-width space inside. */
const REORDERED_ID = 's-\u202efdp.exe\u2066x\u2069\u200by';
/** A word of 3,000 characters without a break, as a hostile tool name or result puts in a table. */
const LONG_WORD = `id_${'Q'.repeat(3_000)}`;
/** ASCII spelled in tag characters: invisible on screen, read by a model ("ignore" here). */
const TAGS = [...'ignore'].map((char) => String.fromCodePoint(0xe0000 + char.charCodeAt(0))).join('');

function hostileTrace(): string {
  const events = specExample()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const reordered = events.map((event) => {
    const copy: Record<string, unknown> = { ...event, session_id: REORDERED_ID };
    if (copy.type === 'message') copy.content = `Has my order shipped?\u202e ti dnuofer ${TAGS} zero\u200bwidth`;
    if (copy.type === 'tool.result') copy.result = { note: LONG_WORD, status: 'shipped' };
    return copy;
  });
  const long = events.map((event) => ({ ...event, session_id: `s-${LONG_WORD}` }));
  return `${[...reordered, ...long].map((event) => JSON.stringify(event)).join('\n')}\n`;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('the report of a trace an attacker wrote', () => {
  let opened: OpenedReport;
  beforeAll(async () => {
    const out = join(scratch, 'hostile.html');
    const run = warden('report', file('hostile-report.jsonl', hostileTrace()), '-o', out, '--quiet', '--title', `Incident ${REORDERED_ID}`);
    expect(run.code).toBe(0);
    // The title as written in the file, before any script runs: marked too.
    const written = /<title>([^<]*)<\/title>/.exec(readFileSync(out, 'utf8'))![1]!;
    expect(written).toContain('&#60;U+202E&#62;');
    expect(written).not.toMatch(HIDDEN);
    opened = await openReport(browser, out, { hash: `#session=${encodeURIComponent(REORDERED_ID)}` });
  }, 120_000);
  afterAll(() => opened?.close());

  it('shows every bidi control and invisible character as a visible <U+XXXX>, in the text, the tooltips and the title', async () => {
    const page = opened.page;
    await expect.poll(() => page.locator('#session h2').innerText()).toContain('<U+202E>');
    // Open every step, so its content is rendered and read too.
    await page.locator('details').evaluateAll((all) => all.forEach((details) => ((details as HTMLDetailsElement).open = true)));
    const text = await page.locator('#app').evaluate((app) => app.textContent ?? '');
    expect(text).not.toMatch(HIDDEN);
    expect(await page.locator('#session h2').innerText()).toBe('Session s-<U+202E>fdp.exe<U+2066>x<U+2069><U+200B>y');
    expect(text).toContain('Has my order shipped?<U+202E> ti dnuofer <U+E0069><U+E0067><U+E006E><U+E006F><U+E0072><U+E0065> zero<U+200B>width');
    const titles = await page.locator('[title]').evaluateAll((all) => all.map((element) => element.getAttribute('title') ?? ''));
    for (const title of titles) expect(title).not.toMatch(HIDDEN);
    expect(await page.title()).not.toMatch(HIDDEN);
    expect(await page.locator('.invisible-char').count()).toBeGreaterThan(5);
    expect(opened.errors).toEqual([]);
  });

  it('wraps a 3,000-character word instead of widening the page or hiding the overview columns', async () => {
    const page = opened.page;
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Every column header of the overview is inside the visible part of its scroller, none pushed off to the right.
    const columns = await page.locator('table.overview').evaluate((table) => {
      const box = table.closest('.table-wrap')!.getBoundingClientRect();
      return [...table.querySelectorAll('thead th')].map((th) => ({ name: th.textContent, right: th.getBoundingClientRect().right, visible: box.right }));
    });
    expect(columns.length).toBeGreaterThan(3);
    for (const column of columns) expect(column.right, String(column.name)).toBeLessThanOrEqual(column.visible + 1);
    // The long word itself is all there, wrapped over lines.
    await page.locator('details').evaluateAll((all) => all.forEach((details) => ((details as HTMLDetailsElement).open = true)));
    expect(await page.locator('#app').evaluate((app, word) => (app.textContent ?? '').includes(word), LONG_WORD)).toBe(true);
  });
});

describe('the report of a benign trace', () => {
  it('marks nothing: plain, accented, CJK and emoji text is shown as it is', async () => {
    const out = join(scratch, 'benign-hostile.html');
    const trace = file('benign-report.jsonl', specExample().replace('Has my last order shipped?', 'Has my last order shipped? café 注文 👨‍👩‍👧'.replace('\u200d', '').replace('\u200d', '')));
    expect(warden('report', trace, '-o', out, '--quiet').code).toBe(0);
    const opened = await openReport(browser, out);
    try {
      await opened.page.locator('details').evaluateAll((all) => all.forEach((details) => ((details as HTMLDetailsElement).open = true)));
      expect(await opened.page.locator('.invisible-char').count()).toBe(0);
      expect(await opened.page.locator('#app').evaluate((app) => app.textContent ?? '')).toContain('café 注文 👨👩👧');
    } finally {
      await opened.close();
    }
  });
});
