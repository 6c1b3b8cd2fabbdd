import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { dataOf, firstError, startTestServer, uniqueDbName, type TestServer } from '../support/server';
import { httpCall, type HttpResult } from '../support/http';
import { fixture } from '../support/fixtures';

let a: TestServer;
let b: TestServer;
const DB = uniqueDbName('shared_instances');

before(async () => {
  a = await startTestServer({ dbName: DB });
  b = await startTestServer({ dbName: DB });
  const imported = dataOf(
    await a
      .as(a.admin)
      .graphql('mutation($d: [JSONObject!]!) { importEntities(entity: TIER, documents: $d) { ids } }', { d: fixture('tiers') }),
  );
  assert.deepEqual(
    imported.importEntities.ids,
    fixture('tiers').map((t) => t.id),
  );
});
after(async () => {
  await a.stop();
  await b.stop();
});

async function storedTierIds(server: TestServer): Promise<string[]> {
  return (
    await server.app.connection
      .db!.collection('tiers')
      .find({}, { projection: { _id: 1 } })
      .toArray()
  )
    .map((d) => String(d._id))
    .sort();
}

test('/healthz and /readyz answer 200 while the database is up', async () => {
  const health = await httpCall(a.url, 'GET', '/healthz');
  assert.equal(health.status, 200);
  assert.deepEqual(health.json, { status: 'ok' });
  const ready = await httpCall(a.url, 'GET', '/readyz');
  assert.equal(ready.status, 200);
  assert.deepEqual(ready.json, { status: 'ready' });
});

test('a browser GET /graphql gets Apollo Sandbox without a credential', async () => {
  const page = await httpCall(a.url, 'GET', '/graphql', { headers: { accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-type']), /text\/html/);
  assert.match(page.text, /sandbox/i);
});

test('GET /graphql runs queries for API clients', async () => {
  const result = await httpCall(a.url, 'GET', `/graphql?query=${encodeURIComponent('{ tiers { id } }')}`, {
    headers: { 'x-api-key': a.client.key, 'apollo-require-preflight': 'true' },
  });
  const tiers = dataOf(result).tiers;
  assert.deepEqual(tiers.map((t: any) => t.id).sort(), await storedTierIds(a));
  assert.deepEqual(tiers.map((t: any) => t.id).sort(), ['bonus', 'standard']);
});

test('a change made through one instance is visible through another within one second', async () => {
  const tier: Record<string, any> = { ...structuredClone(fixture('tiers')[0]), id: `cross-${Date.now()}` };
  const started = Date.now();
  dataOf(
    await a
      .as(a.admin)
      .graphql(`mutation($d: [JSONObject!]!) { importEntities(entity: TIER, documents: $d) { created } }`, { d: [tier] }),
  );
  // Immediately visible on the instance that wrote it.
  assert.deepEqual(dataOf(await a.as(a.client).graphql(`query($id: ID!) { tier(id: $id) { id name } }`, { id: tier.id })).tier, {
    id: tier.id,
    name: tier.name,
  });
  let seenAfter = -1;
  while (Date.now() - started < 3000) {
    const found = dataOf(await b.as(b.client).graphql(`query($id: ID!) { tier(id: $id) { id name } }`, { id: tier.id })).tier;
    if (found) {
      assert.deepEqual(found, { id: tier.id, name: tier.name });
      seenAfter = Date.now() - started;
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(seenAfter >= 0, 'instance B never saw the change');
  assert.ok(seenAfter < 1000, `instance B saw the change after ${seenAfter} ms`);
});

test('unknown paths are 404 JSON; malformed JSON bodies are 400', async () => {
  const missing = await httpCall(a.url, 'GET', '/nope');
  assert.equal(missing.status, 404);
  assert.equal(firstError(missing).code, 'NOT_FOUND');
  const bad = await httpCall(a.url, 'POST', '/graphql', {
    headers: { 'content-type': 'application/json', 'x-api-key': a.client.key },
    body: '{"query": ',
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.errors[0].extensions.code, 'BAD_REQUEST');
});

describe('the body limit, at the limit and one byte over, declared and chunked', () => {
  const LIMIT = 2048;
  let small: TestServer;
  before(async () => {
    small = await startTestServer({ env: { BODY_LIMIT_BYTES: String(LIMIT) } });
  });
  after(async () => {
    await small.stop();
  });

  /** An import of one tier, padded with trailing JSON whitespace to exactly `size` bytes. */
  function importBody(id: string, size: number): string {
    const tier = { ...structuredClone(fixture('tiers')[0]), id };
    const json = JSON.stringify({
      query: 'mutation($d: [JSONObject!]!) { importEntities(entity: TIER, documents: $d) { ids } }',
      variables: { d: [tier] },
    });
    assert.ok(Buffer.byteLength(json) < size, 'the unpadded body fits');
    return json + ' '.repeat(size - Buffer.byteLength(json));
  }

  const headers = () => ({ 'content-type': 'application/json', 'x-api-key': small.admin.key });

  /** Sent without Content-Length, in two chunks, so the server only learns the size as it reads. */
  function chunked(body: string): Promise<HttpResult> {
    const url = new URL('/graphql', small.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { method: 'POST', host: url.hostname, port: url.port, path: url.pathname, headers: headers(), agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: JSON.parse(text) });
          });
        },
      );
      req.on('error', reject);
      const half = Math.floor(body.length / 2);
      req.write(body.slice(0, half));
      req.end(body.slice(half));
    });
  }

  const senders: [string, (body: string) => Promise<HttpResult>][] = [
    ['with Content-Length', (body) => httpCall(small.url, 'POST', '/graphql', { headers: headers(), body })],
    ['chunked', chunked],
  ];
  for (const [how, send] of senders) {
    test(`${how}: ${LIMIT} bytes are accepted and stored; ${LIMIT + 1} bytes → 413 PAYLOAD_TOO_LARGE, nothing stored`, async () => {
      const slug = how.replace(/\W/g, '-').toLowerCase();
      const atLimit = importBody(`at-limit-${slug}`, LIMIT);
      assert.equal(Buffer.byteLength(atLimit), LIMIT);
      assert.deepEqual(dataOf(await send(atLimit)).importEntities.ids, [`at-limit-${slug}`]);

      const before = await storedTierIds(small);
      assert.ok(before.includes(`at-limit-${slug}`));
      const over = importBody(`over-limit-${slug}`, LIMIT + 1);
      const refused = await send(over);
      assert.equal(refused.status, 413, refused.text);
      assert.equal(firstError(refused).extensions.code, 'PAYLOAD_TOO_LARGE');
      assert.match(firstError(refused).message, new RegExp(`limit of ${LIMIT} bytes`));
      assert.deepEqual(await storedTierIds(small), before);
    });
  }
});
