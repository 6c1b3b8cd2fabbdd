import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataOf, startTestServer, testMongo, type TestServer } from '../support/server';
import { httpCall } from '../support/http';
import { fixture } from '../support/fixtures';

let server: TestServer;

before(async () => {
  server = await startTestServer();
  dataOf(
    await server
      .as(server.admin)
      .graphql('mutation($d: [JSONObject!]!) { importEntities(entity: TIER, documents: $d) { ids } }', { d: fixture('tiers') }),
  );
});
after(async () => {
  await server.stop();
});

async function waitForStatus(expected: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const res = await httpCall(server.url, 'GET', '/readyz');
    if (res.status === expected) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`/readyz did not answer ${expected} within ${timeoutMs} ms`);
}

test('/readyz goes 503 while the database is down and back to 200 by itself', async (t) => {
  const mongo = await testMongo();
  if (mongo.kind === 'uri') {
    t.skip('the database of MONGODB_URI cannot be stopped by the test');
    return;
  }
  await waitForStatus(200, 2000);
  await mongo.suspend();
  try {
    await waitForStatus(503, 5000);
    // Cached entities keep being served while the database is away.
    const tiers = dataOf(await server.as(server.client).graphql('{ tiers { id levels { id } } }')).tiers;
    assert.deepEqual(
      tiers
        .map((t: any) => ({ id: t.id, levels: t.levels.map((l: any) => l.id) }))
        .sort((x: any, y: any) => x.id.localeCompare(y.id)),
      fixture('tiers')
        .map((t) => ({ id: t.id, levels: t.tiers.map((l: any) => l.id) }))
        .sort((x, y) => x.id.localeCompare(y.id)),
    );
    const unready = await httpCall(server.url, 'GET', '/readyz');
    assert.deepEqual([unready.status, unready.json], [503, { status: 'database unavailable' }]);
    const health = await httpCall(server.url, 'GET', '/healthz');
    assert.deepEqual([health.status, health.json], [200, { status: 'ok' }]);
  } finally {
    await mongo.resume();
  }
  await waitForStatus(200, 15000);
});
