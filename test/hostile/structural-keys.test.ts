/**
 * Names a client chooses that become MongoDB field names or JavaScript object keys (account
 * names, customer ids, event data keys, entity document keys at any depth): each is either
 * refused with BAD_USER_INPUT naming the field, or stored and returned exactly. Never
 * dropped, never able to reach a prototype. Refusals change nothing in the database, and
 * the server keeps serving other customers afterwards.
 *
 * Objects holding a `__proto__` key are built with JSON.parse or `own(...)`: an object
 * literal `{ __proto__: x }` would set the literal's prototype instead of a key.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataOf, firstError, startTestServer, type TestServer } from '../support/server';
import { fixture } from '../support/fixtures';
import type { HttpResult } from '../support/http';

const SUBMIT = `mutation Submit($input: EventInput!) {
  submitEvent(input: $input) { accepted customer { id score spendable accounts { account score spent spendable } } }
}`;
const IMPORT = `mutation Import($entity: EntityKind!, $documents: [JSONObject!]!) {
  importEntities(entity: $entity, documents: $documents) { entity received created updated ids }
}`;

/** A plain object with `key` as an own, enumerable key, whatever the name. */
function own(key: string, value: unknown, rest: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rest };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Keys no client-chosen name may be stored under; `field` is how a refusal names them under `data`. */
const REFUSED_KEYS: { label: string; key: string; path: (parent: string) => string }[] = [
  { label: '__proto__', key: '__proto__', path: (p) => `${p}.__proto__` },
  { label: '$x', key: '$x', path: (p) => `${p}.$x` },
  { label: 'a.b', key: 'a.b', path: (p) => `${p}["a.b"]` },
  { label: 'empty', key: '', path: (p) => `${p}[""]` },
  { label: 'NUL', key: 'a\u0000b', path: (p) => `${p}["a\\u0000b"]` },
];
/** Names that are Object.prototype members or otherwise special to JavaScript, yet ordinary data. */
const ORDINARY_NAMES = ['constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

let server: TestServer;

before(async () => {
  server = await startTestServer();
  dataOf(await server.as(server.admin).graphql(IMPORT, { entity: 'TIER', documents: fixture('tiers') }));
  // A customer that must keep working through everything below.
  await accept('bystander', 'opt_in', { email: 'by@example.com' });
});
after(async () => {
  await server.stop();
});

const db = () => server.app.connection.db!;
const customers = () => db().collection('customers');

function submit(customer: string, action: string, data?: unknown): Promise<HttpResult> {
  return server.as(server.client).graphql(SUBMIT, { input: { customer, action, data } });
}

async function accept(customer: string, action: string, data?: unknown) {
  return dataOf(await submit(customer, action, data)).submitEvent;
}

function importDocs(entity: 'TIER' | 'OFFER', documents: unknown[]): Promise<HttpResult> {
  return server.as(server.admin).graphql(IMPORT, { entity, documents });
}

function assertRefused(result: HttpResult, extensions: Record<string, unknown>) {
  assert.equal(result.status, 400, result.text);
  const error = firstError(result);
  assert.equal(error.extensions.code, 'BAD_USER_INPUT', result.text);
  for (const [name, value] of Object.entries(extensions)) assert.deepEqual(error.extensions[name], value, result.text);
  return error;
}

async function snapshot() {
  return {
    customers: await customers().find({}).sort({ _id: 1 }).toArray(),
    events: await db().collection('events').countDocuments(),
    offers: await db().collection('offers').find({}).sort({ _id: 1 }).toArray(),
    tiers: await db().collection('tiers').find({}).sort({ _id: 1 }).toArray(),
  };
}

/** The prototype-pollution regression: nothing leaked into Object.prototype, and other callers still work. */
async function assertServerHealthy() {
  assert.deepEqual(
    Object.getOwnPropertyNames(Object.prototype).filter((n) => !BUILTIN_PROTO_NAMES.has(n)),
    [],
  );
  assert.equal(({} as Record<string, unknown>).score, undefined);
  assert.equal(({} as Record<string, unknown>).spendable, undefined);
  const after = await accept('bystander', 'point_add', { points: 1 });
  assert.equal(after.accepted, true);
  const read = dataOf(
    await server
      .as(server.client)
      .graphql(`{ customer(id: "bystander") { id score accounts { account score } tiers { tier { id } } } }`),
  );
  assert.equal(read.customer.id, 'bystander');
  assert.ok(read.customer.score >= 1);
  const offers = dataOf(await server.as(server.client).graphql(`{ offers(first: 1) { totalCount } tiers { id } }`));
  assert.ok(offers.tiers.length >= 2);
}
const BUILTIN_PROTO_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

describe('account names (data.account of point events)', () => {
  before(async () => {
    await accept('acc-1', 'opt_in', {});
    await accept('acc-1', 'point_add', { points: 10 });
  });

  const refused = ['__proto__', '_private', '$inc', 'a.b', '', 'a\u0000b', 'x'.repeat(65), 'spaced name'];
  for (const account of refused) {
    for (const action of ['point_add', 'point_spend']) {
      test(`${action} on account ${JSON.stringify(account)} → 400 data.account, nothing changed`, async () => {
        const before_ = await snapshot();
        const error = assertRefused(await submit('acc-1', action, { points: 1, account }), { field: 'data.account' });
        assert.match(error.message, /data\.account must be 1 to 64 letters, digits, _ or -, not starting with _/);
        assert.deepEqual(await snapshot(), before_);
      });
    }
  }

  test('the attack as sent: an inline literal account "__proto__" is refused and every customer keeps working', async () => {
    const before_ = await snapshot();
    const result = await server
      .as(server.client)
      .graphql(
        `mutation { submitEvent(input: { customer: "acc-1", action: "point_add", data: { points: 5, account: "__proto__" } }) { accepted } }`,
      );
    assertRefused(result, { field: 'data.account' });
    assert.deepEqual(await snapshot(), before_);
    await assertServerHealthy();
  });

  for (const account of ORDINARY_NAMES) {
    test(`account ${JSON.stringify(account)} is an ordinary account: stored under accounts.${account}, returned exactly`, async () => {
      const id = `acc-${account}`;
      await accept(id, 'opt_in', {});
      // A spend on the account before it exists sees a balance of 0, not Object's members.
      const early = assertRefused(await submit(id, 'point_spend', { points: 1, account }), {
        field: 'data.points',
        spendable: 0,
      });
      assert.match(early.message, new RegExp(`balance of 0 on account "${account}"`));

      const added = await accept(id, 'point_add', { points: 7, account });
      assert.deepEqual(added.customer.accounts, [
        { account: 'standard', score: 0, spent: 0, spendable: 0 },
        { account, score: 7, spent: 0, spendable: 7 },
      ]);
      const spent = await accept(id, 'point_spend', { points: 3, account });
      assert.deepEqual(spent.customer.accounts[1], { account, score: 7, spent: 3, spendable: 4 });
      assertRefused(await submit(id, 'point_spend', { points: 5, account }), { field: 'data.points', spendable: 4 });

      const raw = await customers().findOne({ _id: id } as never);
      assert.ok(raw && Object.prototype.hasOwnProperty.call(raw.accounts, account));
      const { earned, ...counters } = raw.accounts[account];
      assert.deepEqual({ ...counters }, { score: 7, spendable: 4, spent: 3, expired: 0, lots: [{ points: 4, expiresAt: null }] });
      // The points earned, under the day they were earned.
      assert.deepEqual(Object.values({ ...earned }), [7]);
      assert.deepEqual(Object.keys(raw.accounts).sort(), [account, 'standard'].sort());

      const read = dataOf(
        await server
          .as(server.client)
          .graphql(`query($id: ID!) { customer(id: $id) { score accounts { account score spent spendable } } }`, { id }),
      );
      assert.deepEqual(read.customer, {
        score: 0,
        accounts: [
          { account: 'standard', score: 0, spent: 0, spendable: 0 },
          { account, score: 7, spent: 3, spendable: 4 },
        ],
      });
      await assertServerHealthy();
    });
  }
});

describe('customer ids', () => {
  for (const id of ['__proto__', 'constructor', 'prototype', 'toString', 'a.b']) {
    test(`customer id ${JSON.stringify(id)} is a value: created, read and updated exactly`, async () => {
      const created = await accept(id, 'opt_in', { first_name: 'Odd' });
      assert.equal(created.customer.id, id);
      const added = await accept(id, 'point_add', { points: 2 });
      assert.equal(added.customer.score, 2);
      const read = dataOf(
        await server.as(server.client).graphql(`query($id: ID!) { customer(id: $id) { id firstName score } }`, { id }),
      );
      assert.deepEqual(read.customer, { id, firstName: 'Odd', score: 2 });
      const raw = await customers().findOne({ _id: id } as never);
      assert.equal(raw?._id, id);
      assert.equal(raw?.firstName, 'Odd');
      await assertServerHealthy();
    });
  }

  for (const id of ['$x', '', 'a\u0000b', 'a b']) {
    test(`customer id ${JSON.stringify(id)} → 400 naming customer, nothing stored`, async () => {
      const before_ = await snapshot();
      const error = assertRefused(await submit(id, 'opt_in', {}), { field: 'customer' });
      assert.match(error.message, /customer/);
      assert.deepEqual(await snapshot(), before_);
    });
  }

  test('customer(id) on a refused id is null, not an error', async () => {
    for (const id of ['$x', 'a\u0000b', 'hasOwnProperty']) {
      const read = dataOf(await server.as(server.client).graphql(`query($id: ID!) { customer(id: $id) { id } }`, { id }));
      assert.equal(read.customer, null);
    }
  });
});

describe('event data keys', () => {
  before(async () => {
    await accept('data-1', 'opt_in', {});
  });

  for (const action of ['point_add', 'opt_in', 'profile']) {
    for (const { label, key, path } of [
      ...REFUSED_KEYS,
      ...ORDINARY_NAMES.map((key) => ({ label: key, key, path: (p: string) => `${p}.${key}` })),
    ]) {
      test(`${action}: data key ${label} (variables) → 400 naming ${path('data')}, nothing changed`, async () => {
        const before_ = await snapshot();
        const base = action === 'point_add' ? { points: 1 } : { first_name: 'Dee' };
        const data = own(key, { points: 1000 }, base);
        const customer = action === 'opt_in' ? 'data-new' : 'data-1';
        const error = assertRefused(await submit(customer, action, data), { field: path('data') });
        assert.match(error.message, /not accepted by/);
        assert.deepEqual(await snapshot(), before_);
      });
    }
  }

  test('a __proto__ key written inside the query text is refused, not dropped', async () => {
    const before_ = await snapshot();
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const result = await server
        .as(server.client)
        .graphql(
          `mutation { submitEvent(input: { customer: "data-1", action: "point_add", data: { points: 3, ${key}: { score: 5 } } }) { accepted } }`,
        );
      assertRefused(result, { field: `data.${key}` });
    }
    assert.deepEqual(await snapshot(), before_);
    await assertServerHealthy();
  });

  test('JSON text with a duplicated __proto__ key is refused too', async () => {
    const before_ = await snapshot();
    const body = `{"query":${JSON.stringify(SUBMIT)},"variables":{"input":{"customer":"data-1","action":"point_add","data":{"points":1,"__proto__":{"points":1},"__proto__":null}}}}`;
    const result = await server.as(server.client).request('POST', '/graphql', body);
    assertRefused(result, { field: 'data.__proto__' });
    assert.deepEqual(await snapshot(), before_);
  });
});

describe('entity document keys', () => {
  const offer = (id: string) => ({ ...structuredClone(fixture('offers')[1]), id });
  const offerIds = async () =>
    (
      await db()
        .collection('offers')
        .find({}, { projection: { _id: 1 } })
        .toArray()
    )
      .map((d) => String(d._id))
      .sort();

  const placements: {
    name: string;
    build: (key: string) => Record<string, unknown>;
    path: (key: { path: (p: string) => string }) => string;
  }[] = [
    { name: 'top level', build: (key) => own(key, 1, offer('bad')), path: (k) => k.path('').replace(/^\./, '') },
    {
      name: 'nested object',
      build: (key) => ({ ...offer('bad'), vendor_notes: { crm: own(key, 'x') } }),
      path: (k) => k.path('vendor_notes.crm'),
    },
    {
      name: 'object inside an array',
      build: (key) => ({ ...offer('bad'), vendor_notes: { list: [1, own(key, { deep: true })] } }),
      path: (k) => k.path('vendor_notes.list[1]'),
    },
    {
      name: 'inside a known field',
      build: (key) => ({ ...offer('bad'), discount: own(key, 2, fixture('offers')[1].discount) }),
      path: (k) => k.path('discount'),
    },
  ];

  for (const refusedKey of REFUSED_KEYS) {
    for (const place of placements) {
      const field = place.path(refusedKey);
      test(`key ${refusedKey.label} at ${place.name} → 400 documents[1] ${field}, nothing stored`, async () => {
        const before_ = await snapshot();
        const result = await importDocs('OFFER', [offer('good-first'), place.build(refusedKey.key)]);
        const error = assertRefused(result, { documentIndex: 1, field });
        assert.match(error.message, /^documents\[1\] \(id "bad"\): /);
        assert.match(error.message, /nothing was stored/);
        assert.deepEqual(await snapshot(), before_);
      });
    }
  }

  test('a top-level _id key is refused (the entity id is stored there), a nested one round-trips', async () => {
    const before_ = await snapshot();
    assertRefused(await importDocs('OFFER', [own('_id', 'other', offer('with-id'))]), { documentIndex: 0, field: '_id' });
    assert.deepEqual(await snapshot(), before_);
    const nested = { ...offer('nested-id'), vendor_notes: { _id: 'kept' } };
    dataOf(await importDocs('OFFER', [nested]));
    assert.deepEqual((await server.as(server.client).get('/entities/offers/offer/nested-id')).json, { data: nested });
  });

  test('a __proto__ key written inside the query text is refused, not dropped', async () => {
    const before_ = await snapshot();
    const result = await server
      .as(server.admin)
      .graphql(
        `mutation { importEntities(entity: TIER, documents: [{ id: "lit", name: "Lit", account: "standard", tiers: [], __proto__: { x: 1 } }]) { ids } }`,
      );
    assertRefused(result, { documentIndex: 0, field: '__proto__' });
    assert.deepEqual(await snapshot(), before_);
  });

  test('documents written inside the query text are stored as written, constructor keys included', async () => {
    const result = await server
      .as(server.admin)
      .graphql(
        `mutation { importEntities(entity: TIER, documents: [{ id: "literal", name: "Lit", account: "constructor", status: "active", tiers: [{ id: "l1", name: { en: "One" }, threshold: 0 }], constructor: { name: "Foo", prototype: [1] } }]) { ids } }`,
      );
    assert.deepEqual(dataOf(result).importEntities.ids, ['literal']);
    const expected = {
      id: 'literal',
      name: 'Lit',
      account: 'constructor',
      // Only active tiers rank customers.
      status: 'active',
      tiers: [{ id: 'l1', name: { en: 'One' }, threshold: 0 }],
      constructor: { name: 'Foo', prototype: [1] },
    };
    assert.deepEqual((await server.as(server.client).get('/entities/tiers/tier/literal')).json, { data: expected });
    // The tier ranks customers on the account named "constructor".
    const id = 'tier-on-constructor';
    await accept(id, 'opt_in', {});
    const added = await accept(id, 'point_add', { points: 1, account: 'constructor' });
    assert.equal(added.customer.accounts[1].account, 'constructor');
    const read = dataOf(
      await server
        .as(server.client)
        .graphql(`query($id: ID!) { customer(id: $id) { tiers { tier { id } level { id } } } }`, { id }),
    );
    assert.deepEqual(
      read.customer.tiers.find((t: { tier: { id: string } }) => t.tier.id === 'literal'),
      { tier: { id: 'literal' }, level: { id: 'l1' } },
    );
    dataOf(await server.as(server.admin).graphql(`mutation { deleteEntity(entity: TIER, id: "literal") }`));
  });

  test('the attack as sent: a $-key after valid documents stores none of them and answers 400, not 500', async () => {
    const before_ = await snapshot();
    const result = await importDocs('OFFER', [offer('ok-1'), offer('ok-2'), own('$set', { weight: 1 }, offer('evil'))]);
    assertRefused(result, { documentIndex: 2, field: '$set' });
    assert.deepEqual(await snapshot(), before_);
    assert.equal((await offerIds()).includes('ok-1'), false);
  });

  test('strings and keys that are not well-formed Unicode are refused (BSON would store U+FFFD)', async () => {
    const before_ = await snapshot();
    assertRefused(await importDocs('OFFER', [{ ...offer('lone'), vendor_notes: { note: 'a\ud800b' } }]), {
      documentIndex: 0,
      field: 'vendor_notes.note',
    });
    assertRefused(await importDocs('OFFER', [{ ...offer('lone'), vendor_notes: own('k\udc00', 1) }]), {
      documentIndex: 0,
      field: 'vendor_notes["k\\udc00"]',
    });
    assert.deepEqual(await snapshot(), before_);
  });

  test('ordinary names (constructor, prototype, toString, ...) round-trip exactly at every depth', async () => {
    const doc: Record<string, unknown> = offer('odd-keys');
    for (const name of ORDINARY_NAMES) doc[name] = { [name]: [name, { name: 'Foo', [name]: 1 }], value: name };
    doc.vendor_notes = { constructor: { name: 'Foo' }, prototype: null, nested: { toString: 'x', valueOf: [] } };
    doc.discount = { ...(doc.discount as Record<string, unknown>), constructor: 'Object', hasOwnProperty: true };
    const tier = { ...structuredClone(fixture('tiers')[0]), id: 'constructor', constructor: { prototype: { x: 1 } } };

    dataOf(await importDocs('OFFER', [doc]));
    dataOf(await importDocs('TIER', [tier]));

    const restOne = await server.as(server.client).get('/entities/offers/offer/odd-keys');
    assert.equal(restOne.status, 200);
    assert.deepEqual(restOne.json, { data: doc });
    const restTier = await server.as(server.client).get('/entities/tiers/tier/constructor');
    assert.deepEqual(restTier.json, { data: tier });
    const list = await server.as(server.client).get('/entities/offers/offer');
    assert.deepEqual(
      list.json.data.find((d: { id: string }) => d.id === 'odd-keys'),
      doc,
    );

    const gql = dataOf(
      await server
        .as(server.client)
        .graphql(`query { offer(id: "odd-keys") { id document } tier(id: "constructor") { id document } }`),
    );
    assert.deepEqual(gql.offer.document, doc);
    assert.deepEqual(gql.tier.document, tier);

    const raw = await db()
      .collection('offers')
      .findOne({ _id: 'odd-keys' } as never);
    assert.deepEqual(JSON.parse(JSON.stringify(raw)), { _id: 'odd-keys', ...doc });
    await assertServerHealthy();
  });

  const badIds: { name: string; id: unknown; field?: string }[] = [
    { name: 'missing', id: undefined },
    { name: 'a number', id: 12 },
    { name: 'null', id: null },
    { name: 'empty', id: '' },
    { name: '__proto__', id: '__proto__' },
    { name: '$x', id: '$x' },
    { name: 'with a space', id: 'a b' },
    { name: 'with NUL', id: 'a\u0000b' },
    { name: 'over 128 characters', id: 'x'.repeat(129) },
    { name: 'an object with an operator', id: { $ne: null }, field: 'id.$ne' },
    { name: 'an object', id: { value: 'x' } },
  ];
  for (const c of badIds) {
    test(`an id that is ${c.name} → 400 documents[1] id, nothing stored`, async () => {
      const before_ = await snapshot();
      const bad: Record<string, unknown> = offer('placeholder');
      if (c.id === undefined) delete bad.id;
      else bad.id = c.id;
      assertRefused(await importDocs('OFFER', [offer('good-before-bad-id'), bad]), { documentIndex: 1, field: c.field ?? 'id' });
      assert.deepEqual(await snapshot(), before_);
    });
  }

  test('the same id twice in one call is refused naming both documents; nothing stored', async () => {
    const before_ = await snapshot();
    const result = await importDocs('OFFER', [offer('twice'), offer('other'), offer('twice')]);
    const error = assertRefused(result, { documentIndex: 2, field: 'id' });
    assert.match(error.message, /^documents\[2\] \(id "twice"\): id: id "twice" is also used by document 0 of this call/);
    assert.deepEqual(error.extensions.problems, [
      { index: 2, field: 'id', message: 'id "twice" is also used by document 0 of this call' },
    ]);
    assert.deepEqual(await snapshot(), before_);
  });

  test('100 levels of nesting round-trip; 101 are refused naming the deepest path', async () => {
    const nest = (levels: number) => {
      // The document is level 1, vendor_notes level 2: `levels` counts every object and array.
      let value: unknown = {};
      for (let i = 0; i < levels - 2; i++) value = i % 2 ? { a: value } : [value];
      return { ...offer('deep'), vendor_notes: value };
    };
    const before_ = await snapshot();
    const tooDeep = await importDocs('OFFER', [nest(101)]);
    const error = assertRefused(tooDeep, { documentIndex: 0 });
    assert.match(error.message, /nesting deeper than 100 levels/);
    assert.ok(String(error.extensions.field).startsWith('vendor_notes'), error.extensions.field);
    assert.deepEqual(await snapshot(), before_);

    const deepest = nest(100);
    dataOf(await importDocs('OFFER', [deepest]));
    assert.deepEqual((await server.as(server.client).get('/entities/offers/offer/deep')).json, { data: deepest });
  });

  test('after all of it, entities and customers are served as before', async () => {
    await assertServerHealthy();
  });
});
