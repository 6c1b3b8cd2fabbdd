import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataOf, firstError, startTestServer, type TestServer } from '../support/server';
import { fixture } from '../support/fixtures';
import type { HttpResult } from '../support/http';
import { verifyPassword } from '../../src/customers/password';
import { supportsTransactions } from '../../src/db/transactions';

// Planted in opt_in/profile events; must never come back anywhere (responses, documents, logs).
const PLANTED = 'Planted-Pa55word-7f3c9a';
const PLANTED_2 = 'Second-Planted-Secret-e81b';
// The longest password accepted (200 characters), planted like the others.
const LONG_PASSWORD = `Long-Planted-${'p'.repeat(200 - 'Long-Planted-'.length)}`;

/** A well-formed address of exactly `length` characters (64-character local part, labels of at most 62). */
function emailOfLength(length: number): string {
  const local = 'l'.repeat(64);
  let rest = length - local.length - '@'.length - '.com'.length;
  const labels: string[] = [];
  while (rest > 63) {
    labels.push('d'.repeat(62));
    rest -= 63;
  }
  labels.push('d'.repeat(rest));
  const email = `${local}@${labels.join('.')}.com`;
  assert.equal(email.length, length);
  return email;
}

const SUBMIT = `mutation Submit($input: EventInput!) {
  submitEvent(input: $input) { accepted customer { id score spent spendable accounts { account score spent spendable } } }
}`;

const CUSTOMER_FIELDS = `id email firstName lastName status score spent spendable createdAt
  accounts { account score spent spendable }
  tiers { tier { id account } level { id name threshold } next { id threshold } pointsToNext }`;

let server: TestServer;
/** The text of every response this file received, searched for the planted passwords at the end. */
const responses: string[] = [];

before(async () => {
  server = await startTestServer();
  const imported = await server
    .as(server.admin)
    .graphql(`mutation($documents: [JSONObject!]!) { importEntities(entity: TIER, documents: $documents) { ids } }`, {
      documents: fixture('tiers'),
    });
  assert.deepEqual(dataOf(imported).importEntities.ids, ['standard', 'bonus']);
});
after(async () => {
  await server.stop();
});

async function submit(customer: string, action: string, data?: Record<string, unknown>): Promise<HttpResult> {
  const result = await server.as(server.client).graphql(SUBMIT, { input: { customer, action, data } });
  responses.push(result.text);
  return result;
}

async function accept(customer: string, action: string, data?: Record<string, unknown>) {
  return dataOf(await submit(customer, action, data)).submitEvent;
}

async function readCustomer(id: string, fields = CUSTOMER_FIELDS) {
  const result = await server.as(server.client).graphql(`query($id: ID!) { customer(id: $id) { ${fields} } }`, { id });
  responses.push(result.text);
  return dataOf(result).customer;
}

function db() {
  return server.app.connection.db!;
}

async function rawCustomer(id: string) {
  return db()
    .collection('customers')
    .findOne({ _id: id as any });
}

function assertBadInput(result: HttpResult, message: RegExp) {
  assert.equal(result.status, 400, result.text);
  const error = firstError(result);
  assert.equal(error.extensions.code, 'BAD_USER_INPUT', result.text);
  assert.match(error.message, message);
  return error;
}

/** The stored counters and lots of an account (the earned days are checked by the tier tests). */
function counters(account: any) {
  const { earned: _earned, ...rest } = account;
  return rest;
}

function standing(customer: any, tierId: string) {
  const entry = customer.tiers.find((t: any) => t.tier.id === tierId);
  assert.ok(entry, `no standing for tier ${tierId}`);
  return { level: entry.level.id, next: entry.next?.id ?? null, pointsToNext: entry.pointsToNext };
}

describe('opt-in and read back', () => {
  test('opt_in creates the customer; customer returns every field', async () => {
    const before_ = Date.now();
    const result = await accept('alice@shop', 'opt_in', {
      email: 'alice@example.com',
      first_name: 'Alice',
      last_name: 'Liddell',
      password: PLANTED,
    });
    assert.equal(result.accepted, true);
    assert.equal(result.customer.id, 'alice@shop');
    assert.equal(result.customer.score, 0);

    const alice = await readCustomer('alice@shop');
    const createdAt = Date.parse(alice.createdAt);
    assert.ok(createdAt >= before_ - 1000 && createdAt <= Date.now() + 1000, alice.createdAt);
    assert.deepEqual(
      { ...alice, createdAt: undefined },
      {
        id: 'alice@shop',
        email: 'alice@example.com',
        firstName: 'Alice',
        lastName: 'Liddell',
        status: 'active',
        score: 0,
        spent: 0,
        spendable: 0,
        createdAt: undefined,
        accounts: [{ account: 'standard', score: 0, spent: 0, spendable: 0 }],
        tiers: [
          {
            tier: { id: 'standard', account: 'standard' },
            level: { id: 't0', name: { en: 'Basic' }, threshold: 0 },
            next: { id: 't1', threshold: 100 },
            pointsToNext: 100,
          },
          {
            tier: { id: 'bonus', account: 'other' },
            level: { id: 'b0', name: { en: 'no Bonus' }, threshold: 0 },
            next: { id: 'b1', threshold: 10 },
            pointsToNext: 10,
          },
        ].sort((a, b) => a.tier.id.localeCompare(b.tier.id)),
      },
    );

    // Stored: `_id` is the customer id, no `__v`, the password only as a scrypt string.
    const raw = (await rawCustomer('alice@shop'))!;
    assert.equal('__v' in raw, false);
    assert.match(raw.passwordHash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    assert.equal(await verifyPassword(PLANTED, raw.passwordHash), true);
    assert.equal(await verifyPassword('not-the-password', raw.passwordHash), false);
  });

  test('profile updates the given fields; a new password replaces the hash', async () => {
    const before_ = (await rawCustomer('alice@shop'))!;
    await accept('alice@shop', 'profile', { last_name: 'Hargreaves', password: PLANTED_2 });
    const alice = await readCustomer('alice@shop', 'email firstName lastName');
    assert.deepEqual(alice, { email: 'alice@example.com', firstName: 'Alice', lastName: 'Hargreaves' });
    const raw = (await rawCustomer('alice@shop'))!;
    assert.notEqual(raw.passwordHash, before_.passwordHash);
    assert.equal(await verifyPassword(PLANTED_2, raw.passwordHash), true);
    assert.equal(await verifyPassword(PLANTED, raw.passwordHash), false);
  });

  test('customer on an unknown or malformed id is null', async () => {
    const result = await server
      .as(server.client)
      .graphql(`{ a: customer(id: "nobody") { id } b: customer(id: "not a valid id!") { id } }`);
    assert.deepEqual(dataOf(result), { a: null, b: null });
  });

  test('concurrent opt_in with one id: exactly one is accepted', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => submit('racer', 'opt_in', { first_name: 'R' })));
    const ok = results.filter((r) => r.status === 200 && !r.json.errors);
    assert.equal(ok.length, 1);
    for (const r of results.filter((r) => !ok.includes(r))) assertBadInput(r, /already opted in/);
    assert.equal(
      await db()
        .collection('customers')
        .countDocuments({ _id: 'racer' as any }),
      1,
    );
  });
});

describe('concurrent point events lose no update', () => {
  test('300 concurrent point_add of 1 → score 300', async () => {
    await accept('busy', 'opt_in');
    const results = await Promise.all(Array.from({ length: 300 }, () => submit('busy', 'point_add', { points: 1 })));
    for (const r of results) dataOf(r);
    const busy = await readCustomer('busy', 'score spent spendable events(first: 1) { totalCount }');
    assert.deepEqual(busy, { score: 300, spent: 0, spendable: 300, events: { totalCount: 301 } });
  });

  test('40 concurrent spends of 10 from 300 → exactly 30 accepted, balance 0, never negative', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => submit('busy', 'point_spend', { points: 10 })));
    const accepted = results.filter((r) => r.status === 200 && !r.json.errors);
    assert.equal(accepted.length, 30);
    for (const r of results.filter((r) => !accepted.includes(r))) {
      const error = assertBadInput(r, /^spend of 10 exceeds the spendable balance of 0 on account "standard"$/);
      assert.equal(error.extensions.field, 'data.points');
    }
    // Every accepted spend saw a non-negative balance after it, and all 30 are distinct steps.
    const after_ = accepted.map((r) => r.json.data.submitEvent.customer.spendable).sort((a: number, b: number) => a - b);
    assert.deepEqual(
      after_,
      Array.from({ length: 30 }, (_, i) => i * 10),
    );
    const busy = await readCustomer('busy', 'score spent spendable');
    assert.deepEqual(busy, { score: 300, spent: 300, spendable: 0 });
    const raw = (await rawCustomer('busy'))!;
    assert.deepEqual(counters(raw.accounts.standard), { score: 300, spent: 300, spendable: 0, expired: 0, lots: [] });
  });
});

describe('tier standing on both seed tier structures', () => {
  test('at, below and above each threshold, with next and pointsToNext', async () => {
    await accept('climber', 'opt_in');
    const check = async (expected: Record<string, ReturnType<typeof standing>>) => {
      const c = await readCustomer('climber');
      for (const [tierId, want] of Object.entries(expected)) assert.deepEqual(standing(c, tierId), want, tierId);
      assert.equal(c.tiers.length, 2);
      return c;
    };
    // At both lowest thresholds (0).
    await check({
      standard: { level: 't0', next: 't1', pointsToNext: 100 },
      bonus: { level: 'b0', next: 'b1', pointsToNext: 10 },
    });
    // Below: 9 on `other`, 99 on `standard`. Each tier reads its own account.
    await accept('climber', 'point_add', { points: 9, account: 'other' });
    await check({
      standard: { level: 't0', next: 't1', pointsToNext: 100 },
      bonus: { level: 'b0', next: 'b1', pointsToNext: 1 },
    });
    await accept('climber', 'point_add', { points: 99 });
    await check({
      standard: { level: 't0', next: 't1', pointsToNext: 1 },
      bonus: { level: 'b0', next: 'b1', pointsToNext: 1 },
    });
    // At the top thresholds: 10 and 100.
    await accept('climber', 'point_add', { points: 1, account: 'other' });
    await accept('climber', 'point_add', { points: 1, account: 'standard' });
    await check({
      standard: { level: 't1', next: null, pointsToNext: null },
      bonus: { level: 'b1', next: null, pointsToNext: null },
    });
    // Above, and spending does not lower the standing (score counts points ever earned).
    await accept('climber', 'point_add', { points: 5, account: 'other' });
    await accept('climber', 'point_add', { points: 1 });
    await accept('climber', 'point_spend', { points: 101 });
    await accept('climber', 'point_spend', { points: 15, account: 'other' });
    const c = await check({
      standard: { level: 't1', next: null, pointsToNext: null },
      bonus: { level: 'b1', next: null, pointsToNext: null },
    });
    assert.deepEqual(
      { score: c.score, spent: c.spent, spendable: c.spendable, accounts: c.accounts },
      {
        score: 101,
        spent: 101,
        spendable: 0,
        accounts: [
          { account: 'standard', score: 101, spent: 101, spendable: 0 },
          { account: 'other', score: 15, spent: 15, spendable: 0 },
        ],
      },
    );
  });
});

describe('refused events change nothing', () => {
  before(async () => {
    await accept('victim', 'opt_in', { email: 'v@example.com', first_name: 'Vic', last_name: 'Tim', password: PLANTED });
    await accept('victim', 'point_add', { points: 50 });
  });

  const cases: {
    name: string;
    customer?: string;
    action: string;
    data?: Record<string, unknown>;
    message: RegExp;
    field?: string;
  }[] = [
    {
      name: 'unknown action',
      action: 'point_multiply',
      data: { points: 2 },
      message: /action must be one of opt_in, profile, point_add, point_spend/,
    },
    {
      name: 'unknown customer (point_add)',
      customer: 'ghost',
      action: 'point_add',
      data: { points: 5 },
      message: /unknown customer "ghost"/,
      field: 'customer',
    },
    {
      name: 'unknown customer (point_spend)',
      customer: 'ghost',
      action: 'point_spend',
      data: { points: 5 },
      message: /unknown customer "ghost"/,
      field: 'customer',
    },
    {
      name: 'unknown customer (profile)',
      customer: 'ghost',
      action: 'profile',
      data: { first_name: 'G' },
      message: /unknown customer "ghost"/,
      field: 'customer',
    },
    {
      name: 'malformed customer id',
      customer: 'bad id!',
      action: 'point_add',
      data: { points: 1 },
      message: /customer may contain only/,
    },
    {
      name: 'bad email',
      action: 'profile',
      data: { email: 'not-an-email' },
      message: /data\.email must be an email address/,
      field: 'data.email',
    },
    {
      name: 'null email',
      action: 'profile',
      data: { email: null },
      message: /data\.email must be a string/,
      field: 'data.email',
    },
    {
      name: 'short name',
      action: 'profile',
      data: { first_name: '' },
      message: /data\.first_name must be 1 to 100 characters/,
      field: 'data.first_name',
    },
    {
      name: 'long name',
      action: 'profile',
      data: { last_name: 'x'.repeat(101) },
      message: /data\.last_name must be 1 to 100 characters/,
      field: 'data.last_name',
    },
    {
      name: 'password too short',
      action: 'profile',
      data: { password: 'short' },
      message: /data\.password must be 8 to 200 characters/,
      field: 'data.password',
    },
    {
      name: 'planted password with a bad email',
      action: 'profile',
      data: { email: 'nope', password: PLANTED_2 },
      message: /data\.email/,
      field: 'data.email',
    },
    { name: 'empty profile', action: 'profile', data: {}, message: /at least one of/, field: 'data' },
    {
      name: 'zero points',
      action: 'point_add',
      data: { points: 0 },
      message: /data\.points must be a positive whole number/,
      field: 'data.points',
    },
    {
      name: 'negative points',
      action: 'point_add',
      data: { points: -5 },
      message: /data\.points must be a positive whole number/,
      field: 'data.points',
    },
    {
      name: 'negative spend',
      action: 'point_spend',
      data: { points: -5 },
      message: /data\.points must be a positive whole number/,
      field: 'data.points',
    },
    {
      name: 'fractional points',
      action: 'point_add',
      data: { points: 1.5 },
      message: /data\.points must be a whole number/,
      field: 'data.points',
    },
    {
      name: 'string points',
      action: 'point_add',
      data: { points: '10' },
      message: /data\.points must be a whole number/,
      field: 'data.points',
    },
    {
      name: 'missing points',
      action: 'point_add',
      data: {},
      message: /data\.points must be a whole number/,
      field: 'data.points',
    },
    { name: 'no data for points', action: 'point_spend', message: /data\.points must be a whole number/, field: 'data.points' },
    {
      name: 'too many points',
      action: 'point_add',
      data: { points: 1_000_000_001 },
      message: /at most 1000000000/,
      field: 'data.points',
    },
    {
      name: 'too many points to spend',
      action: 'point_spend',
      data: { points: 1_000_000_001 },
      message: /at most 1000000000/,
      field: 'data.points',
    },
    {
      name: 'customer id of 129 characters',
      customer: 'c'.repeat(129),
      action: 'opt_in',
      data: { first_name: 'Long' },
      message: /customer must be 1 to 128 characters/,
    },
    {
      name: 'first name of 101 characters',
      action: 'profile',
      data: { first_name: 'f'.repeat(101) },
      message: /data\.first_name must be 1 to 100 characters/,
      field: 'data.first_name',
    },
    {
      name: 'email of 255 characters',
      action: 'profile',
      data: { email: emailOfLength(255) },
      message: /data\.email must be/,
      field: 'data.email',
    },
    {
      name: 'password of 7 characters',
      action: 'profile',
      data: { password: PLANTED.slice(0, 7) },
      message: /data\.password must be 8 to 200 characters/,
      field: 'data.password',
    },
    {
      name: 'password of 201 characters',
      action: 'profile',
      data: { password: LONG_PASSWORD + 'x' },
      message: /data\.password must be 8 to 200 characters/,
      field: 'data.password',
    },
    {
      name: 'account name of 65 characters',
      action: 'point_add',
      data: { points: 1, account: 'a'.repeat(65) },
      message: /data\.account must be 1 to 64/,
      field: 'data.account',
    },
    {
      name: 'account name with a dot',
      action: 'point_add',
      data: { points: 1, account: 'a.b' },
      message: /data\.account must be/,
      field: 'data.account',
    },
    {
      name: 'account name with $',
      action: 'point_add',
      data: { points: 1, account: '$inc' },
      message: /data\.account must be/,
      field: 'data.account',
    },
    {
      name: 'spend beyond balance',
      action: 'point_spend',
      data: { points: 51 },
      message: /^spend of 51 exceeds the spendable balance of 50 on account "standard"$/,
      field: 'data.points',
    },
    {
      name: 'spend on an empty account',
      action: 'point_spend',
      data: { points: 1, account: 'other' },
      message: /exceeds the spendable balance of 0 on account "other"/,
      field: 'data.points',
    },
    {
      name: 'duplicate opt_in',
      action: 'opt_in',
      data: { first_name: 'Again', password: PLANTED_2 },
      message: /customer "victim" already opted in/,
      field: 'customer',
    },
    {
      name: 'unknown data key (profile)',
      action: 'profile',
      data: { nickname: 'vt' },
      message: /data key "nickname" is not accepted by profile events; allowed: email, first_name, last_name, password/,
      field: 'data.nickname',
    },
    {
      name: 'unknown data key (points)',
      action: 'point_add',
      data: { points: 1, reason: 'x' },
      message: /data key "reason" is not accepted by point_add events/,
      field: 'data.reason',
    },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const customers = db().collection('customers');
      const before_ = await customers.find({}).sort({ _id: 1 }).toArray();
      const eventsBefore = await db().collection('events').countDocuments();
      const result = await submit(c.customer ?? 'victim', c.action, c.data);
      const error = assertBadInput(result, c.message);
      if (c.field) assert.equal(error.extensions.field, c.field);
      assert.deepEqual(await customers.find({}).sort({ _id: 1 }).toArray(), before_);
      assert.equal(await db().collection('events').countDocuments(), eventsBefore);
    });
  }
});

describe('edges, accepted side (the refused side is in the table above)', () => {
  test('a 128-character id, names of 1 and 100 characters, an email of 254 and a password of 8 are accepted as given', async () => {
    const id = `edge-${'x'.repeat(123)}`;
    assert.equal(id.length, 128);
    const email = emailOfLength(254);
    const password = PLANTED.slice(0, 8);
    const result = await accept(id, 'opt_in', { first_name: 'F', last_name: 'L'.repeat(100), email, password });
    assert.deepEqual([result.accepted, result.customer.id], [true, id]);
    assert.deepEqual(await readCustomer(id, 'id email firstName lastName'), {
      id,
      email,
      firstName: 'F',
      lastName: 'L'.repeat(100),
    });
    assert.equal(await verifyPassword(password, (await rawCustomer(id))!.passwordHash), true);

    await accept(id, 'profile', { password: LONG_PASSWORD });
    assert.equal(await verifyPassword(LONG_PASSWORD, (await rawCustomer(id))!.passwordHash), true);
  });

  test('points of 1 and of the maximum, an account name of 64 characters, and a spend of exactly the balance are accepted', async () => {
    const MAX = 1_000_000_000;
    const account = 'a'.repeat(64);
    await accept('edge-points', 'opt_in');
    assert.deepEqual((await accept('edge-points', 'point_add', { points: 1 })).customer.score, 1);
    assert.deepEqual((await accept('edge-points', 'point_add', { points: MAX })).customer.score, MAX + 1);
    const onLong = await accept('edge-points', 'point_add', { points: 1, account });
    assert.deepEqual(
      onLong.customer.accounts.find((a: any) => a.account === account),
      { account, score: 1, spent: 0, spendable: 1 },
    );
    assert.equal((await accept('edge-points', 'point_spend', { points: MAX })).customer.spendable, 1);
    assert.equal((await accept('edge-points', 'point_spend', { points: 1 })).customer.spendable, 0);
    assert.deepEqual(await readCustomer('edge-points', 'score spent spendable'), {
      score: MAX + 1,
      spent: MAX + 1,
      spendable: 0,
    });
    const raw = (await rawCustomer('edge-points'))!.accounts;
    assert.deepEqual(Object.keys(raw).sort(), [account, 'standard'].sort());
    assert.deepEqual(counters(raw.standard), { score: MAX + 1, spent: MAX + 1, spendable: 0, expired: 0, lots: [] });
    assert.deepEqual(counters(raw[account]), {
      score: 1,
      spent: 0,
      spendable: 1,
      expired: 0,
      lots: [{ points: 1, expiresAt: null }],
    });
  });
});

describe('events history', () => {
  test('kept without password, with the key hint, paged newest first without repetition', async () => {
    await accept('historian', 'opt_in', { email: 'h@example.com', password: PLANTED });
    for (let i = 1; i <= 24; i++) await accept('historian', 'point_add', { points: i });

    const raw = await db().collection('events').find({ customer: 'historian' }).sort({ occurredAt: 1, _id: 1 }).toArray();
    assert.equal(raw.length, 25);
    assert.deepEqual(raw[0].data, { email: 'h@example.com' });
    assert.equal('password' in raw[0].data, false);
    assert.equal(raw[0].apiKeyHint, `***${server.client.key.slice(-4)}`);
    assert.deepEqual(raw[24].data, { points: 24, account: 'standard' });
    assert.ok(raw[0].occurredAt instanceof Date);

    const seen: any[] = [];
    let after_: string | null = null;
    let pages = 0;
    for (;;) {
      const page: any = await readCustomer(
        'historian',
        `events(first: 7, after: ${after_ ? JSON.stringify(after_) : 'null'}) {
          totalCount pageInfo { hasNextPage endCursor } nodes { id action data occurredAt } }`,
      );
      pages++;
      assert.equal(page.events.totalCount, 25);
      seen.push(...page.events.nodes);
      if (!page.events.pageInfo.hasNextPage) break;
      after_ = page.events.pageInfo.endCursor;
      assert.ok(pages < 10, 'paging does not end');
    }
    assert.equal(pages, 4);
    assert.equal(new Set(seen.map((e) => e.id)).size, 25);
    assert.deepEqual(
      seen.map((e) => (e.action === 'opt_in' ? 'opt_in' : e.data.points)),
      [...Array.from({ length: 24 }, (_, i) => 24 - i), 'opt_in'],
    );
    for (let i = 1; i < seen.length; i++) assert.ok(Date.parse(seen[i - 1].occurredAt) >= Date.parse(seen[i].occurredAt));

    const bad = await server
      .as(server.client)
      .graphql(`{ customer(id: "historian") { events(after: "garbage") { totalCount } } }`);
    assertBadInput(bad, /"after" is not/);

    // Page size on both sides of the largest page (200).
    const largest = await readCustomer('historian', 'events(first: 200) { totalCount nodes { id } pageInfo { hasNextPage } }');
    assert.deepEqual(
      [largest.events.nodes.map((e: any) => e.id), largest.events.pageInfo.hasNextPage],
      [seen.map((e) => e.id), false],
    );
    const tooLarge = await server
      .as(server.client)
      .graphql(`{ customer(id: "historian") { events(first: 201) { totalCount } } }`);
    assertBadInput(tooLarge, /"first" must be between 0 and 200, got 201/);
  });
});

describe('the password never leaves the hash', () => {
  test('no response, customer, event or error log document holds a planted password', async () => {
    // The refused events above were failed calls: let the error log write them first.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await server.app.services.errorLog.recorder.flush(), true);
    const errorLogs = await db().collection('error_logs').find({}).toArray();
    assert.ok(errorLogs.length >= 20, `expected the refused events in the error log, found ${errorLogs.length}`);
    // The planted password travelled in one of the logged requests, masked.
    assert.ok(errorLogs.some((d) => JSON.stringify(d.request).includes('"password":"***"')));

    for (const name of ['customers', 'events', 'error_logs']) {
      const docs = await db().collection(name).find({}).toArray();
      assert.ok(docs.length > 0, name);
      for (const doc of docs) {
        const text = JSON.stringify(doc);
        for (const secret of [PLANTED, PLANTED_2, LONG_PASSWORD])
          assert.equal(text.includes(secret), false, `${name}: ${text.slice(0, 300)}`);
      }
    }
    const hashes = (
      await db()
        .collection('customers')
        .find({ passwordHash: { $exists: true } })
        .toArray()
    ).map((d) => d.passwordHash);
    assert.ok(hashes.length >= 3);
    for (const h of hashes) assert.match(h, /^scrypt\$/);

    assert.ok(responses.length > 300);
    for (const text of responses) {
      for (const secret of [PLANTED, PLANTED_2, LONG_PASSWORD]) assert.equal(text.includes(secret), false, text.slice(0, 300));
      assert.equal(/scrypt\$/.test(text), false);
    }
    // No field of the schema could return it either.
    const fields = await server.as(server.client).graphql(`{ __type(name: "Customer") { fields { name } } }`);
    const names = dataOf(fields).__type.fields.map((f: any) => f.name.toLowerCase());
    assert.equal(
      names.some((n: string) => n.includes('password') || n.includes('hash')),
      false,
    );
  });
});

describe('an event whose history entry the database refuses', () => {
  // A unique index planted on the history of two customers: a second event of the same
  // action passes validation and its customer write, but its history insert is refused.
  const PLANTED_INDEX = 'planted_one_event_per_action';

  before(async () => {
    await accept('fragile', 'opt_in', { email: 'f@example.com' });
    await accept('fragile', 'point_add', { points: 40 });
    await accept('fragile', 'point_spend', { points: 5 });
    await accept('fragile', 'profile', { last_name: 'Glass' });
    // A stray history entry for a customer that has not opted in yet.
    await db().collection('events').insertOne({ customer: 'fragile-new', action: 'opt_in', data: {}, occurredAt: new Date() });
    await db()
      .collection('events')
      .createIndex(
        { customer: 1, action: 1 },
        { name: PLANTED_INDEX, unique: true, partialFilterExpression: { customer: { $gte: 'fragile', $lte: 'fragile-new' } } },
      );
  });
  after(async () => {
    await db().collection('events').dropIndex(PLANTED_INDEX);
  });

  const cases = [
    { action: 'point_add', data: { points: 7 } },
    { action: 'point_spend', data: { points: 3 } },
    { action: 'profile', data: { first_name: 'Fra', password: PLANTED_2 } },
    { action: 'opt_in', data: { email: 'f2@example.com' }, customer: 'fragile-new' },
  ];

  for (const c of cases) {
    test(`${c.action}: the customer change is rolled back and the call fails with INTERNAL_SERVER_ERROR`, async (t) => {
      if (!supportsTransactions(await db().admin().command({ hello: 1 }))) {
        t.skip('the server has no transactions: the customer change stands and the history entry is missing (logged)');
        return;
      }
      const customersBefore = await db().collection('customers').find({}).sort({ _id: 1 }).toArray();
      const eventsBefore = await db().collection('events').find({}).sort({ _id: 1 }).toArray();
      const result = await submit(c.customer ?? 'fragile', c.action, c.data);
      const error = firstError(result);
      assert.equal(result.status, 500, result.text);
      assert.equal(error.extensions.code, 'INTERNAL_SERVER_ERROR', result.text);
      assert.match(error.message, /^Internal server error \(request id [^)]+\)$/);
      assert.equal(result.json.data?.submitEvent ?? null, null);
      assert.deepEqual(await db().collection('customers').find({}).sort({ _id: 1 }).toArray(), customersBefore);
      assert.deepEqual(await db().collection('events').find({}).sort({ _id: 1 }).toArray(), eventsBefore);
    });
  }
});
