/**
 * Keeps the layout of a session's page from breaking silently: the spec example's session is
 * rendered in Chromium and compared with a committed screenshot, with a tolerance for
 * anti-aliasing. After an intended change of the page, update the baseline (and the README's
 * screenshot) with:
 *
 *   npm run build && UPDATE_SCREENSHOTS=1 npx vitest run test/report/report-screenshot.test.ts
 *
 * and look at the new PNGs before committing them. A failing run leaves the actual screenshot and
 * a diff (changed pixels in red) beside the baseline, as *.actual.png and *.diff.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { specExample } from '../helpers/trace-format.js';
import { file, scratch, warden, WARDEN_BIN } from '../helpers/cli.js';
import { launchChromium, openReport, type OpenedReport } from '../helpers/browser.js';


const SHOTS = fileURLToPath(new URL('./__screenshots__/', import.meta.url));
const BASELINE = join(SHOTS, 'spec-session.png');
const README_SHOT = fileURLToPath(new URL('../../docs/report.png', import.meta.url));
const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';
/** A pixel differs when a channel moves by more than this (anti-aliasing moves them a little). */
const CHANNEL_TOLERANCE = 48;
/** The share of pixels that may differ. */
const PIXEL_TOLERANCE = 0.005;

interface Comparison {
  width: number;
  height: number;
  baselineWidth: number;
  baselineHeight: number;
  differing: number;
  diff: string;
}

/** Compares two PNGs in a blank browser page (canvas pixels): no image library needed. */
async function compare(page: Page, actual: Buffer, baseline: Buffer): Promise<Comparison> {
  return page.evaluate(
    async ([actualData, baselineData, tolerance]) => {
      const load = async (data: string) => {
        const image = new Image();
        image.src = `data:image/png;base64,${data}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.naturalWidth;
        canvas.height = image.naturalHeight;
        const context = canvas.getContext('2d')!;
        context.drawImage(image, 0, 0);
        return context.getImageData(0, 0, canvas.width, canvas.height);
      };
      const [a, b] = [await load(actualData as string), await load(baselineData as string)];
      const width = Math.min(a.width, b.width);
      const height = Math.min(a.height, b.height);
      const out = document.createElement('canvas');
      out.width = a.width;
      out.height = a.height;
      const diffContext = out.getContext('2d')!;
      const diff = diffContext.createImageData(a.width, a.height);
      let differing = Math.abs(a.width * a.height - b.width * b.height);
      for (let y = 0; y < a.height; y += 1) {
        for (let x = 0; x < a.width; x += 1) {
          const i = (y * a.width + x) * 4;
          let changed = x >= width || y >= height;
          if (!changed) {
            const j = (y * b.width + x) * 4;
            for (let channel = 0; channel < 3; channel += 1) if (Math.abs(a.data[i + channel]! - b.data[j + channel]!) > (tolerance as number)) changed = true;
          }
          if (changed && x < width && y < height) differing += 1;
          const grey = (a.data[i]! + a.data[i + 1]! + a.data[i + 2]!) / 3;
          diff.data.set(changed ? [255, 0, 0, 255] : [grey, grey, grey, 64], i);
        }
      }
      diffContext.putImageData(diff, 0, 0);
      return { width: a.width, height: a.height, baselineWidth: b.width, baselineHeight: b.height, differing, diff: out.toDataURL('image/png').split(',')[1]! };
    },
    [actual.toString('base64'), baseline.toString('base64'), CHANNEL_TOLERANCE] as const,
  );
}

let browser: Browser;
let opened: OpenedReport;
beforeAll(async () => {
  browser = await launchChromium();
  const out = join(scratch, 'screenshot-spec.html');
  expect(warden('report', file('screenshot-spec.jsonl', specExample()), '-o', out).code).toBe(0);
  opened = await openReport(browser, out);
  // Fixed conditions: light scheme, 1200 px wide, no caret, no focus ring.
  await opened.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}, 60_000);
afterAll(async () => {
  await opened?.close();
  await browser?.close();
});

describe("the spec example's session, as drawn", () => {
  it('keeps its blocks in order and its timeline columns aligned', async () => {
    const page = opened.page;
    const top = async (selector: string) => (await page.locator(selector).first().boundingBox())!.y;
    const order = ['#session-heading', '.facts-grid', '.actions-after', '[data-testid="chart"]', '.timeline', '.postmortem'];
    const tops = await Promise.all(order.map(top));
    expect([...tops].sort((a, b) => a - b)).toEqual(tops);
    // Every row's columns start where the header's do.
    const columns = await page.evaluate(() => {
      const starts = (element: Element) => [...element.children].filter((child) => getComputedStyle(child).display !== 'none').map((child) => child.getBoundingClientRect().left);
      return { head: starts(document.querySelector('.timeline-head')!), rows: [...document.querySelectorAll('.timeline summary')].map(starts) };
    });
    expect(columns.rows).toHaveLength(8);
    // The header's first cell stands over the rows' disclosure triangle (a ::before, not an element).
    const head = columns.head.slice(1);
    for (const row of columns.rows) {
      expect(row).toHaveLength(head.length);
      row.forEach((left, column) => expect(Math.abs(left - head[column]!), `column ${column}`).toBeLessThanOrEqual(1.5));
    }
    // The page fits the window: nothing sticks out sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1200);
  });

  it('matches the committed screenshot', async () => {
    const page = opened.page;
    // From the session's heading to the end of its timeline (the postmortem below is plain text).
    const from = (await page.locator('#session').boundingBox())!;
    const to = (await page.locator('.timeline').boundingBox())!;
    const shot = await page.screenshot({ animations: 'disabled', caret: 'hide', fullPage: true, clip: { x: from.x, y: from.y, width: from.width, height: Math.ceil(to.y + to.height - from.y + 8) } });
    if (UPDATE || !existsSync(BASELINE)) {
      if (!UPDATE) throw new Error(`no baseline at ${BASELINE}: run with UPDATE_SCREENSHOTS=1 to create it`);
      mkdirSync(SHOTS, { recursive: true });
      writeFileSync(BASELINE, shot);
      // The README's picture: the top of the page as a reader first sees it, from `warden report` as the README shows it.
      const folder = mkdtempSync(join(tmpdir(), 'warden-readme-'));
      writeFileSync(join(folder, 'trace.jsonl'), specExample());
      expect(spawnSync(process.execPath, [WARDEN_BIN, 'report', 'trace.jsonl', '-o', 'incident.html'], { cwd: folder }).status).toBe(0);
      const readme = await openReport(browser, join(folder, 'incident.html'));
      await readme.page.locator('#step-3 summary').click();
      await readme.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      writeFileSync(README_SHOT, await readme.page.screenshot({ animations: 'disabled', caret: 'hide', fullPage: true, clip: { x: 0, y: 0, width: 1200, height: 1400 } }));
      await readme.close();
      return;
    }
    const blank = await browser.newPage();
    const result = await compare(blank, shot, readFileSync(BASELINE)).finally(() => blank.close());
    const share = result.differing / (result.width * result.height);
    const actualPath = BASELINE.replace(/\.png$/, '.actual.png');
    const diffPath = BASELINE.replace(/\.png$/, '.diff.png');
    if (share > PIXEL_TOLERANCE) {
      writeFileSync(actualPath, shot);
      writeFileSync(diffPath, Buffer.from(result.diff, 'base64'));
    } else {
      rmSync(actualPath, { force: true });
      rmSync(diffPath, { force: true });
    }
    expect({ width: result.width, height: result.height }, `size changed; see ${actualPath}`).toEqual({ width: result.baselineWidth, height: result.baselineHeight });
    expect(share, `${result.differing} pixels differ; see ${diffPath}`).toBeLessThanOrEqual(PIXEL_TOLERANCE);
  });
});
