import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { startTestServer, type TestCredential, type TestServer } from '../support/server';
import { chromiumMissing, foreignRequests, launchChromium, recordProblems, recordRequests, screenshot } from '../support/browser';

/**
 * The API settings console at /admin, driven in Chromium as an admin would: one browser and one
 * page for the whole file, each test going on from where the previous one left the settings.
 * Requests from other addresses are sent with X-Forwarded-For, believed because the test
 * server trusts 127.0.0.1 as a proxy.
 */
describe('API settings console at /admin, in Chromium', { skip: chromiumMissing() }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let requests: Request[];
  let problems: string[];
  const ALLOWED = '198.51.100.9';
  const REFUSED = '203.0.113.7';

  const db = () => server.app.connection.db!;
  const settingsDoc = async () => (await db().collection('security_settings').find().toArray())[0] ?? {};
  const tab = (name: string) => page.getByRole('tab', { name });
  const panel = (id: string) => page.locator(`#panel-${id}`);
  const fromAddress = (credential: TestCredential, ip: string, signed = false) =>
    server.as(credential).get('/entities/tiers/tier', { signed, headers: { 'x-forwarded-for': ip } });

  before(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { TRUST_PROXY: '127.0.0.1' } }), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    requests = recordRequests(page);
    problems = recordProblems(page);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is served with a same-origin Content-Security-Policy, nosniff and revalidation', async () => {
    const response = await page.goto(`${server.url}/admin`);
    assert.equal(response?.status(), 200);
    const headers = response!.headers();
    assert.match(headers['content-security-policy']!, /default-src 'self'; script-src 'self'; style-src 'self'/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['cache-control'], 'no-cache');
    assert.ok(headers.etag);
    await page.getByLabel('ADMIN API key').waitFor();
  });

  it('refuses an unknown key (401) and a CLIENT key (403) with messages that say what to do', async () => {
    await page.getByLabel('ADMIN API key').fill('no-such-key-0000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: '401' }).waitFor();
    assert.match(await page.getByRole('alert').innerText(), /Not signed in \(401 UNAUTHENTICATED\).*ADMIN key/);

    await page.getByLabel('ADMIN API key').fill(server.client.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: '403' }).waitFor();
    assert.match(await page.getByRole('alert').innerText(), /Refused \(403 FORBIDDEN\).*ADMIN role/);
    assert.equal(await page.evaluate(() => (globalThis as any).sessionStorage.length), 0);
  });

  it('signs in with an ADMIN key kept in session storage only, never in the URL', async () => {
    await page.getByLabel('ADMIN API key').fill(server.admin.key);
    await page.keyboard.press('Enter');
    await tab('Credentials').waitFor();
    await panel('credentials').locator(`tr[data-key="${server.admin.key}"]`).waitFor();
    assert.ok(!page.url().includes(server.admin.key));
    const storage = await page.evaluate(() => ({
      session: JSON.stringify({ ...(globalThis as any).sessionStorage }),
      local: JSON.stringify({ ...(globalThis as any).localStorage }),
    }));
    assert.ok(storage.session.includes(server.admin.key));
    assert.ok(!storage.local.includes(server.admin.key));
    // A reload keeps the session (same tab).
    await page.reload();
    await panel('credentials').locator(`tr[data-key="${server.admin.key}"]`).waitFor();
  });

  let created: TestCredential;

  it('creates a key, shows its secret once with a copy button, and the key works', async () => {
    const credentials = panel('credentials');
    await credentials.getByLabel('Name').fill('Webshop');
    await credentials.getByLabel('Role').selectOption('CLIENT');
    await credentials.getByRole('button', { name: 'Create credential' }).click();
    await credentials.getByText('will never be shown again').waitFor();
    const key = (await credentials.locator('#new-key').innerText()).trim();
    const secret = await credentials.getByLabel('Secret of the new key').inputValue();
    created = { name: 'Webshop', key, secret, role: 'CLIENT' };
    await credentials.getByRole('button', { name: 'Copy secret' }).click();
    await credentials.getByText('Copied.').waitFor();
    const clipboard = await page.evaluate(() => (globalThis as any).navigator.clipboard.readText());
    assert.ok(clipboard === secret, 'the clipboard holds the secret'); // no secret in a failure message

    await credentials.locator(`tr[data-key="${key}"]`).waitFor();
    assert.match(await credentials.locator(`tr[data-key="${key}"]`).innerText(), /Webshop\s+CLIENT/);

    const signed = await server.as(created).graphql('{ tiers { id } }', undefined, { signed: true });
    assert.equal(signed.status, 200);
    assert.equal(signed.json.errors, undefined);
    await credentials.getByRole('button', { name: 'I stored it, close' }).click();
    assert.equal(await credentials.getByLabel('Secret of the new key').count(), 0, 'the secret left the page');
  });

  it('revokes a key after a confirmation; Cancel leaves it alone', async () => {
    const credentials = panel('credentials');
    const row = credentials.locator(`tr[data-key="${created.key}"]`);
    await row.getByRole('button', { name: `Revoke ${created.key}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    const stored = await db()
      .collection('api_credentials')
      .findOne({ _id: created.key as any });
    assert.equal(stored?.name, 'Webshop');
    assert.equal(stored?.revokedAt, null);
    assert.equal((await server.as(created).graphql('{ tiers { id } }')).status, 200);

    await row.getByRole('button', { name: `Revoke ${created.key}` }).click();
    await screenshot(page, 'console-revoke-confirmation');
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await credentials.getByText(`Revoked ${created.key}.`).waitFor();
    assert.equal(await row.getByRole('button').count(), 0);
    assert.ok(
      (
        await db()
          .collection('api_credentials')
          .findOne({ _id: created.key as any })
      )?.revokedAt instanceof Date,
    );
    const refused = await server.as(created).graphql('{ tiers { id } }');
    assert.equal(refused.status, 401);
    assert.equal(refused.json.errors[0].extensions.code, 'UNAUTHENTICATED');
    await screenshot(page, 'console-credentials');
  });

  it('turns the IP filter module on from the Modules tab', async () => {
    await tab('Modules').click();
    const box = panel('modules').getByLabel('IP filter (IP_FILTER)');
    await box.check();
    await panel('modules').getByText('IP filter is on.').waitFor();
    assert.equal(await box.isChecked(), true);
    assert.equal(
      (await server.as(server.admin).graphql('{ securitySettings { ipFilterEnabled } }')).json.data.securitySettings
        .ipFilterEnabled,
      true,
    );
  });

  it('adds IP entries through the endpoint drop-down: each line checked, errors beside the line, normalised form shown', async () => {
    await tab('IP filter').click();
    const ip = panel('ip-filter');
    const options = await ip.getByLabel('Endpoint').locator('option').allInnerTexts();
    assert.equal(options.length, 14);
    assert.ok(options.includes('Management API (MANAGEMENT) · ACTIVE'), options.join('\n'));
    assert.ok(options.includes('Offers API (OFFERS) · LEGACY'));
    assert.ok(options.includes('Coupons API (COUPONS) · DEPRECATED_SOON'));
    await ip.getByLabel('Endpoint').selectOption('ENTITIES');
    await ip.getByText('No entries: any address is accepted.').waitFor();

    await ip.getByLabel('Add addresses or CIDR ranges, one per line').fill(`198.51.100.3/24\n300.1.2.3\n`);
    await ip.getByRole('button', { name: 'Update' }).click();
    await ip.getByText('1 change refused').waitFor();
    const results = await ip.locator('.line-results li').allInnerTexts();
    assert.equal(results.length, 2);
    assert.match(results[0]!, /198\.51\.100\.3\/24 → stored as 198\.51\.100\.0\/24/);
    assert.match(results[1]!, /300\.1\.2\.3 → Not accepted \(400 BAD_USER_INPUT\)/);
    assert.equal(
      await ip.getByLabel('Add addresses or CIDR ranges, one per line').inputValue(),
      '300.1.2.3',
      'the refused line stays to be fixed',
    );
    assert.deepEqual(await ip.locator('.entries code').allInnerTexts(), ['198.51.100.0/24']);
    const stored = (await settingsDoc()) as any;
    assert.deepEqual(JSON.stringify(stored).match(/198\.51\.100\.0\/24|300\.1\.2\.3/g), ['198.51.100.0/24']);
    await screenshot(page, 'console-ip-filter');

    const refused = await fromAddress(server.client, REFUSED);
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'FORBIDDEN');
    assert.equal((await fromAddress(server.client, ALLOWED)).status, 200);
    // The console's own requests (127.0.0.1, MANAGEMENT) are not affected by the ENTITIES filter.
  });

  it('removes an entry on Update after marking it, and adds it back', async () => {
    const ip = panel('ip-filter');
    await ip.getByLabel('Add addresses or CIDR ranges, one per line').fill('');
    await ip.getByRole('button', { name: 'Remove 198.51.100.0/24' }).click();
    await ip.getByText('removed on Update').waitFor();
    await ip.getByRole('button', { name: 'Update' }).click();
    await ip.getByText('ENTITIES updated.').waitFor();
    await ip.getByText('No entries: any address is accepted.').waitFor();
    assert.equal((await fromAddress(server.client, REFUSED)).status, 200);

    await ip.getByLabel('Add addresses or CIDR ranges, one per line').fill('198.51.100.0/24');
    await ip.getByRole('button', { name: 'Update' }).click();
    await ip.locator('.entries code', { hasText: '198.51.100.0/24' }).waitFor();
    assert.equal((await fromAddress(server.client, REFUSED)).status, 403);
  });

  it('enforces signatures on an endpoint with a checkbox per endpoint and its label', async () => {
    await tab('Modules').click();
    await panel('modules').getByLabel('Signature check (SIGNATURE_CHECK)').check();
    await panel('modules').getByText('Signature check is on.').waitFor();

    await tab('Signature enforcement').click();
    const sig = panel('signatures');
    await sig.getByLabel('Entities API (ENTITIES)').waitFor();
    assert.deepEqual(await sig.locator('tr', { hasText: 'Offers API (OFFERS)' }).locator('.badge').allInnerTexts(), ['LEGACY']);
    assert.deepEqual(await sig.locator('tr', { hasText: '(WORKFLOW_CAMPAIGNS)' }).locator('.badge').allInnerTexts(), [
      'DEPRECATED_SOON',
    ]);
    await sig.getByLabel('Entities API (ENTITIES)').check();
    await sig.getByRole('button', { name: 'Update' }).click();
    await sig.getByText('Updated ENTITIES.').waitFor();
    await screenshot(page, 'console-signatures');

    const plain = await fromAddress(server.client, ALLOWED);
    assert.equal(plain.status, 401);
    assert.equal(plain.json.error.code, 'UNAUTHENTICATED');
    assert.equal((await fromAddress(server.client, ALLOWED, true)).status, 200);
    const settings = await server.as(server.admin).graphql('{ securitySettings { endpoints { endpoint signatureEnforced } } }');
    const enforced = settings.json.data.securitySettings.endpoints
      .filter((e: any) => e.signatureEnforced)
      .map((e: any) => e.endpoint);
    assert.deepEqual(enforced, ['ENTITIES']);
  });

  it('finds the refused address in the Errors tab, with the redacted request and response', async () => {
    await tab('Errors').click();
    const errors = panel('errors');
    await errors.getByLabel('Error code').fill('FORBIDDEN');
    await errors.getByRole('button', { name: 'Search' }).click();
    await errors.getByText(/failed calls matching the filters/).waitFor();
    const rows = errors.locator('tbody tr');
    assert.ok((await rows.count()) >= 2);
    const first = await rows.first().innerText();
    assert.match(first, /403/);
    assert.match(first, new RegExp(REFUSED.replace(/\./g, '\\.')));
    assert.match(first, /GET \/entities\/tiers\/tier/);
    await rows
      .first()
      .getByRole('button', { name: /Details/ })
      .click();
    const detail = errors.locator('.detail');
    await detail.getByText('Request headers').waitFor();
    const text = await detail.innerText();
    assert.match(text, /FORBIDDEN/);
    assert.match(text, /"x-api-key": "\*\*\*"/);
    assert.ok(!text.includes(server.client.key), 'the key appears in the detail view');
    await screenshot(page, 'console-errors');

    await errors.getByLabel('Error code').fill('UNAUTHENTICATED');
    await errors.getByLabel('HTTP status').fill('401');
    await errors.getByRole('button', { name: 'Search' }).click();
    await errors.locator('tbody tr', { hasText: 'ENTITIES' }).first().waitFor();
  });

  it('is usable with the keyboard: arrow keys move between tabs', async () => {
    await tab('Errors').focus();
    await page.keyboard.press('ArrowLeft');
    assert.equal(await tab('Signature enforcement').getAttribute('aria-selected'), 'true');
    await page.keyboard.press('Home');
    assert.equal(await tab('Credentials').getAttribute('aria-selected'), 'true');
    assert.equal(await panel('credentials').isVisible(), true);
  });

  it('fits a phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const name of ['Credentials', 'IP filter', 'Errors']) {
      await tab(name).click();
      await page.waitForTimeout(200);
      const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth);
      assert.ok(overflow <= 390, `${name}: the page is ${overflow}px wide on a 390px screen`);
    }
    await tab('IP filter').click();
    await screenshot(page, 'console-phone-ip-filter');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('made no request outside its own origin and had no page errors', () => {
    assert.deepEqual(foreignRequests(requests, server.url), []);
    assert.deepEqual(problems, []);
  });

  it('signs out: the key leaves session storage', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('ADMIN API key').waitFor();
    assert.equal(await page.evaluate(() => (globalThis as any).sessionStorage.length), 0);
  });

  it('goes back to sign-in, saying why, when the signed-in key is revoked meanwhile', async () => {
    const made = await server
      .as(server.admin)
      .graphql('mutation { createApiCredential(input: { name: "second admin", role: ADMIN }) { credential { key } } }');
    const key: string = made.json.data.createApiCredential.credential.key;
    await page.getByLabel('ADMIN API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await tab('Modules').waitFor();
    const revoked = await server
      .as(server.admin)
      .graphql('mutation ($key: String!) { revokeApiCredential(key: $key) { revokedAt } }', { key });
    assert.equal(revoked.json.errors, undefined);
    await tab('Modules').click();
    await page.getByRole('alert').filter({ hasText: '401' }).waitFor();
    await page.getByLabel('ADMIN API key').waitFor();
    assert.equal(await page.evaluate(() => (globalThis as any).sessionStorage.length), 0);
  });
});
