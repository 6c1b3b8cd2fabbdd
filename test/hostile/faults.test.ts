import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { firstError, startTestServer, testMongo, type TestServer } from '../support/server';
import { httpCall, type HttpResult } from '../support/http';

/**
 * CONTRACT §1 and issue 9 item 3: every response carries X-Request-Id, every error repeats
 * it, the error log stores it, and a fault of the server is a 500 with that id (also in the
 * server's log), never a 200 without data.
 */

let server: TestServer;
const logLines: any[] = [];

before(async () => {
  server = await startTestServer({
    env: { LOG_LEVEL: 'info' },
    logDestination: { write: (line: string) => logLines.push(JSON.parse(line)) },
  });
});
after(async () => {
  await server.stop();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function errorRequestId(result: HttpResult): string | undefined {
  const error = firstError(result);
  return (error.extensions?.requestId ?? (error as any).requestId) as string | undefined;
}

async function recordOf(requestId: string, timeoutMs = 5000): Promise<any> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const record = await server.app.connection.db!.collection('error_logs').findOne({ requestId });
    if (record) return record;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no error log record for request ${requestId}`);
}

describe('X-Request-Id', () => {
  test('every response carries one, a fresh UUID unless the client sent a well-formed one', async () => {
    const client = server.as(server.client);
    const responses = [
      await httpCall(server.url, 'GET', '/healthz'),
      await httpCall(server.url, 'GET', '/readyz'),
      await httpCall(server.url, 'GET', '/nowhere'),
      await httpCall(server.url, 'OPTIONS', '/graphql'),
      await client.graphql('{ tiers { id } }'),
      await client.get('/entities/tiers/tier'),
      await client.graphql('{ tiers { id } }', {}, { anonymous: true }),
    ];
    const ids = responses.map((r) => String(r.headers['x-request-id']));
    for (const id of ids) assert.match(id, UUID);
    assert.equal(new Set(ids).size, ids.length, 'each request gets its own id');

    const kept = await client.graphql('{ tiers { id } }', {}, { headers: { 'x-request-id': 'shop-42.order:7/retry=1' } });
    assert.equal(kept.headers['x-request-id'], 'shop-42.order:7/retry=1');
    // Too long, or with characters that do not belong in an id: replaced, not echoed.
    for (const sent of ['x'.repeat(129), 'has space', 'semi;colon', '<script>', '"quoted"', '-leading-dash']) {
      const replaced = await client.graphql('{ tiers { id } }', {}, { headers: { 'x-request-id': sent } });
      assert.match(String(replaced.headers['x-request-id']), UUID, sent);
    }
  });

  test('every error repeats it, on every path family, and the error log stores it', async () => {
    const client = server.as(server.client);
    const failures: [string, HttpResult, number][] = [
      ['401 before GraphQL runs', await client.graphql('{ tiers { id } }', {}, { anonymous: true }), 401],
      ['400 validation', await client.graphql('{ tiers { nope } }'), 400],
      ['403 management', await client.graphql('{ apiCredentials { key } }'), 403],
      ['400 bad JSON', await client.request('POST', '/graphql', '{"query":'), 400],
      ['404 /entities', await client.get('/entities/tiers/tier/none'), 404],
      ['405 /entities', await client.request('POST', '/entities/tiers/tier', '{}'), 405],
      ['404 unknown path', await httpCall(server.url, 'GET', '/nowhere'), 404],
    ];
    for (const [name, result, status] of failures) {
      assert.equal(result.status, status, `${name}: ${result.text}`);
      const header = String(result.headers['x-request-id']);
      assert.equal(errorRequestId(result), header, name);
    }
    for (const [name, result] of failures.filter(([n]) => !n.includes('unknown path'))) {
      const record = await recordOf(String(result.headers['x-request-id']));
      assert.equal(record.response.status, result.status, name);
    }
    const browse = await server
      .as(server.admin)
      .graphql('query($id: String) { errorLogs(filter: { requestId: $id }) { nodes { requestId response { status } } } }', {
        id: String(failures[1][1].headers['x-request-id']),
      });
    assert.deepEqual(browse.json.data.errorLogs.nodes, [
      { requestId: failures[1][1].headers['x-request-id'], response: { status: 400 } },
    ]);
  });

  test('a 413 keeps the envelope of its path family', async () => {
    const big = 'x'.repeat(server.config.bodyLimitBytes + 1);
    const gql = await server.as(server.client).request('POST', '/graphql', big);
    assert.equal(gql.status, 413);
    assert.equal(gql.json.errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(gql.json.errors[0].extensions.requestId, gql.headers['x-request-id']);
    const rest = await server.as(server.client).request('POST', '/entities/tiers/tier', big);
    assert.equal(rest.status, 413);
    assert.equal(rest.json.error.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(rest.json.error.requestId, rest.headers['x-request-id']);
  });
});

describe('a fault of the server is a 500 with the request id', () => {
  test('the database going away mid-request: 500 INTERNAL_SERVER_ERROR, id in the body, the log and the record', async (t) => {
    const mongo = await testMongo();
    if (mongo.kind === 'uri') {
      t.skip('the database of MONGODB_URI cannot be stopped by the test');
      return;
    }
    await mongo.suspend();
    let result: HttpResult;
    try {
      result = await server
        .as(server.client)
        .graphql('{ customer(id: "anyone") { id } }', {}, { headers: { 'x-request-id': 'fault-probe-1' } });
    } finally {
      await mongo.resume();
    }
    assert.equal(result.status, 500, result.text);
    const error = firstError(result);
    assert.equal(error.extensions.code, 'INTERNAL_SERVER_ERROR');
    assert.equal(error.extensions.requestId, 'fault-probe-1');
    assert.equal(error.message, 'Internal server error (request id fault-probe-1)');
    assert.equal(result.json.data?.customer ?? null, null);
    assert.doesNotMatch(result.text, /Mongo|ECONNREFUSED|at \w+ \(/, 'no internals reach the client');

    // Two lines carry the id: the error with its stack, and the request's own line (info, status 500).
    const logged = logLines.filter((l) => l.requestId === 'fault-probe-1');
    const errors = logged.filter((l) => l.level >= 50);
    assert.equal(errors.length, 1, JSON.stringify(logged));
    assert.ok(errors[0].err?.stack, 'the server log keeps the stack');
    const requestLines = logged.filter((l) => l.level === 30 && l.status !== undefined);
    assert.deepEqual(
      requestLines.map((l) => ({ status: l.status, endpoints: l.endpoints })),
      [{ status: 500, endpoints: ['CUSTOMER'] }],
    );
    assert.equal(logged.length, 2, JSON.stringify(logged));

    const record = await recordOf('fault-probe-1', 15_000);
    assert.equal(record.response.status, 500);
    assert.deepEqual(record.errorCodes, ['INTERNAL_SERVER_ERROR']);
  });
});

describe('a key is never echoed whole in a response', () => {
  test('a signature made with the wrong secret, an unknown signed key, and revoking an unknown key answer with the hint only', async () => {
    const { signWithEscher } = await import('../support/signers/escher-signer');
    const body = JSON.stringify({ query: '{ tiers { id } }' });
    const host = new URL(server.url).host;
    const sign = (key: string, secret: string) =>
      signWithEscher({
        method: 'POST',
        url: '/graphql',
        headers: { host, 'content-type': 'application/json' },
        body,
        key,
        secret,
        apiStack: server.config.apiStack,
      });
    const wrongSecret = await httpCall(server.url, 'POST', '/graphql', {
      headers: sign(server.client.key, 'not-the-secret-0123456789'),
      body,
    });
    const unknownKey = 'UnknownKey0123456789abcdXYZ9';
    const unknown = await httpCall(server.url, 'POST', '/graphql', {
      headers: sign(unknownKey, 'whatever-secret-0123456789'),
      body,
    });
    const revoke = await server
      .as(server.admin)
      .graphql('mutation($k: String!) { revokeApiCredential(key: $k) { key } }', { k: unknownKey });
    for (const [result, key, status] of [
      [wrongSecret, server.client.key, 401],
      [unknown, unknownKey, 401],
      [revoke, unknownKey, 400],
    ] as const) {
      assert.equal(result.status, status, result.text);
      const message = firstError(result).message;
      assert.ok(message.includes(`***${key.slice(-4)}`), message);
      assert.ok(!result.text.includes(key), result.text);
    }
  });
});
