import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataOf, firstError, startTestServer, type TestCredential, type TestServer } from '../support/server';
import { httpCall, type HttpResult } from '../support/http';
import { signRequest as aws4Sign } from '../support/signers/aws4-signer';
import { signWithEscher } from '../support/signers/escher-signer';
import { antavoEscherConfig } from '../../src/escher';
import { fixture } from '../support/fixtures';

let server: TestServer;
let untrusting: TestServer;
const TIERS = '{ tiers { id } }';
const TIER_DOCUMENTS = fixture('tiers');
const TIER_IDS = TIER_DOCUMENTS.map((t) => t.id).sort();
const IMPORT_TIERS = 'mutation($d: [JSONObject!]!) { importEntities(entity: TIER, documents: $d) { ids } }';

/**
 * This file sends hundreds of refused credentials on purpose, from one address, to test the
 * 401s themselves; the limit on failed authentications (default 60 per minute, tested in
 * test/rate-limit/) would turn them into 429s, so it is raised here.
 */
const MANY_FAILURES = { AUTH_FAILURES_PER_MINUTE: '100000' };

before(async () => {
  // The test client talks from 127.0.0.1; trusting it as a proxy lets each request choose
  // its client address through X-Forwarded-For, as a real load balancer would set it.
  server = await startTestServer({ env: { TRUST_PROXY: '127.0.0.1', ...MANY_FAILURES }, dbName: 'auth_http' });
  // Real tiers, so an accepted call is told apart from one that answers an empty list.
  assert.deepEqual(
    dataOf(await server.as(server.admin).graphql(IMPORT_TIERS, { d: TIER_DOCUMENTS })).importEntities.ids.sort(),
    TIER_IDS,
  );
  untrusting = await startTestServer({ env: MANY_FAILURES, dbName: 'auth_http' });
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
  await mutate(`mutation($m: SecurityModule!, $e: Boolean!) { setSecurityModule(module: $m, enabled: $e) { ipFilterEnabled } }`, {
    m: module,
    e: enabled,
  });
}
async function enforce(endpoint: string, enforced: boolean) {
  await mutate(
    `mutation($p: ApiEndpoint!, $e: Boolean!) { setSignatureEnforcement(endpoint: $p, enforced: $e) { signatureCheckEnabled } }`,
    { p: endpoint, e: enforced },
  );
}
async function addIp(endpoint: string, entry: string) {
  return admin().graphql(
    `mutation($p: ApiEndpoint!, $e: String!) { addIpFilter(endpoint: $p, entry: $e) { endpoints { endpoint ipFilters } } }`,
    { p: endpoint, e: entry },
  );
}
async function settings() {
  return dataOf(
    await admin().graphql(
      `{ securitySettings { ipFilterEnabled signatureCheckEnabled endpoints { endpoint label lifecycle ipFilters signatureEnforced } } }`,
    ),
  ).securitySettings;
}
async function resetSecurity() {
  const s = await settings();
  for (const e of s.endpoints) {
    for (const entry of e.ipFilters) {
      await mutate(`mutation($p: ApiEndpoint!, $e: String!) { removeIpFilter(endpoint: $p, entry: $e) { ipFilterEnabled } }`, {
        p: e.endpoint,
        e: entry,
      });
    }
    if (e.signatureEnforced) await enforce(e.endpoint, false);
  }
  await setModule('IP_FILTER', false);
  await setModule('SIGNATURE_CHECK', false);
}

function expectCode(result: HttpResult, status: number, code: string, context = '') {
  assert.equal(result.status, status, `${context} ${result.text}`);
  assert.equal(firstError(result).extensions?.code ?? firstError(result).code, code, `${context} ${result.text}`);
}

/** An accepted `{ tiers { id } }`: 200, no `errors`, and exactly the imported tiers. */
function expectTiers(result: HttpResult, context = '') {
  assert.equal(result.status, 200, `${context} ${result.text}`);
  assert.equal(result.json?.errors, undefined, `${context} ${result.text}`);
  assert.deepEqual(result.json.data.tiers.map((t: any) => t.id).sort(), TIER_IDS, context);
}

/** An accepted GET /entities/tiers/tier: 200, no `error`, every tier document as imported. */
function expectRestTiers(result: HttpResult, context = '') {
  assert.equal(result.status, 200, `${context} ${result.text}`);
  assert.equal(result.json?.error, undefined, `${context} ${result.text}`);
  assert.deepEqual(
    [...result.json.data].sort((a: any, b: any) => a.id.localeCompare(b.id)),
    [...TIER_DOCUMENTS].sort((a, b) => a.id.localeCompare(b.id)),
    context,
  );
}

interface SignedRequest {
  method: string;
  url: string;
  body: string;
  headers: Record<string, string | string[]>;
}

/** A request signed by our own AWS Signature V4 signer, with full control over its parts. */
function aws4Request(
  credential: TestCredential,
  options: {
    target?: TestServer;
    method?: string;
    body?: string;
    url?: string;
    date?: Date;
    headersToSign?: string[];
    exact?: boolean;
    dateFormat?: 'rfc1123' | 'iso-basic';
    secret?: string;
    extraHeaders?: Record<string, string>;
  } = {},
): SignedRequest {
  const target = options.target ?? server;
  const method = options.method ?? 'POST';
  const body = options.body ?? (method === 'GET' ? '' : JSON.stringify({ query: TIERS }));
  const url = options.url ?? '/graphql';
  const headers = aws4Sign({
    method,
    url,
    headers: { host: new URL(target.url).host, ...(body ? { 'content-type': 'application/json' } : {}), ...options.extraHeaders },
    body,
    key: credential.key,
    secret: options.secret ?? credential.secret,
    config: antavoEscherConfig(target.config.apiStack),
    date: options.date ?? new Date(),
    headersToSign: options.headersToSign,
    exactHeadersToSign: options.exact,
    dateFormat: options.dateFormat,
  });
  return { method, url, body, headers };
}

function sendSigned(r: SignedRequest, target: TestServer = server): Promise<HttpResult> {
  return httpCall(target.url, r.method, r.url, {
    headers: r.headers,
    body: r.method === 'GET' && r.body === '' ? undefined : r.body,
  });
}

async function newCredential(name: string, role: 'CLIENT' | 'ADMIN'): Promise<TestCredential> {
  const created = dataOf(
    await admin().graphql(
      `mutation($n: String!, $r: CredentialRole!) { createApiCredential(input: { name: $n, role: $r }) { credential { key name role } secret } }`,
      { n: name, r: role },
    ),
  ).createApiCredential;
  assert.deepEqual({ name: created.credential.name, role: created.credential.role }, { name, role });
  return { name, key: created.credential.key, secret: created.secret, role };
}

async function revoke(credential: TestCredential) {
  const revoked = dataOf(
    await admin().graphql(`mutation($k: String!) { revokeApiCredential(key: $k) { key revokedAt } }`, { k: credential.key }),
  ).revokeApiCredential;
  assert.equal(revoked.key, credential.key);
  assert.ok(Date.parse(revoked.revokedAt) > 0, revoked.revokedAt);
}

describe('credentials', () => {
  test('a plain key in X-Api-Key or api_key is accepted, on GraphQL and the Entities API', async () => {
    expectTiers(await server.as(server.client).graphql(TIERS), 'X-Api-Key');
    expectTiers(await server.as(server.client).graphql(TIERS, {}, { queryKey: true }), 'api_key');
    expectRestTiers(await server.as(server.client).get('/entities/tiers/tier', { queryKey: true }), 'REST api_key');
    expectRestTiers(await server.as(server.client).get('/entities/tiers/tier'), 'REST X-Api-Key');
  });

  test('no credential, unknown key, revoked key → 401 UNAUTHENTICATED (GraphQL and REST)', async () => {
    expectCode(await server.as(server.client).graphql(TIERS, {}, { anonymous: true }), 401, 'UNAUTHENTICATED');
    expectCode(await server.as(server.client).get('/entities/offers/offer', { anonymous: true }), 401, 'UNAUTHENTICATED');
    const stranger: TestCredential = { name: 'x', key: 'no-such-key-123456', secret: 'x'.repeat(32), role: 'CLIENT' };
    expectCode(await server.as(stranger).graphql(TIERS), 401, 'UNAUTHENTICATED');
    expectCode(await server.as(stranger).graphql(TIERS, {}, { signed: true }), 401, 'UNAUTHENTICATED');

    const created = dataOf(
      await admin().graphql(`mutation { createApiCredential(input: { name: "to revoke" }) { credential { key role } secret } }`),
    ).createApiCredential;
    assert.equal(created.credential.role, 'CLIENT');
    const doomed: TestCredential = { name: 'doomed', key: created.credential.key, secret: created.secret, role: 'CLIENT' };
    expectTiers(await server.as(doomed).graphql(TIERS, {}, { signed: true }), 'before revoking');
    await revoke(doomed);
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

describe('every credential rule on every endpoint family', () => {
  const db = () => server.app.connection.db!;
  let serial = 0;
  const CUSTOMER_ID = 'auth-family-reader';

  interface Family {
    name: string;
    role: 'CLIENT' | 'ADMIN';
    method: 'GET' | 'POST';
    /** A fresh request each call (events and credentials need unique ids). */
    make: () => { path: string; body?: string };
    ok: (result: HttpResult) => void;
    /** What the family would change; read before and after the refusals. */
    stored?: () => Promise<unknown>;
  }
  const gql = (query: string) => () => ({ path: '/graphql', body: JSON.stringify({ query }) });
  const families: Family[] = [
    { name: 'ENTITIES over GraphQL', role: 'CLIENT', method: 'POST', make: gql(TIERS), ok: (r) => expectTiers(r) },
    {
      name: 'ENTITIES over /entities (list)',
      role: 'CLIENT',
      method: 'GET',
      make: () => ({ path: '/entities/tiers/tier' }),
      ok: (r) => expectRestTiers(r),
    },
    {
      name: 'ENTITIES over /entities (one)',
      role: 'CLIENT',
      method: 'GET',
      make: () => ({ path: '/entities/tiers/tier/bonus' }),
      ok: (r) => {
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.json, { data: TIER_DOCUMENTS.find((t) => t.id === 'bonus') });
      },
    },
    {
      name: 'CUSTOMER',
      role: 'CLIENT',
      method: 'POST',
      make: gql(`{ customer(id: "${CUSTOMER_ID}") { id email } }`),
      ok: (r) => assert.deepEqual(dataOf(r).customer, { id: CUSTOMER_ID, email: 'reader@example.com' }),
    },
    {
      name: 'EVENTS',
      role: 'CLIENT',
      method: 'POST',
      make: () =>
        gql(
          `mutation { submitEvent(input: { customer: "auth-family-${++serial}", action: "opt_in" }) { accepted customer { id } } }`,
        )(),
      ok: (r) => {
        const result = dataOf(r).submitEvent;
        assert.equal(result.accepted, true);
        assert.match(result.customer.id, /^auth-family-\d+$/);
      },
      stored: async () =>
        (
          await db()
            .collection('customers')
            .find({}, { projection: { _id: 1 } })
            .sort({ _id: 1 })
            .toArray()
        ).map((d) => d._id),
    },
    {
      name: 'MANAGEMENT',
      role: 'ADMIN',
      method: 'POST',
      make: () =>
        gql(`mutation { createApiCredential(input: { name: "family-${++serial}" }) { credential { name role } secret } }`)(),
      ok: (r) => {
        const created = dataOf(r).createApiCredential;
        assert.match(created.credential.name, /^family-\d+$/);
        assert.equal(created.credential.role, 'CLIENT');
        assert.ok(created.secret.length >= 32);
      },
      stored: async () =>
        (await db().collection('api_credentials').find({}).sort({ _id: 1 }).toArray()).map((d) => JSON.stringify(d)),
    },
  ];

  const revoked: Partial<Record<'CLIENT' | 'ADMIN', TestCredential>> = {};
  before(async () => {
    dataOf(
      await server
        .as(server.client)
        .graphql(
          `mutation { submitEvent(input: { customer: "${CUSTOMER_ID}", action: "opt_in", data: { email: "reader@example.com" } }) { accepted } }`,
        ),
    );
    for (const role of ['CLIENT', 'ADMIN'] as const) {
      const credential = await newCredential(`revoked ${role}`, role);
      // Working before it is revoked, so the refusals below are the revocation's doing.
      if (role === 'CLIENT') expectTiers(await server.as(credential).graphql(TIERS), `${role} before revoking`);
      else assert.ok(dataOf(await server.as(credential).graphql('{ apiCredentials { key } }')).apiCredentials.length >= 2);
      await revoke(credential);
      revoked[role] = credential;
    }
  });

  for (const family of families) {
    test(`${family.name}: accepted with a live key (plain and signed); every credential failure → 401 UNAUTHENTICATED, nothing changed`, async () => {
      const live = family.role === 'ADMIN' ? server.admin : server.client;
      const plain = (credential: TestCredential, options: { anonymous?: boolean; queryKey?: boolean; signed?: boolean } = {}) => {
        const { path, body } = family.make();
        return server.as(credential).request(family.method, path, body, options);
      };
      const signed = (credential: TestCredential, options: { date?: Date; secret?: string } = {}) => {
        const { path, body } = family.make();
        return sendSigned(aws4Request(credential, { method: family.method, url: path, body: body ?? '', ...options }));
      };
      family.ok(await plain(live));
      family.ok(await plain(live, { queryKey: true }));
      family.ok(await plain(live, { signed: true }));
      family.ok(await signed(live));

      const before = await family.stored?.();
      const stranger: TestCredential = { name: 'stranger', key: 'no-such-key-123456', secret: 'x'.repeat(32), role: family.role };
      const gone = revoked[family.role]!;
      const refusals: [string, () => Promise<HttpResult>, RegExp][] = [
        ['no credential', () => plain(live, { anonymous: true }), /No API credential/],
        ['unknown key (X-Api-Key)', () => plain(stranger), /not known/],
        ['unknown key (api_key)', () => plain(stranger, { queryKey: true }), /not known/],
        ['unknown key, signed', () => plain(stranger, { signed: true }), /unknown/],
        ['revoked key (X-Api-Key)', () => plain(gone), /revoked/],
        ['revoked key (api_key)', () => plain(gone, { queryKey: true }), /revoked/],
        ['revoked key, signed', () => plain(gone, { signed: true }), /revoked/],
        [
          'signed with a wrong secret',
          () => signed(live, { secret: 'not-the-secret-at-all-0123456789' }),
          /signatures do not match/,
        ],
        [
          'signed too long ago',
          () => signed(live, { date: new Date(Date.now() - (server.config.signatureClockSkewSeconds + 60) * 1000) }),
          /not within the accepted time range/,
        ],
        [
          'signed too far ahead',
          () => signed(live, { date: new Date(Date.now() + (server.config.signatureClockSkewSeconds + 60) * 1000) }),
          /not within the accepted time range/,
        ],
        [
          'a malformed Authorization header',
          () => {
            const { path, body } = family.make();
            return httpCall(server.url, family.method, path, {
              headers: {
                ...(body ? { 'content-type': 'application/json' } : {}),
                authorization: 'ANTAVO-HMAC-SHA256 Credential=nope',
                date: new Date().toUTCString(),
              },
              body,
            });
          },
          /Invalid request signature/,
        ],
      ];
      for (const [what, send, message] of refusals) {
        const result = await send();
        expectCode(result, 401, 'UNAUTHENTICATED', `${family.name}, ${what}:`);
        assert.match(firstError(result).message, message, `${family.name}, ${what}`);
        if (family.method === 'POST') assert.equal(result.json.data ?? null, null, `${family.name}, ${what}: no data`);
      }
      assert.deepEqual(await family.stored?.(), before, `${family.name}: nothing stored by the refused calls`);
    });
  }
});

describe('signed requests', () => {
  test('escher-auth with the Antavo settings is accepted on GraphQL and the Entities API', async () => {
    expectTiers(await server.as(server.client).graphql(TIERS, {}, { signed: true }));
    expectRestTiers(await server.as(server.client).get('/entities/tiers/tier', { signed: true }));
  });

  test('our own AWS Signature V4 signer is accepted, with RFC 1123 and basic ISO dates', async () => {
    for (const dateFormat of ['rfc1123', 'iso-basic'] as const) {
      expectTiers(await sendSigned(aws4Request(server.client, { dateFormat })), dateFormat);
    }
  });

  const failures: { name: string; make: () => SignedRequest; message: RegExp }[] = [
    {
      name: 'wrong secret',
      make: () => aws4Request(server.client, { secret: 'not-the-secret-at-all-0123456789' }),
      message: /signatures do not match/,
    },
    {
      name: 'tampered body',
      make: () => ({ ...aws4Request(server.client), body: JSON.stringify({ query: '{ tiers { name } }' }) }),
      message: /signatures do not match/,
    },
    {
      name: 'tampered path',
      make: () => ({ ...aws4Request(server.client, { url: '/graphql' }), url: '/graphql/' }),
      message: /signatures do not match/,
    },
    {
      name: 'tampered query',
      make: () => ({ ...aws4Request(server.client, { url: '/graphql?a=1' }), url: '/graphql?a=2' }),
      message: /signatures do not match/,
    },
    {
      name: 'tampered signed header',
      make: () => {
        const r = aws4Request(server.client, { headersToSign: ['x-request-id'], extraHeaders: { 'x-request-id': 'abc' } });
        return { ...r, headers: { ...r.headers, 'x-request-id': 'abd' } };
      },
      message: /signatures do not match/,
    },
    {
      name: 'host not signed',
      make: () => aws4Request(server.client, { headersToSign: ['date', 'content-type'], exact: true }),
      message: /The host header is not signed/,
    },
    {
      name: 'date not signed',
      make: () => aws4Request(server.client, { headersToSign: ['host', 'content-type'], exact: true }),
      message: /The date header is not signed/,
    },
  ];
  for (const f of failures) {
    test(`${f.name} → 401 UNAUTHENTICATED`, async () => {
      const result = await sendSigned(f.make());
      expectCode(result, 401, 'UNAUTHENTICATED');
      assert.match(firstError(result).message, f.message);
    });
  }

  test('a malformed Authorization header → 401', async () => {
    const result = await httpCall(server.url, 'POST', '/graphql', {
      headers: {
        'content-type': 'application/json',
        authorization: 'ANTAVO-HMAC-SHA256 Credential=nope',
        date: new Date().toUTCString(),
      },
      body: JSON.stringify({ query: TIERS }),
    });
    expectCode(result, 401, 'UNAUTHENTICATED');
  });
});

describe('signature clock skew: both sides of the bound, ahead and behind, both Date formats, on the server clock', () => {
  // The Date header carries whole seconds (up to 1 s is lost) and a request takes milliseconds:
  // 10 s either side of the bound cannot be crossed by either, so none of these can flake.
  const MARGIN = 10;
  let skewed: TestServer;
  before(async () => {
    skewed = await startTestServer({ env: { SIGNATURE_CLOCK_SKEW_SECONDS: '60', ...MANY_FAILURES } });
    dataOf(await skewed.as(skewed.admin).graphql(IMPORT_TIERS, { d: TIER_DOCUMENTS }));
  });
  after(async () => {
    await skewed.stop();
  });

  const servers: { name: string; target: () => TestServer; skew: number }[] = [
    { name: 'default skew', target: () => server, skew: 300 },
    { name: 'SIGNATURE_CLOCK_SKEW_SECONDS=60', target: () => skewed, skew: 60 },
  ];
  for (const { name, target, skew } of servers) {
    for (const dateFormat of ['rfc1123', 'iso-basic'] as const) {
      for (const direction of ['ahead', 'behind'] as const) {
        const sign = direction === 'ahead' ? 1 : -1;
        test(`${name} (${skew} s), ${dateFormat}, ${direction}: ${skew - MARGIN} s accepted, ${skew + MARGIN} s refused`, async () => {
          const t = target();
          assert.equal(t.config.signatureClockSkewSeconds, skew);
          const at = (seconds: number) =>
            aws4Request(t.client, { target: t, dateFormat, date: new Date(Date.now() + sign * seconds * 1000) });

          expectTiers(await sendSigned(at(skew - MARGIN), t), `${skew - MARGIN} s ${direction}`);

          const refused = await sendSigned(at(skew + MARGIN), t);
          expectCode(refused, 401, 'UNAUTHENTICATED', `${skew + MARGIN} s ${direction}`);
          // The offset is measured against the server's own clock, and the configured skew is the bound.
          const reported = /request date is (\d+)s (ahead of|behind) server time; allowed skew (\d+)s/.exec(
            firstError(refused).message,
          );
          assert.ok(reported, firstError(refused).message);
          assert.equal(reported[2], direction === 'ahead' ? 'ahead of' : 'behind');
          assert.ok(Math.abs(Number(reported[1]) - (skew + MARGIN)) <= 2, `reported ${reported[1]} s off`);
          assert.equal(Number(reported[3]), skew);
        });
      }
    }
  }

  test('the setting is what decides: 70 s ahead passes the 300 s server and fails the 60 s one', async () => {
    const date = new Date(Date.now() + 70_000);
    expectTiers(await sendSigned(aws4Request(server.client, { target: server, date }), server));
    expectCode(await sendSigned(aws4Request(skewed.client, { target: skewed, date }), skewed), 401, 'UNAUTHENTICATED');
  });
});

describe('signature enforcement', () => {
  after(resetSecurity);

  test('plain key on an enforced endpoint → 401, signed → 200, other endpoints unaffected, module off → no enforcement', async () => {
    await enforce('ENTITIES', true);
    // Module still off: enforcement is stored but not applied.
    expectTiers(await server.as(server.client).graphql(TIERS), 'module off');
    await setModule('SIGNATURE_CHECK', true);
    expectCode(await server.as(server.client).graphql(TIERS), 401, 'UNAUTHENTICATED');
    expectCode(await server.as(server.client).get('/entities/tiers/tier'), 401, 'UNAUTHENTICATED');
    expectTiers(await server.as(server.client).graphql(TIERS, {}, { signed: true }), 'signed');
    expectRestTiers(await server.as(server.client).get('/entities/tiers/tier', { signed: true }), 'signed REST');
    // Management operations are on MANAGEMENT, which is not enforced here: the admin's plain key still works.
    assert.equal(
      dataOf(await admin().graphql('{ securitySettings { signatureCheckEnabled } }')).securitySettings.signatureCheckEnabled,
      true,
    );

    await enforce('ENTITIES', false);
    await enforce('CUSTOMER', true);
    expectTiers(await server.as(server.client).graphql(TIERS), 'only CUSTOMER enforced');
    expectCode(await server.as(server.client).graphql('{ customer(id: "nobody") { id } }'), 401, 'UNAUTHENTICATED');

    await enforce('ENTITIES', true);
    await setModule('SIGNATURE_CHECK', false);
    expectTiers(await server.as(server.client).graphql(TIERS), 'module off again');
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
      [
        'CHALLENGES',
        'COUPONS',
        'CUSTOMER',
        'DISPLAY',
        'ENTITIES',
        'EVENTS',
        'FAQ',
        'LEADERBOARD',
        'LEVELS',
        'OFFERS',
        'REWARDS',
        'WALLET',
        'WORKFLOW_CAMPAIGNS',
        'MANAGEMENT',
      ],
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
    expectTiers(await client.graphql(TIERS, {}, from('198.51.100.1')), 'no entries');

    dataOf(await addIp('ENTITIES', '203.0.113.7'));
    const normalised = dataOf(await addIp('ENTITIES', '192.168.0.3/24')).addIpFilter.endpoints.find(
      (e: any) => e.endpoint === 'ENTITIES',
    );
    assert.deepEqual(normalised.ipFilters, ['203.0.113.7', '192.168.0.0/24']);
    dataOf(await addIp('ENTITIES', '2001:DB8::/32'));

    const allowed = [
      '203.0.113.7',
      '192.168.0.0',
      '192.168.0.77',
      '192.168.0.255',
      '2001:db8::1',
      '2001:db8:ffff::9',
      '::ffff:203.0.113.7',
      '::ffff:192.168.0.5',
    ];
    const refused = ['203.0.113.8', '192.168.1.1', '10.0.0.1', '2001:db9::1', '::1', '::ffff:203.0.113.8'];
    for (const ip of allowed) expectTiers(await client.graphql(TIERS, {}, from(ip)), ip);
    for (const ip of refused) expectCode(await client.graphql(TIERS, {}, from(ip)), 403, 'FORBIDDEN', ip);
    // The Entities API paths obey the same filter.
    expectRestTiers(await client.get('/entities/tiers/tier', from('192.168.0.9')));
    expectCode(await client.get('/entities/tiers/tier', from('192.168.1.9')), 403, 'FORBIDDEN');

    // Trusted proxy chain: hops that are trusted proxies are skipped from the right.
    expectTiers(await client.graphql(TIERS, {}, from('203.0.113.7, 127.0.0.1')), 'trusted chain');
    // A client cannot choose its address by prepending: the rightmost untrusted hop counts.
    expectCode(await client.graphql(TIERS, {}, from('203.0.113.7, 198.51.100.9')), 403, 'FORBIDDEN');
    // A server that trusts no proxy ignores X-Forwarded-For: the socket (127.0.0.1) counts.
    await untrusting.app.services.security.reload();
    expectCode(await untrusting.as(untrusting.client).graphql(TIERS, {}, from('203.0.113.7')), 403, 'FORBIDDEN');

    // Another endpoint without entries is not filtered.
    assert.deepEqual(dataOf(await client.graphql('{ customer(id: "nobody") { id } }', {}, from('10.0.0.1'))), { customer: null });

    await setModule('IP_FILTER', false);
    expectTiers(await client.graphql(TIERS, {}, from('10.0.0.1')), 'module off');
  });

  test('invalid entries and unknown endpoints → 400 BAD_USER_INPUT, nothing stored', async () => {
    const before = await settings();
    for (const entry of ['300.1.1.1', '10.0.0.0/33', 'example.com', '', '1.2.3.4/24/1']) {
      const result = await addIp('ENTITIES', entry);
      expectCode(result, 400, 'BAD_USER_INPUT', entry);
      assert.ok(firstError(result).message.length > 10);
    }
    const unknownEndpoint = await admin().graphql(
      `mutation { addIpFilter(endpoint: NOPE, entry: "1.2.3.4") { ipFilterEnabled } }`,
    );
    expectCode(unknownEndpoint, 400, 'BAD_USER_INPUT');
    const unknownVar = await addIp('NOPE', '1.2.3.4');
    expectCode(unknownVar, 400, 'BAD_USER_INPUT');
    const removeMissing = await admin().graphql(
      `mutation { removeIpFilter(endpoint: ENTITIES, entry: "9.9.9.9") { ipFilterEnabled } }`,
    );
    expectCode(removeMissing, 400, 'BAD_USER_INPUT');
    assert.deepEqual(await settings(), before);
  });

  test('100 concurrent addIpFilter calls are all kept', async () => {
    const entries = Array.from({ length: 100 }, (_, i) => `10.${Math.floor(i / 50)}.${i % 50}.1`);
    const results = await Promise.all(entries.map((e) => addIp('WALLET', e)));
    results.forEach((r, i) => {
      const wallet = dataOf(r).addIpFilter.endpoints.find((e: any) => e.endpoint === 'WALLET');
      assert.ok(wallet.ipFilters.includes(entries[i]), `answer to adding ${entries[i]} lacks it`);
    });
    const wallet = (await settings()).endpoints.find((e: any) => e.endpoint === 'WALLET');
    assert.deepEqual([...wallet.ipFilters].sort(), [...entries].sort());
  });

  test('a change is in force on a second instance within one second', async () => {
    const client = untrusting.as(untrusting.client);
    expectTiers(await client.graphql(TIERS), 'before the change');
    const started = Date.now();
    await setModule('IP_FILTER', true);
    dataOf(await addIp('ENTITIES', '198.51.100.0/24'));
    let refusedAfter = -1;
    let last: HttpResult | undefined;
    while (Date.now() - started < 3000) {
      last = await client.graphql(TIERS);
      if (last.status !== 200) {
        refusedAfter = Date.now() - started;
        break;
      }
      expectTiers(last, 'still allowed');
      await new Promise((r) => setTimeout(r, 20));
    }
    expectCode(last!, 403, 'FORBIDDEN');
    assert.ok(refusedAfter >= 0 && refusedAfter < 1000, `second instance applied the filter after ${refusedAfter} ms`);
  });
});

describe('roles', () => {
  test('a CLIENT on a management operation → 403 FORBIDDEN, through aliases and fragments too', async () => {
    const client = server.as(server.client);
    for (const q of [
      '{ securitySettings { ipFilterEnabled } }',
      '{ apiCredentials { key } }',
      '{ errorLogs(first: 1) { totalCount } }',
      '{ tiers { id } s: securitySettings { ipFilterEnabled } }',
      'query { ...F } fragment F on Query { securitySettings { ipFilterEnabled } }',
      'query { ... on Query { apiCredentials { key } } }',
      'mutation { setSecurityModule(module: IP_FILTER, enabled: true) { ipFilterEnabled } }',
      'mutation { createApiCredential(input: { name: "sneaky", role: ADMIN }) { secret } }',
      'mutation { importEntities(entity: TIER, documents: [{ id: "sneaky", name: "x", tiers: [] }]) { ids } }',
      'mutation { deleteEntity(entity: TIER, id: "standard") }',
    ]) {
      const result = await client.graphql(q);
      expectCode(result, 403, 'FORBIDDEN', q);
      assert.equal(result.json.data ?? null, null, `${q}: no data`);
    }
    assert.equal((await settings()).ipFilterEnabled, false);
    const creds = dataOf(await admin().graphql('{ apiCredentials { name } }')).apiCredentials;
    assert.equal(
      creds.some((c: any) => c.name === 'sneaky'),
      false,
    );
    expectTiers(await client.graphql(TIERS), 'tiers untouched');
  });

  test('createApiCredential: a name of 1 and 100 characters is accepted; empty, blank and 101 are refused and nothing is stored', async () => {
    const credentials = () => server.app.connection.db!.collection('api_credentials');
    for (const name of ['n', 'x'.repeat(100)]) {
      const created = dataOf(
        await admin().graphql(
          'mutation($n: String!) { createApiCredential(input: { name: $n }) { credential { name role revokedAt } secret } }',
          { n: name },
        ),
      ).createApiCredential;
      assert.deepEqual(created.credential, { name, role: 'CLIENT', revokedAt: null });
      assert.equal(await credentials().countDocuments({ name }), 1);
    }
    const before = await credentials().countDocuments();
    for (const name of ['', '  ', 'y'.repeat(101)]) {
      const result = await admin().graphql('mutation($n: String!) { createApiCredential(input: { name: $n }) { secret } }', {
        n: name,
      });
      expectCode(result, 400, 'BAD_USER_INPUT', JSON.stringify(name));
      assert.match(firstError(result).message, /name must/);
    }
    assert.equal(await credentials().countDocuments(), before);
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
    expectTiers(await httpCall(server.url, 'POST', '/graphql', { headers, body }));
  });
});
