import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { specExample } from '../helpers/trace-format.js';
import { file, scratch, warden } from '../helpers/cli.js';
import { convertRun, loadAirlineRuns, loadAirlineTools } from '../helpers/tau-bench.js';
import { launchChromium, openReport, type OpenedReport } from '../helpers/browser.js';
import { call, end, model, result, session, start, tools, user } from '../helpers/trace.js';


/** Writes the report of a trace with the built CLI, as a user would. */
function report(trace: string, name: string, ...args: string[]): string {
  const out = join(scratch, `${name}.html`);
  const run = warden('report', trace, '-o', out, ...args);
  expect(run.stderr).toContain(`wrote ${out}`);
  expect(run.code).toBe(0);
  return out;
}

/** What a person reads in the timeline row of a step. */
async function rowText(opened: OpenedReport, step: number): Promise<string> {
  return (await opened.page.locator(`#step-${step} summary`).innerText()).replace(/\s+/g, ' ');
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('the report of the spec example', () => {
  let opened: OpenedReport;
  beforeAll(async () => {
    opened = await openReport(browser, report(file('spec.jsonl', specExample()), 'spec'));
  }, 60_000);
  afterAll(() => opened?.close());

  it('lists the session with its outcome, mode, origin, flags and tokens', async () => {
    const rows = opened.page.locator('table.overview tbody tr');
    expect(await rows.count()).toBe(1);
    const row = (await rows.first().innerText()).replace(/\s+/g, ' ');
    expect(row).toContain('s-0237');
    expect(row).toContain('completed');
    expect(row).toContain('Hallucination propagation');
    expect(row).toContain('step 3');
    expect(row).toContain('ENTITY_HALLUCINATION');
    expect(row).toContain('ENTITY_MISMATCH');
    expect(row).toContain('1,383');
  });

  it('marks the fault origin at step 3 and highlights the cascade 3 to 7, and nothing before it', async () => {
    const page = opened.page;
    await expect.poll(() => page.locator('#session h2').innerText()).toContain('s-0237');
    expect(await page.locator('.timeline > li.is-origin').evaluateAll((items) => items.map((item) => item.getAttribute('data-step')))).toEqual(['3']);
    expect(await rowText(opened, 3)).toContain('fault origin');
    expect(await page.locator('.timeline > li.in-cascade').evaluateAll((items) => items.map((item) => item.getAttribute('data-step')))).toEqual(['3', '4', '5', '6', '7']);
    for (const step of [4, 5, 6, 7]) expect(await rowText(opened, step)).toContain('cascade');
    for (const step of [0, 1, 2]) expect(await rowText(opened, step)).not.toMatch(/cascade|fault origin/);
    // Highlighted for the eye, not only in the markup: the cascade rows are tinted, the others are not.
    const background = (step: number) => page.locator(`#step-${step}`).evaluate((item) => getComputedStyle(item).backgroundColor);
    expect(await background(5)).not.toBe(await background(2));
    const facts = (await page.locator('.facts-grid').innerText()).replace(/\s+/g, ' ');
    expect(facts).toContain('step 3 (llm.call): ord_555 first appears in the model output at step 3');
    expect(facts).toContain('3 → 4 → 5 → 6 → 7');
  });

  it('shows the flags and the guard action on their steps, and the external action after the origin', async () => {
    expect(await rowText(opened, 4)).toMatch(/Tool call get_order\(.*ord_555.*\).*ENTITY_HALLUCINATION.*block/);
    expect(await rowText(opened, 5)).toMatch(/Result of get_order.*ENTITY_MISMATCH.*block/);
    expect(await rowText(opened, 3)).toContain('643 tok');
    const actions = (await opened.page.locator('.actions-after').innerText()).replace(/\s+/g, ' ');
    expect(actions).toContain('step 4 get_order reversible (read-only)');
  });

  it('draws the chart: a bar per model call, the cumulative line, the origin', async () => {
    const chart = opened.page.locator('[data-testid="chart"] svg');
    expect(await chart.isVisible()).toBe(true);
    expect(await chart.locator('rect.bar').count()).toBe(2);
    expect(await chart.locator('rect.bar-origin').getAttribute('data-step')).toBe('3');
    expect(await chart.locator('path.cumulative').count()).toBe(1);
    expect(await chart.locator('text.origin-label').textContent()).toBe('fault origin · step 3');
    expect(await chart.locator('[data-testid="budget-line"]').count()).toBe(0);
    const box = await chart.boundingBox();
    expect(box!.width).toBeGreaterThan(400);
    expect(box!.height).toBeGreaterThan(100);
  });

  it('draws the cumulative cost and the cost budget when the policy prices the model', async () => {
    const policy = file('priced.json', JSON.stringify({ budget: { maxCostUsd: 0.01, prices: { 'gpt-4o': { input: 2.5, output: 10 } } } }));
    const priced = await openReport(browser, report(file('spec-priced.jsonl', specExample()), 'spec-priced', '--policy', policy));
    try {
      const chart = priced.page.locator('[data-testid="chart"]');
      expect(await chart.locator('figcaption').innerText()).toContain('cumulative cost');
      expect(await chart.locator('text.budget-label').textContent()).toBe('budget $0.010');
      expect(await chart.locator('text.line-axis').allTextContents()).toContain('$0');
      expect((await priced.page.locator('table.overview tbody tr td').last().innerText()).trim()).toBe('$0.0040');
    } finally {
      await priced.close();
    }
  });

  it("expands a step to its content: the tool call's arguments and the result's", async () => {
    const page = opened.page;
    expect(await page.locator('#step-4 .step-body').isVisible()).toBe(false);
    await page.locator('#step-4 summary').click();
    const body = page.locator('#step-4 .step-body');
    expect(await body.isVisible()).toBe(true);
    expect(await body.innerText()).toMatch(/arguments[\s\S]*"order_id": "ord_555"/);
    expect(await body.innerText()).toContain('ENTITY_HALLUCINATION get_order was called with order_id=ord_555');
    await page.locator('#step-5 summary').click();
    expect(await page.locator('#step-5 .step-body').innerText()).toMatch(/"customer_id": "cust_123"/);
  });

  it('holds the postmortem draft and the triage JSON to copy', async () => {
    const page = opened.page;
    const postmortem = page.locator('.postmortem .markdown');
    expect(await postmortem.locator('h3').first().innerText()).toBe('Postmortem: agent session s-0237');
    expect(await postmortem.innerText()).toContain('Fault origin and cascade path');
    const json = JSON.parse(await page.locator('.triage-json pre').textContent() ?? '');
    const cli = JSON.parse(warden('triage', file('spec-again.jsonl', specExample()), '--json').stdout).sessions[0];
    expect(json).toEqual(cli);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
    await page.locator('#copy-triage').click();
    const status = page.locator('#session .copy-status').first();
    await expect.poll(() => status.innerText()).toMatch(/Copied the triage JSON|selected below/);
    if ((await status.innerText()).startsWith('Copied')) expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toEqual(cli);
  });

  it('goes to the fault origin on request: the step opened and focused', async () => {
    const page = opened.page;
    await page.getByRole('button', { name: 'Go to the fault origin (step 3)' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('li')?.id)).toBe('step-3');
    expect(await page.locator('#step-3 details').getAttribute('open')).toBe('');
    expect(await page.locator('#step-3 .step-body').innerText()).toContain('Fault origin: ord_555 first appears in the model output at step 3');
  });

  it('makes no network request, logs no error, and forbids any request by its policy', async () => {
    expect(opened.requests).toEqual([opened.url]);
    expect(opened.errors).toEqual([]);
    const csp = await opened.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'/);
  });
});

describe('the report of the tau-bench airline runs', () => {
  let opened: OpenedReport;
  beforeAll(async () => {
    const tools = loadAirlineTools();
    const trace = file('tau.jsonl', loadAirlineRuns().flatMap((run) => convertRun(run, tools)).map((event) => `${JSON.stringify(event)}\n`).join(''));
    opened = await openReport(browser, report(trace, 'tau'));
  }, 180_000);
  afterAll(() => opened?.close());

  it('lists all 200 sessions, those with a fault origin first', async () => {
    const rows = opened.page.locator('table.overview tbody tr');
    expect(await rows.count()).toBe(200);
    const origins = await rows.evaluateAll((items) => items.map((item) => item.querySelector('td:nth-child(4)')!.textContent!.startsWith('step')));
    const firstWithout = origins.indexOf(false);
    expect(firstWithout).toBeGreaterThan(0);
    expect(origins.slice(firstWithout).every((has) => !has)).toBe(true);
    const ids = await rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-session')));
    for (const id of ['task26-trial0', 'task20-trial1', 'task13-trial2']) expect(ids.indexOf(id)).toBeLessThan(firstWithout);
  });

  it('filters the list as one types, and says when nothing matches', async () => {
    const page = opened.page;
    const visible = () => page.locator('table.overview tbody tr:not([hidden])').evaluateAll((items) => items.map((item) => item.getAttribute('data-session')));
    await page.locator('#filter').fill('task26');
    const task26 = await visible();
    expect(task26.length).toBeGreaterThan(1);
    expect(task26.every((id) => id!.startsWith('task26-'))).toBe(true);
    expect(await page.locator('#filter-count').innerText()).toContain(`${task26.length} of 200 sessions`);
    await page.locator('#filter').fill('ENTITY_HALLUCINATION update_reservation_flights');
    expect(await visible()).toEqual(expect.arrayContaining(['task26-trial0', 'task20-trial1', 'task26-trial2', 'task20-trial3']));
    await page.locator('#filter').fill('no-such-session-anywhere');
    expect(await visible()).toEqual([]);
    expect(await page.locator('.overview-section .empty').isVisible()).toBe(true);
    await page.locator('#filter').fill('');
    expect(await visible()).toHaveLength(200);
    // Enter in the filter box opens the first session left.
    await page.locator('#filter').fill('task13-trial2');
    await page.locator('#filter').press('Enter');
    await expect.poll(() => page.locator('#session').getAttribute('data-session')).toBe('task13-trial2');
    await page.locator('#filter').fill('');
  });

  it("opens task26-trial0: the invented payment id's origin, its cascade and the irreversible-unknown update", async () => {
    const page = opened.page;
    await page.locator('tr[data-session="task26-trial0"] button').click();
    await expect.poll(() => page.locator('#session').getAttribute('data-session')).toBe('task26-trial0');
    const origin = page.locator('.timeline > li.is-origin');
    expect(await origin.count()).toBe(1);
    const originStep = Number(await origin.getAttribute('data-step'));
    const blocked = page.locator('.timeline > li', { hasText: 'ENTITY_HALLUCINATION' }).filter({ hasText: 'Tool call update_reservation_flights' });
    expect(await blocked.count()).toBe(1);
    expect((await blocked.locator('summary').innerText()).replace(/\s+/g, ' ')).toMatch(/ENTITY_HALLUCINATION block$/);
    await blocked.locator('summary').click();
    const content = await blocked.locator('.step-body').innerText();
    expect(content).toMatch(/ENTITY_HALLUCINATION .*credit_card_7334/);
    expect(content).toMatch(/"payment_id": "credit_card_7334"/);
    const cascade = await page.locator('.timeline > li.in-cascade').evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-step'))));
    expect(cascade[0]).toBe(originStep);
    expect(cascade).toContain(Number(await blocked.getAttribute('data-step')));
    expect(await page.locator('.actions-after').innerText()).toContain('update_reservation_flights');
    expect(await page.locator('[data-testid="chart"]').innerText()).toContain('No token counts recorded');
  });

  it('opens the task 13 loop from a link to it, as a cost runaway', async () => {
    const page = opened.page;
    await page.evaluate(() => {
      location.hash = '#session=task13-trial2';
    });
    await expect.poll(() => page.locator('#session').getAttribute('data-session')).toBe('task13-trial2');
    expect(await page.locator('.facts-grid').innerText()).toContain('Cost runaway');
    expect(await page.locator('.timeline').innerText()).toContain('LOOP_DETECTED');
    expect(await page.locator('.timeline .action-pause').count()).toBeGreaterThan(0);
    // The long timeline narrows to the steps that matter.
    const shown = () => page.locator('.timeline > li').evaluateAll((items) => items.filter((item) => getComputedStyle(item).display !== 'none').length);
    const all = await shown();
    await page.locator('#key-only').check();
    const key = await shown();
    expect(key).toBeGreaterThan(0);
    expect(key).toBeLessThan(all);
    expect(key).toBe(await page.locator('.timeline > li.is-key').count());
    await page.locator('#key-only').uncheck();
    expect(await shown()).toBe(all);
  });

  it('stays a few MB and makes no network request', async () => {
    const size = await opened.page.evaluate(() => document.documentElement.outerHTML.length);
    expect(size).toBeLessThan(6_000_000);
    expect(opened.requests).toEqual([opened.url]);
    expect(opened.errors).toEqual([]);
  });
});

describe('the report page, used by keyboard, in both schemes and in print', () => {
  let opened: OpenedReport;
  beforeAll(async () => {
    const trace = file(
      'two.jsonl',
      [
        ...session('quiet', [start(), tools(), user('Hi, I am cust_789. Where are my orders?'), model({ tool_calls: [{ id: 'c1', name: 'list_orders', arguments: { customer_id: 'cust_789' } }] }), call('c1', 'list_orders', { customer_id: 'cust_789' }), result('c1', 'list_orders', ['ord_1001']), end('You have one order.')]),
        ...session('bad', [start(), tools(), user('Refund my order please, I am cust_789.'), model({ tool_calls: [{ id: 'r1', name: 'refund_order', arguments: { order_id: 'ord_4242', amount: 89 } }] }), call('r1', 'refund_order', { order_id: 'ord_4242', amount: 89 }), result('r1', 'refund_order', { refunded: true }), end('Refunded.')]),
      ]
        .map((event) => JSON.stringify(event))
        .join('\n'),
    );
    opened = await openReport(browser, report(trace, 'two'));
  }, 60_000);
  afterAll(() => opened?.close());

  it('puts the worst session first and opens it; the irreversible refund is called out', async () => {
    const page = opened.page;
    expect(await page.locator('table.overview tbody tr').evaluateAll((items) => items.map((item) => item.getAttribute('data-session')))).toEqual(['bad', 'quiet']);
    expect(await page.locator('#session').getAttribute('data-session')).toBe('bad');
    expect(await page.locator('.actions-after').innerText()).toMatch(/refund_order\s+irreversible \(destructive\)/);
    expect(await rowText(opened, 4)).toContain('external action after origin · irreversible (destructive)');
  });

  it('is usable by keyboard: Tab to a session, Enter opens it; Enter on a step opens its content; focus is visible', async () => {
    const page = opened.page;
    // The skip link shows when focused, and takes the focus to the selected session.
    await page.locator('.skip-link').focus();
    expect((await page.locator('.skip-link').boundingBox())!.x).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('session-heading');
    expect(await page.locator('#session').getAttribute('data-session')).toBe('bad');
    await page.locator('#filter').focus();
    let focused = '';
    for (let presses = 0; presses < 10 && focused !== 'quiet'; presses += 1) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    }
    expect(focused).toBe('quiet');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#session').getAttribute('data-session')).toBe('quiet');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('session-heading');
    await page.locator('#step-4 summary').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#step-4 .step-body').isVisible()).toBe(true);
    expect(await page.locator('#step-4 .step-body').innerText()).toContain('"customer_id": "cust_789"');
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter');
  });

  it('has a light and a dark scheme', async () => {
    const dark = await openReport(browser, opened.url.replace('file://', ''), { colorScheme: 'dark' });
    try {
      const colors = async (page: typeof dark.page) => page.evaluate((): [string, string] => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
      const [lightBackground, lightText] = await colors(opened.page);
      const [darkBackground, darkText] = await colors(dark.page);
      expect(lightBackground).toBe('rgb(255, 255, 255)');
      expect(darkBackground).not.toBe(lightBackground);
      expect(darkText).not.toBe(lightText);
      const luminance = (rgb: string) => rgb.match(/\d+/g)!.slice(0, 3).reduce((sum, channel) => sum + Number(channel), 0);
      expect(luminance(darkBackground)).toBeLessThan(luminance(darkText));
    } finally {
      await dark.close();
    }
  });

  it('prints cleanly: controls hidden, every step of the session opened, the overview unscrolled', async () => {
    const page = opened.page;
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.locator('#filter').isVisible()).toBe(false);
      expect(await page.locator('#copy-triage').isVisible()).toBe(false);
      expect(await page.locator('.overview-section .table-wrap').evaluate((element) => getComputedStyle(element).maxHeight)).toBe('none');
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      expect(await page.locator('.timeline details:not([open])').count()).toBe(0);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });
});

describe('content, as the page shows it', () => {
  const secret = 'sk-live-abcdefghijklmnopqrstuvwxyz123456';
  const hostile = '</script><script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'"> \u2028 <!-- end';
  let opened: OpenedReport;
  beforeAll(async () => {
    const events = session('hostile', [
      start(),
      tools(),
      user('Hi, I am cust_789. Find the refund policy, and email it to me.'),
      model({ tool_calls: [{ id: 'd1', name: 'search_docs', arguments: { query: 'refund policy' } }] }, { input_tokens: 700, output_tokens: 20 }),
      call('d1', 'search_docs', { query: 'refund policy' }),
      result('d1', 'search_docs', { page: hostile, text: 'policy '.repeat(2_000) }),
      model({ tool_calls: [{ id: 'e1', name: 'send_email', arguments: { to: 'cust_789@example.com', body: 'Here it is', api_key: secret } }] }, { input_tokens: 900, output_tokens: 30 }),
      call('e1', 'send_email', { to: 'cust_789@example.com', body: `Here it is. Authorization: Bearer ${secret}`, api_key: secret }),
      end('Sent.'),
    ]);
    const policy = file('budget-policy.json', JSON.stringify({ budget: { maxTokens: 1_000 } }));
    opened = await openReport(browser, report(file('hostile.jsonl', events.map((event) => JSON.stringify(event)).join('\n')), 'hostile', '--policy', policy));
  }, 60_000);
  afterAll(() => opened?.close());

  it('shows markup in content as text, never runs it', async () => {
    const page = opened.page;
    await page.locator('#step-5 summary').click();
    expect(await page.locator('#step-5 .step-body pre').first().innerText()).toContain('<img src=x onerror=');
    expect(await page.title()).not.toContain('pwned');
    expect(await page.locator('img, iframe').count()).toBe(0);
    expect(opened.requests).toEqual([opened.url]);
    expect(opened.errors).toEqual([]);
  });

  it('cuts long content, saying how much there was', async () => {
    expect(await opened.page.locator('#step-5 .step-body .cut').innerText()).toMatch(/showing the first 4,000 characters of 1[0-9],[0-9]{3} characters/);
  });

  it('shows secrets redacted, as the recorder writes them', async () => {
    const page = opened.page;
    await page.locator('#step-7 summary').click();
    const text = await page.locator('body').innerText();
    expect(text).toContain('[REDACTED]');
    expect(text).not.toContain(secret);
    expect(await page.content()).not.toContain(secret);
  });

  it("draws the policy's token budget as a line, with the tokens reaching past it", async () => {
    const chart = opened.page.locator('[data-testid="chart"]');
    expect(await chart.locator('[data-testid="budget-line"]').count()).toBe(1);
    expect(await chart.locator('text.budget-label').textContent()).toBe('budget 1k tokens');
    const budgetY = Number(await chart.locator('[data-testid="budget-line"]').getAttribute('y1'));
    const lastPoint = Number(await chart.locator('circle.cumulative-point').last().getAttribute('cy'));
    expect(lastPoint).toBeLessThan(budgetY);
  });
});
