import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page, Request } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { fixture } from '../support/fixtures';
import { chromiumMissing, foreignRequests, launchChromium, recordProblems, recordRequests, screenshot } from '../support/browser';

interface CodeMirror {
  getValue(): string;
  setValue(value: string): void;
}

/**
 * GraphiQL 3's editors are CodeMirror 5 instances, kept on their element; the visible one under
 * `selector` is read or written as typing would (the variables editor is the hidden twin of the
 * headers editor).
 */
async function editor(page: Page, selector: string, text?: string): Promise<string> {
  await page.locator(`${selector} .CodeMirror`).first().waitFor({ state: 'attached' });
  return page.evaluate(
    ([sel, value]) => {
      const doc = (globalThis as any).document;
      const all = [...doc.querySelectorAll(`${sel} .CodeMirror`)] as {
        parentElement: { classList: { contains(c: string): boolean } };
        CodeMirror: CodeMirror;
      }[];
      const cm = all.find((el) => !el.parentElement.classList.contains('hidden'))!.CodeMirror;
      if (value !== undefined) cm.setValue(value);
      return cm.getValue();
    },
    [selector, text] as const,
  );
}

describe('GraphiQL at /graphiql, in Chromium', { skip: chromiumMissing() }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let requests: Request[];
  let problems: string[];

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    const imported = await server
      .as(server.admin)
      .graphql('mutation Seed($docs: [JSONObject!]!) { importEntities(entity: TIER, documents: $docs) { received } }', {
        docs: fixture('tiers'),
      });
    assert.equal(imported.json.errors, undefined);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    requests = recordRequests(page);
    problems = recordProblems(page);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('loads from the server alone, with the headers editor pre-filled for X-Api-Key', async () => {
    const response = await page.goto(`${server.url}/graphiql`);
    assert.equal(response?.status(), 200);
    const headers = response!.headers();
    assert.match(headers['content-security-policy']!, /default-src 'self'/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    await page.locator('.graphiql-container').waitFor();
    assert.deepEqual(JSON.parse(await editor(page, '.graphiql-editor-tool')), { 'X-Api-Key': '' });
    assert.deepEqual(foreignRequests(requests, server.url), []);
  });

  it('runs a query with the key from the headers editor, every request to its own origin', async () => {
    await editor(page, '.graphiql-query-editor', '{ tiers { id } }');
    // With a key in the headers editor, the page fetches the schema for the docs and completion.
    const introspected = page.waitForResponse(
      (r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('IntrospectionQuery'),
    );
    await editor(page, '.graphiql-editor-tool', JSON.stringify({ 'X-Api-Key': server.client.key }));
    assert.equal((await introspected).status(), 200);
    await page.locator('.graphiql-execute-button').click();
    await page.waitForFunction(() => {
      const el = (globalThis as any).document.querySelector('.result-window .CodeMirror') as { CodeMirror: CodeMirror } | null;
      return el !== null && el.CodeMirror.getValue().includes('"data"');
    });
    const result = JSON.parse(await editor(page, '.result-window'));
    assert.equal(result.errors, undefined);
    assert.deepEqual(
      result.data.tiers.map((t: { id: string }) => t.id).sort(),
      fixture('tiers')
        .map((t) => String(t.id))
        .sort(),
    );
    assert.ok(result.data.tiers.length > 0);
    // The screenshot is a CI artifact: no key in it.
    await editor(page, '.graphiql-editor-tool', '{"X-Api-Key": "(not shown)"}');
    await screenshot(page, 'graphiql-query');
    // The key is a bearer credential: GraphiQL must not keep it in localStorage.
    const stored = await page.evaluate(() => JSON.stringify({ ...(globalThis as any).localStorage }));
    assert.ok(!stored.includes(server.client.key), 'the key was saved in localStorage');
    assert.ok(requests.some((r) => r.url() === `${server.url}/graphql` && r.method() === 'POST'));
    assert.deepEqual(foreignRequests(requests, server.url), []);
    assert.deepEqual(problems, []);
  });
});
