import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { dataOf, firstError, startTestServer, testMongo, type TestServer } from '../support/server';
import { httpCall, type HttpResult } from '../support/http';
import { fixture, manyOffers } from '../support/fixtures';
import { mulberry32 } from '../support/prng';

let server: TestServer;

before(async () => {
  server = await startTestServer({
    // Hundreds of 401s from one address are recorded here one by one; the limit on failed
    // authentications (tested in test/rate-limit/) would answer most of them 429.
    env: { ERROR_LOG_MAX_RECORD_BYTES: '65536', BODY_LIMIT_BYTES: '2000000', AUTH_FAILURES_PER_MINUTE: '100000' },
  });
  dataOf(
    await server
      .as(server.admin)
      .graphql('mutation($d: [JSONObject!]!) { importEntities(entity: TIER, documents: $d) { ids } }', { d: fixture('tiers') }),
  );
});
const TIER_IDS = fixture('tiers')
  .map((t) => t.id)
  .sort();
after(async () => {
  await server.stop();
});

const errorLogs = () => server.app.connection.db!.collection('error_logs');

async function recordsFor(requestId: string) {
  await server.app.services.errorLog.recorder.flush();
  return errorLogs().find({ 'request.headers.x-request-id': requestId }).toArray();
}

/** Sends one call tagged with a unique request id and returns it with its error records. */
async function tagged(send: (headers: Record<string, string>) => Promise<HttpResult>) {
  const id = randomUUID();
  const result = await send({ 'x-request-id': id });
  return { result, records: await recordsFor(id) };
}

const TIERS = '{ tiers { id } }';

describe('every failed call is recorded once, successes never', () => {
  const kinds: { name: string; status: number; code: string; send: (h: Record<string, string>) => Promise<HttpResult> }[] = [
    {
      name: '401 no credential',
      status: 401,
      code: 'UNAUTHENTICATED',
      send: (h) => server.as(server.client).graphql(TIERS, {}, { anonymous: true, headers: h }),
    },
    {
      name: '401 unknown key on REST',
      status: 401,
      code: 'UNAUTHENTICATED',
      send: (h) => httpCall(server.url, 'GET', '/entities/tiers/tier', { headers: { ...h, 'x-api-key': 'unknown-key-abcd' } }),
    },
    {
      name: '403 CLIENT on a management operation',
      status: 403,
      code: 'FORBIDDEN',
      send: (h) => server.as(server.client).graphql('{ securitySettings { ipFilterEnabled } }', {}, { headers: h }),
    },
    {
      name: '400 unparseable JSON body',
      status: 400,
      code: 'BAD_REQUEST',
      send: (h) =>
        httpCall(server.url, 'POST', '/graphql', {
          headers: { ...h, 'content-type': 'application/json', 'x-api-key': server.client.key },
          body: '{"query": "{ tiers',
        }),
    },
    {
      name: '400 GraphQL syntax error',
      status: 400,
      code: 'GRAPHQL_PARSE_FAILED',
      send: (h) => server.as(server.client).graphql('{ tiers { id ', {}, { headers: h }),
    },
    {
      name: '400 GraphQL validation error',
      status: 400,
      code: 'GRAPHQL_VALIDATION_FAILED',
      send: (h) => server.as(server.client).graphql('{ tiers { nope } }', {}, { headers: h }),
    },
    {
      name: '400 invalid import',
      status: 400,
      code: 'BAD_USER_INPUT',
      send: (h) =>
        server
          .as(server.admin)
          .graphql(
            'mutation($d: [JSONObject!]!) { importEntities(entity: OFFER, documents: $d) { created } }',
            { d: [{ id: 'x' }] },
            { headers: h },
          ),
    },
    {
      name: '413 body over the limit',
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      send: (h) =>
        server
          .as(server.admin)
          .graphql(
            'mutation($d: [JSONObject!]!) { importEntities(entity: OFFER, documents: $d) { created } }',
            { d: manyOffers(1500) },
            { headers: h },
          ),
    },
    {
      name: '404 on the Entities API',
      status: 404,
      code: 'NOT_FOUND',
      send: (h) => server.as(server.client).get('/entities/offers/offer/missing', { headers: h }),
    },
    {
      name: '200 with errors (partial result)',
      status: 200,
      code: 'BAD_USER_INPUT',
      send: (h) =>
        server.as(server.admin).graphql('query Partial { tiers { id } errorLog(id: "not-an-id") { id } }', {}, { headers: h }),
    },
  ];

  for (const kind of kinds) {
    test(`${kind.name} → exactly one record with request and response`, async () => {
      const { result, records } = await tagged(kind.send);
      assert.equal(result.status, kind.status, result.text.slice(0, 500));
      const error = firstError(result);
      assert.equal(error.extensions?.code ?? error.code, kind.code, result.text.slice(0, 500));
      assert.equal(records.length, 1);
      const r = records[0];
      assert.equal(r.response.status, kind.status);
      assert.ok(r.errorCodes.includes(kind.code), `${r.errorCodes} lacks ${kind.code}`);
      assert.ok(r.occurredAt instanceof Date);
      assert.ok(r.httpMethod === 'POST' || r.httpMethod === 'GET');
      assert.ok(r.path.startsWith('/graphql') || r.path.startsWith('/entities'));
      assert.equal(r.clientIp, '127.0.0.1');
      if (kind.status !== 413) assert.deepEqual(r.response.body, result.json ?? result.text);
      if (r.path === '/graphql' && kind.status !== 413 && kind.code !== 'BAD_REQUEST')
        assert.ok(r.request.query, 'the query is kept');
    });
  }

  test('the record shows endpoints, operation name and key hint', async () => {
    const { records } = await tagged((h) =>
      server.as(server.client).graphql('query MyTiers { tiers { nope } }', {}, { headers: h }),
    );
    assert.equal(records[0].operationName, 'MyTiers');
    assert.equal(records[0].apiKeyHint, `***${server.client.key.slice(-4)}`);
    const rest = await tagged((h) => server.as(server.client).get('/entities/tiers/tier/none', { headers: h }));
    assert.deepEqual(rest.records[0].endpoints, ['ENTITIES']);
    const gql = await tagged((h) =>
      server.as(server.admin).graphql('query P { tiers { id } errorLog(id: "x") { id } }', {}, { headers: h }),
    );
    assert.deepEqual(gql.records[0].endpoints, ['ENTITIES', 'MANAGEMENT']);
    assert.equal(gql.records[0].requestId, gql.result.headers['x-request-id']);
  });

  test('successful calls produce no record', async () => {
    const graphqlTiers = (result: HttpResult) =>
      dataOf(result)
        .tiers.map((t: any) => t.id)
        .sort();
    const restTiers = (result: HttpResult) => {
      assert.equal(result.status, 200, result.text);
      assert.equal(result.json.error, undefined);
      return result.json.data.map((t: any) => t.id).sort();
    };
    for (const [send, read] of [
      [(h: Record<string, string>) => server.as(server.client).graphql(TIERS, {}, { headers: h }), graphqlTiers],
      [(h: Record<string, string>) => server.as(server.client).get('/entities/tiers/tier', { headers: h }), restTiers],
      [(h: Record<string, string>) => server.as(server.client).graphql(TIERS, {}, { signed: true, headers: h }), graphqlTiers],
    ] as const) {
      const { result, records } = await tagged(send);
      assert.deepEqual(read(result), TIER_IDS);
      assert.equal(records.length, 0);
    }
  });

  test('a large failing body is truncated, marked, and kept under the cap', async () => {
    const { result, records } = await tagged((h) =>
      server
        .as(server.admin)
        .graphql(
          'mutation($d: [JSONObject!]!) { importEntities(entity: OFFER, documents: $d) { created } }',
          { d: [...manyOffers(400), { id: 'bad', weight: 'x' }] },
          { headers: h },
        ),
    );
    assert.equal(result.status, 400);
    assert.equal(firstError(result).extensions.code, 'BAD_USER_INPUT');
    assert.equal(firstError(result).extensions.documentIndex, 400);
    assert.equal(records.length, 1);
    assert.equal(records[0].truncated, true);
    assert.ok(Buffer.byteLength(JSON.stringify(records[0])) <= 70_000);
  });
});

test('retention: a TTL index removes records after ERROR_LOG_RETENTION_DAYS (default 30)', async () => {
  const indexes = await errorLogs().listIndexes().toArray();
  const ttl = indexes.find((i) => i.expireAfterSeconds !== undefined);
  assert.ok(ttl, 'a TTL index exists');
  assert.deepEqual(ttl.key, { occurredAt: 1 });
  assert.equal(ttl.expireAfterSeconds, 30 * 86400);
});

describe('secrets never reach the error log', () => {
  const rand = mulberry32(Number(process.env.ERRORLOG_SEED ?? 0x9e3779b9));
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
  const NAMES = [
    'password',
    'newPassword',
    'PASSWORD',
    'Password',
    'client_secret',
    'apiSecret',
    'SECRET',
    'accessToken',
    'refresh_token',
    'TOKEN',
    'api_key',
    'Api_Key',
    'API_KEY',
    'userPassword',
    'x_secret_value',
  ];
  const mixCase = (name: string) => [...name].map((c) => (rand() < 0.3 ? c.toUpperCase() : c)).join('');
  const planted: string[] = [];
  const neighbours: string[] = [];
  const token = (kind: string) => {
    const value = `${kind}${Math.floor(rand() * 36 ** 8)
      .toString(36)
      .padStart(8, '0')}${planted.length}`;
    planted.push(value);
    return value;
  };
  const neighbour = () => {
    const value = `keep${Math.floor(rand() * 36 ** 6).toString(36)}${neighbours.length}`;
    neighbours.push(value);
    return value;
  };

  function nested(depth: number): unknown {
    if (depth === 0 || rand() < 0.2) return { [mixCase(pick(NAMES))]: token('v'), note: neighbour() };
    return rand() < 0.5
      ? [nested(depth - 1), { [mixCase(pick(NAMES))]: token('a') }, neighbour()]
      : { [`level${depth}`]: nested(depth - 1), [mixCase(pick(NAMES))]: token('o'), label: neighbour() };
  }

  test('1,000 planted sensitive values: zero found in the raw MongoDB documents; records stay readable', async () => {
    const before = await errorLogs().countDocuments();
    let calls = 0;
    while (planted.length < 1000) {
      calls += 1;
      const mode = calls % 5;
      if (mode === 0) {
        // Variables at random depths, on a query that fails validation.
        await server
          .as(server.client)
          .graphql('query Fails($v: JSONObject) { tiers { nope } }', { v: nested(5), [mixCase(pick(NAMES))]: token('t') });
      } else if (mode === 1) {
        // Inline literals in the query text, in a call refused for its role.
        const doc = `{ id: "${neighbour()}", ${mixCase(pick(NAMES))}: "${token('l')}", nested: { ${mixCase(pick(NAMES))}: "${token('n')}", list: [{ ${mixCase(pick(NAMES))}: "${token('m')}" }] } }`;
        await server.as(server.client).graphql(`mutation { importEntities(entity: OFFER, documents: [${doc}]) { created } }`);
      } else if (mode === 2) {
        // Query-string parameters and an unknown plain key.
        const qs = `${mixCase(pick(NAMES))}=${token('q')}&${mixCase(pick(NAMES))}=${token('r')}&page=${neighbour()}`;
        await httpCall(server.url, 'GET', `/entities/tiers/tier?${qs}`, { headers: { 'x-api-key': token('k') } });
      } else if (mode === 3) {
        // A query that does not parse, with quoted values after sensitive names.
        await server
          .as(server.client)
          .graphql(`mutation { login(${mixCase(pick(NAMES))}: "${token('u')}", user: "${neighbour()}" `);
      } else {
        // A forged signature and a cookie.
        await httpCall(server.url, 'POST', '/graphql', {
          headers: {
            'content-type': 'application/json',
            authorization: `ANTAVO-HMAC-SHA256 Credential=${server.client.key}/20260101/local/api/antavo_request, SignedHeaders=date;host, Signature=${token('s')}`,
            date: new Date().toUTCString(),
            cookie: `session=${token('c')}`,
          },
          body: JSON.stringify({
            query: TIERS,
            variables: { profile: { [mixCase(pick(NAMES))]: token('p'), city: neighbour() } },
          }),
        });
      }
    }
    await server.app.services.errorLog.recorder.flush();
    const docs = await errorLogs().find().toArray();
    assert.equal(docs.length - before, calls, 'one record per failed call');
    const raw = JSON.stringify(docs);
    const leaked = planted.filter((value) => raw.includes(value));
    assert.equal(leaked.length, 0, `${leaked.length} of ${planted.length} planted values were stored`);
    const kept = neighbours.filter((value) => raw.includes(value));
    assert.ok(kept.length >= neighbours.length * 0.95, `only ${kept.length} of ${neighbours.length} plain values kept`);
    assert.ok(raw.includes('***'));
    // And none of them reached a browsing response either.
    const page = await server
      .as(server.admin)
      .graphql('{ errorLogs(first: 200) { nodes { request { query variables headers } response { body } path } } }');
    assert.equal(dataOf(page).errorLogs.nodes.length, Math.min(200, docs.length));
    assert.equal(planted.filter((value) => page.text.includes(value)).length, 0);
  });
});

describe('browsing', () => {
  const Q = `query($filter: ErrorLogFilter, $first: Int, $after: String) {
    errorLogs(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { id occurredAt endpoints operationName clientIp apiKeyHint httpMethod path errorCodes truncated request { query variables headers } response { status body } }
    }
  }`;

  test('newest first, paged with cursors, filtered by time, endpoint, code, status, operation and key hint', async () => {
    await server.app.services.errorLog.recorder.flush();
    const admin = server.as(server.admin);
    const total = await errorLogs().countDocuments();
    const seen: string[] = [];
    let after: string | undefined;
    let last = Infinity;
    for (;;) {
      const page = dataOf(await admin.graphql(Q, { first: 40, after })).errorLogs;
      assert.equal(page.totalCount, total);
      for (const node of page.nodes) {
        const t = Date.parse(node.occurredAt);
        assert.ok(t <= last, 'newest first');
        last = t;
        seen.push(node.id);
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);

    // Each filter against the same question put to the raw collection; all but the last must match something.
    const hint = `***${server.client.key.slice(-4)}`;
    const from = new Date(Date.now() - 60_000);
    const to = new Date(Date.now() + 1000);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    const filters: [Record<string, unknown>, (n: any) => boolean, Record<string, unknown>][] = [
      [{ errorCode: 'UNAUTHENTICATED' }, (n) => n.errorCodes.includes('UNAUTHENTICATED'), { errorCodes: 'UNAUTHENTICATED' }],
      [{ httpStatus: 404 }, (n) => n.response.status === 404, { 'response.status': 404 }],
      [{ endpoint: 'ENTITIES' }, (n) => n.endpoints.includes('ENTITIES'), { endpoints: 'ENTITIES' }],
      [{ operationName: 'MyTiers' }, (n) => n.operationName === 'MyTiers', { operationName: 'MyTiers' }],
      [{ apiKeyHint: hint }, (n) => n.apiKeyHint === hint, { apiKeyHint: hint }],
      [
        { from: from.toISOString(), to: to.toISOString() },
        (n) => Date.parse(n.occurredAt) >= from.getTime() && Date.parse(n.occurredAt) < to.getTime(),
        { occurredAt: { $gte: from, $lt: to } },
      ],
      [{ to: anHourAgo.toISOString() }, () => false, { occurredAt: { $lt: anHourAgo } }],
    ];
    const everything = dataOf(await admin.graphql(Q, { first: 200 })).errorLogs.nodes;
    assert.equal(everything.length, Math.min(total, 200));
    for (const [filter, pred, raw] of filters) {
      const expected = await errorLogs().countDocuments(raw);
      if (filter.to !== anHourAgo.toISOString())
        assert.ok(expected > 0, `${JSON.stringify(filter)} matches nothing, so it tests nothing`);
      const page = dataOf(await admin.graphql(Q, { filter, first: 200 })).errorLogs;
      assert.equal(page.totalCount, expected, JSON.stringify(filter));
      assert.equal(page.nodes.length, Math.min(expected, 200), JSON.stringify(filter));
      assert.ok(page.nodes.every(pred), JSON.stringify(filter));
    }

    // The time window on both sides of one record's instant: `from` includes it, `to` excludes it.
    const newest = everything[0];
    const at = Date.parse(newest.occurredAt);
    const ids = async (filter: Record<string, unknown>) =>
      dataOf(await admin.graphql(Q, { filter, first: 200 })).errorLogs.nodes.map((n: any) => n.id);
    assert.ok(
      (await ids({ from: new Date(at).toISOString(), to: new Date(at + 1).toISOString() })).includes(newest.id),
      'from = its instant includes it',
    );
    assert.equal(
      (await ids({ from: new Date(at + 1).toISOString() })).includes(newest.id),
      false,
      'from = 1 ms later excludes it',
    );
    assert.equal((await ids({ to: new Date(at).toISOString() })).includes(newest.id), false, 'to = its instant excludes it');
    assert.ok((await ids({ to: new Date(at + 1).toISOString() })).includes(newest.id), 'to = 1 ms later includes it');

    // The largest page is 200; one more is refused.
    const tooMany = await admin.graphql(Q, { first: 201 });
    assert.equal(tooMany.status, 400, tooMany.text);
    assert.equal(firstError(tooMany).extensions.code, 'BAD_USER_INPUT');
    assert.match(firstError(tooMany).message, /"first" must be between 0 and 200, got 201/);

    const one = dataOf(await admin.graphql(`query($id: ID!) { errorLog(id: $id) { id path } }`, { id: seen[0] })).errorLog;
    assert.equal(one.id, seen[0]);
    assert.equal(dataOf(await admin.graphql(`{ errorLog(id: "${'0'.repeat(24)}") { id } }`)).errorLog, null);
  });

  test('a CLIENT gets 403', async () => {
    for (const query of ['{ errorLogs { totalCount } }', `{ errorLog(id: "${'0'.repeat(24)}") { id } }`]) {
      const result = await server.as(server.client).graphql(query);
      assert.equal(result.status, 403, query);
      assert.equal(firstError(result).extensions.code, 'FORBIDDEN');
      assert.equal(result.json.data ?? null, null);
    }
  });
});

describe('while MongoDB is down', () => {
  test('failing calls still get correct responses and their records arrive once it is back', async (t) => {
    const mongo = await testMongo();
    if (mongo.kind === 'uri') {
      t.skip('the database of MONGODB_URI cannot be stopped by the test');
      return;
    }
    const ids = Array.from({ length: 20 }, () => randomUUID());
    await mongo.suspend();
    try {
      const results = await Promise.all(
        ids.map((id, i) =>
          i % 2 === 0
            ? server.as(server.client).graphql(TIERS, {}, { anonymous: true, headers: { 'x-request-id': id } })
            : server
                .as(server.client)
                .graphql('{ securitySettings { ipFilterEnabled } }', {}, { headers: { 'x-request-id': id } }),
        ),
      );
      results.forEach((r, i) => {
        assert.equal(r.status, i % 2 === 0 ? 401 : 403, r.text);
        assert.equal(firstError(r).extensions.code, i % 2 === 0 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      });
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(server.app.services.errorLog.recorder.pending >= 20, 'records wait in the buffer');
    } finally {
      await mongo.resume();
    }
    const started = Date.now();
    let found = 0;
    while (Date.now() - started < 20_000) {
      found = await errorLogs()
        .countDocuments({ 'request.headers.x-request-id': { $in: ids } })
        .catch(() => 0);
      if (found === ids.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(found, ids.length);
    assert.equal(server.app.services.errorLog.recorder.dropped, 0);
  });
});
