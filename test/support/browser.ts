import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';

/** Debian's chromium; CHROMIUM_PATH points elsewhere. The tests install nothing themselves. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The one line `npm test` prints instead of running the browser tests (scripts/run-tests.js says it too). */
export const NO_CHROMIUM = `browser tests skipped: no Chromium at ${CHROMIUM_PATH} (install it with: apt-get install -y chromium)`;

export const chromiumMissing = (): string | false => (existsSync(CHROMIUM_PATH) ? false : NO_CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/** Kept as CI artifacts: test-results/ at the repository root (gitignored). */
export const SCREENSHOTS = join(__dirname, '..', '..', '..', 'test-results');

/** Where the console shows API keys and secrets: masked in screenshots, which are kept as artifacts. */
const CREDENTIALS_SHOWN = 'td code, #new-key, #new-secret, dialog p';

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, mask: [page.locator(CREDENTIALS_SHOWN)] });
  return path;
}

/** Every request the page makes, to assert that none leaves the test server's origin. */
export function recordRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (request) => seen.push(request));
  return seen;
}

export const foreignRequests = (seen: Request[], origin: string): string[] =>
  seen.map((r) => r.url()).filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'));

/** Content-Security-Policy violations and page errors, which would mean a broken page. */
export function recordProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) {
      problems.push(`console error: ${msg.text()}`);
    }
  });
  return problems;
}
