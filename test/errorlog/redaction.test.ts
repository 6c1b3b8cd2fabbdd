import { mulberry32 } from '../support/prng';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kind, parse, print } from 'graphql';
import { newCall, type Call, type CallResponse } from '../../src/call/call';
import { buildRecord, cutBeforeRedaction } from '../../src/errorlog/build-record';
import { paramsOf } from '../../src/errorlog/request-params';
import {
  apiKeyHint,
  CIRCULAR,
  echoPattern,
  isSensitiveName,
  keyHinter,
  MASK,
  redactAuthorization,
  redactGraphQLQuery,
  redactHeaders,
  redactKnownValues,
  redactQueryString,
  redactRequest,
  redactResponseBody,
  redactText,
  redactUrl,
  redactValue,
  SENSITIVE_PARTS,
  SENSITIVE_WORDS,
  TRUNCATED,
  type KnownKeys,
} from '../../src/errorlog/redaction';

const ESCHER_AUTH =
  'EMS-HMAC-SHA256 Credential=loyalty_client/20240101/eu/suite/ems_request, ' +
  'SignedHeaders=content-type;host;x-ems-date, Signature=7f8c1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function parses(query: string): boolean {
  try {
    parse(query);
    return true;
  } catch {
    return false;
  }
}

describe('isSensitiveName', () => {
  test('names containing password, secret, token or api key in any spelling', () => {
    for (const name of [
      'password',
      'newPassword',
      'PASSWORD',
      'X-Password',
      'pass_word',
      'client_secret',
      'apiSecret',
      'accessToken',
      'refresh_token',
      'id_token',
      'api_key',
      'Api_Key',
      'API_KEY',
      'apiKey',
      'api-key',
      'x-api-key',
      'X-API-KEY',
      'api.key',
      'authorization',
      'Proxy-Authorization',
      'Cookie',
      'Set-Cookie',
    ]) {
      assert.equal(isSensitiveName(name), true, name);
    }
  });

  test('the documented list: long names as substrings, short ones as whole name parts', () => {
    assert.deepEqual(
      [...SENSITIVE_PARTS],
      ['password', 'passwd', 'passphrase', 'pwd', 'secret', 'token', 'apikey', 'privatekey', 'cardnumber'],
    );
    assert.deepEqual([...SENSITIVE_WORDS], ['pass', 'pin', 'otp', 'auth', 'credentials', 'creds', 'ssn', 'cvv', 'cvc']);
    for (const name of [
      'pwd',
      'userPwd',
      'passwd',
      'PASSWD',
      'old_passwd',
      'passphrase',
      'keyPassphrase',
      'private_key',
      'privateKey',
      'ssh-private-key',
      'card_number',
      'cardNumber',
      'creditCardNumber',
      'pass',
      'PASS',
      'user_pass',
      'passCode',
      'pin',
      'PIN',
      'user_pin',
      'pinCode',
      'PINCode',
      'userPIN',
      'pin2',
      'otp',
      'otpCode',
      'OTP',
      'sms-otp',
      'auth',
      'Auth',
      'x-auth',
      'authCode',
      'basicAuth',
      'credentials',
      'userCredentials',
      'db_credentials',
      'creds',
      'ssn',
      'customerSSN',
      'cvv',
      'cvv2',
      'card_cvc',
    ]) {
      assert.equal(isSensitiveName(name), true, name);
    }
  });

  test('ordinary names, including near misses', () => {
    for (const name of [
      'name',
      'email',
      'passage',
      'passengers',
      'Passengers',
      'passport',
      'bypass',
      'compass',
      'key',
      'keyId',
      'api',
      'apiVersion',
      'tokn',
      'author',
      'authorName',
      'Authentication',
      'cookies',
      'sec',
      '',
      'shipping',
      'spinner',
      'Pinboard',
      'pins',
      'mapping',
      'opinion',
      'otpt',
      'hotpot',
      'lotps',
      'description',
      'credential',
      'cardTitle',
      'cardEnabled',
      'lessons',
      'cvvs',
      'apiCredentials',
      'ApiCredentials',
      'api_credentials',
    ]) {
      assert.equal(isSensitiveName(name), false, name);
    }
  });
});

describe('redactValue', () => {
  test('masks sensitive keys at any depth, in arrays and arrays of objects, whatever the type', () => {
    const input = deepFreeze({
      email: 'a@b.c',
      password: 'hunter2',
      input: {
        newPassword: { value: 'x', nested: ['y'] },
        tokens: ['t1', 't2'],
        pin_token: 123456,
        hasApiKey: true,
        users: [
          { name: 'u1', client_secret: 's1' },
          { name: 'u2', meta: [{ API_KEY: 'k' }] },
        ],
      },
    });
    assert.deepEqual(redactValue(input), {
      email: 'a@b.c',
      password: MASK,
      input: {
        newPassword: MASK,
        tokens: MASK,
        pin_token: MASK,
        hasApiKey: MASK,
        users: [
          { name: 'u1', client_secret: MASK },
          { name: 'u2', meta: [{ API_KEY: MASK }] },
        ],
      },
    });
  });

  test('keeps null, undefined and empty values under sensitive keys: they hide nothing', () => {
    assert.deepEqual(redactValue({ password: null, token: undefined, secret: '' }), {
      password: null,
      token: undefined,
      secret: '',
    });
  });

  test('never mutates the input and returns a copy', () => {
    const input = { a: { password: 'p', list: [1, { token: 't' }] } };
    const before = structuredClone(input);
    const out = redactValue(input) as typeof input;
    assert.deepEqual(input, before);
    assert.notEqual(out, input);
    assert.notEqual(out.a, input.a);
  });

  test('survives cycles and keeps shared references serialisable', () => {
    const shared = { token: 't', ok: 1 };
    const root: Record<string, unknown> = { a: shared, b: shared };
    root['self'] = root;
    root['list'] = [root, { password: 'p' }];
    const out = redactValue(root) as Record<string, unknown>;
    assert.equal(out['self'], CIRCULAR);
    assert.deepEqual(out['a'], { token: MASK, ok: 1 });
    assert.deepEqual(out['b'], { token: MASK, ok: 1 });
    assert.deepEqual(out['list'], [CIRCULAR, { password: MASK }]);
    assert.doesNotThrow(() => JSON.stringify(out));
  });

  test('redacts inside strings that hold JSON and keeps other strings byte for byte', () => {
    const out = redactValue({
      filter: '{"password":"p","q":[1,{"accessToken":"t"}]}',
      list: '[{"secret": 1}]',
      untouched: '{ "a": 1,  "b": [2] }',
      notJson: '{oops',
      broken: '{"password": "p", "name": "n"',
      text: 'password: not parsed here',
    });
    assert.deepEqual(out, {
      filter: '{"password":"***","q":[1,{"accessToken":"***"}]}',
      list: '[{"secret":"***"}]',
      untouched: '{ "a": 1,  "b": [2] }',
      notJson: '{oops',
      broken: '{"password": "***", "name": "n"',
      text: 'password: not parsed here',
    });
  });

  test('top-level strings, arrays and primitives', () => {
    assert.equal(redactValue('{"token":"t"}'), '{"token":"***"}');
    assert.deepEqual(redactValue([{ password: 'p' }, 2]), [{ password: MASK }, 2]);
    assert.equal(redactValue(42), 42);
    assert.equal(redactValue(null), null);
  });

  test('deep nesting is truncated instead of overflowing the stack', () => {
    let deep: Record<string, unknown> = { password: 'p' };
    for (let i = 0; i < 10_000; i++) deep = { next: deep };
    const text = JSON.stringify(redactValue(deep));
    assert.ok(text.includes(TRUNCATED));
    assert.ok(!text.includes('"p"'));
  });

  test('objects with toJSON, dates, __proto__ keys and hostile getters', () => {
    class Doc {
      toJSON() {
        return { id: 1, apiSecret: 's' };
      }
    }
    const date = new Date(0);
    const parsed = JSON.parse('{"__proto__": {"password": "p"}}') as object;
    const out = redactValue({ doc: new Doc(), date, parsed }) as Record<string, unknown>;
    assert.deepEqual(out['doc'], { id: 1, apiSecret: MASK });
    assert.deepEqual(out['date'], date);
    assert.notEqual(out['date'], date);
    assert.equal(JSON.stringify(out['parsed']), '{"__proto__":{"password":"***"}}');
    assert.equal(Object.getPrototypeOf(out['parsed']), Object.prototype);

    const hostile = {
      get boom(): never {
        throw new Error('no');
      },
    };
    assert.equal(redactValue({ password: 'p', hostile }), MASK);
  });
});

describe('redactGraphQLQuery', () => {
  test('masks sensitive argument literals of every kind and keeps the layout', () => {
    const query = [
      'mutation Login($email: String!) {',
      '  login(email: $email, password: "hunter2", pin_token: 1234, ratioSecret: 1.5, mode: SECRET_MODE) {',
      '    token',
      '  }',
      '}',
    ].join('\n');
    const out = redactGraphQLQuery(query);
    assert.equal(
      out,
      [
        'mutation Login($email: String!) {',
        '  login(email: $email, password: "***", pin_token: "***", ratioSecret: "***", mode: SECRET_MODE) {',
        '    token',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.ok(parses(out));
  });

  test('masks object fields and lists at any depth, whole values under sensitive names', () => {
    const out = redactGraphQLQuery(
      'mutation { a(input: {name: "n", newPassword: {v: "x"}, users: [{client_secret: "s", id: 1}, {meta: {API_KEY: "k"}}], tokens: ["t1", "t2"]}) { id } }',
    );
    assert.equal(
      out,
      'mutation { a(input: {name: "n", newPassword: "***", users: [{client_secret: "***", id: 1}, {meta: {API_KEY: "***"}}], tokens: "***"}) { id } }',
    );
  });

  test('keeps variable references, masks defaults of sensitive variables and sensitive fields in defaults', () => {
    const out = redactGraphQLQuery(
      'query Q($password: String = "dflt", $input: In = {name: "n", accessToken: "t"}, $id: ID = "i1") { a(password: $password, input: {token: $tok}) }',
    );
    assert.equal(
      out,
      'query Q($password: String = "***", $input: In = {name: "n", accessToken: "***"}, $id: ID = "i1") { a(password: $password, input: {token: $tok}) }',
    );
  });

  test('directive arguments, JSON in string literals (plain and block), comments', () => {
    const query = [
      '# token: abcdef123',
      'query {',
      '  a(json: "{\\"apiKey\\":\\"k1\\",\\"n\\":1}", block: """{"secret": "s1"}""", plain: "{\\"n\\": 1}") @auth(token: "t1") {',
      '    id # my password: pw123',
      '  }',
      '}',
    ].join('\n');
    const out = redactGraphQLQuery(query);
    assert.equal(
      out,
      [
        '# token: ***',
        'query {',
        '  a(json: "{\\"apiKey\\":\\"***\\",\\"n\\":1}", block: "{\\"secret\\":\\"***\\"}", plain: "{\\"n\\": 1}") @auth(token: "***") {',
        '    id # my password: ***',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.ok(parses(out));
  });

  test('unicode escapes cannot hide a name inside a JSON string literal', () => {
    assert.equal(
      redactGraphQLQuery('{ a(json: "{\\"\\u0070assword\\": \\"x\\"}") }'),
      '{ a(json: "{\\"password\\":\\"***\\"}") }',
    );
  });

  test('a query without anything sensitive comes back as it was', () => {
    const query = 'query {\n  customers(first: 10, tokenCount: $n) { edges { node { id } } }\n}';
    assert.equal(redactGraphQLQuery(query), query);
    const plain = 'query { tiers(filter: {name: "gold"}) { id } }';
    assert.equal(redactGraphQLQuery(plain), plain);
  });

  test('unparsable text: masks quoted, block, escaped and bare values after sensitive names', () => {
    const cases: Array<[string, string]> = [
      ['mutation { login(password: "hun\\"ter2", email: "e"', 'mutation { login(password: "***", email: "e"'],
      ['{ "password": "x", "name": "n" ', '{ "password": "***", "name": "n" '],
      ['{ a(password:"x") ', '{ a(password:"***") '],
      ['{ a(secret: """multi\nline \\""" still"""', '{ a(secret: """***"""'],
      ["{ a('apiKey': 'k') ", "{ a('apiKey': '***') "],
      ['{ a(pin_token: 12345, mode: SECRET_VALUE, token: ABC) ', '{ a(pin_token: ***, mode: SECRET_VALUE, token: ***) '],
      ['{ a(json: "{\\"token\\": \\"t\\\\\\"x\\", \\"n\\": 1}") ', '{ a(json: "{\\"token\\": \\"***\\", \\"n\\": 1}") '],
      ['{ a(input: {token: {v: "x", w: [1]}, name: "n"}) ', '{ a(input: {token: "***", name: "n"}) '],
      ['{ a(token: {v: "}", w: \'}\', x: "y"}, n: 1) ', '{ a(token: "***", n: 1) '],
      ['{ a(password: $pw) ', '{ a(password: $pw) '],
      ['query ($password: String! = "d", $b: Int) {', 'query ($password: String! = "***", $b: Int) {'],
      ['{ a(password: "unterminated\n  b: 1', '{ a(password: "***\n  b: 1'],
      ['/g?password=abc&x=1', '/g?password=***&x=1'],
      ['{ a(password: "", token: "t"', '{ a(password: "", token: "***"'],
      ['{ a(json: "{\\"\\u0070assword\\": \\"x\\"}")', '{ a(json: "{\\"password\\": \\"***\\"}")'],
    ];
    for (const [input, expected] of cases) {
      assert.equal(parses(input), false, input);
      assert.equal(redactGraphQLQuery(input), expected, input);
    }
  });

  test('redactText leaves text without sensitive names alone', () => {
    const text = 'Syntax Error: Expected Name, found "}". name: "x", passage: 1';
    assert.equal(redactText(text), text);
  });
});

describe('redactQueryString and redactUrl', () => {
  test('masks sensitive parameters and keeps the rest byte for byte', () => {
    assert.equal(
      redactQueryString('?q=a%20b+c&password=p&api%5Fkey=k&Access-Token=t&flag&empty_token=&X-EMS-Signature=abc'),
      '?q=a%20b+c&password=***&api%5Fkey=***&Access-Token=***&flag&empty_token=&X-EMS-Signature=***',
    );
    assert.equal(redactQueryString('user%5Bpassword%5D=p&n=1'), 'user%5Bpassword%5D=***&n=1');
    assert.equal(redactQueryString(''), '');
  });

  test('GraphQL GET requests: query and variables parameters are redacted and re-encoded', () => {
    const query = 'mutation { login(password: "p1", email: "e") { id } }';
    const variables = JSON.stringify({ input: { newPassword: 'p2', name: 'n' } });
    const url = `/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(variables)}&operationName=Login`;
    const out = redactUrl(url);
    const params = new URLSearchParams(out.slice(out.indexOf('?')));
    assert.equal(params.get('query'), 'mutation { login(password: "***", email: "e") { id } }');
    assert.equal(params.get('variables'), '{"input":{"newPassword":"***","name":"n"}}');
    assert.equal(params.get('operationName'), 'Login');
    const harmless = `/graphql?query=${encodeURIComponent('{ tiers { id } }')}`;
    assert.equal(redactUrl(harmless), harmless);
  });

  test('paths, fragments, nested URLs and user info', () => {
    assert.equal(redactUrl('/graphql'), '/graphql');
    assert.equal(redactUrl('/cb?state=s#access_token=t&type=bearer'), '/cb?state=s#access_token=***&type=bearer');
    assert.equal(
      redactUrl(`/login?redirect=${encodeURIComponent('https://x.test/cb?token=t&a=1')}`),
      `/login?redirect=${encodeURIComponent('https://x.test/cb?token=***&a=1')}`,
    );
    assert.equal(redactUrl('https://user:pa55@db.test/x?y=1'), 'https://user:***@db.test/x?y=1');
    assert.equal(redactUrl('/x?b64=YWJj%3D%3D&c=ZA=='), '/x?b64=YWJj%3D%3D&c=ZA==');
  });
});

describe('redactHeaders', () => {
  test('Escher Authorization keeps scheme, the key hint of Credential and SignedHeaders, masks the signature', () => {
    const out = redactHeaders({ Authorization: ESCHER_AUTH });
    assert.equal(
      out['Authorization'],
      'EMS-HMAC-SHA256 Credential=***ient/20240101/eu/suite/ems_request, SignedHeaders=content-type;host;x-ems-date, Signature=***',
    );
    assert.equal(
      redactHeaders({ 'X-Escher-Auth': ESCHER_AUTH.replace('EMS', 'ESR') })['X-Escher-Auth'],
      'ESR-HMAC-SHA256 Credential=***ient/20240101/eu/suite/ems_request, SignedHeaders=content-type;host;x-ems-date, Signature=***',
    );
    assert.equal(
      redactAuthorization('AWS4-HMAC-SHA256 Credential="abcdefgh1234/2024/x", Signature=ff'),
      'AWS4-HMAC-SHA256 Credential="***1234/2024/x", Signature=***',
    );
    assert.equal(
      redactAuthorization('EMS-HMAC-SHA256 Credential=abcd/2024/x, Signature=ff'),
      'EMS-HMAC-SHA256 Credential=***/2024/x, Signature=***',
    );
  });

  test('a signed value is redacted whatever header carries it (the Escher header name is configurable)', () => {
    assert.equal(
      redactHeaders({ 'X-Custom-Sign': ESCHER_AUTH })['X-Custom-Sign'],
      'EMS-HMAC-SHA256 Credential=***ient/20240101/eu/suite/ems_request, SignedHeaders=content-type;host;x-ems-date, Signature=***',
    );
    assert.equal(
      redactHeaders({ 'X-Note': 'EMS-HMAC-SHA256 Credential=loyalty_client/20240101/eu' })['X-Note'],
      'EMS-HMAC-SHA256 Credential=***ient/20240101/eu',
    );
  });

  test('other schemes and keys', () => {
    assert.equal(redactAuthorization('Bearer eyJhbGciOi.abc.def'), 'Bearer ***');
    assert.equal(redactAuthorization('Bearer abc='), 'Bearer ***');
    assert.equal(redactAuthorization('Basic dTpwYXNzd29yZA=='), 'Basic ***');
    assert.equal(redactAuthorization('justatoken'), '***');
    assert.equal(
      redactAuthorization('Digest username="u", realm="r", nonce="n1", response="abc"'),
      'Digest username=***, realm="r", nonce=***, response=***',
    );
  });

  test('API keys, cookies and sensitive header names are masked; others are copied; undefined dropped', () => {
    const input = deepFreeze({
      'X-Api-Key': 'ak_live_123456',
      cookie: 'sid=abc; lang=en',
      'set-cookie': ['a=1', 'b=2'],
      'x-auth-token': 'tok',
      'X-Client-Secret': 's',
      'X-Hub-Signature': 'sha1=abc',
      host: 'api.test',
      accept: ['a', 'b'],
      'x-missing': undefined,
    });
    const out = redactHeaders(input);
    assert.deepEqual(out, {
      'X-Api-Key': MASK,
      cookie: MASK,
      'set-cookie': [MASK, MASK],
      'x-auth-token': MASK,
      'X-Client-Secret': MASK,
      'X-Hub-Signature': MASK,
      host: 'api.test',
      accept: ['a', 'b'],
    });
    assert.notEqual(out['accept'], input.accept);
  });
});

describe('apiKeyHint', () => {
  test('*** plus the last four characters, nothing for short keys', () => {
    assert.equal(apiKeyHint(undefined), undefined);
    assert.equal(apiKeyHint(''), MASK);
    assert.equal(apiKeyHint('abcd'), MASK);
    assert.equal(apiKeyHint('abcde'), '***bcde');
    assert.equal(apiKeyHint('ak_live_0123456789abcdef'), '***cdef');
  });
});

describe('redactKnownValues', () => {
  test('replaces every occurrence of each secret in nested strings, and numeric echoes', () => {
    const input = deepFreeze({
      errors: [{ message: 'bad value "hunter22" (hunter22)', extensions: { got: 123456, key: 'hunter22' } }],
      short: 'abc abc',
    });
    assert.deepEqual(redactKnownValues(input, ['hunter22', '123456', 'abc']), {
      errors: [{ message: 'bad value "***" (***)', extensions: { got: MASK, key: MASK } }],
      short: 'abc abc',
    });
  });

  test('longest secret first, and JSON-escaped and URL-encoded echoes', () => {
    assert.equal(redactKnownValues('xx pass1234 pass12345 xx', ['pass1234', 'pass12345']), 'xx *** *** xx');
    assert.equal(redactKnownValues('{"v":"a\\"b c"}', ['a"b c']), '{"v":"***"}');
    assert.equal(redactKnownValues('/x?p=a%20b%26c', ['a b&c']), '/x?p=***');
    assert.equal(redactKnownValues('a.b*c', ['a.b*']), '***c');
  });

  test('secrets too large for one regular expression are still replaced', () => {
    const huge = 's'.repeat(5_000_000);
    assert.deepEqual(redactKnownValues({ m: `x${huge}y`, n: 'abcd1234 z' }, [huge, 'abcd1234']), {
      m: 'x***y',
      n: '*** z',
    });
  });
});

describe('redactRequest and redactResponseBody', () => {
  test('redacts every part and returns the removed values for echo scrubbing', () => {
    const result = redactRequest({
      query: 'mutation { login(password: "hunter22") { id } }',
      variables: { input: { newPassword: 'np12345', name: 'Jane' } },
      headers: { Authorization: ESCHER_AUTH, 'X-Api-Key': 'ak_live_9876', Cookie: 'sid=sess5678abc' },
      url: '/graphql?access_token=tk12345&debug=1',
    });
    assert.equal(result.query, 'mutation { login(password: "***") { id } }');
    assert.deepEqual(result.variables, { input: { newPassword: MASK, name: 'Jane' } });
    assert.equal(result.url, '/graphql?access_token=***&debug=1');
    assert.equal(result.headers?.['X-Api-Key'], MASK);
    assert.equal(result.apiKeyHint, '***9876');
    for (const secret of ['hunter22', 'np12345', 'tk12345', 'ak_live_9876', 'sess5678abc', ESCHER_AUTH.slice(-64)]) {
      assert.ok(result.secrets.includes(secret), secret);
    }
    assert.deepEqual(result.keys.sort(), ['ak_live_9876', 'loyalty_client']);
    assert.ok(
      !JSON.stringify({ ...result, secrets: undefined, keys: undefined }).match(
        /hunter22|np12345|tk12345|ak_live_9876|sess5678|loyalty_client/,
      ),
    );

    const body = {
      errors: [
        { message: 'Variable "$input" got invalid value { newPassword: "np12345", name: "Jane" }' },
        { message: 'Wrong password hunter22 for Jane', extensions: { code: 'UNAUTHENTICATED', sessionToken: 'x' } },
      ],
      data: null,
    };
    assert.deepEqual(redactResponseBody(body, result.secrets), {
      errors: [
        { message: 'Variable "$input" got invalid value { newPassword: "***", name: "Jane" }' },
        { message: 'Wrong password *** for Jane', extensions: { code: 'UNAUTHENTICATED', sessionToken: MASK } },
      ],
      data: null,
    });
  });

  test('the password inside a Basic Authorization header is remembered, so its echoes are masked', () => {
    const password = 'basic-Pw-4711';
    const request = redactRequest({ headers: { authorization: `Basic ${Buffer.from(`jo:${password}`).toString('base64')}` } });
    assert.equal(request.headers?.['authorization'], 'Basic ***');
    const body = { errors: [{ message: `Basic credentials jo/${password} are not accepted` }] };
    assert.deepEqual(redactResponseBody(body, request.secrets), {
      errors: [{ message: 'Basic credentials jo/*** are not accepted' }],
    });
  });

  test('a value too short to be scrubbed as an echo (a 3-digit CVV, a 2-digit PIN) is masked after its name in a message', () => {
    // With and without a secret long enough to be scrubbed by value alongside.
    for (const extra of [{}, { password: 'hunter22x' }]) {
      const request = redactRequest({ variables: { input: { cvv: 123, pin: '42', name: 'Jo', ...extra } } });
      const message = (cvv: string, pin: string) =>
        `Variable "$input" got invalid value { cvv: ${cvv}, pin: "${pin}", name: "Jo" }; Field "cvv" is not defined by type "EventInput".`;
      assert.deepEqual(redactResponseBody({ errors: [{ message: message('123', '42') }] }, request.secrets), {
        errors: [{ message: message('***', '***') }],
      });
    }
  });

  test('absent parts stay absent', () => {
    assert.deepEqual(redactRequest({}), { secrets: [], keys: [] });
    assert.deepEqual(redactRequest({ query: null, url: null }), { secrets: [], keys: [] });
  });
});

describe('echoes in every escaping', () => {
  // A quote, a backslash, a slash, a vertical tab, a newline, non-ASCII and an astral character.
  const SECRET = 'Pw "q\\z/é€😀\u000b\n end';
  const json = (text: string) => JSON.stringify(text).slice(1, -1);
  const FORMS: Record<string, string> = {
    raw: SECRET,
    'JSON (lower-case \\u)': json(SECRET),
    'JSON, upper-case \\u': json(SECRET).replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u${h.toUpperCase()}`),
    'graphql print (\\u000B)': print({ kind: Kind.STRING, value: SECRET }).slice(1, -1),
    'JSON inside JSON': json(JSON.stringify(SECRET)),
    'JSON with \\/': json(SECRET).replace(/\//g, '\\/'),
    'JSON with every non-ASCII escaped': json(SECRET).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
    'URL-encoded': encodeURIComponent(SECRET),
    'URL-encoded, lower-case hex': encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    'form-encoded (+ for space)': new URLSearchParams({ a: SECRET }).toString().slice(2),
  };

  test('a removed value is found in a response however it was escaped', () => {
    for (const [name, form] of Object.entries(FORMS)) {
      const out = redactKnownValues({ message: `got <${form}> here` }, [SECRET]) as { message: string };
      assert.ok(out.message.startsWith('got <') && out.message.endsWith('> here'), name);
      assert.ok(!out.message.includes('Pw') && !out.message.includes('end>'), `${name}: ${out.message}`);
    }
  });

  test('a password with a control character, echoed by graphql with upper-case hex, is masked', () => {
    const password = `pw\u000b${'x'.repeat(6)}`;
    const request = redactRequest({
      query: `query($password: Int = ${JSON.stringify(password)}) { a }`,
      variables: { pin: `${password}2` },
    });
    assert.ok(!request.query!.includes('xxxxxx'));
    const body = {
      errors: [
        { message: `Int cannot represent non-integer value: ${print({ kind: Kind.STRING, value: password })}` },
        {
          message: `Variable "$pin" got invalid value ${JSON.stringify(`${password}2`)}; Int cannot represent non-integer value`,
        },
      ],
    };
    const out = JSON.stringify(redactResponseBody(body, request.secrets));
    assert.ok(!out.includes('xxxxxx'), out);
    assert.ok(out.includes('value: \\"***\\"'), out);
  });

  test('a value masked in unparsable text is also found unescaped', () => {
    const request = redactRequest({ query: '{ a(password: "hun\\"ter-22x", b: 1) ' });
    assert.equal(request.query, '{ a(password: "***", b: 1) ');
    // A parsed response holds the value decoded: no backslash left to match the escaped form.
    assert.deepEqual(redactResponseBody({ errors: [{ message: 'got hun"ter-22x back' }] }, request.secrets), {
      errors: [{ message: 'got *** back' }],
    });
  });

  test('letters and digits are matched as written, so ordinary text around a secret is kept', () => {
    assert.equal(redactKnownValues('a hunter22 b hunter2 c', ['hunter22']), 'a *** b hunter2 c');
    assert.equal(echoPattern('ab'), 'ab');
    assert.notEqual(echoPattern('ab', true), 'ab');
  });
});

describe('API keys', () => {
  const ISSUED = ['test-admin-key-0001', 'AbCdEfGhIjKlMnOpQrStUvWx'];
  function knownKeys(): KnownKeys & { lookups: string[] } {
    const lookups: string[] = [];
    return {
      lookups,
      keyLengths: new Set(ISSUED.map((k) => k.length)),
      isKnownKey: (candidate) => (lookups.push(candidate), ISSUED.includes(candidate)),
    };
  }

  test('the presented key becomes its hint in every escaping, whether the server knows it or not', () => {
    const key = 'guess-Key/"9876';
    const hinter = keyHinter([key], undefined)!;
    const forms = [
      key,
      JSON.stringify(key).slice(1, -1),
      JSON.stringify(JSON.stringify(key)).slice(3, -3),
      encodeURIComponent(key),
      '\\u0067uess-Key\\/\\"9876',
      'guess%2dKey%2F%229876',
    ];
    for (const form of forms) assert.equal(hinter.text(`[${form}]`), '[***9876]', form);
    assert.deepEqual(hinter.value({ [key]: [key, 'other'] }), { '***9876': ['***9876', 'other'] });
    assert.equal(keyHinter(['abc'], undefined), undefined, 'three characters would match too much; their hint is *** anyway');
  });

  test('issued keys are found as runs of key characters in any text, behind escapes and punctuation', () => {
    const known = knownKeys();
    const hinter = keyHinter([], known)!;
    const cases: [string, string][] = [
      [
        'mutation { revokeApiCredential(key: "AbCdEfGhIjKlMnOpQrStUvWx") { key } }',
        'mutation { revokeApiCredential(key: "***UvWx") { key } }',
      ],
      ['the key AbCdEfGhIjKlMnOpQrStUvWx.', 'the key ***UvWx.'],
      ['"a\\nAbCdEfGhIjKlMnOpQrStUvWx\\"', '"a\\n***UvWx\\"'],
      ['/x?k=%2FAbCdEfGhIjKlMnOpQrStUvWx%2F', '/x?k=%2F***UvWx%2F'],
      ['"\\u0041AbCdEfGhIjKlMnOpQrStUvWx"', '"\\u0041***UvWx"'],
      ['--test-admin-key-0001--', '--***0001--'],
      ['Credential=test-admin-key-0001/20260101/local', 'Credential=***0001/20260101/local'],
      ['"test\\u002dadmin-key-0001" and test%2Dadmin-key-0001', '"***0001" and ***0001'],
    ];
    for (const [input, expected] of cases) assert.equal(hinter.text(input), expected, input);
    // Not keys: another run of the same length, a key glued to more key characters.
    for (const text of ['AbCdEfGhIjKlMnOpQrStUvWy', 'xtest-admin-key-0001', 'AbCdEfGhIjKlMnOpQrStUvWxYz']) {
      assert.equal(hinter.text(text), text);
    }
    assert.deepEqual(hinter.value({ list: [{ key: 'AbCdEfGhIjKlMnOpQrStUvWx' }], 'test-admin-key-0001': 1, n: 5 }), {
      list: [{ key: '***UvWx' }],
      '***0001': 1,
      n: 5,
    });
  });

  test('only candidates with the length of an issued key are looked up', () => {
    const known = knownKeys();
    keyHinter([], known)!.text(
      'a sentence with ordinary words, identifiers_like_this and a UUID 1b4e28ba-2fa1-11d2-883f-0016d3cca427',
    );
    assert.deepEqual(known.lookups, []);
    assert.equal(keyHinter([], { keyLengths: new Set(), isKnownKey: () => true }), undefined);
  });

  test('redactRequest collects the presented keys and keeps only the hint of a Credential', () => {
    const result = redactRequest({
      headers: {
        'x-api-key': 'plainKey-1111',
        authorization:
          'EMS-HMAC-SHA256 Credential=signKey-2222/20260101/local/api/antavo_request, SignedHeaders=host, Signature=abcd',
      },
      url: '/entities/tiers/tier?api_key=queryKey-3333&X-EMS-Credential=presignKey-4444%2F20260101%2Flocal',
    });
    assert.deepEqual(result.keys.sort(), ['plainKey-1111', 'presignKey-4444', 'queryKey-3333', 'signKey-2222']);
    assert.equal(result.url, '/entities/tiers/tier?api_key=***&X-EMS-Credential=***4444%2F20260101%2Flocal');
    assert.equal(
      result.headers?.authorization,
      'EMS-HMAC-SHA256 Credential=***2222/20260101/local/api/antavo_request, SignedHeaders=host, Signature=***',
    );
    assert.equal(result.headers?.['x-api-key'], MASK);
  });

  test('with the issued keys, a key literal spelled with escapes in the query becomes its hint', () => {
    const query = 'mutation { revokeApiCredential(key: "\\u0041bCdEfGhIjKlMnOpQrStU\\u0076Wx") { key } }';
    assert.equal(redactRequest({ query }, knownKeys()).query, 'mutation { revokeApiCredential(key: "***UvWx") { key } }');
    assert.equal(redactRequest({ query }).query, query);
  });
});

/** The call as the HTTP layer hands it to the error log: answered. */
function answered(call: Call, sent: { status: number; body: string }): Call {
  const response: CallResponse = { ...sent, headers: {} };
  return { ...call, response };
}

describe('request bodies of every kind are read before redaction', () => {
  const call = (method: string, body: string, contentType?: string, search = ''): Call =>
    newCall('redaction-test', {
      method,
      url: `/graphql${search ? `?${search}` : ''}`,
      path: '/graphql',
      search,
      headers: contentType ? { 'content-type': contentType } : {},
      body: Buffer.from(body),
      socketAddress: '127.0.0.1',
    });
  const form = new URLSearchParams({
    query: 'mutation L($password: String) { login(password: $password) }',
    variables: JSON.stringify({ password: 'pw-formValue1' }),
    operationName: 'L',
  }).toString();

  test('JSON, form-encoded (by content type or by shape), GET, plain text', () => {
    const expected = {
      query: 'mutation L($password: String) { login(password: $password) }',
      variables: { password: 'pw-formValue1' },
      operationName: 'L',
    };
    assert.deepEqual(paramsOf(call('POST', JSON.stringify(expected), 'application/json').request), expected);
    assert.deepEqual(paramsOf(call('POST', form, 'application/x-www-form-urlencoded').request), expected);
    assert.deepEqual(paramsOf(call('POST', form, 'text/plain').request), expected);
    assert.deepEqual(paramsOf(call('GET', '', undefined, form).request), expected);
    assert.deepEqual(paramsOf(call('POST', '{ tiers { id } }', 'application/graphql').request), {
      query: '{ tiers { id } }',
      variables: undefined,
      operationName: null,
    });
    assert.deepEqual(paramsOf(call('POST', 'pin=1234&name=Jo', 'application/x-www-form-urlencoded').request), {
      query: null,
      variables: { pin: '1234', name: 'Jo' },
      operationName: null,
    });
    assert.deepEqual(paramsOf(call('GET', '', undefined, 'pin=1234').request), {
      query: null,
      variables: undefined,
      operationName: null,
    });
    assert.deepEqual(paramsOf(call('POST', 'query=x&variables=%7Bbroken', 'text/plain').request), {
      query: 'x',
      variables: '{broken',
      operationName: null,
    });
  });

  test('a removed value repeated under an ordinary name, and presented keys, are scrubbed from every part', () => {
    const body = JSON.stringify({
      query: 'mutation { login(password: "hunter22x", note: "was hunter22x") { id } }',
      variables: { copy: 'hunter22x', by: 'Key-Presented-7777' },
    });
    const c = call('POST', body, 'application/json');
    (c.request.headers as Record<string, string>)['x-api-key'] = 'Key-Presented-7777';
    const sent = {
      status: 401,
      body: JSON.stringify({ errors: [{ message: 'the API key is not known', extensions: { code: 'UNAUTHENTICATED' } }] }),
    };
    const record = buildRecord(answered(c, sent), new Date(), 65536);
    assert.equal(record.request.query, 'mutation { login(password: "***", note: "was ***") { id } }');
    assert.deepEqual(record.request.variables, { copy: MASK, by: '***7777' });
    assert.equal(record.request.headers['x-api-key'], MASK);
  });

  test('the operation name is scrubbed like the rest of the record', () => {
    const sent = {
      status: 401,
      body: JSON.stringify({ errors: [{ message: 'the API key is not known', extensions: { code: 'UNAUTHENTICATED' } }] }),
    };
    const keyCall = call(
      'POST',
      JSON.stringify({ query: '{ tiers { nope } }', operationName: 'Key-Presented-8888' }),
      'application/json',
    );
    (keyCall.request.headers as Record<string, string>)['x-api-key'] = 'Key-Presented-8888';
    assert.equal(buildRecord(answered(keyCall, sent), new Date(), 65536).operationName, '***8888');
    const body = JSON.stringify({ query: 'mutation { login(password: "hunter22x") { id } }', operationName: 'hunter22x' });
    assert.equal(buildRecord(answered(call('POST', body, 'application/json'), sent), new Date(), 65536).operationName, MASK);
  });

  test('a form-encoded password never reaches the record', () => {
    const sent = {
      status: 400,
      body: JSON.stringify({
        errors: [
          {
            message: 'This operation has been blocked as a potential Cross-Site Request Forgery (CSRF).',
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      }),
    };
    const record = buildRecord(answered(call('POST', form, 'application/x-www-form-urlencoded'), sent), new Date(), 65536);
    const text = JSON.stringify(record);
    assert.ok(!text.includes('formValue1'), text);
    assert.deepEqual(record.request.variables, { password: MASK });
    assert.equal(record.request.query, 'mutation L($password: String) { login(password: $password) }');
    assert.equal(record.operationName, 'L');
  });
});

// ---------------------------------------------------------------------------------------
// Property test: plant random secrets everywhere a request can carry them, then look for
// them in the serialised output. Values are unique random tokens, so a plain substring
// search is exact.

const SEED = Number(process.env['REDACTION_SEED'] ?? 0x5eed1234);
const PLANTS_PER_KIND = 1000;

// Whole-part names are only sensitive with their case boundaries intact (`pinCode`, not
// `pInCode`), so the planter never mixes their case.
const WORD_SENSITIVE = [
  'pin',
  'userPin',
  'pinCode',
  'PIN',
  'otp',
  'otpCode',
  'pass',
  'user_pass',
  'auth',
  'authCode',
  'credentials',
  'ssn',
  'cvv',
];
const GRAPHQL_SENSITIVE = [
  'password',
  'newPassword',
  'PASSWORD',
  'oldPassword',
  'pass_word',
  'client_secret',
  'apiSecret',
  'secret',
  'accessToken',
  'refresh_token',
  'id_token',
  'sessionToken',
  'api_key',
  'Api_Key',
  'apiKey',
  'API_KEY',
  'pwd',
  'passwd',
  'passphrase',
  'private_key',
  'card_number',
  ...WORD_SENSITIVE,
];
const ANY_SENSITIVE = [...GRAPHQL_SENSITIVE, 'X-Password', 'x-api-key', 'API-KEY', 'client-secret', 'Authorization'];
const NEIGHBOUR_NAMES = [
  'name',
  'email',
  'tier',
  'note',
  'passengers',
  'key',
  'apiVersion',
  'passage',
  'tokn',
  'keyId',
  'label',
  'sec',
  'amount',
  'shipping',
  'author',
  'spinner',
];

class Planter {
  readonly random: () => number;
  private counter = 0;
  secrets: string[] = [];
  neighbours: string[] = [];
  sensitiveValues = 0;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  private tokenOf(prefix: string): string {
    let tail = '';
    for (let i = 0; i < 8; i++) tail += this.int(36).toString(36);
    return `${prefix}_${(this.counter++).toString(36)}x${tail}`;
  }

  secret(): string {
    const value = this.tokenOf('pw');
    this.secrets.push(value);
    return value;
  }

  secretNumber(): number {
    const value = 100_000_000_000 + this.int(899_999_999_999);
    this.secrets.push(String(value));
    return value;
  }

  neighbour(): string {
    const value = this.tokenOf('nb');
    this.neighbours.push(value);
    return value;
  }

  mixedCase(name: string): string {
    if (WORD_SENSITIVE.includes(name)) return name;
    let out = '';
    for (const ch of name) out += this.random() < 0.3 ? ch.toUpperCase() : this.random() < 0.3 ? ch.toLowerCase() : ch;
    return out;
  }

  sensitiveName(names: readonly string[]): string {
    this.sensitiveValues++;
    return this.mixedCase(this.pick(names));
  }

  /** A value to put under a sensitive name: every leaf is a secret. */
  sensitiveValue(): unknown {
    switch (this.int(5)) {
      case 0:
        return this.secretNumber();
      case 1:
        return { inner: this.secret(), list: [this.secret(), this.secretNumber()] };
      case 2:
        return [this.secret(), { deeper: this.secret() }];
      default:
        return this.secret();
    }
  }

  /** An input object mixing sensitive and neighbour fields, nested objects and lists of objects. */
  object(depth: number, names: readonly string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const fields = 1 + this.int(4);
    for (let i = 0; i < fields; i++) {
      const roll = this.random();
      const sensitive = roll < 0.35;
      // The key first: a value generated for a duplicate key would be planted but never written.
      const key = sensitive ? this.mixedCase(this.pick(names)) : this.pick(NEIGHBOUR_NAMES);
      if (key in out) continue;
      if (sensitive) {
        this.sensitiveValues++;
        out[key] = this.sensitiveValue();
      } else if (roll < 0.55 && depth < 5) {
        out[key] = this.object(depth + 1, names);
      } else if (roll < 0.7 && depth < 5) {
        out[key] = [this.object(depth + 1, names), this.object(depth + 1, names)];
      } else {
        out[key] = this.random() < 0.8 ? this.neighbour() : this.int(1000);
      }
    }
    return out;
  }

  take(): { secrets: string[]; neighbours: string[] } {
    const taken = { secrets: this.secrets, neighbours: this.neighbours };
    this.secrets = [];
    this.neighbours = [];
    return taken;
  }
}

function graphqlLiteral(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(graphqlLiteral).join(', ')}]`;
  const fields = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${graphqlLiteral(v)}`);
  return `{${fields.join(', ')}}`;
}

interface Leak {
  kind: string;
  leaked: string[];
  lost: string[];
  output: string;
}

function check(kind: string, output: unknown, planted: { secrets: string[]; neighbours: string[] }, leaks: Leak[]) {
  const text = typeof output === 'string' ? output : JSON.stringify(output);
  const leaked = planted.secrets.filter((s) => text.includes(s));
  const lost = planted.neighbours.filter((n) => !text.includes(n));
  if (planted.secrets.length > 0 && !text.includes(MASK)) leaked.push('(no *** in output)');
  if (leaked.length > 0 || lost.length > 0) leaks.push({ kind, leaked, lost, output: text.slice(0, 2000) });
}

/** A parsable operation with sensitive literals in arguments, nested inputs, lists, defaults, directives, JSON strings. */
function plantQuery(p: Planter): string {
  const sens = () => p.sensitiveName(GRAPHQL_SENSITIVE);
  const literal = () => graphqlLiteral(p.sensitiveValue());
  const lines = [
    `# ${sens()}: ${p.secret()}`,
    `mutation Op($input: In = ${graphqlLiteral(p.object(0, GRAPHQL_SENSITIVE))}, $${sens()}: String = ${JSON.stringify(p.secret())}, $id: ID = ${JSON.stringify(p.neighbour())}) {`,
    `  update(id: $id, input: ${graphqlLiteral(p.object(0, GRAPHQL_SENSITIVE))}, ${sens()}: ${literal()}, note: ${JSON.stringify(p.neighbour())}) @auth(${sens()}: ${literal()}) {`,
    `    id`,
    `    list(items: [${graphqlLiteral(p.object(1, GRAPHQL_SENSITIVE))}, ${graphqlLiteral(p.object(1, GRAPHQL_SENSITIVE))}], ${sens()}: $input)`,
    `    json(filter: ${JSON.stringify(JSON.stringify(p.object(0, ANY_SENSITIVE)))})`,
    `    block(filter: """${JSON.stringify(p.object(2, ANY_SENSITIVE))}""")`,
    `  }`,
    `}`,
  ];
  return lines.join('\n');
}

/** Shapes only the text fallback sees: quotes of every kind, escapes, bare values, unterminated strings. */
function plantFallbackExtras(p: Planter): string {
  const sens = () => p.sensitiveName(ANY_SENSITIVE);
  const gsens = () => p.sensitiveName(GRAPHQL_SENSITIVE);
  const pieces = [
    `"${sens()}": "${p.secret()}\\"${p.secret()}"`,
    `${gsens()}:"${p.secret()}"`,
    `${gsens()}: """${p.secret()}\n  \\""" ${p.secret()}"""`,
    `${gsens()}: ${p.secret()}`,
    `${gsens()}: ${p.secretNumber()}`,
    `'${sens()}': '${p.secret()}'`,
    `${gsens()}: {a: "${p.secret()}", b: [${p.secretNumber()}, "}"], c: "${p.secret()}"}`,
    `json: "{\\"${sens()}\\": \\"${p.secret()}\\\\\\"${p.secret()}\\", \\"note\\": \\"${p.neighbour()}\\"}"`,
    `json2: "{\\"${sens()}\\": {\\"x\\": \\"${p.secret()}\\", \\"y\\": [${p.secretNumber()}]}, \\"n\\": 1}"`,
    `${gsens()}=${p.secret()}&note=${p.neighbour()}`,
    `note: "${p.neighbour()}", other: ${JSON.stringify(p.neighbour())}`,
  ];
  const shuffled = pieces.sort(() => p.random() - 0.5);
  return `  extra(${shuffled.join(', ')})\n  last(${gsens()}: "${p.secret()}\n`;
}

describe(`property: planted secrets never survive (seed ${SEED})`, () => {
  test('variables: sensitive keys at random depths in objects, arrays and JSON strings', () => {
    const p = new Planter(SEED);
    const leaks: Leak[] = [];
    let rounds = 0;
    while (p.sensitiveValues < PLANTS_PER_KIND) {
      rounds++;
      const variables = {
        input: p.object(0, ANY_SENSITIVE),
        list: [p.object(1, ANY_SENSITIVE), p.neighbour()],
        [p.sensitiveName(ANY_SENSITIVE)]: p.sensitiveValue(),
        json: JSON.stringify(p.object(0, ANY_SENSITIVE)),
        brokenJson: JSON.stringify(p.object(0, ANY_SENSITIVE)).slice(0, -1),
        id: p.neighbour(),
      };
      const planted = p.take();
      check('variables', redactValue(variables), planted, leaks);
      check('variables via redactRequest', redactRequest({ variables }).variables, planted, leaks);
    }
    assert.deepEqual(leaks, []);
    assert.ok(p.sensitiveValues >= PLANTS_PER_KIND && rounds > 10);
  });

  test('GraphQL query text: inline literals of every kind', () => {
    const p = new Planter(SEED + 1);
    const leaks: Leak[] = [];
    while (p.sensitiveValues < PLANTS_PER_KIND) {
      const query = plantQuery(p);
      assert.ok(parses(query), query);
      const planted = p.take();
      const out = redactGraphQLQuery(query);
      check('query', out, planted, leaks);
      assert.ok(parses(out), out);
      assert.equal(out.split('\n').length, query.split('\n').length);
    }
    assert.deepEqual(leaks, []);
  });

  test('unparsable query text', () => {
    const p = new Planter(SEED + 2);
    const leaks: Leak[] = [];
    while (p.sensitiveValues < PLANTS_PER_KIND) {
      const lines = plantQuery(p).split('\n');
      lines.splice(lines.length - 2, 0, plantFallbackExtras(p));
      let query = lines.join('\n');
      switch (p.int(3)) {
        case 0:
          query += ' {';
          break;
        case 1:
          query = query.replace('mutation Op(', 'mutation Op!(');
          break;
        default:
          query = query.slice(0, query.lastIndexOf('}'));
      }
      assert.equal(parses(query), false);
      const planted = p.take();
      check('unparsable', redactGraphQLQuery(query), planted, leaks);
    }
    assert.deepEqual(leaks, []);
  });

  test('query strings and GraphQL GET URLs', () => {
    const p = new Planter(SEED + 3);
    const leaks: Leak[] = [];
    while (p.sensitiveValues < PLANTS_PER_KIND) {
      const params: string[] = [];
      const count = 2 + p.int(5);
      for (let i = 0; i < count; i++) {
        if (p.random() < 0.5) {
          params.push(`${encodeURIComponent(p.sensitiveName(ANY_SENSITIVE))}=${p.secret()}`);
        } else {
          params.push(`${p.pick(NEIGHBOUR_NAMES)}=${p.neighbour()}`);
        }
      }
      params.push(`variables=${encodeURIComponent(JSON.stringify(p.object(0, ANY_SENSITIVE)))}`);
      if (p.random() < 0.3) params.push(`query=${encodeURIComponent(plantQuery(p))}`);
      const url = `/graphql?${params.sort(() => p.random() - 0.5).join('&')}`;
      const planted = p.take();
      check('url', redactUrl(url), planted, leaks);
    }
    assert.deepEqual(leaks, []);
  });

  test('headers', () => {
    const p = new Planter(SEED + 4);
    const leaks: Leak[] = [];
    while (p.sensitiveValues < PLANTS_PER_KIND) {
      p.sensitiveValues += 4;
      const headers: Record<string, string | string[]> = {
        [p.mixedCase('authorization')]:
          p.random() < 0.5
            ? `EMS-HMAC-SHA256 Credential=${p.secret()}/20240101/eu/suite/ems_request, SignedHeaders=host;x-ems-date, Signature=${p.secret()}`
            : `Bearer ${p.secret()}`,
        [p.mixedCase('x-api-key')]: p.secret(),
        [p.mixedCase('cookie')]: `sid=${p.secret()}; lang=en`,
        [p.mixedCase('x-auth-token')]: [p.secret()],
        [p.sensitiveName(['X-Password', 'x-client-secret', 'X-Refresh-Token', 'api_key'])]: p.secret(),
        'x-request-id': p.neighbour(),
      };
      const planted = p.take();
      check('headers', redactHeaders(headers), planted, leaks);
    }
    assert.deepEqual(leaks, []);
  });

  test('echoes of the removed values in a response body', () => {
    const p = new Planter(SEED + 5);
    const leaks: Leak[] = [];
    while (p.sensitiveValues < PLANTS_PER_KIND) {
      const variables = { input: p.object(0, ANY_SENSITIVE) };
      const query = plantQuery(p);
      const planted = p.take();
      const request = redactRequest({ query, variables });
      check('request', request.query + JSON.stringify(request.variables), planted, leaks);
      const echoes = planted.secrets.map((secret, i) => ({
        message: `Variable "$input" got invalid value "${secret}"; expected ${planted.neighbours[i % planted.neighbours.length] ?? 'x'}`,
        path: ['update', i],
      }));
      const body = { errors: echoes, data: { echo: planted.secrets.slice(0, 3).map((s) => Number(s) || s) } };
      const neighbours = planted.neighbours.slice(0, planted.secrets.length);
      check('response', redactResponseBody(body, request.secrets), { secrets: planted.secrets, neighbours }, leaks);
    }
    assert.deepEqual(leaks, []);
  });
});

describe('cost', () => {
  /** Best of five timed batches, in µs per call: the least disturbed by other work on the machine. */
  function microsPerCall(fn: () => void, rounds = 300): number {
    for (let i = 0; i < 100; i++) fn();
    let best = Infinity;
    for (let batch = 0; batch < 5; batch++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < rounds; i++) fn();
      best = Math.min(best, Number(process.hrtime.bigint() - start) / rounds / 1000);
    }
    return best;
  }

  /** A planted query of about 2 KB: the first seed from 7 on that gives one. */
  function typicalQuery(): { p: Planter; query: string } {
    for (let seed = 7; ; seed++) {
      const p = new Planter(seed);
      const query = plantQuery(p);
      if (query.length >= 1500 && query.length <= 2500) return { p, query };
    }
  }

  test('a typical 2 KB failed request redacts well under a millisecond; pathological text stays linear', (t) => {
    const { p, query } = typicalQuery();
    const request = {
      query,
      variables: { input: p.object(0, ANY_SENSITIVE), id: 'cus_123' },
      headers: { authorization: ESCHER_AUTH, 'x-api-key': 'ak_live_123456', host: 'api.test', 'user-agent': 'ua/1.0' },
      url: '/graphql?operationName=Op',
    };
    const micros = microsPerCall(() => redactRequest(request));
    t.diagnostic(`redactRequest: ${micros.toFixed(1)} µs for a ${query.length}-character query`);
    assert.ok(micros < 1000, `${micros.toFixed(1)} µs per request`);

    const long = `{ a(${'x'.repeat(200_000)} password ${'-'.repeat(200_000)}`;
    const t0 = process.hrtime.bigint();
    redactGraphQLQuery(long);
    redactText(long);
    assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 500);
  });

  test('key hints over a 2 KB request and its response: few hashes, well under a millisecond', (t) => {
    const { p, query } = typicalQuery();
    const key = 'Zq8RkT2mWn4xYb6vLc0pHs3J';
    let lookups = 0;
    const known: KnownKeys = { keyLengths: new Set([24, 19]), isKnownKey: (c) => (lookups++, c === key) };
    const record = {
      request: {
        query: query.replace('mutation Op', `# for ${key}\nmutation Op`),
        variables: p.object(0, ANY_SENSITIVE),
        headers: { authorization: ESCHER_AUTH, host: 'api.test' },
      },
      body: {
        errors: [{ message: `Invalid Escher key: unknown API key "${key}"`, extensions: { code: 'UNAUTHENTICATED' } }],
        data: { apiCredentials: [{ key, name: 'a client' }] },
      },
    };
    const hinter = keyHinter(['loyalty_client'], known)!;
    const once = JSON.stringify(hinter.value(record));
    assert.ok(!once.includes(key) && !once.includes('loyalty_client'), once);
    assert.ok(once.includes(`***${key.slice(-4)}`) && once.includes('***ient'), once);
    lookups = 0;
    hinter.value(record);
    const perRecord = lookups;
    // Only runs with the length of an issued key are hashed: here the key itself, three times.
    assert.ok(perRecord <= 6, `${perRecord} lookups`);
    const micros = microsPerCall(() => hinter.value(record));
    t.diagnostic(`keyHinter: ${micros.toFixed(1)} µs for ${JSON.stringify(record).length} characters, ${perRecord} lookups`);
    assert.ok(micros < 1000, `${micros.toFixed(1)} µs per record`);
  });
});

describe('an oversized query is cut before it is redacted', () => {
  const KEY = 'Zq8rT2vLmN4pXw7yBc1dEf5g';
  const callWith = (query: string): Call =>
    newCall('precut-test', {
      method: 'POST',
      url: '/graphql',
      path: '/graphql',
      search: '',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ query })),
      socketAddress: '127.0.0.1',
    });
  const sent = { status: 400, body: '{"errors":[{"message":"too complex","extensions":{"code":"OPERATION_TOO_COMPLEX"}}]}' };
  const known = { isKnownKey: (k: string) => k === KEY, keyLengths: new Set([KEY.length]) };
  const maxBytes = 4096;

  test('no part of a key or a secret straddling the cut survives, and the record says it was cut', () => {
    for (let shift = 0; shift <= KEY.length + 12; shift++) {
      // The key (or the password after it) sits across the cut point at every offset.
      const pad = '{ tiers { id } }\n#'.padEnd(maxBytes - shift, 'x');
      const query = `${pad} ${KEY} password: "Secret-${shift}-value" ${'y'.repeat(maxBytes)}`;
      const record = buildRecord(answered(callWith(query), sent), new Date(), maxBytes, known);
      const text = JSON.stringify(record);
      for (let len = 5; len <= KEY.length; len++) {
        assert.ok(!text.includes(KEY.slice(0, len)), `shift ${shift}: a ${len}-character prefix of the key is stored`);
      }
      assert.ok(!text.includes(`Secret-${shift}`), `shift ${shift}: the password is stored`);
      assert.equal(record.truncated, true);
      assert.ok(Buffer.byteLength(text) <= maxBytes * 1.1, `shift ${shift}: ${Buffer.byteLength(text)} bytes`);
    }
  });

  test('the size cap cuts only what was already redacted: no part of a key or a repeated password at the cut', () => {
    const presented = 'Pk7sW9xQ2mV4nB6cR8tY1uZ3';
    // The variables are cut to a quarter of the cap; `{"note":"` puts the note 9 characters in.
    const share = maxBytes / 4;
    for (let shift = 0; shift <= presented.length + 24; shift++) {
      const password = `Repeat-${shift}-pw`;
      const note = `${'x'.repeat(share - 9 - shift)}${presented} ${password} ${'y'.repeat(2 * maxBytes)}`;
      const call = callWith('');
      call.request.headers = { 'content-type': 'application/json', 'x-api-key': presented };
      call.request.body = Buffer.from(
        JSON.stringify({ query: `mutation { login(password: "${password}") { id } }`, variables: { note } }),
      );
      const record = buildRecord(answered(call, sent), new Date(), maxBytes);
      const text = JSON.stringify(record);
      assert.equal(record.truncated, true);
      assert.equal(typeof record.request.variables, 'string', 'the variables were cut');
      for (let len = 5; len <= presented.length; len++) {
        assert.ok(
          !text.includes(presented.slice(0, len)),
          `shift ${shift}: a ${len}-character prefix of the presented key is stored`,
        );
      }
      assert.ok(!text.includes(password.slice(0, 5)), `shift ${shift}: part of the repeated password is stored`);
    }
  });

  test('cutBeforeRedaction never ends inside a run of key or word characters, and drops only that run', () => {
    const isKeyChar = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9._~-]/.test(ch);
    const query = '{ tiers { id } } # Zq8r_T2v.Lm-N4p~Xw7y password: "Secret-value" end';
    for (let max = 0; max <= query.length; max++) {
      const cut = cutBeforeRedaction(query, max);
      assert.ok(cut.endsWith('… [truncated]'), cut);
      const kept = cut.slice(0, -'… [truncated]'.length);
      assert.ok(kept.length <= max && query.startsWith(kept), `max ${max}: ${cut}`);
      assert.ok(!isKeyChar(kept.at(-1)), `max ${max}: the cut ends inside a word or key: ${cut}`);
      assert.ok(
        [...query.slice(kept.length, max)].every(isKeyChar),
        `max ${max}: more than the run at the cut was dropped: ${cut}`,
      );
    }
  });

  test('a 1 MB alias bomb naming a password is recorded in a time proportional to reading it', () => {
    const bomb = `# password: hunter2\n{ ${Array.from({ length: 20_000 }, (_, i) => `a${i}: offers(first: 100) { nodes { id name } }`).join(' ')} }`;
    const call = answered(callWith(bomb), sent);
    const median = (work: () => void) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = process.hrtime.bigint();
        work();
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      return times.sort((a, b) => a - b)[2]!;
    };
    // The floor: decoding and parsing the body, which any record of it needs.
    const reading = median(() => JSON.parse(call.request.body.toString('utf8')));
    let record: ReturnType<typeof buildRecord> | undefined;
    const recording = median(() => (record = buildRecord(call, new Date(), 65536, known)));
    assert.ok(!JSON.stringify(record).includes('hunter2'));
    // Redacting it whole was ~50× the reading; cut first it is a few times. A ratio, not a
    // time, so a busy machine does not make it flaky.
    assert.ok(recording < 15 * reading, `recording ${recording.toFixed(1)} ms, reading ${reading.toFixed(1)} ms`);
  });
});
