import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { startTestServer, type TestServer } from '../support/server';
import { httpCall } from '../support/http';

/** Raw bytes, for the gzip answer (httpCall decodes text). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('the pages the server ships: /admin and /graphiql', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.stop();
  });

  for (const [path, type, marker] of [
    ['/admin', 'text/html', '/admin/app.js'],
    ['/admin/app.js', 'text/javascript', 'ConsoleSignIn'],
    ['/admin/app.css', 'text/css', '.tabs'],
    ['/graphiql', 'text/html', '/graphiql/graphiql.js'],
    ['/graphiql/graphiql.js', 'text/javascript', 'X-Api-Key'],
    ['/graphiql/graphiql.css', 'text/css', '.graphiql-container'],
  ] as const) {
    it(`GET ${path}: ${type}, same-origin policy, nosniff, revalidated with an ETag`, async () => {
      const res = await httpCall(server.url, 'GET', path);
      assert.equal(res.status, 200);
      assert.ok(res.headers['content-type']!.startsWith(type));
      assert.ok(res.text.includes(marker));
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self';/);
      assert.match(csp, /connect-src 'self';/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.ok(res.headers['x-request-id']);

      const again = await httpCall(server.url, 'GET', path, { headers: { 'if-none-match': String(res.headers.etag) } });
      assert.equal(again.status, 304);
      assert.equal(again.text, '');
    });
  }

  it('the pages reference no other origin', async () => {
    for (const path of ['/admin', '/graphiql']) {
      const html = (await httpCall(server.url, 'GET', path)).text;
      assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, path);
    }
  });

  it('gzips for clients that accept it, and answers HEAD without a body', async () => {
    const plain = await httpCall(server.url, 'GET', '/graphiql/graphiql.js');
    const zipped = await rawGet(`${server.url}/graphiql/graphiql.js`, { 'accept-encoding': 'gzip, deflate' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(zipped.body).toString('utf8'), plain.text);
    assert.ok(zipped.body.length < plain.text.length / 2);
    assert.notEqual(zipped.headers.etag, plain.headers.etag, 'each encoding has its own ETag');
    const revalidated = await rawGet(`${server.url}/graphiql/graphiql.js`, {
      'accept-encoding': 'gzip',
      'if-none-match': String(zipped.headers.etag),
    });
    assert.equal(revalidated.status, 304);

    const head = await httpCall(server.url, 'HEAD', '/admin');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
  });

  it('other methods get 405; paths beside the listed files get 404', async () => {
    const post = await httpCall(server.url, 'POST', '/admin', { body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    for (const path of [
      '/admin/../package.json',
      '/admin/index.html',
      '/admin/app.js.map',
      '/graphiql/%2e%2e/%2e%2e/package.json',
    ]) {
      const res = await httpCall(server.url, 'GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(res.json.error.code, 'NOT_FOUND');
    }
  });

  it('a browser GET /graphql still gets Apollo Sandbox', async () => {
    const res = await httpCall(server.url, 'GET', '/graphql', { headers: { accept: 'text/html' } });
    assert.equal(res.status, 200);
    assert.match(res.text, /sandbox/i);
  });

  it('the pages are not API calls: they leave no error log record, unlike a refused API call', async () => {
    await httpCall(server.url, 'POST', '/admin', { body: 'x' });
    await httpCall(server.url, 'GET', '/admin/missing.js');
    const refused = await httpCall(server.url, 'POST', '/graphql', {
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ tiers { id } }"}',
    });
    assert.equal(refused.status, 401);
    const logs = server.app.connection.db!.collection('error_logs');
    // Records are written after the answer; the refused call's record marks that writing caught up.
    for (let i = 0; i < 100 && (await logs.countDocuments({ requestId: refused.headers['x-request-id'] })) === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await logs.countDocuments({ requestId: refused.headers['x-request-id'] }), 1);
    assert.equal(await logs.countDocuments({ path: /^\/admin/ }), 0);
  });
});
