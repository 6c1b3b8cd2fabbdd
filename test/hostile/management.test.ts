import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataOf, firstError, startTestServer, type TestCredential, type TestServer } from '../support/server';
import type { HttpResult } from '../support/http';
import { fixture } from '../support/fixtures';

/**
 * Issue 9, item 4 and the access half of item 7: management operations are on the
 * MANAGEMENT endpoint and meet its rules like any endpoint's; a change that would lock out
 * the request making it is refused; every access rule is tried on every endpoint family.
 * The test client talks from 127.0.0.1, which is a trusted proxy here, so X-Forwarded-For
 * chooses the client address as a load balancer would.
 */

let server: TestServer;
const ADMIN_HOME = '203.0.113.10';
const ELSEWHERE = '198.51.100.20';
const from = (ip: string) => ({ 'x-forwarded-for': ip });

before(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: '127.0.0.1' } });
});
after(async () => {
  await server.stop();
});

function admin(ip = ADMIN_HOME, signed = false) {
  return (query: string, variables?: Record<string, unknown>) =>
    server.as(server.admin).graphql(query, variables, { headers: from(ip), signed });
}

const SETTINGS = `{ securitySettings { ipFilterEnabled signatureCheckEnabled warnings endpoints { endpoint ipFilters signatureEnforced } } }`;

async function stored(): Promise<any> {
  const doc = await server.app.connection.db!.collection('security_settings').findOne({ _id: 'settings' as any });
  return { modules: doc?.modules ?? {}, endpoints: doc?.endpoints ?? {} };
}

function expectRefusal(result: HttpResult, status: number, code: string, message?: RegExp) {
  assert.equal(result.status, status, result.text);
  const error = firstError(result);
  assert.equal(error.extensions?.code ?? error.code, code, result.text);
  assert.equal(result.json.data ?? null, null, 'a refused operation returns no data');
  if (message) assert.match(error.message, message);
}

const mutate = {
  module: (m: string, e: boolean) =>
    `mutation { setSecurityModule(module: ${m}, enabled: ${e}) { ipFilterEnabled signatureCheckEnabled warnings } }`,
  addIp: (p: string, entry: string) =>
    `mutation { addIpFilter(endpoint: ${p}, entry: "${entry}") { endpoints { endpoint ipFilters } } }`,
  removeIp: (p: string, entry: string) =>
    `mutation { removeIpFilter(endpoint: ${p}, entry: "${entry}") { endpoints { endpoint ipFilters } } }`,
  enforce: (p: string, e: boolean) =>
    `mutation { setSignatureEnforcement(endpoint: ${p}, enforced: ${e}) { signatureCheckEnabled warnings } }`,
};

/**
 * Back to no rules at all. Written straight to the database (then reloaded, as a write
 * through the API would): some tests end with rules that would refuse any one caller.
 */
async function resetSecurity() {
  await server.app.connection
    .db!.collection('security_settings')
    .replaceOne({ _id: 'settings' as any }, { modules: {}, endpoints: {} });
  await server.app.services.security.changed();
}

describe('MANAGEMENT is an endpoint like any other', () => {
  afterEach(resetSecurity);

  test('it is listed with its label and lifecycle', async () => {
    const settings = dataOf(await admin()(SETTINGS)).securitySettings;
    const management = settings.endpoints.find((e: any) => e.endpoint === 'MANAGEMENT');
    assert.deepEqual(management, { endpoint: 'MANAGEMENT', ipFilters: [], signatureEnforced: false });
    assert.deepEqual(settings.warnings, []);
  });

  test('its IP filter reaches every management operation: credentials, settings, error log, imports, deletes', async () => {
    dataOf(await admin()(mutate.addIp('MANAGEMENT', `${ADMIN_HOME}/32`)));
    dataOf(await admin()(mutate.module('IP_FILTER', true)));
    const before = await stored();
    const credentialsBefore = await server.app.connection.db!.collection('api_credentials').countDocuments();
    assert.ok(credentialsBefore >= 2, 'the admin and the client credential are counted');

    const operations = [
      'mutation { createApiCredential(input: { name: "intruder", role: ADMIN }) { secret } }',
      '{ apiCredentials { key } }',
      '{ errorLogs(first: 1) { totalCount } }',
      '{ securitySettings { ipFilterEnabled } }',
      'mutation { setSecurityModule(module: IP_FILTER, enabled: false) { ipFilterEnabled } }',
      `mutation { removeIpFilter(endpoint: MANAGEMENT, entry: "${ADMIN_HOME}") { ipFilterEnabled } }`,
      'mutation { setSignatureEnforcement(endpoint: ENTITIES, enforced: true) { signatureCheckEnabled } }',
      'mutation { importEntities(entity: TIER, documents: [{ id: "intruder", name: "x", tiers: [] }]) { ids } }',
      'mutation { deleteEntity(entity: TIER, id: "standard") }',
      // The restricted field second, after an allowed one.
      '{ tiers { id } apiCredentials { key } }',
    ];
    for (const query of operations) {
      expectRefusal(await admin(ELSEWHERE)(query), 403, 'FORBIDDEN', /not allowed on the MANAGEMENT endpoint/);
      // A signed request is no way around an IP filter either.
      expectRefusal(await admin(ELSEWHERE, true)(query), 403, 'FORBIDDEN');
    }
    assert.deepEqual(await stored(), before, 'no setting changed');
    assert.equal(await server.app.connection.db!.collection('api_credentials').countDocuments(), credentialsBefore);
    assert.equal(await server.app.connection.db!.collection('tiers').countDocuments({ _id: 'intruder' as any }), 0);

    // From the allowed address the same admin works, and other endpoints are unaffected.
    assert.equal(dataOf(await admin()('{ securitySettings { ipFilterEnabled } }')).securitySettings.ipFilterEnabled, true);
    assert.ok(
      Array.isArray(dataOf(await server.as(server.client).graphql('{ tiers { id } }', {}, { headers: from(ELSEWHERE) })).tiers),
    );
  });

  test('signature enforcement on MANAGEMENT refuses plain admin keys, accepts signed ones, and says Sandbox cannot sign', async () => {
    dataOf(await admin()(mutate.module('SIGNATURE_CHECK', true)));
    const enforced = dataOf(await admin(ADMIN_HOME, true)(mutate.enforce('MANAGEMENT', true))).setSignatureEnforcement;
    assert.equal(enforced.warnings.length, 1);
    assert.match(enforced.warnings[0], /Sandbox cannot sign/);

    for (const query of [
      '{ apiCredentials { key } }',
      '{ errorLogs(first: 1) { totalCount } }',
      mutate.module('IP_FILTER', true),
    ]) {
      expectRefusal(await admin()(query), 401, 'UNAUTHENTICATED', /MANAGEMENT endpoint requires a signed request/);
    }
    assert.deepEqual((await stored()).modules, { SIGNATURE_CHECK: true });
    const signed = dataOf(await admin(ADMIN_HOME, true)(SETTINGS)).securitySettings;
    assert.equal(signed.endpoints.find((e: any) => e.endpoint === 'MANAGEMENT').signatureEnforced, true);
    assert.match(signed.warnings[0], /Sandbox cannot sign/);
    // ENTITIES is not enforced: plain keys still work there.
    assert.ok(dataOf(await server.as(server.client).graphql('{ tiers { id } }')).tiers);
  });

  test('a CLIENT mixing an allowed mutation with a management one is refused and nothing is applied', async () => {
    const client = server.as(server.client);
    const customers = server.app.connection.db!.collection('customers');
    const credentialsBefore = await server.app.connection.db!.collection('api_credentials').countDocuments();
    assert.ok(credentialsBefore >= 2, 'the admin and the client credential are counted');
    const result = await client.graphql(`mutation {
      submitEvent(input: { customer: "mixed-1", action: "opt_in", data: { email: "m@example.com" } }) { accepted }
      createApiCredential(input: { name: "escalate", role: ADMIN }) { secret }
    }`);
    expectRefusal(result, 403, 'FORBIDDEN', /ADMIN/);
    assert.equal(await customers.countDocuments({ _id: 'mixed-1' as any }), 0, 'the allowed mutation did not run');
    assert.equal(await server.app.connection.db!.collection('api_credentials').countDocuments(), credentialsBefore);

    // The restricted root field second, through an alias and a fragment.
    expectRefusal(
      await client.graphql('query { a: tiers { id } ...F } fragment F on Query { b: errorLogs(first: 1) { totalCount } }'),
      403,
      'FORBIDDEN',
    );
  });
});

describe('a change that would lock out the request making it is refused', () => {
  afterEach(resetSecurity);

  test('IP filter: adding or removing entries, or switching the module on, so that my address is no longer allowed', async () => {
    dataOf(await admin()(mutate.module('IP_FILTER', true)));
    let before = await stored();
    // The first entry on MANAGEMENT, not covering me.
    expectRefusal(
      await admin()(mutate.addIp('MANAGEMENT', '198.51.100.0/24')),
      400,
      'BAD_USER_INPUT',
      /lock you out.*203\.0\.113\.10/,
    );
    assert.deepEqual(await stored(), before, 'nothing stored');

    // Covering me is fine; then another entry; removing mine while the other stays is not.
    dataOf(await admin()(mutate.addIp('MANAGEMENT', '203.0.113.0/24')));
    dataOf(await admin()(mutate.addIp('MANAGEMENT', '198.51.100.0/24')));
    before = await stored();
    expectRefusal(await admin()(mutate.removeIp('MANAGEMENT', '203.0.113.0/24')), 400, 'BAD_USER_INPUT', /lock you out/);
    assert.deepEqual(await stored(), before);
    // Someone at the other allowed address may remove mine: it does not lock *them* out.
    dataOf(await admin('198.51.100.7')(mutate.removeIp('MANAGEMENT', '203.0.113.0/24')));
    // Removing the last entry leaves MANAGEMENT open: allowed from there.
    dataOf(await admin('198.51.100.7')(mutate.removeIp('MANAGEMENT', '198.51.100.0/24')));

    // Entries staged while the module is off; switching it on from outside them is refused.
    dataOf(await admin()(mutate.module('IP_FILTER', false)));
    dataOf(await admin()(mutate.addIp('MANAGEMENT', '192.0.2.0/24')));
    before = await stored();
    expectRefusal(await admin()(mutate.module('IP_FILTER', true)), 400, 'BAD_USER_INPUT', /lock you out/);
    assert.deepEqual(await stored(), before);
    dataOf(await admin('192.0.2.1')(mutate.module('IP_FILTER', true)));

    // Filters on other endpoints never lock out a management request.
    dataOf(await admin('192.0.2.1')(mutate.addIp('ENTITIES', '10.0.0.0/8')));
  });

  test('an unknown client address (malformed hop from a trusted proxy) fails closed, and cannot turn a MANAGEMENT filter on', async () => {
    dataOf(await admin()(mutate.addIp('ENTITIES', '0.0.0.0/0')));
    dataOf(await admin()(mutate.module('IP_FILTER', true)));
    // IP filter on with an allow-all entry: a client whose address cannot be told is still refused.
    expectRefusal(
      await server.as(server.client).graphql('{ tiers { id } }', {}, { headers: from('not-an-address') }),
      403,
      'FORBIDDEN',
      /\(unknown\)/,
    );
    expectRefusal(
      await server.as(server.client).get('/entities/tiers/tier', { headers: from('not-an-address') }),
      403,
      'FORBIDDEN',
    );
    assert.ok(dataOf(await server.as(server.client).graphql('{ tiers { id } }', {}, { headers: from(ELSEWHERE) })).tiers);

    const before = await stored();
    expectRefusal(
      await admin('not-an-address')(mutate.addIp('MANAGEMENT', '0.0.0.0/0')),
      400,
      'BAD_USER_INPUT',
      /cannot be determined/,
    );
    assert.deepEqual(await stored(), before);
  });

  test('signature enforcement: a plain-key request cannot make MANAGEMENT refuse plain keys; a signed one can', async () => {
    dataOf(await admin()(mutate.module('SIGNATURE_CHECK', true)));
    let before = await stored();
    expectRefusal(await admin()(mutate.enforce('MANAGEMENT', true)), 400, 'BAD_USER_INPUT', /lock you out.*signed request/);
    assert.deepEqual(await stored(), before);

    // Staged while the module is off: allowed (with a warning), but switching the module on with a plain key is refused.
    dataOf(await admin()(mutate.module('SIGNATURE_CHECK', false)));
    const staged = dataOf(await admin()(mutate.enforce('MANAGEMENT', true))).setSignatureEnforcement;
    assert.match(staged.warnings[0], /once SIGNATURE_CHECK is on/);
    before = await stored();
    expectRefusal(await admin()(mutate.module('SIGNATURE_CHECK', true)), 400, 'BAD_USER_INPUT', /lock you out/);
    assert.deepEqual(await stored(), before);
    dataOf(await admin(ADMIN_HOME, true)(mutate.module('SIGNATURE_CHECK', true)));
  });
});

describe('every access rule on every endpoint family', () => {
  afterEach(resetSecurity);

  interface Family {
    endpoint: string;
    who: () => TestCredential;
    call: (credential: TestCredential, ip: string, signed: boolean) => Promise<HttpResult>;
    ok: (result: HttpResult) => void;
  }
  const gql = (query: string) => (credential: TestCredential, ip: string, signed: boolean) =>
    server.as(credential).graphql(query, undefined, { headers: from(ip), signed });
  const families: Record<string, Family> = {
    'ENTITIES over GraphQL': {
      endpoint: 'ENTITIES',
      who: () => server.client,
      call: gql('{ tiers { id } offers(first: 1) { totalCount } }'),
      ok: (r) => assert.ok(Array.isArray(dataOf(r).tiers)),
    },
    'ENTITIES over /entities': {
      endpoint: 'ENTITIES',
      who: () => server.client,
      call: (c, ip, signed) => server.as(c).get('/entities/tiers/tier', { headers: from(ip), signed }),
      ok: (r) => {
        assert.equal(r.status, 200, r.text);
        assert.ok(Array.isArray(r.json.data));
      },
    },
    CUSTOMER: {
      endpoint: 'CUSTOMER',
      who: () => server.client,
      call: gql('{ customer(id: "nobody") { id } }'),
      ok: (r) => assert.equal(dataOf(r).customer, null),
    },
    EVENTS: {
      endpoint: 'EVENTS',
      who: () => server.client,
      call: gql('mutation { submitEvent(input: { customer: "nobody", action: "point_add", data: { points: 1 } }) { accepted } }'),
      // The event itself is refused (no such customer), which shows it got past access.
      ok: (r) => assert.equal(firstError(r).extensions.code, 'BAD_USER_INPUT'),
    },
    MANAGEMENT: {
      endpoint: 'MANAGEMENT',
      who: () => server.admin,
      call: gql('{ apiCredentials { name } }'),
      ok: (r) => assert.ok(dataOf(r).apiCredentials.length >= 2),
    },
  };

  for (const [name, family] of Object.entries(families)) {
    test(`${name}: IP filter and signature enforcement`, async () => {
      const who = family.who();
      // Rules configured from an allowed address with a signed request, so they never lock the configuring admin out.
      const configure = admin(ADMIN_HOME, true);
      dataOf(await configure(mutate.addIp(family.endpoint, `${ADMIN_HOME}/32`)));
      family.ok(await family.call(who, ELSEWHERE, false)); // module off: no filter
      dataOf(await configure(mutate.module('IP_FILTER', true)));
      expectRefusal(await family.call(who, ELSEWHERE, false), 403, 'FORBIDDEN');
      expectRefusal(await family.call(who, ELSEWHERE, true), 403, 'FORBIDDEN');
      family.ok(await family.call(who, ADMIN_HOME, false));
      dataOf(await configure(mutate.module('IP_FILTER', false)));

      dataOf(await configure(mutate.enforce(family.endpoint, true)));
      family.ok(await family.call(who, ELSEWHERE, false)); // module off: no enforcement
      dataOf(await configure(mutate.module('SIGNATURE_CHECK', true)));
      expectRefusal(await family.call(who, ELSEWHERE, false), 401, 'UNAUTHENTICATED', /requires a signed request/);
      family.ok(await family.call(who, ELSEWHERE, true));
    });
  }
});

describe('the rules reach a root field however it is selected', () => {
  afterEach(resetSecurity);
  before(async () => {
    // Real tiers, so an accepted query is told apart from one answering an empty list.
    const tiers = fixture('tiers');
    const imported = dataOf(
      await admin()('mutation($d: [JSONObject!]!) { importEntities(entity: TIER, documents: $d) { ids } }', { d: tiers }),
    );
    assert.equal(imported.importEntities.ids.length, tiers.length);
  });

  /** The same root field through a named fragment, nested fragments, inline fragments (typed and not) and a mix. */
  const throughFragments = (field: string) => [
    `query { ...F } fragment F on Query { ${field} }`,
    `query { ...A } fragment A on Query { ...B } fragment B on Query { x: ${field} }`,
    `query { ... on Query { ${field} } }`,
    `query { ... { ${field} } }`,
    `query { ... on Query { ...F } } fragment F on Query { ${field} }`,
  ];
  const ENTITIES_QUERIES = throughFragments('tiers { id }');
  const MANAGEMENT_QUERIES = throughFragments('apiCredentials { key }');

  function expectData(result: HttpResult, context: string) {
    assert.equal(result.status, 200, `${context}: ${result.text}`);
    assert.equal(result.json.errors, undefined, `${context}: ${result.text}`);
    const [value] = Object.values(result.json.data) as unknown[];
    assert.ok(Array.isArray(value) && value.length > 0, `${context}: ${result.text}`);
  }

  test('IP filter and signature enforcement through named, nested and inline fragments, queries and mutations', async () => {
    const configure = admin(ADMIN_HOME, true);
    const client =
      (ip: string, signed = false) =>
      (query: string) =>
        server.as(server.client).graphql(query, undefined, { headers: from(ip), signed });
    dataOf(await configure(mutate.addIp('ENTITIES', `${ADMIN_HOME}/32`)));
    dataOf(await configure(mutate.addIp('MANAGEMENT', `${ADMIN_HOME}/32`)));
    dataOf(await configure(mutate.module('IP_FILTER', true)));

    for (const query of ENTITIES_QUERIES) {
      expectRefusal(await client(ELSEWHERE)(query), 403, 'FORBIDDEN', /not allowed on the ENTITIES endpoint/);
      expectData(await client(ADMIN_HOME)(query), query);
    }
    for (const query of MANAGEMENT_QUERIES) {
      expectRefusal(await admin(ELSEWHERE)(query), 403, 'FORBIDDEN', /not allowed on the MANAGEMENT endpoint/);
      expectData(await admin(ADMIN_HOME)(query), query);
    }

    const credentials = server.app.connection.db!.collection('api_credentials');
    const credentialsBefore = await credentials.countDocuments();
    assert.ok(credentialsBefore >= 2, 'the admin and the client credential are counted');
    for (const mutation of [
      'mutation { ...M } fragment M on Mutation { createApiCredential(input: { name: "via-fragment", role: ADMIN }) { secret } }',
      'mutation { ... on Mutation { createApiCredential(input: { name: "via-inline", role: ADMIN }) { secret } } }',
    ]) {
      expectRefusal(await admin(ELSEWHERE)(mutation), 403, 'FORBIDDEN', /not allowed on the MANAGEMENT endpoint/);
    }
    assert.equal(await credentials.countDocuments(), credentialsBefore, 'no credential was created');

    dataOf(await configure(mutate.module('IP_FILTER', false)));
    dataOf(await configure(mutate.enforce('ENTITIES', true)));
    dataOf(await configure(mutate.module('SIGNATURE_CHECK', true)));
    for (const query of ENTITIES_QUERIES) {
      expectRefusal(await client(ELSEWHERE)(query), 401, 'UNAUTHENTICATED', /ENTITIES endpoint requires a signed request/);
      expectData(await client(ELSEWHERE, true)(query), `${query} (signed)`);
    }
  });

  test('the operation chosen by operationName meets its own rules, also after another operation of the same document ran', async () => {
    dataOf(await admin()(mutate.addIp('MANAGEMENT', `${ADMIN_HOME}/32`)));
    dataOf(await admin()(mutate.module('IP_FILTER', true)));
    const credentials = server.app.connection.db!.collection('api_credentials');
    const credentialsBefore = await credentials.countDocuments();
    assert.ok(credentialsBefore >= 2, 'the admin and the client credential are counted');
    const run = (query: string, operationName: string, ip: string) =>
      server.as(server.admin).request('POST', '/graphql', JSON.stringify({ query, operationName }), { headers: from(ip) });

    // The same document text twice: the server may reuse its parse, but not the first operation's rules.
    const document =
      'query Open { tiers { id } } query Restricted { apiCredentials { key } } mutation Grab { createApiCredential(input: { name: "grabbed", role: ADMIN }) { secret } }';
    expectData(await run(document, 'Open', ELSEWHERE), 'Open from elsewhere (ENTITIES has no filter)');
    expectRefusal(await run(document, 'Restricted', ELSEWHERE), 403, 'FORBIDDEN', /not allowed on the MANAGEMENT endpoint/);
    expectRefusal(await run(document, 'Grab', ELSEWHERE), 403, 'FORBIDDEN', /not allowed on the MANAGEMENT endpoint/);
    assert.equal(await credentials.countDocuments(), credentialsBefore, 'no credential was created');
    expectData(await run(document, 'Restricted', ADMIN_HOME), 'Restricted from the allowed address');
    expectData(await run(document, 'Open', ELSEWHERE), 'Open again from elsewhere');
  });
});
