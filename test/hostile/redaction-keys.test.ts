/**
 * Attacks on the error log's redaction, end to end: a failing call over real HTTP, then
 * the raw MongoDB document of its record. API keys are bearer credentials, so only their
 * hint (`***` + last four) may be stored; passwords must not be stored in any escaping.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { dataOf, startTestServer, type TestServer } from '../support/server';
import { httpCall, type HttpResult } from '../support/http';
import { signWithEscher } from '../support/signers/escher-signer';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

const hint = (key: string) => `***${key.slice(-4)}`;
/** Letters and digits only: no encoder rewrites them, so finding one anywhere is a leak. */
const random = (prefix: string) => `${prefix}${randomBytes(9).toString('hex')}`;

interface Recorded {
  result: HttpResult;
  doc: Record<string, any>;
  /** The raw stored document as text: what any leak check searches. */
  raw: string;
}

/** Sends one call tagged with a unique request id and returns it with its one raw record. */
async function recorded(send: (tag: OutgoingHttpHeaders) => Promise<HttpResult>): Promise<Recorded> {
  const id = randomUUID();
  const result = await send({ 'x-request-id': id });
  await server.app.services.errorLog.recorder.flush();
  const docs = await server.app.connection.db!.collection('error_logs').find({ 'request.headers.x-request-id': id }).toArray();
  assert.equal(docs.length, 1, `one record for the failed call (status ${result.status}: ${result.text.slice(0, 300)})`);
  return { result, doc: docs[0]!, raw: JSON.stringify(docs[0]) };
}

function assertAbsent(raw: string, values: Record<string, string>): void {
  for (const [what, value] of Object.entries(values))
    assert.ok(!raw.includes(value), `${what} was stored: ${raw.slice(0, 3000)}`);
}

const TIERS = '{ tiers { id } }';

function postJson(body: string, headers: OutgoingHttpHeaders): Promise<HttpResult> {
  return httpCall(server.url, 'POST', '/graphql', { headers: { 'content-type': 'application/json', ...headers }, body });
}

function signedPost(key: string, secret: string, body: string, tag: OutgoingHttpHeaders): Promise<HttpResult> {
  const host = new URL(server.url).host;
  const headers = signWithEscher({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', host },
    body,
    key,
    secret,
    apiStack: server.config.apiStack,
  });
  return httpCall(server.url, 'POST', '/graphql', { headers: { ...headers, ...tag }, body });
}

describe('API keys are stored only as hints', () => {
  test('a signed request with a wrong secret: Credential= and the 401 message that echoes the key', async () => {
    const key = server.client.key;
    const { result, doc, raw } = await recorded((tag) =>
      signedPost(key, 'not-the-secret-0123456789abcdef', JSON.stringify({ query: TIERS }), tag),
    );
    assert.equal(result.status, 401);
    // Not even the client that sent it gets the key back: the message names its hint.
    assert.ok(result.json.errors[0].message.includes(hint(key)), result.json.errors[0].message);
    assert.ok(!result.text.includes(key), 'the response does not echo the key');
    assertAbsent(raw, { 'the client key': key });
    assert.match(
      doc.request.headers.authorization,
      new RegExp(
        `^ANTAVO-HMAC-SHA256 Credential=\\*\\*\\*${key.slice(-4)}/\\d{8}/local/api/antavo_request, SignedHeaders=[^,]+, Signature=\\*\\*\\*$`,
      ),
    );
    assert.ok(doc.response.body.errors[0].message.includes(`"${hint(key)}"`), doc.response.body.errors[0].message);
    assert.equal(doc.apiKeyHint, hint(key));
  });

  test('a signed request with a key the server does not know is hinted the same way', async () => {
    const guess = random('Guess');
    const { result, doc, raw } = await recorded((tag) =>
      signedPost(guess, 'x'.repeat(32), JSON.stringify({ query: TIERS }), tag),
    );
    assert.equal(result.status, 401);
    assert.ok(result.json.errors[0].message.includes(hint(guess)), result.json.errors[0].message);
    assert.ok(!result.text.includes(guess), 'the response does not echo the guessed key');
    assertAbsent(raw, { 'the guessed key': guess });
    assert.ok(doc.request.headers.authorization.includes(`Credential=${hint(guess)}/`));
    assert.ok(doc.response.body.errors[0].message.includes(hint(guess)));
  });

  test('a plain key echoed in a header, the query string and the query text is hinted everywhere', async () => {
    const guess = random('Plain');
    const { result, doc, raw } = await recorded((tag) =>
      httpCall(server.url, 'POST', `/graphql?api_key=${guess}&note=${guess}`, {
        headers: { 'content-type': 'application/json', 'x-api-key': guess, 'x-debug': `sent ${guess}`, ...tag },
        body: JSON.stringify({ query: `{ tiers(note: "${guess}") { id } }`, variables: { echo: guess } }),
      }),
    );
    assert.equal(result.status, 401);
    assertAbsent(raw, { 'the presented key': guess });
    assert.equal(doc.request.headers['x-api-key'], '***');
    assert.equal(doc.request.headers['x-debug'], `sent ${hint(guess)}`);
    assert.equal(doc.path, `/graphql?api_key=***&note=${hint(guess)}`);
    assert.equal(doc.request.query, `{ tiers(note: "${hint(guess)}") { id } }`);
    assert.deepEqual(doc.request.variables, { echo: hint(guess) });
  });

  test('an issued key written into a failing revokeApiCredential, as a literal, escaped, or a variable', async () => {
    const key = server.client.key;
    const escaped = `\\u${key.charCodeAt(0).toString(16).padStart(4, '0')}${key.slice(1)}`;
    const calls: [string, Record<string, unknown>][] = [
      // Invalid (unknown field), so nothing is revoked.
      [`mutation { revokeApiCredential(key: "${key}") { key nope } }`, {}],
      [`mutation { revokeApiCredential(key: "${escaped}") { key nope } }`, {}],
      ['mutation($k: String!) { revokeApiCredential(key: $k) { key nope } }', { k: key }],
    ];
    for (const [query, variables] of calls) {
      const { result, doc, raw } = await recorded((tag) => server.as(server.admin).graphql(query, variables, { headers: tag }));
      assert.equal(result.status, 400, result.text);
      assertAbsent(raw, { 'the client key': key });
      assert.ok(raw.includes(hint(key)), raw);
      assert.equal(doc.apiKeyHint, hint(server.admin.key));
    }
    // Refused for its role: the client presents its own key and writes it into the query.
    const refused = await recorded((tag) =>
      server.as(server.client).graphql(`mutation { revokeApiCredential(key: "${key}") { key } }`, {}, { headers: tag }),
    );
    assert.equal(refused.result.status, 403);
    assertAbsent(refused.raw, { 'the client key': key });
    assert.equal(refused.doc.request.query, `mutation { revokeApiCredential(key: "${hint(key)}") { key } }`);
    const stored = await server.app.connection.db!.collection('api_credentials').findOne({ _id: key as any });
    assert.ok(stored, 'the client credential is stored');
    assert.equal(stored.revokedAt, null, 'the failed calls revoked nothing');
  });

  test('a partly failed apiCredentials answer lists every key: each is stored as its hint', async () => {
    const { result, doc, raw } = await recorded((tag) =>
      server
        .as(server.admin)
        .graphql('query Keys { apiCredentials { key name role } nope: errorLog(id: "not-an-id") { id } }', {}, { headers: tag }),
    );
    assert.equal(result.status, 200);
    const listed = result.json.data.apiCredentials as { key: string; name: string }[];
    assert.ok(listed.length >= 2 && result.json.errors.length === 1);
    assertAbsent(raw, Object.fromEntries(listed.map((c) => [`key of ${c.name}`, c.key])));
    assert.deepEqual(
      doc.response.body.data.apiCredentials,
      listed.map((c) => ({ ...c, key: hint(c.key) })),
      'names and roles stay readable',
    );
  });

  test('a key the server revoked is still hinted', async () => {
    const created = dataOf(
      await server
        .as(server.admin)
        .graphql('mutation { createApiCredential(input: { name: "to revoke" }) { credential { key } } }'),
    );
    const key: string = created.createApiCredential.credential.key;
    dataOf(await server.as(server.admin).graphql('mutation($k: String!) { revokeApiCredential(key: $k) { key } }', { k: key }));
    // The store sees the revocation on its next poll.
    await new Promise((resolve) => setTimeout(resolve, 3 * server.config.cachePollMs));
    const { raw } = await recorded((tag) =>
      server.as(server.admin).graphql(`{ tiers { nope } }`, { old: key }, { headers: tag }),
    );
    assertAbsent(raw, { 'the revoked key': key });
    assert.ok(raw.includes(hint(key)));
  });
});

describe('passwords are masked in every body the server accepts and every echo', () => {
  const mutation = 'mutation Login($password: String) { login(password: $password) { id } }';

  test('a form-encoded body', async () => {
    const password = random('FormPw');
    const body = new URLSearchParams({
      query: mutation,
      variables: JSON.stringify({ password }),
      operationName: 'Login',
    }).toString();
    const { result, doc, raw } = await recorded((tag) =>
      httpCall(server.url, 'POST', '/graphql', {
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': server.client.key, ...tag },
        body,
      }),
    );
    assert.equal(result.status, 400);
    assertAbsent(raw, { 'the password': password });
    assert.deepEqual(doc.request.variables, { password: '***' });
    assert.equal(doc.request.query, mutation);
    assert.equal(doc.operationName, 'Login');
  });

  test('a form-shaped text/plain body, a form without GraphQL fields, and a GET query string', async () => {
    const [a, b, c] = [random('TextPw'), random('Pin'), random('GetPw')];
    const sends: ((tag: OutgoingHttpHeaders) => Promise<HttpResult>)[] = [
      (tag) =>
        httpCall(server.url, 'POST', '/graphql', {
          headers: { 'content-type': 'text/plain', 'x-api-key': server.client.key, ...tag },
          body: `query=${encodeURIComponent(mutation)}&variables=${encodeURIComponent(JSON.stringify({ password: a }))}`,
        }),
      (tag) =>
        httpCall(server.url, 'POST', '/graphql', {
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': server.client.key, ...tag },
          body: `user=jo&user_pin=${b}`,
        }),
      (tag) =>
        server
          .as(server.client)
          .get(
            `/graphql?query=${encodeURIComponent(mutation)}&variables=${encodeURIComponent(JSON.stringify({ password: c }))}`,
            { headers: tag },
          ),
    ];
    for (const send of sends) {
      const { result, raw } = await recorded(send);
      assert.ok(result.status >= 400, result.text);
      assertAbsent(raw, { 'the password': a, 'the pin': b, 'the GET password': c });
      assert.ok(raw.includes('***'));
    }
  });

  test('a password with a control character, echoed by variable coercion (lower-case \\u000b)', async () => {
    const [left, right] = [random('L'), random('R')];
    const password = `${left}\u000b${right}`;
    const { result, doc, raw } = await recorded((tag) =>
      server
        .as(server.client)
        .graphql('query Q($password: Int) { offers(first: $password) { totalCount } }', { password }, { headers: tag }),
    );
    assert.equal(result.status, 400);
    assert.ok(result.text.includes(`${left}\\\\u000b${right}`), `the response echoes it re-escaped: ${result.text}`);
    assertAbsent(raw, { 'its left part': left, 'its right part': right });
    assert.match(doc.response.body.errors[0].message, /^Variable "\$password" got invalid value "\*\*\*"/);
  });

  test('the same password sent with upper-case \\u000B, echoed with lower-case hex', async () => {
    const [left, right] = [random('L'), random('R')];
    // Written by hand: JSON.stringify would write lower-case hex.
    const body = `{"query":"query Q($pwd: Int) { offers(first: $pwd) { totalCount } }","variables":{"pwd":"${left}\\u000B${right}"}}`;
    const { result, raw } = await recorded((tag) => postJson(body, { 'x-api-key': server.client.key, ...tag }));
    assert.equal(result.status, 400);
    assert.ok(result.text.includes(`${left}\\\\u000b${right}`), `the response echoes it with lower-case hex: ${result.text}`);
    assertAbsent(raw, { 'its left part': left, 'its right part': right });
  });

  test("a default value echoed by graphql's printer with upper-case hex (\\u000B)", async () => {
    const [left, right] = [random('L'), random('R')];
    const query = `query Q($password: Int = "${left}\\u000b${right}") { offers(first: $password) { totalCount } }`;
    const { result, raw } = await recorded((tag) => server.as(server.client).graphql(query, {}, { headers: tag }));
    assert.equal(result.status, 400);
    assert.ok(result.text.includes(`${left}\\\\u000B${right}`), `graphql prints the echo with upper-case hex: ${result.text}`);
    assertAbsent(raw, { 'its left part': left, 'its right part': right });
  });

  test('secrets inside an input object echoed whole by variable coercion', async () => {
    const [password, pin] = [random('EvPw'), random('9')];
    const input = {
      action: 'opt_in',
      customer: 'c-1',
      data: { email: 'jo@example.com', password: `${password}"\\/` },
      pin,
      bogus: 1,
    };
    const { result, doc, raw } = await recorded((tag) =>
      server
        .as(server.client)
        .graphql('mutation E($input: EventInput!) { submitEvent(input: $input) { accepted } }', { input }, { headers: tag }),
    );
    assert.equal(result.status, 400);
    assert.ok(result.json.errors[0].message.includes(password), 'graphql echoes the whole input');
    assertAbsent(raw, { 'the password': password, 'the pin': pin });
    assert.ok(doc.response.body.errors[0].message.includes('jo@example.com'), 'the rest stays readable');
  });

  test('a secret too short to be scrubbed as an echo (a 3-digit CVV) is masked after its name in the coercion message', async () => {
    const password = random('CvvPw');
    const input = {
      action: 'opt_in',
      customer: 'c-1',
      data: { email: 'jo@example.com', cvv: 987, password },
      pin: '42',
      bogus: 1,
    };
    const { result, doc } = await recorded((tag) =>
      server
        .as(server.client)
        .graphql('mutation E($input: EventInput!) { submitEvent(input: $input) { accepted } }', { input }, { headers: tag }),
    );
    assert.equal(result.status, 400);
    assert.ok(result.json.errors[0].message.includes('cvv: 987'), `graphql echoes the whole input: ${result.text}`);
    const stored: string = doc.response.body.errors[0].message;
    assert.ok(stored.includes('cvv: ***') && stored.includes('pin: "***"'), stored);
    assert.ok(!stored.includes('987') && !stored.includes('"42"') && !stored.includes(password), stored);
    assert.ok(stored.includes('jo@example.com'), 'the rest stays readable');
    assert.deepEqual(doc.request.variables.input.data, { email: 'jo@example.com', cvv: '***', password: '***' });
  });

  test('the broadened names are masked; near misses are kept', async () => {
    const secrets = {
      pwd: random('a'),
      passwd: random('b'),
      user_pin: random('c'),
      pinCode: random('d'),
      otp: random('e'),
      private_key: random('f'),
      auth: random('g'),
      credentials: { user: 'u', pass: random('h') },
      cardNumber: random('i'),
      cvv: random('j'),
      ssn: random('k'),
    };
    const neighbours = { shipping: random('n1'), spinner: random('n2'), passengers: random('n3'), author: random('n4') };
    const { doc, raw } = await recorded((tag) =>
      server
        .as(server.client)
        .graphql('query Q($v: JSONObject) { tiers { nope } }', { v: { ...secrets, ...neighbours } }, { headers: tag }),
    );
    assertAbsent(
      raw,
      Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, typeof value === 'string' ? value : value.pass])),
    );
    for (const [name, value] of Object.entries(neighbours)) assert.equal(doc.request.variables.v[name], value, name);
  });
});
