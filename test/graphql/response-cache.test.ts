import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataOf, firstError, startTestServer, type TestServer } from '../support/server';
import { manyOffers } from '../support/fixtures';
import { OFFERS_QUERY } from '../support/queries';
import type { HttpResult } from '../support/http';

const IMPORT = 'mutation($d: [JSONObject!]!) { importEntities(entity: OFFER, documents: $d) { created updated } }';
const PAGE = 'query Page($first: Int) { offers(first: $first) { totalCount nodes { id name } } }';

const cacheHeader = (result: HttpResult) => result.headers['x-cache'];

/**
 * After a write, a revision poll that was already in flight can come back with the older
 * counter and reload the store once more, which drops the cache again (a miss, never a stale
 * answer); tests that expect a hit let that poll land first.
 */
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('response cache of tier and offer reads', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { RESPONSE_CACHE_MAX_BYTES: String(4 * 1024 * 1024) } });
    dataOf(await server.as(server.admin).graphql(IMPORT, { d: manyOffers(60) }));
    await settle();
  });
  after(async () => {
    await server.stop();
  });

  test('a repeated read is a hit with Age, the same body, and the call still authorized and counted', async () => {
    const first = await server.as(server.client).graphql(OFFERS_QUERY);
    assert.equal(first.status, 200);
    assert.equal(first.json.errors, undefined);
    assert.equal(cacheHeader(first), 'MISS');
    const second = await server.as(server.client).graphql(OFFERS_QUERY);
    assert.equal(second.status, 200);
    assert.equal(cacheHeader(second), 'HIT');
    assert.match(String(second.headers.age), /^\d+$/);
    assert.equal(second.text, first.text);
    assert.equal(second.json.data.offers.nodes.length, 50);
    assert.ok(second.headers['x-request-id']);
    assert.notEqual(second.headers['x-request-id'], first.headers['x-request-id']);
  });

  test('the writer sees its import and its delete on the next request', async () => {
    const variables = { first: 200 };
    await settle();
    const before = dataOf(await server.as(server.client).graphql(PAGE, variables));
    assert.equal(cacheHeader(await server.as(server.client).graphql(PAGE, variables)), 'HIT');

    const renamed: Record<string, any> = { ...manyOffers(1)[0], name: 'Renamed offer' };
    const added = manyOffers(1, 'added')[0];
    dataOf(await server.as(server.admin).graphql(IMPORT, { d: [renamed, added] }));
    const afterImport = await server.as(server.client).graphql(PAGE, variables);
    assert.equal(cacheHeader(afterImport), 'MISS');
    const data = dataOf(afterImport).offers;
    assert.equal(data.totalCount, before.offers.totalCount + 1);
    assert.equal(data.nodes.find((n: any) => n.id === renamed.id).name, 'Renamed offer');

    dataOf(await server.as(server.admin).graphql('mutation { deleteEntity(entity: OFFER, id: "added00000") }'));
    const afterDelete = await server.as(server.client).graphql(PAGE, variables);
    assert.equal(cacheHeader(afterDelete), 'MISS');
    assert.equal(dataOf(afterDelete).offers.totalCount, before.offers.totalCount);
    await settle();
    dataOf(await server.as(server.client).graphql(PAGE, variables));
    assert.equal(cacheHeader(await server.as(server.client).graphql(PAGE, variables)), 'HIT');
  });

  test('a change written by another instance (the revision moved) drops the entries within the poll interval', async () => {
    const query = '{ tiers { id } offer(id: "o00002") { id name } }';
    await settle();
    dataOf(await server.as(server.client).graphql(query));
    assert.equal(cacheHeader(await server.as(server.client).graphql(query)), 'HIT');
    // What another instance does: write the collection, bump the shared counter.
    await server.app.connection.db!.collection('offers').updateOne({ _id: 'o00002' as never }, { $set: { name: 'Elsewhere' } });
    await server.app.connection.db!.collection('revisions').updateOne({ _id: 'entities' as never }, { $inc: { rev: 1 } });
    const started = Date.now();
    for (;;) {
      const result = await server.as(server.client).graphql(query);
      if (dataOf(result).offer.name === 'Elsewhere') {
        assert.equal(cacheHeader(result), 'MISS');
        break;
      }
      assert.ok(Date.now() - started < 5000, 'the change never showed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  test('roles do not share entries; a caller the rules refuse is never answered from the cache', async () => {
    const query = '{ offers(first: 3) { nodes { id } } }';
    await settle();
    assert.equal(cacheHeader(await server.as(server.client).graphql(query)), 'MISS');
    assert.equal(cacheHeader(await server.as(server.client).graphql(query)), 'HIT');
    // Same query, an ADMIN credential: its own entry.
    assert.equal(cacheHeader(await server.as(server.admin).graphql(query)), 'MISS');
    assert.equal(cacheHeader(await server.as(server.admin).graphql(query)), 'HIT');

    // Signature enforcement on ENTITIES: the signed caller is served, the plain key refused.
    const admin = server.as(server.admin);
    dataOf(
      await admin.graphql('mutation { setSecurityModule(module: SIGNATURE_CHECK, enabled: true) { signatureCheckEnabled } }'),
    );
    dataOf(
      await admin.graphql('mutation { setSignatureEnforcement(endpoint: ENTITIES, enforced: true) { signatureCheckEnabled } }'),
    );
    try {
      const signed = await server.as(server.client).graphql(query, undefined, { signed: true });
      assert.equal(signed.status, 200);
      const signedAgain = await server.as(server.client).graphql(query, undefined, { signed: true });
      assert.equal(cacheHeader(signedAgain), 'HIT');
      const plain = await server.as(server.client).graphql(query);
      assert.equal(plain.status, 401);
      assert.equal(firstError(plain).extensions.code, 'UNAUTHENTICATED');
      assert.equal(cacheHeader(plain), undefined);
    } finally {
      dataOf(
        await admin.graphql(
          'mutation { setSignatureEnforcement(endpoint: ENTITIES, enforced: false) { signatureCheckEnabled } }',
        ),
      );
      dataOf(
        await admin.graphql('mutation { setSecurityModule(module: SIGNATURE_CHECK, enabled: false) { signatureCheckEnabled } }'),
      );
    }
    // Unknown and missing credentials: 401, never a cached body.
    const unknown = await server.as({ ...server.client, key: 'no-such-key-0000' }).graphql(query);
    assert.equal(unknown.status, 401);
    assert.equal(cacheHeader(unknown), undefined);
    const anonymous = await server.as(server.client).graphql(query, undefined, { anonymous: true });
    assert.equal(anonymous.status, 401);
    assert.equal(cacheHeader(anonymous), undefined);
  });

  test('error responses are not kept; customer, credential, security and error-log reads are never cached', async () => {
    const bad = '{ offers(first: 500) { totalCount } }';
    for (let i = 0; i < 2; i++) {
      const result = await server.as(server.client).graphql(bad);
      assert.equal(result.status, 400);
      assert.equal(firstError(result).extensions.code, 'BAD_USER_INPUT');
      assert.notEqual(cacheHeader(result), 'HIT');
    }
    const stored = server.app.services.responseCache.size;
    const bad2 = await server.as(server.client).graphql('query($id: ID!) { offer(id: $id) { id } }', {});
    assert.equal(bad2.status, 400);
    assert.equal(server.app.services.responseCache.size, stored);

    for (const query of [
      '{ tiers { id } customer(id: "nobody") { id } }',
      '{ tiers { id } apiCredentials { key } }',
      '{ offers(first: 1) { totalCount } securitySettings { ipFilterEnabled } }',
      '{ errorLogs(first: 1) { totalCount } }',
      '{ __schema { queryType { name } } }',
    ]) {
      for (let i = 0; i < 2; i++) {
        const result = await server.as(server.admin).graphql(query);
        assert.equal(result.status, 200, result.text);
        assert.equal(result.json.errors, undefined);
        assert.equal(cacheHeader(result), undefined, query);
      }
    }
    assert.equal(server.app.services.responseCache.size, stored);
  });
});

describe('the cache stays within its byte bound', () => {
  const MAX = 64 * 1024;
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { RESPONSE_CACHE_MAX_BYTES: String(MAX) } });
    dataOf(await server.as(server.admin).graphql(IMPORT, { d: manyOffers(60) }));
    await settle();
  });
  after(async () => {
    await server.stop();
  });

  test('a stream of distinct queries: the bytes held never pass the bound, recent entries stay', async () => {
    const cache = server.app.services.responseCache;
    for (let i = 0; i < 150; i++) {
      const result = await server
        .as(server.client)
        .graphql(`query Q${i}($first: Int) { offers(first: $first) { nodes { id name } } }`, {
          first: i % 60,
        });
      assert.equal(result.status, 200);
      assert.ok(cache.bytes <= MAX, `${cache.bytes} bytes held, bound ${MAX}`);
    }
    assert.ok(cache.size > 1);
    assert.ok(cache.bytes > MAX / 2, `${cache.bytes} bytes: the bound is used, not emptied`);
    const last = await server
      .as(server.client)
      .graphql('query Q149($first: Int) { offers(first: $first) { nodes { id name } } }', {
        first: 149 % 60,
      });
    assert.equal(cacheHeader(last), 'HIT');
  });
});

describe('RESPONSE_CACHE_MAX_BYTES=0 turns the cache off', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { RESPONSE_CACHE_MAX_BYTES: '0' } });
  });
  after(async () => {
    await server.stop();
  });

  test('no entry, no marker', async () => {
    for (let i = 0; i < 2; i++) {
      const result = await server.as(server.client).graphql('{ tiers { id } }');
      assert.equal(result.status, 200);
      assert.equal(cacheHeader(result), undefined);
    }
    assert.equal(server.app.services.responseCache.size, 0);
  });
});
