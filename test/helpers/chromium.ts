// Debian's headless Chromium driven by playwright-core (never a downloaded browser), and the checks
// every page of the web app gets: axe-core, no raw translation key, no CSP violation.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { en } from '../../web/src/i18n/en.js';
import { repoRoot } from './server.js';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  assert.ok(fs.existsSync(CHROMIUM), 'Debian\'s chromium is installed (scripts/ensure-peers.sh)');
  // The flags MEASURED.md lists: without the networking ones Chromium tries to reach the internet at start.
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A fresh profile (its own cookies) in a language; CSP violations of its pages are collected. */
export async function newContext(browser: Browser, locale: string, opts: { phone?: boolean } = {}): Promise<BrowserContext & { cspViolations: string[] }> {
  const context = await browser.newContext({
    locale, acceptDownloads: true,
    viewport: opts.phone ? { width: 375, height: 740 } : { width: 1280, height: 900 },
  });
  const violations: string[] = [];
  context.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  return Object.assign(context, { cspViolations: violations });
}

/** Screenshots of the main pages go to test-output/web (kept out of git by .gitignore). */
export const screenshotDir = path.join(repoRoot, 'test-output', 'web');

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

const KEYS = Object.keys(en);

/**
 * The page is accessible as axe-core sees it (WCAG 2 A/AA rules; serious and critical findings fail)
 * and shows no translation key raw. axe runs through the DevTools protocol, which the page's CSP
 * does not govern, so the CSP under test stays the real one.
 */
export async function checkPage(page: Page, what: string) {
  await page.evaluate(axe.source);
  const result = await page.evaluate(async () => {
    const r = await (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${what}: accessibility violations ${JSON.stringify(bad)}`);
  // Works at every width: nothing sticks out sideways (a phone would have to scroll to reach it).
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const wide = overflow <= 1 ? [] : await page.evaluate(() => Array.from(document.querySelectorAll('body *'))
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(-3).map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`));
  assert.ok(overflow <= 1, `${what}: the page is ${overflow}px wider than the window: ${wide.join('; ')}`);
  const text = await page.locator('body').innerText();
  const raw = KEYS.filter((k) => text.includes(k));
  assert.deepEqual(raw, [], `${what}: raw translation keys on the page`);
}

export const tmpFile = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sx-web-')), name);
