// The whole story in a real headless Chromium, once per language: the operator creates a
// tenant; the tenant signs in, imports the local IdP's metadata and promotes an admin; SCIM provisions
// an admin and two advisors; an advisor signs in through the local Entra-like IdP (SimpleSAMLphp),
// creates an exchange, invites a client and uploads 50 MiB while the progress bar moves; the client
// opens the invitation mail, signs in with the mailed code, downloads the file byte-identical and
// uploads an answer; the admin hands the exchange to the second advisor, who sees it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { entraSigner } from '../../bench/saml-signer.js';
import { de } from '../../web/src/i18n/de.js';
import { en, type Messages } from '../../web/src/i18n/en.js';
import { fr } from '../../web/src/i18n/fr.js';
import { it as itIt } from '../../web/src/i18n/it.js';
import { checkPage, launchChromium, newContext, screenshot, tmpFile } from '../helpers/chromium.js';
import { linkToken, mailedCode, startSmtp, type Smtp } from '../helpers/clients.js';
import { entraUser, scim } from '../helpers/scim.js';
import { startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { startIdp, type RunningIdp } from '../peers/simplesamlphp.js';

const ALICE_OID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const LANGS = [
  { code: 'EN', locale: 'en-GB', m: en },
  { code: 'DE', locale: 'de-CH', m: de },
  { code: 'FR', locale: 'fr-CH', m: fr },
  { code: 'IT', locale: 'it-CH', m: itIt },
] as const;
const SIZE = 50 * 1024 * 1024;
const fill = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k]));

describe('web app: the whole story in Chromium, per language', () => {
  let server: RunningServer;
  let idp: RunningIdp;
  let smtp: Smtp;
  let chromium: Browser;
  let bigFile: string;
  let bigSha: string;

  before(async () => {
    smtp = await startSmtp();
    server = await startServer({ SMTP_URL: smtp.url });
    // Tenant ids are chosen up front: the IdP must know every SP (entity ID and ACS) when it starts.
    idp = await startIdp({ sps: LANGS.map((l) => ({ entityId: `story-${l.code.toLowerCase()}`, acs: `${server.url}/saml/story-${l.code.toLowerCase()}/acs` })) });
    chromium = await launchChromium();
    bigFile = tmpFile('annual-report.bin');
    const bytes = crypto.randomBytes(SIZE);
    fs.writeFileSync(bigFile, bytes);
    bigSha = crypto.createHash('sha256').update(bytes).digest('hex');
  });
  after(async () => {
    await chromium?.close();
    await idp?.stop();
    await server?.stop();
    await smtp?.stop();
  });

  for (const lang of LANGS) {
    it(`runs in ${lang.code}`, { timeout: 240_000 }, async () => {
      const m: Messages = lang.m;
      const low = lang.code.toLowerCase();
      const shot = (page: Page, name: string) => screenshot(page, `${low}-${name}`);

      // 1. The operator creates the tenant with the CLI.
      const created = await server.cli(['tenant', 'create', '--name', `Story ${lang.code}`, '--id', `story-${low}`, '--language', lang.code, '--json']);
      assert.equal(created.code, 0, created.stderr);
      const tenant = JSON.parse(created.stdout) as TenantValues;

      // 2. The tenant signs in to its console and sees the four values.
      const tctx = await newContext(chromium, lang.locale);
      const tpage = await tctx.newPage();
      await tpage.goto(`${server.url}/signin`);
      await checkPage(tpage, `${lang.code} sign-in`);
      await shot(tpage, 'signin');
      await tpage.getByLabel(m['signin.username'], { exact: true }).fill(tenant.username);
      await tpage.getByLabel(m['signin.password'], { exact: true }).fill(tenant.password);
      await tpage.locator('form', { has: tpage.getByLabel(m['signin.username'], { exact: true }) }).getByRole('button', { name: m['signin.signIn'] }).click();
      await tpage.getByRole('heading', { level: 1, name: m['console.setup'] }).waitFor();
      assert.equal(await tpage.getByRole('textbox', { name: m['setup.scimUrl'], exact: true }).inputValue(), tenant.scimUrl);
      assert.equal(await tpage.getByRole('textbox', { name: m['setup.samlUrl'], exact: true }).inputValue(), tenant.samlUrl);
      assert.equal(await tpage.getByRole('textbox', { name: m['setup.tenantId'], exact: true }).inputValue(), tenant.tenantId);
      assert.equal(await tpage.evaluate(() => document.documentElement.lang), low);
      await checkPage(tpage, `${lang.code} console set-up`);
      await shot(tpage, 'console-setup');

      // 3. It imports the local IdP's Federation Metadata XML and sees its certificate.
      const metadata = await (await fetch(idp.metadataUrl)).text();
      await tpage.getByRole('link', { name: m['console.idp'] }).first().click();
      await tpage.getByLabel(m['idp.xml'], { exact: true }).fill(metadata);
      await tpage.getByRole('button', { name: m['common.save'] }).click();
      await tpage.getByText(m['idp.saved']).waitFor();
      await tpage.locator('dd', { hasText: idp.entityId }).waitFor();
      await checkPage(tpage, `${lang.code} console IdP`);
      await shot(tpage, 'console-idp');

      // 4. Entra provisions an admin and two advisors over SCIM (alice is the IdP's user).
      const provision = async (userName: string, userType: 'ADMIN' | 'ADVISOR', externalId: string, givenName: string) => {
        const body = { ...entraUser({ userName, externalId, userType, givenName }), preferredLanguage: lang.code };
        const r = await scim(tenant, 'POST', '/Users', body);
        assert.equal(r.status, 201, JSON.stringify(r.body));
        return { userName, externalId, id: r.body.id as string, displayName: `${givenName} Family` };
      };
      const admin = await provision(`admin@${low}.story.example`, 'ADMIN', crypto.randomUUID(), 'Ada');
      await provision('alice@contoso.example', 'ADVISOR', ALICE_OID, 'Alice');
      const bob = await provision(`bob@${low}.story.example`, 'ADVISOR', crypto.randomUUID(), 'Bob');

      // 5. The tenant promotes the admin.
      await tpage.getByRole('link', { name: m['console.users'] }).first().click();
      await tpage.getByRole('button', { name: fill(m['users.promoteNamed'], { name: admin.displayName }) }).click();
      await tpage.getByRole('button', { name: fill(m['users.demoteNamed'], { name: admin.displayName }) }).waitFor();
      await checkPage(tpage, `${lang.code} console users`);
      await shot(tpage, 'console-users');
      await tpage.getByRole('link', { name: m['console.scim'] }).first().click();
      await tpage.getByText(m['scim.lastRequest']).waitFor();
      await checkPage(tpage, `${lang.code} console SCIM`);
      await shot(tpage, 'console-scim');
      await tpage.getByRole('link', { name: m['console.provisioning'] }).first().click();
      await tpage.getByRole('combobox', { name: m['prov.status'] }).selectOption('error');
      await tpage.getByText(m['prov.none']).waitFor();
      await checkPage(tpage, `${lang.code} provisioning log`);
      await shot(tpage, 'console-provisioning');
      await tpage.getByRole('link', { name: m['console.audit'] }).first().click();
      await tpage.getByLabel(m['audit.action'], { exact: true }).fill('admin.promote');
      await tpage.locator('td', { hasText: 'admin.promote' }).first().waitFor();
      await checkPage(tpage, `${lang.code} audit log`);
      await shot(tpage, 'console-audit');

      // 6. Alice signs in through the local IdP from her firm's link.
      const actx = await newContext(chromium, lang.locale);
      const apage = await actx.newPage();
      await apage.goto(`${server.url}/t/${tenant.tenantId}`);
      await checkPage(apage, `${lang.code} firm sign-in`);
      await shot(apage, 'signin-firm');
      await apage.getByRole('button', { name: m['signin.staff.sso'] }).click();
      await apage.locator('input[name="username"]').fill('alice');
      await apage.locator('input[name="password"]').fill('alice-pass');
      await apage.locator('input[name="password"]').press('Enter');
      await apage.waitForURL(`${server.url}/app`, { timeout: 30_000 });
      await apage.getByRole('heading', { level: 1, name: m['exchanges.title'] }).waitFor();

      // 7. She creates an exchange and invites a client.
      const title = `Tax return 2026 (${lang.code})`;
      await apage.getByLabel(m['exchanges.newTitle'], { exact: true }).fill(title);
      await apage.getByRole('button', { name: m['exchanges.createButton'] }).click();
      await apage.getByRole('heading', { level: 1, name: title }).waitFor();
      const clientEmail = `client-${low}@example.net`;
      await apage.getByLabel(m['people.email'], { exact: true }).fill(clientEmail);
      await apage.getByRole('button', { name: m['people.invite'], exact: true }).click();
      await apage.getByText(fill(m['people.invited'], { email: clientEmail })).waitFor();

      // 8. She uploads 50 MiB; the test records every value the progress bar takes.
      await apage.evaluate(() => {
        const seen: number[] = [];
        (window as unknown as { progressSeen: number[] }).progressSeen = seen;
        new MutationObserver(() => {
          const bar = document.querySelector('progress');
          if (bar && seen[seen.length - 1] !== bar.value) seen.push(bar.value);
        }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
      });
      await apage.locator('#file-input').setInputFiles(bigFile);
      await apage.locator('li.upload[data-status="done"]').waitFor({ timeout: 120_000 });
      const seen = await apage.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
      const between = new Set(seen.filter((v) => v > 0 && v < 100));
      assert.ok(between.size >= 2, `the progress bar moved through values between 0 and 100: ${JSON.stringify(seen)}`);
      assert.equal(seen[seen.length - 1], 100);
      await apage.getByRole('cell', { name: 'annual-report.bin', exact: true }).waitFor();
      await checkPage(apage, `${lang.code} advisor exchange`);
      await shot(apage, 'advisor-exchange');
      const exchangeUrl = apage.url();
      const exchangeId = decodeURIComponent(exchangeUrl.split('/').pop()!);

      // 9. The client opens the invitation link, signs in with the mailed code, downloads, answers.
      const cctx = await newContext(chromium, lang.locale, { phone: true });
      const cpage = await cctx.newPage();
      const token = linkToken(await smtp.waitFor(clientEmail));
      await cpage.goto(`${server.url}/invite/${token}`);
      const code = mailedCode(await smtp.waitFor(clientEmail));
      await cpage.getByLabel(m['signin.email'], { exact: true }).fill(clientEmail);
      await cpage.getByLabel(m['signin.client.code'], { exact: true }).fill(code);
      await checkPage(cpage, `${lang.code} client code`);
      await shot(cpage, 'client-code');
      await cpage.getByRole('button', { name: m['signin.signIn'] }).click();
      await cpage.getByRole('heading', { level: 1, name: m['exchanges.title'] }).waitFor();
      await checkPage(cpage, `${lang.code} client exchanges`);
      await shot(cpage, 'client-exchanges');
      await cpage.getByRole('link', { name: title }).click();
      await cpage.getByRole('heading', { level: 1, name: title }).waitFor();
      const [download] = await Promise.all([
        cpage.waitForEvent('download'),
        cpage.getByRole('link', { name: fill(m['documents.downloadNamed'], { name: 'annual-report.bin' }) }).click(),
      ]);
      const got = crypto.createHash('sha256').update(fs.readFileSync(await download.path())).digest('hex');
      assert.equal(got, bigSha, 'the client downloads the file byte-identical');
      const answer = tmpFile('answer.txt');
      fs.writeFileSync(answer, `signed and returned (${lang.code})\n`);
      await cpage.locator('#file-input').setInputFiles(answer);
      await cpage.locator('li.upload[data-status="done"]').waitFor();
      await cpage.getByRole('cell', { name: 'answer.txt', exact: true }).waitFor();
      await checkPage(cpage, `${lang.code} client exchange`);
      await shot(cpage, 'client-exchange');

      // Alice sees the answer and sends a corrected version of her report; both versions stay listed.
      await apage.reload();
      await apage.getByRole('cell', { name: 'answer.txt', exact: true }).waitFor();
      const corrected = tmpFile('annual-report.bin');
      fs.writeFileSync(corrected, `corrected (${lang.code})\n`);
      await apage.getByLabel(fill(m['documents.newVersionNamed'], { name: 'annual-report.bin' }), { exact: true }).setInputFiles(corrected);
      const versions = apage.getByRole('button', { name: fill(m['documents.versions'], { n: 2 }), exact: true });
      await versions.click();
      await apage.getByRole('list', { name: fill(m['documents.versionsOf'], { name: 'annual-report.bin' }) })
        .getByRole('link', { name: fill(m['documents.versionN'], { n: 1 }) }).waitFor();
      await checkPage(apage, `${lang.code} advisor versions`);

      // 10. The promoted admin hands the exchange to Bob.
      const signer = entraSigner();
      const signIn = async (who: { userName: string; externalId: string }) => {
        const ctx = await newContext(chromium, lang.locale);
        const r = signer.sign({ acsUrl: tenant.samlUrl, audience: tenant.tenantId, upn: who.userName, objectId: who.externalId });
        const res = await ctx.request.post(tenant.samlUrl, { form: { SAMLResponse: r.samlResponse, RelayState: '/' }, maxRedirects: 0 });
        assert.equal(res.status(), 303, await res.text());
        return ctx;
      };
      const adctx = await signIn(admin);
      const adpage = await adctx.newPage();
      await adpage.goto(`${server.url}/`);
      await adpage.getByRole('heading', { level: 1, name: m['admin.title'] }).waitFor();
      const row = adpage.locator('li.list-item', { hasText: title });
      await row.getByRole('button', { name: m['admin.manage'], exact: true }).click();
      await row.getByLabel(m['admin.newOwner'], { exact: true }).selectOption({ label: bob.displayName });
      await row.getByRole('button', { name: m['admin.handoverButton'], exact: true }).click();
      await adpage.getByText(m['admin.handedOver']).waitFor();
      await adpage.locator('li.list-item', { hasText: title }).getByText(fill(m['exchange.owner'], { name: bob.displayName })).waitFor();
      await checkPage(adpage, `${lang.code} admin`);
      await shot(adpage, 'admin-exchanges');

      // 11. Bob sees it among his exchanges; Alice no longer opens it.
      const bctx = await signIn(bob);
      const bpage = await bctx.newPage();
      await bpage.goto(`${server.url}/app`);
      await bpage.getByRole('link', { name: title }).waitFor();
      await checkPage(bpage, `${lang.code} advisor list`);
      await shot(bpage, 'advisor-list');
      const aliceNow = await actx.request.get(`${server.url}/api/exchanges/${encodeURIComponent(exchangeId)}`);
      assert.equal(aliceNow.status(), 404);

      for (const c of [tctx, actx, cctx, adctx, bctx]) assert.deepEqual(c.cspViolations, [], 'no Content-Security-Policy violation');
      await Promise.all([tctx, actx, cctx, adctx, bctx].map((c) => c.close()));
    });
  }
});
