import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataOf, firstError, type TestServer } from '../support/server';
import { counter, evaluationOf, item, offer, optIn, putOffers, redeem, startServer, storedState } from './support';

let server: TestServer;
before(async () => {
  server = await startServer();
  for (const c of ['c1', 'c2', 'c3', 'c4']) await optIn(server, c);
});
after(async () => {
  await server.stop();
});

const CART = { items: [item('p1', 1, 10)] };
let txn = 0;
const nextTxn = () => `t-${++txn}`;

async function accepted(input: Record<string, unknown>) {
  return dataOf(await redeem(server, { transactionId: nextTxn(), ...input })).redeemOffer;
}

/** A refusal: 400, BAD_USER_INPUT, the reason, and nothing stored changed. */
async function refused(input: Record<string, unknown>, reason: string | undefined, message?: RegExp) {
  const before = await storedState(server);
  const result = await redeem(server, { transactionId: nextTxn(), ...input });
  assert.equal(result.status, 400, result.text);
  const error = firstError(result);
  assert.equal(error.extensions.code, 'BAD_USER_INPUT');
  assert.equal(error.extensions.reason, reason, result.text);
  if (message) assert.match(error.message, message);
  assert.equal(result.json.data ?? null, null);
  assert.deepEqual(await storedState(server), before);
}

describe('redeemOffer: a redemption and its record', () => {
  test('records one use, counted for the customer, and lists it on Customer.redemptions', async () => {
    await putOffers(server, [offer('r1', { applications: 5 })]);
    const r = await accepted({ customer: 'c1', offer: 'r1', transactionId: 'order-1', at: '2026-03-04T05:06:07.000Z' });
    assert.equal(r.offerId, 'r1');
    assert.deepEqual(r.offer, { id: 'r1' });
    assert.equal(r.customerId, 'c1');
    assert.equal(r.transactionId, 'order-1');
    assert.equal(r.redeemedAt, '2026-03-04T05:06:07.000Z');
    assert.equal(r.duplicate, false);
    assert.match(r.id, /^[0-9a-f]{24}$/);
    assert.ok(Math.abs(Date.parse(r.recordedAt) - Date.now()) < 60_000);
    const c = await counter(server, ['c', 'r1', 'c1']);
    assert.equal(c.uses, 1);
    assert.deepEqual(c.periods, { 'd2026-03-04': 1, 'w2026-03-02': 1, 'm2026-03': 1, y2026: 1 });
  });

  test('`at` defaults to now; within the clock skew it may lie ahead; beyond it is refused', async () => {
    await putOffers(server, [offer('r2')]);
    const now = await accepted({ customer: 'c1', offer: 'r2' });
    assert.ok(Math.abs(Date.parse(now.redeemedAt) - Date.now()) < 60_000);
    const skewMs = server.config.signatureClockSkewSeconds * 1000;
    await accepted({ customer: 'c1', offer: 'r2', at: new Date(Date.now() + skewMs - 30_000).toISOString() });
    await refused({ customer: 'c1', offer: 'r2', at: new Date(Date.now() + skewMs + 30_000).toISOString() }, undefined, /future/);
    // The past is fine: a shop replaying orders.
    await accepted({ customer: 'c1', offer: 'r2', at: '2001-01-01T00:00:00Z' });
  });

  test('unknown offer or customer: BAD_USER_INPUT naming it, nothing stored', async () => {
    await putOffers(server, [offer('r3')]);
    await refused({ customer: 'c1', offer: 'missing' }, undefined, /unknown offer "missing"/);
    await refused({ customer: 'ghost', offer: 'r3' }, undefined, /unknown customer "ghost"/);
  });

  test('Customer.redemptions: newest first (by the time of use), in pages', async () => {
    await putOffers(server, [offer('h1'), offer('h2')]);
    for (const [o, at] of [
      ['h1', '2026-01-02T00:00:00Z'],
      ['h2', '2026-01-05T00:00:00Z'],
      ['h1', '2026-01-01T00:00:00Z'],
      ['h2', '2026-01-03T00:00:00Z'],
    ]) {
      await accepted({ customer: 'c4', offer: o, at });
    }
    const page = async (after?: string) =>
      dataOf(
        await server.as(server.client).graphql(
          `query($after: String) { customer(id: "c4") { redemptions(first: 3, after: $after) {
            nodes { offerId redeemedAt duplicate } totalCount pageInfo { hasNextPage endCursor } } } }`,
          { after },
        ),
      ).customer.redemptions;
    const first = await page();
    assert.deepEqual(
      first.nodes.map((n: any) => [n.offerId, n.redeemedAt.slice(0, 10), n.duplicate]),
      [
        ['h2', '2026-01-05', false],
        ['h2', '2026-01-03', false],
        ['h1', '2026-01-02', false],
      ],
    );
    assert.equal(first.totalCount, 4);
    assert.equal(first.pageInfo.hasNextPage, true);
    const second = await page(first.pageInfo.endCursor);
    assert.deepEqual(
      second.nodes.map((n: any) => n.redeemedAt.slice(0, 10)),
      ['2026-01-01'],
    );
    assert.equal(second.pageInfo.hasNextPage, false);
  });
});

describe('redeemOffer: every refusal reason, nothing changed', () => {
  const START = '2026-06-01T00:00:00.000Z';
  const END = '2026-07-01T00:00:00.000Z';
  const before1ms = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();

  test('time and issuance windows, on both sides of each bound', async () => {
    await putOffers(server, [
      offer('run', { starts_at: START, ends_at: END }),
      offer('issue', { issuance_start_at: START, issuance_end_at: END }),
    ]);
    for (const id of ['run', 'issue']) {
      const [early, late] = id === 'run' ? ['NOT_STARTED', 'ENDED'] : ['NOT_ISSUED_YET', 'ISSUANCE_ENDED'];
      await refused({ customer: 'c1', offer: id, at: before1ms(START) }, early);
      await accepted({ customer: 'c1', offer: id, at: START });
      await accepted({ customer: 'c1', offer: id, at: before1ms(END) });
      await refused({ customer: 'c1', offer: id, at: END }, late);
    }
  });

  test('APPLICATIONS_USED: per customer, ever', async () => {
    await putOffers(server, [offer('apps', { applications: 2 }), offer('none', { applications: 0 })]);
    await accepted({ customer: 'c1', offer: 'apps', at: '2020-01-01T00:00:00Z' });
    await accepted({ customer: 'c1', offer: 'apps' });
    await refused({ customer: 'c1', offer: 'apps' }, 'APPLICATIONS_USED');
    await accepted({ customer: 'c2', offer: 'apps' });
    await refused({ customer: 'c1', offer: 'none' }, 'APPLICATIONS_USED');
    assert.equal((await counter(server, ['c', 'apps', 'c1'])).uses, 2);
    const e = await evaluationOf(server, 'apps', { customer: 'c1', cart: CART });
    assert.deepEqual([e.eligible, e.reasons, e.discount], [false, ['APPLICATIONS_USED'], 0]);
    assert.deepEqual((await evaluationOf(server, 'apps', { customer: 'c2', cart: CART })).reasons, []);
    // No customer: per-customer limits are not known, so not reported.
    assert.deepEqual((await evaluationOf(server, 'apps', { cart: CART })).reasons, []);
  });

  const periods: [string, string, string, string][] = [
    // period, two instants in one period, the first instant of the next
    ['day', '2026-05-10T00:00:00.000Z', '2026-05-10T23:59:59.999Z', '2026-05-11T00:00:00.000Z'],
    // 2026-05-11 is a Monday; the week runs to Sunday 2026-05-17.
    ['week', '2026-05-11T00:00:00.000Z', '2026-05-17T23:59:59.999Z', '2026-05-18T00:00:00.000Z'],
    ['month', '2026-02-01T00:00:00.000Z', '2026-02-28T23:59:59.999Z', '2026-03-01T00:00:00.000Z'],
    ['year', '2025-01-01T00:00:00.000Z', '2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z'],
  ];
  for (const [period, first, last, next] of periods) {
    test(`FREQUENCY per calendar ${period} (UTC), per customer`, async () => {
      const id = `freq-${period}`;
      await putOffers(server, [offer(id, { redemption_frequency_threshold: 1, redemption_frequency_period: period })]);
      await accepted({ customer: 'c1', offer: id, at: first });
      await refused({ customer: 'c1', offer: id, at: last }, 'FREQUENCY');
      await accepted({ customer: 'c2', offer: id, at: last });
      await accepted({ customer: 'c1', offer: id, at: next });
      // The period before the first one is its own too.
      await accepted({ customer: 'c1', offer: id, at: before1ms(first) });
      const e = await evaluationOf(server, id, { customer: 'c1', at: last, cart: CART });
      assert.deepEqual(e.reasons, ['FREQUENCY']);
    });
  }

  test('a week starts on Monday: Sunday and the next Monday are different weeks', async () => {
    await putOffers(server, [offer('weekly', { redemption_frequency_threshold: 1, redemption_frequency_period: 'week' })]);
    await accepted({ customer: 'c3', offer: 'weekly', at: '2025-11-30T12:00:00Z' }); // Sunday
    await accepted({ customer: 'c3', offer: 'weekly', at: '2025-12-01T00:00:00Z' }); // Monday
    await refused({ customer: 'c3', offer: 'weekly', at: '2025-12-07T23:59:59Z' }, 'FREQUENCY'); // the Sunday after
  });

  test('OUT_OF_STOCK: a global inventory for all customers together', async () => {
    await putOffers(server, [offer('stock', { inventory_size: 2, inventory_scope: 'global' })]);
    await accepted({ customer: 'c1', offer: 'stock' });
    await accepted({ customer: 'c2', offer: 'stock' });
    await refused({ customer: 'c3', offer: 'stock' }, 'OUT_OF_STOCK');
    assert.equal((await counter(server, ['g', 'stock'])).uses, 2);
    for (const customer of ['c3', undefined]) {
      const e = await evaluationOf(server, 'stock', { customer, cart: CART });
      assert.deepEqual(e.reasons, ['OUT_OF_STOCK']);
    }
  });

  test('OUT_OF_STOCK: a per-customer inventory (scope customer)', async () => {
    await putOffers(server, [offer('mine', { inventory_size: 1, inventory_scope: 'customer' })]);
    await accepted({ customer: 'c1', offer: 'mine' });
    await refused({ customer: 'c1', offer: 'mine' }, 'OUT_OF_STOCK');
    await accepted({ customer: 'c2', offer: 'mine' });
    assert.deepEqual((await evaluationOf(server, 'mine', { customer: 'c1', cart: CART })).reasons, ['OUT_OF_STOCK']);
    assert.deepEqual((await evaluationOf(server, 'mine', { customer: 'c3', cart: CART })).reasons, []);
  });

  test('every limit reason at once, in order, next to the rule reasons', async () => {
    const at = '2026-08-10T10:00:00.000Z';
    await putOffers(server, [
      offer('all-limits', {
        ends_at: '2026-08-10T11:00:00.000Z',
        applications: 1,
        redemption_frequency_threshold: 1,
        redemption_frequency_period: 'day',
        inventory_size: 1,
        inventory_scope: 'global',
      }),
    ]);
    await accepted({ customer: 'c1', offer: 'all-limits', at });
    const e = await evaluationOf(server, 'all-limits', { customer: 'c1', at: '2026-08-10T12:00:00.000Z', cart: CART });
    assert.deepEqual(e.reasons, ['ENDED', 'APPLICATIONS_USED', 'FREQUENCY', 'OUT_OF_STOCK']);
    // A refusal names the first reason.
    await refused({ customer: 'c1', offer: 'all-limits', at }, 'APPLICATIONS_USED');
    await refused({ customer: 'c2', offer: 'all-limits', at }, 'OUT_OF_STOCK');
  });

  test('INVALID_RULES: an offer whose stored rules cannot be evaluated', async () => {
    await putOffers(server, [], [offer('broken', { discount: { type: 'percent discount', target: 'all items' } })]);
    await refused({ customer: 'c1', offer: 'broken' }, 'INVALID_RULES', /discount\.value/);
  });
});

describe('redeemOffer: transactionId', () => {
  test('the same offer and transactionId again answers the first redemption, counted once', async () => {
    await putOffers(server, [offer('dup', { inventory_size: 1, inventory_scope: 'global' }), offer('other')]);
    const first = await accepted({ customer: 'c1', offer: 'dup', transactionId: 'same' });
    // Even now that the inventory is used up, and with another `at`.
    const again = dataOf(
      await redeem(server, { customer: 'c1', offer: 'dup', transactionId: 'same', at: '2020-01-01T00:00:00Z' }),
    ).redeemOffer;
    assert.deepEqual(again, { ...first, duplicate: true });
    assert.equal((await counter(server, ['g', 'dup'])).uses, 1);
    assert.equal((await counter(server, ['c', 'dup', 'c1'])).uses, 1);
    // The same transactionId on another offer is another redemption.
    const other = await accepted({ customer: 'c1', offer: 'other', transactionId: 'same' });
    assert.equal(other.duplicate, false);
    assert.notEqual(other.id, first.id);
  });

  test('concurrently: 30 calls with one transactionId store one redemption and count once', async () => {
    await putOffers(server, [offer('dup-c', { applications: 100 })]);
    const results = await Promise.all(
      Array.from({ length: 30 }, () => redeem(server, { customer: 'c2', offer: 'dup-c', transactionId: 'race' })),
    );
    const answers = results.map((r) => dataOf(r).redeemOffer);
    assert.equal(answers.filter((a) => !a.duplicate).length, 1);
    assert.equal(new Set(answers.map((a) => a.id)).size, 1);
    assert.equal((await counter(server, ['c', 'dup-c', 'c2'])).uses, 1);
    const stored = await server.app.connection.db!.collection('offer_redemptions').countDocuments({ offer: 'dup-c' });
    assert.equal(stored, 1);
  });
});

describe('redeemOffer: limits hold under concurrency', () => {
  async function race(offerId: string, calls: { customer: string }[]) {
    const results = await Promise.all(
      calls.map(({ customer }) => redeem(server, { customer, offer: offerId, transactionId: nextTxn() })),
    );
    const ok = results.filter((r) => r.status === 200 && !r.json.errors);
    const reasons = results.filter((r) => r.status !== 200).map((r) => firstError(r).extensions.reason);
    assert.equal(ok.length + reasons.length, calls.length, 'every call either succeeded or was refused');
    return { ok, reasons };
  }
  const redemptionsOf = (offerId: string, customer?: string) =>
    server.app.connection
      .db!.collection('offer_redemptions')
      .countDocuments({ offer: offerId, ...(customer ? { customer } : {}) });

  test('200 concurrent redemptions of a global inventory of 10: exactly 10', async () => {
    await putOffers(server, [offer('hot', { inventory_size: 10, inventory_scope: 'global' })]);
    const customers = ['c1', 'c2', 'c3', 'c4'];
    const { ok, reasons } = await race(
      'hot',
      Array.from({ length: 200 }, (_, i) => ({ customer: customers[i % 4] })),
    );
    assert.equal(ok.length, 10);
    assert.ok(reasons.every((r) => r === 'OUT_OF_STOCK'));
    assert.equal((await counter(server, ['g', 'hot'])).uses, 10);
    assert.equal(await redemptionsOf('hot'), 10);
  });

  test('a per-customer inventory of 3: exactly 3 for each of two customers out of 40 calls each', async () => {
    await putOffers(server, [offer('each', { inventory_size: 3, inventory_scope: 'customer' })]);
    const { ok, reasons } = await race('each', [
      ...Array.from({ length: 40 }, () => ({ customer: 'c1' })),
      ...Array.from({ length: 40 }, () => ({ customer: 'c2' })),
    ]);
    assert.equal(ok.length, 6);
    assert.ok(reasons.every((r) => r === 'OUT_OF_STOCK'));
    assert.equal(await redemptionsOf('each', 'c1'), 3);
    assert.equal(await redemptionsOf('each', 'c2'), 3);
  });

  test('frequency 2 a day: exactly 2 out of 40 concurrent calls', async () => {
    await putOffers(server, [offer('daily', { redemption_frequency_threshold: 2, redemption_frequency_period: 'day' })]);
    const { ok, reasons } = await race(
      'daily',
      Array.from({ length: 40 }, () => ({ customer: 'c3' })),
    );
    assert.equal(ok.length, 2);
    assert.ok(reasons.every((r) => r === 'FREQUENCY'));
    assert.equal(await redemptionsOf('daily', 'c3'), 2);
  });

  test('applications 4: exactly 4 out of 40 concurrent calls', async () => {
    await putOffers(server, [offer('apps-race', { applications: 4 })]);
    const { ok, reasons } = await race(
      'apps-race',
      Array.from({ length: 40 }, () => ({ customer: 'c4' })),
    );
    assert.equal(ok.length, 4);
    assert.ok(reasons.every((r) => r === 'APPLICATIONS_USED'));
    assert.equal((await counter(server, ['c', 'apps-race', 'c4'])).uses, 4);
    assert.equal(await redemptionsOf('apps-race', 'c4'), 4);
  });
});
