import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it when missing); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/** A page opened from file://, with every request it made and every error it logged. */
export interface OpenedReport {
  page: Page;
  url: string;
  requests: string[];
  errors: string[];
  close(): Promise<void>;
}

export async function openReport(browser: Browser, file: string, options: BrowserContextOptions & { hash?: string } = {}): Promise<OpenedReport> {
  const { hash = '', ...contextOptions } = options;
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: 'light', deviceScaleFactor: 1, ...contextOptions });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  const url = pathToFileURL(file).href;
  await page.goto(url + hash);
  await page.waitForSelector('#session');
  return { page, url, requests, errors, close: () => context.close() };
}
