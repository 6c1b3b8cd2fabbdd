import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataOf, firstError, startTestServer, type TestCredential, type TestServer } from '../support/server';
import { httpCall, type HttpResult } from '../support/http';
import { signRequest as aws4Sign } from '../support/signers/aws4-signer';
import { signWithEscher } from '../support/signers/escher-signer';
import { antavoEscherConfig } from '../../src/auth/escher';

let server: TestServer;
let untrusting: TestServer;
const TIERS = '{ tiers { id } }';

before(async () => {
  // The test client talks from 127.0.0.1; trusting it as a proxy lets each request choose
  // its client address through X-Forwarded-For, as a real load balancer would set it.
  server = await startTestServer({ env: { TRUST_PROXY: '127.0.0.1' }, dbName: 'auth_http' });
  untrusting = await startTestServer({ dbName: 'auth_http' });
});
after(async () => {
  await server.stop();
  await untrusting.stop();
});

const admin = () => server.as(server.admin);
async function mutate(query: string, variables?: Record<string, unknown>) {
  return dataOf(await admin().graphql(query, variables));
}
async function setModule(module: 'IP_FILTER' | 'SIGNATURE_CHECK', enabled: boolean) {
  await mutate(`mutation($m: SecurityModule!, $e: Boolean!) { setSecurityModule(module: $m, enabled: $e) { ipFilterEnabled } }`, { m: module, e: enabled });
}
async function enforce(endpoint: string, enforced: boolean) {
  await mutate(`mutation($p: ApiEndpoint!, $e: Boolean!) { setSignatureEnforcement(endpoint: $p, enforced: $e) { signatureCheckEnabled } }`, { p: endpoint, e: enforced });
}
async function addIp(endpoint: string, entry: string) {
  return admin().graphql(`mutation($p: ApiEndpoint!, $e: String!) { addIpFilter(endpoint: $p, entry: $e) { endpoints { endpoint ipFilters } } }`, { p: endpoint, e: entry });
}
async function settings() {
  return dataOf(await admin().graphql(`{ securitySettings { ipFilterEnabled signatureCheckEnabled endpoints { endpoint label lifecycle ipFilters signatureEnforced } } }`)).securitySettings;
}
async function resetSecurity() {
  const s = await settings();
  for (const e of s.endpoints) {
    for (const entry of e.ipFilters) {
      await mutate(`mutation($p: ApiEndpoint!, $e: String!) { removeIpFilter(endpoint: $p, entry: $e) { ipFilterEnabled } }`, { p: e.endpoint, e: entry });
    }
    if (e.signatureEnforced) await enforce(e.endpoint, false);
  }
  await setModule('IP_FILTER', false);
  await setModule('SIGNATURE_CHECK', false);
}

function expectCode(result: HttpResult, status: number, code: string) {
  assert.equal(result.status, status, result.text);
  assert.equal(firstError(result).extensions?.code ?? firstError(result).code, code);
}

/** A POST /graphql signed by our own AWS Signature V4 signer, with full control over its parts. */
function aws4Request(
  credential: TestCredential,
  options: { body?: string; url?: string; date?: Date; headersToSign?: string[]; exact?: boolean; dateFormat?: 'rfc1123' | 'iso-basic'; secret?: string; extraHeaders?: Record<string, string> } = {},
) {
  const body = options.body ?? JSON.stringify({ query: TIERS });
  const url = options.url ?? '/graphql';
  const headers = aws4Sign({
    method: 'POST',
    url,
    headers: { host: new URL(server.url).host, 'content-type': 'application/json', ...options.extraHeaders },
    body,
    key: credential.key,
    secret: options.secret ?? credential.secret,
    config: antavoEscherConfig(server.config.apiStack),
    date: options.date ?? new Date(),
    headersToSign: options.headersToSign,
    exactHeadersToSign: options.exact,
    dateFormat: options.dateFormat,
  });
  return { url, body, headers };
}

describe('credentials', () => {
  test('a plain key in X-Api-Key or api_key is accepted', async () => {
    assert.equal((await server.as(server.client).graphql(TIERS)).status, 200);
    assert.equal((await server.as(server.client).graphql(TIERS, {}, { queryKey: true })).status, 200);
    assert.equal((await server.as(server.client).get('/entities/tiers/tier', { queryKey: true })).status, 200);
  });

  test('no credential, unknown key, revoked key → 401 UNAUTHENTICATED (GraphQL and REST)', async () => {
    expectCode(await server.as(server.client).graphql(TIERS, {}, { anonymous: true }), 401, 'UNAUTHENTICATED');
    expectCode(await server.as(server.client).get('/entities/offers/offer', { anonymous: true }), 401, 'UNAUTHENTICATED');
    const stranger: TestCredential = { name: 'x', key: 'no-such-key-123456', secret: 'x'.repeat(32), role: 'CLIENT' };
    expectCode(await server.as(stranger).graphql(TIERS), 401, 'UNAUTHENTICATED');
    expectCode(await server.as(stranger).graphql(TIERS, {}, { signed: true }), 401, 'UNAUTHENTICATED');

    const created = dataOf(await admin().graphql(`mutation { createApiCredential(input: { name: "to revoke" }) { credential { key role } secret } }`)).createApiCredential;
    assert.equal(created.credential.role, 'CLIENT');
    const doomed: TestCredential = { name: 'doomed', key: created.credential.key, secret: created.secret, role: 'CLIENT' };
    assert.equal((await server.as(doomed).graphql(TIERS, {}, { signed: true })).status, 200);
    const revoked = dataOf(await admin().graphql(`mutation($k: String!) { revokeApiCredential(key: $k) { key revokedAt } }`, { k: doomed.key })).revokeApiCredential;
    assert.ok(revoked.revokedAt);
    expectCode(await server.as(doomed).graphql(TIERS), 401, 'UNAUTHENTICATED');
    expectCode(await server.as(doomed).graphql(TIERS, {}, { signed: true }), 401, 'UNAUTHENTICATED');
  });

  test('introspection needs a valid credential', async () => {
    const q = '{ __schema { queryType { name } } }';
    expectCode(await server.as(server.client).graphql(q, {}, { anonymous: true }), 401, 'UNAUTHENTICATED');
    assert.equal(dataOf(await server.as(server.client).graphql(q)).__schema.queryType.name, 'Query');
  });

  test('apiCredentials lists keys and roles but never a secret', async () => {
    const result = await admin().graphql(`{ apiCredentials { key name role createdAt revokedAt } }`);
    const list = dataOf(result).apiCredentials;
    assert.ok(list.some((c: any) => c.key === server.client.key && c.role === 'CLIENT'));
    assert.ok(list.some((c: any) => c.key === server.admin.key && c.role === 'ADMIN'));
    assert.equal(result.text.includes(server.client.secret), false);
    assert.equal(result.text.includes(server.admin.secret), false);
    // The secret is stored sealed, not in clear.
    const raw = await server.app.connection.db!.collection('api_credentials').find().toArray();
    assert.equal(JSON.stringify(raw).includes(server.client.secret), false);
  });
});

describe('signed requests', () => {
  test('escher-auth with the Antavo settings is accepted on GraphQL and the Entities API', async () => {
    assert.equal((await server.as(server.client).graphql(TIERS, {}, { signed: true })).status, 200);
    assert.equal((await server.as(server.client).get('/entities/tiers/tier', { signed: true })).status, 200);
  });

  test('our own AWS Signature V4 signer is accepted, with RFC 1123 and basic ISO dates', async () => {
    for (const dateFormat of ['rfc1123', 'iso-basic'] as const) {
      const r = aws4Request(server.client, { dateFormat });
      const result = await httpCall(server.url, 'POST', r.url, { headers: r.headers, body: r.body });
      assert.equal(result.status, 200, `${dateFormat}: ${result.text}`);
    }
  });

  const failures: { name: string; make: () => { url: string; body: string; headers: Record<string, string | string[]> } }[] = [
    { name: 'wrong secret', make: () => aws4Request(server.client, { secret: 'not-the-secret-at-all-0123456789' }) },
    { name: 'tampered body', make: () => ({ ...aws4Request(server.client), body: JSON.stringify({ query: '{ tiers { name } }' }) }) },
    { name: 'tampered path', make: () => ({ ...aws4Request(server.client, { url: '/graphql' }), url: '/graphql/' }) },
    { name: 'tampered query', make: () => ({ ...aws4Request(server.client, { url: '/graphql?a=1' }), url: '/graphql?a=2' }) },
    {
      name: 'tampered signed header',
      make: () => {
        const r = aws4Request(server.client, { headersToSign: ['x-request-id'], extraHeaders: { 'x-request-id': 'abc' } });
        return { ...r, headers: { ...r.headers, 'x-request-id': 'abd' } };
      },
    },
    { name: 'Date too old', make: () => aws4Request(server.client, { date: new Date(Date.now() - 301_000) }) },
    { name: 'Date too far ahead', make: () => aws4Request(server.client, { date: new Date(Date.now() + 301_000) }) },
    { name: 'host not signed', make: () => aws4Request(server.client, { headersToSign: ['date', 'content-type'], exact: true }) },
    { name: 'date not signed', make: () => aws4Request(server.client, { headersToSign: ['host', 'content-type'], exact: true }) },
  ];
  for (const f of failures) {
    test(`${f.name} → 401 UNAUTHENTICATED`, async () => {
      const r = f.make();
      const result = await httpCall(server.url, 'POST', r.url, { headers: r.headers, body: r.body });
      expectCode(result, 401, 'UNAUTHENTICATED');
    });
  }

  test('a malformed Authorization header → 401', async () => {
    const result = await httpCall(server.url, 'POST', '/graphql', {
      headers: { 'content-type': 'application/json', authorization: 'ANTAVO-HMAC-SHA256 Credential=nope', date: new Date().toUTCString() },
      body: JSON.stringify({ query: TIERS }),
    });
    expectCode(result, 401, 'UNAUTHENTICATED');
  });
});

describe('signature enforcement', () => {
  after(resetSecurity);

  test('plain key on an enforced endpoint → 401, signed → 200, other endpoints unaffected, module off → no enforcement', async () => {
    await enforce('ENTITIES', true);
    // Module still off: enforcement is stored but not applied.
    assert.equal((await server.as(server.client).graphql(TIERS)).status, 200);
    await setModule('SIGNATURE_CHECK', true);
    expectCode(await server.as(server.client).graphql(TIERS), 401, 'UNAUTHENTICATED');
    expectCode(await server.as(server.client).get('/entities/tiers/tier'), 401, 'UNAUTHENTICATED');
    assert.equal((await server.as(server.client).graphql(TIERS, {}, { signed: true })).status, 200);
    assert.equal((await server.as(server.client).get('/entities/tiers/tier', { signed: true })).status, 200);
    // Management operations are on MANAGEMENT, which is not enforced here: the admin's plain key still works.
    assert.equal((await admin().graphql('{ securitySettings { signatureCheckEnabled } }')).status, 200);

    await enforce('ENTITIES', false);
    await enforce('CUSTOMER', true);
    assert.equal((await server.as(server.client).graphql(TIERS)).status, 200);

    await enforce('ENTITIES', true);
    await setModule('SIGNATURE_CHECK', false);
    assert.equal((await server.as(server.client).graphql(TIERS)).status, 200);
    const s = await settings();
    assert.equal(s.signatureCheckEnabled, false);
    assert.equal(s.endpoints.find((e: any) => e.endpoint === 'ENTITIES').signatureEnforced, true);
  });
});

describe('IP filter', () => {
  after(resetSecurity);
  const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

  test('endpoint list carries labels and lifecycles', async () => {
    const s = await settings();
    const byName = new Map(s.endpoints.map((e: any) => [e.endpoint, e]));
    // CONTRACT §4: the source's 13 endpoints plus MANAGEMENT.
    assert.deepEqual(
      s.endpoints.map((e: any) => e.endpoint),
      ['CHALLENGES', 'COUPONS', 'CUSTOMER', 'DISPLAY', 'ENTITIES', 'EVENTS', 'FAQ', 'LEADERBOARD', 'LEVELS', 'OFFERS', 'REWARDS', 'WALLET', 'WORKFLOW_CAMPAIGNS', 'MANAGEMENT'],
    );
    assert.equal((byName.get('MANAGEMENT') as any).lifecycle, 'ACTIVE');
    assert.equal((byName.get('OFFERS') as any).lifecycle, 'LEGACY');
    assert.equal((byName.get('COUPONS') as any).lifecycle, 'DEPRECATED_SOON');
    assert.equal((byName.get('WORKFLOW_CAMPAIGNS') as any).lifecycle, 'DEPRECATED_SOON');
    assert.equal((byName.get('ENTITIES') as any).lifecycle, 'ACTIVE');
    assert.equal((byName.get('ENTITIES') as any).label, 'Entities API');
  });

  test('the matrix: single address, CIDR with host bits, IPv6, IPv4-mapped, no entries, module off, forwarded-for', async () => {
    const client = server.as(server.client);
    await setModule('IP_FILTER', true);
    // Module on but no entries: any address.
    assert.equal((await client.graphql(TIERS, {}, from('198.51.100.1'))).status, 200);

    dataOf(await addIp('ENTITIES', '203.0.113.7'));
    const normalised = dataOf(await addIp('ENTITIES', '192.168.0.3/24')).addIpFilter.endpoints.find((e: any) => e.endpoint === 'ENTITIES');
    assert.deepEqual(normalised.ipFilters, ['203.0.113.7', '192.168.0.0/24']);
    dataOf(await addIp('ENTITIES', '2001:DB8::/32'));

    const allowed = ['203.0.113.7', '192.168.0.0', '192.168.0.77', '192.168.0.255', '2001:db8::1', '2001:db8:ffff::9', '::ffff:203.0.113.7', '::ffff:192.168.0.5'];
    const refused = ['203.0.113.8', '192.168.1.1', '10.0.0.1', '2001:db9::1', '::1', '::ffff:203.0.113.8'];
    for (const ip of allowed) assert.equal((await client.graphql(TIERS, {}, from(ip))).status, 200, ip);
    for (const ip of refused) expectCode(await client.graphql(TIERS, {}, from(ip)), 403, 'FORBIDDEN');
    // The Entities API paths obey the same filter.
    assert.equal((await client.get('/entities/tiers/tier', from('192.168.0.9'))).status, 200);
    expectCode(await client.get('/entities/tiers/tier', from('192.168.1.9')), 403, 'FORBIDDEN');

    // Trusted proxy chain: hops that are trusted proxies are skipped from the right.
    assert.equal((await client.graphql(TIERS, {}, from('203.0.113.7, 127.0.0.1'))).status, 200);
    // A client cannot choose its address by prepending: the rightmost untrusted hop counts.
    expectCode(await client.graphql(TIERS, {}, from('203.0.113.7, 198.51.100.9')), 403, 'FORBIDDEN');
    // A server that trusts no proxy ignores X-Forwarded-For: the socket (127.0.0.1) counts.
    await untrusting.app.services.security.reload();
    expectCode(await untrusting.as(untrusting.client).graphql(TIERS, {}, from('203.0.113.7')), 403, 'FORBIDDEN');

    // Another endpoint without entries is not filtered.
    await setModule('IP_FILTER', false);
    assert.equal((await client.graphql(TIERS, {}, from('10.0.0.1'))).status, 200);
  });

  test('invalid entries and unknown endpoints → 400 BAD_USER_INPUT, nothing stored', async () => {
    const before = await settings();
    for (const entry of ['300.1.1.1', '10.0.0.0/33', 'example.com', '', '1.2.3.4/24/1']) {
      const result = await addIp('ENTITIES', entry);
      expectCode(result, 400, 'BAD_USER_INPUT');
      assert.ok(firstError(result).message.length > 10);
    }
    const unknownEndpoint = await admin().graphql(`mutation { addIpFilter(endpoint: NOPE, entry: "1.2.3.4") { ipFilterEnabled } }`);
    expectCode(unknownEndpoint, 400, 'BAD_USER_INPUT');
    const unknownVar = await addIp('NOPE', '1.2.3.4');
    expectCode(unknownVar, 400, 'BAD_USER_INPUT');
    const removeMissing = await admin().graphql(`mutation { removeIpFilter(endpoint: ENTITIES, entry: "9.9.9.9") { ipFilterEnabled } }`);
    expectCode(removeMissing, 400, 'BAD_USER_INPUT');
    assert.deepEqual(await settings(), before);
  });

  test('100 concurrent addIpFilter calls are all kept', async () => {
    const entries = Array.from({ length: 100 }, (_, i) => `10.${Math.floor(i / 50)}.${i % 50}.1`);
    const results = await Promise.all(entries.map((e) => addIp('WALLET', e)));
    for (const r of results) assert.equal(r.status, 200, r.text);
    const wallet = (await settings()).endpoints.find((e: any) => e.endpoint === 'WALLET');
    assert.deepEqual([...wallet.ipFilters].sort(), [...entries].sort());
  });

  test('a change is in force on a second instance within one second', async () => {
    const client = untrusting.as(untrusting.client);
    assert.equal((await client.graphql(TIERS)).status, 200);
    const started = Date.now();
    await setModule('IP_FILTER', true);
    dataOf(await addIp('ENTITIES', '198.51.100.0/24'));
    let refusedAfter = -1;
    while (Date.now() - started < 3000) {
      if ((await client.graphql(TIERS)).status === 403) {
        refusedAfter = Date.now() - started;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(refusedAfter >= 0 && refusedAfter < 1000, `second instance applied the filter after ${refusedAfter} ms`);
  });
});

describe('roles', () => {
  test('a CLIENT on a management operation → 403 FORBIDDEN, through aliases and fragments too', async () => {
    const client = server.as(server.client);
    for (const q of [
      '{ securitySettings { ipFilterEnabled } }',
      '{ apiCredentials { key } }',
      '{ tiers { id } s: securitySettings { ipFilterEnabled } }',
      'query { ...F } fragment F on Query { securitySettings { ipFilterEnabled } }',
      'query { ... on Query { apiCredentials { key } } }',
      'mutation { setSecurityModule(module: IP_FILTER, enabled: true) { ipFilterEnabled } }',
      'mutation { createApiCredential(input: { name: "sneaky", role: ADMIN }) { secret } }',
    ]) {
      expectCode(await client.graphql(q), 403, 'FORBIDDEN');
    }
    assert.equal((await settings()).ipFilterEnabled, false);
    const creds = dataOf(await admin().graphql('{ apiCredentials { name } }')).apiCredentials;
    assert.equal(creds.some((c: any) => c.name === 'sneaky'), false);
  });

  test('createApiCredential validates its input', async () => {
    expectCode(await admin().graphql('mutation { createApiCredential(input: { name: "  " }) { secret } }'), 400, 'BAD_USER_INPUT');
    expectCode(await admin().graphql(`mutation { createApiCredential(input: { name: "${'x'.repeat(101)}" }) { secret } }`), 400, 'BAD_USER_INPUT');
  });
});

describe('escher-auth signer at HTTP level', () => {
  test('a POST signed with extra signed headers is accepted', async () => {
    const body = JSON.stringify({ query: TIERS });
    const headers = signWithEscher({
      method: 'POST',
      url: '/graphql',
      headers: { host: new URL(server.url).host, 'content-type': 'application/json' },
      body,
      key: server.client.key,
      secret: server.client.secret,
      apiStack: server.config.apiStack,
      headersToSign: ['content-type'],
    });
    assert.equal((await httpCall(server.url, 'POST', '/graphql', { headers, body })).status, 200);
  });
});
