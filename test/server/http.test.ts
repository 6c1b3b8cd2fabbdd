import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataOf, startTestServer, type TestServer } from '../support/server';
import { httpCall } from '../support/http';
import { fixture } from '../support/fixtures';

let a: TestServer;
let b: TestServer;

before(async () => {
  a = await startTestServer({ dbName: 'shared_instances' });
  b = await startTestServer({ dbName: 'shared_instances' });
});
after(async () => {
  await a.stop();
  await b.stop();
});

test('/healthz and /readyz answer 200 while the database is up', async () => {
  const health = await httpCall(a.url, 'GET', '/healthz');
  assert.equal(health.status, 200);
  assert.deepEqual(health.json, { status: 'ok' });
  const ready = await httpCall(a.url, 'GET', '/readyz');
  assert.equal(ready.status, 200);
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
  assert.equal(result.status, 200);
  assert.ok(Array.isArray(result.json.data.tiers));
});

test('a change made through one instance is visible through another within one second', async () => {
  const tier = { ...structuredClone(fixture('tiers')[0]), id: `cross-${Date.now()}` };
  const started = Date.now();
  dataOf(await a.as(a.admin).graphql(
    `mutation($d: [JSONObject!]!) { importEntities(entity: TIER, documents: $d) { created } }`,
    { d: [tier] },
  ));
  // Immediately visible on the instance that wrote it.
  assert.ok(dataOf(await a.as(a.client).graphql(`query($id: ID!) { tier(id: $id) { id } }`, { id: tier.id })).tier);
  let seenAfter = -1;
  while (Date.now() - started < 3000) {
    const found = dataOf(await b.as(b.client).graphql(`query($id: ID!) { tier(id: $id) { id } }`, { id: tier.id })).tier;
    if (found) {
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
  const bad = await httpCall(a.url, 'POST', '/graphql', {
    headers: { 'content-type': 'application/json', 'x-api-key': a.client.key },
    body: '{"query": ',
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.errors[0].extensions.code, 'BAD_REQUEST');
});
