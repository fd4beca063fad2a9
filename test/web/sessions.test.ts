// Sessions and sign-in in Chromium: the idle timeout warns and signs out, each person is routed to
// the right sign-in, TOTP enrolment and the code step, keyboard-only sign-in, and the language switch.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { de } from '../../web/src/i18n/de.js';
import { en } from '../../web/src/i18n/en.js';
import { checkPage, launchChromium, newContext, tmpFile } from '../helpers/chromium.js';
import { codeAt } from '../helpers/console.js';
import { advisorWithExchange } from '../helpers/exchanges.js';
import { entraUser, scim } from '../helpers/scim.js';
import { createTenant, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';

describe('web sessions in Chromium', () => {
  let server: RunningServer;
  let chromium: Browser;
  before(async () => {
    server = await startServer();
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await server?.stop();
  });

  async function consoleSignIn(_tenant: TenantValues, locale = 'en-GB') {
    const ctx = await newContext(chromium, locale);
    const page = await ctx.newPage();
    return { ctx, page };
  }

  it('warns a minute before the idle timeout, keeps the session on request, then signs out', async () => {
    const tenant = await createTenant(server, 'Idle Firm');
    const { ctx, page } = await consoleSignIn(tenant);
    await page.clock.install();
    await page.goto(`${server.url}/signin`);
    await page.getByLabel(en['signin.username'], { exact: true }).fill(tenant.username);
    await page.getByLabel(en['signin.password'], { exact: true }).fill(tenant.password);
    await page.getByLabel(en['signin.password'], { exact: true }).press('Enter');
    await page.getByRole('heading', { level: 1, name: en['console.setup'] }).waitFor();

    await page.clock.runFor('14:01');
    const dialog = page.getByRole('alertdialog', { name: en['idle.title'] });
    await dialog.waitFor();
    const stay = dialog.getByRole('button', { name: en['idle.stay'] });
    assert.ok(await stay.evaluate((b) => b === document.activeElement), 'the warning takes the focus');
    await checkPage(page, 'idle warning');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });

    await page.clock.runFor('13:30');
    assert.equal(await dialog.count(), 0, 'staying restarted the timer');
    await page.clock.runFor('01:31');
    await page.waitForURL(/\/signin\?idle=1$/);
    await page.getByText(en['idle.signedOut']).waitFor();
    const tenantNow = await ctx.request.get(`${server.url}/api/tenant`);
    assert.equal(tenantNow.status(), 401, 'the server session ended too');
    await ctx.close();
  });

  it('routes staff by e-mail domain to their firm\'s SAML sign-in and says when no firm is known', async () => {
    const tenant = await createTenant(server, 'Domain Firm');
    const user = entraUser({ userName: 'dora@domain-firm.example' });
    assert.equal((await scim(tenant, 'POST', '/Users', user)).status, 201);
    const ctx = await newContext(chromium, 'en-GB');
    const page = await ctx.newPage();
    await page.goto(`${server.url}/`);
    await checkPage(page, 'sign-in');
    await page.getByLabel(en['signin.workEmail'], { exact: true }).fill('someone@nowhere.example');
    await page.getByRole('button', { name: en['signin.continue'] }).click();
    await page.getByText(en['signin.staff.unknownDomain']).waitFor();
    await page.getByLabel(en['signin.workEmail'], { exact: true }).fill('dora@domain-firm.example');
    await Promise.all([
      page.waitForURL(`${server.url}/saml/${tenant.tenantId}/login`),
      page.getByRole('button', { name: en['signin.continue'] }).click(),
    ]);
    await ctx.close();
  });

  it('enrols TOTP in the console, then asks for the code at the next sign-in (keyboard only)', async () => {
    const tenant = await createTenant(server, 'Totp Firm');
    const { ctx, page } = await consoleSignIn(tenant);
    await page.goto(`${server.url}/signin`);
    // Keyboard only: focus the username, type, Tab to the password, Enter submits.
    await page.getByLabel(en['signin.username'], { exact: true }).focus();
    await page.keyboard.type(tenant.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(tenant.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: en['console.setup'] }).waitFor();
    await page.getByRole('link', { name: en['console.settings'] }).click();
    await page.getByRole('button', { name: en['totp.start'] }).click();
    const qr = page.getByRole('img', { name: en['totp.qr'] });
    assert.match(await qr.getAttribute('src') ?? '', /^data:image\/gif;base64,/);
    assert.ok(((await qr.boundingBox())?.width ?? 0) > 100, 'a QR code large enough to scan');
    const secret = await page.getByRole('textbox', { name: en['totp.secret'], exact: true }).inputValue();
    const t0 = Math.floor(Date.now() / 1000);
    await page.getByLabel(en['totp.code'], { exact: true }).fill(await codeAt(secret, t0));
    await page.getByRole('button', { name: en['totp.confirm'] }).click();
    await page.getByText(en['totp.on']).waitFor();
    await checkPage(page, 'console settings');
    await page.getByRole('button', { name: en['app.signOut'] }).click();
    await page.getByRole('heading', { level: 1, name: en['signin.title'] }).waitFor();

    await page.getByLabel(en['signin.username'], { exact: true }).fill(tenant.username);
    await page.getByLabel(en['signin.password'], { exact: true }).fill(tenant.password);
    await page.getByLabel(en['signin.password'], { exact: true }).press('Enter');
    const totp = page.getByLabel(en['signin.totp'], { exact: true });
    await totp.waitFor();
    // A code works once: the next time step's code, which the server's window accepts.
    await totp.fill(await codeAt(secret, t0, 1));
    await totp.press('Enter');
    await page.getByRole('heading', { level: 1, name: en['console.setup'] }).waitFor();
    await ctx.close();
  });

  it('resumes an upload after the connection drops, and the file arrives intact', { timeout: 120_000 }, async () => {
    const { owner, exchangeId } = await advisorWithExchange(server, 'Offline');
    const bytes = crypto.randomBytes(40 * 1024 * 1024);
    const file = tmpFile('big-scan.pdf');
    fs.writeFileSync(file, bytes);
    const ctx = await newContext(chromium, 'en-GB');
    await ctx.addCookies([{ name: 'sx_session', value: owner.browser.cookies.get('sx_session')!, url: server.url }]);
    const page = await ctx.newPage();
    await page.goto(`${server.url}/app/exchanges/${encodeURIComponent(exchangeId)}`);
    await page.getByRole('heading', { level: 1, name: 'Offline' }).waitFor();
    // Every status the upload row takes, as the person would have seen it.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { statuses: string[] }).statuses = seen;
      new MutationObserver(() => {
        const s = document.querySelector('li.upload')?.getAttribute('data-status');
        if (s && seen[seen.length - 1] !== s) seen.push(s);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    });
    await page.locator('#file-input').setInputFiles(file);
    await page.waitForFunction(() => Number(document.querySelector('progress')?.value ?? 0) >= 10, undefined, { polling: 'raf' });
    await ctx.setOffline(true);
    await page.locator('li.upload[data-status="retrying"]').waitFor({ timeout: 30_000 });
    await page.getByText(en['upload.retrying']).waitFor();
    await ctx.setOffline(false);
    await page.locator('li.upload[data-status="done"]').waitFor({ timeout: 60_000 });
    const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    assert.deepEqual(statuses.filter((x, i) => x !== statuses[i - 1]).slice(-2), ['uploading', 'done']);
    assert.ok(statuses.includes('retrying'));
    const doc = (await owner.browser.api('GET', `/exchanges/${exchangeId}/documents`)).body.items[0];
    assert.equal(doc.sha256, crypto.createHash('sha256').update(bytes).digest('hex'), 'the resumed upload is byte-identical');
    await ctx.close();
  });

  it('switches the language, keeps the choice, and formats per locale', async () => {
    const ctx = await newContext(chromium, 'en-GB');
    const page = await ctx.newPage();
    await page.goto(`${server.url}/signin`);
    await page.getByRole('heading', { level: 1, name: en['signin.title'] }).waitFor();
    await page.getByLabel(en['app.language'], { exact: true }).selectOption('de');
    await page.getByRole('heading', { level: 1, name: de['signin.title'] }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: de['signin.title'] }).waitFor();
    await checkPage(page, 'sign-in in German');
    await ctx.close();
  });

  it('answers an unknown path inside the app with its own not-found page, and a used invitation link readably', async () => {
    const ctx = await newContext(chromium, 'fr-CH');
    const page = await ctx.newPage();
    await page.goto(`${server.url}/invite/${'A'.repeat(43)}`);
    await page.getByRole('link', { name: (await import('../../web/src/i18n/fr.js')).fr['invite.toSignIn'] }).waitFor();
    await checkPage(page, 'bad invitation');
    await ctx.close();
  });
});
