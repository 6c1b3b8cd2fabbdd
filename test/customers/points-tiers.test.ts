import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataOf, firstError, startTestServer, type TestServer } from '../support/server';
import type { HttpResult } from '../support/http';

// Issue 11 over HTTP: tier windows at their edges (events backdated relative to now), point
// expiry, FIFO spending, idempotent and bulk events, and every refusal leaving nothing behind.
// Expected tier figures come from an oracle that applies the rules of CONTRACT §8 to the events
// at each midnight ahead, independently of the server's per-day buckets.

const DAY = 86_400_000;

const SUBMIT = `mutation Submit($input: EventInput!) {
  submitEvent(input: $input) { accepted duplicate error { code } customer { id score spent spendable expired expiringPoints { points expiresAt } } }
}`;
const SUBMIT_MANY = `mutation SubmitMany($inputs: [EventInput!]!) {
  submitEvents(inputs: $inputs) {
    accepted refused
    results { accepted duplicate error { code message field } customer { id score spendable } }
  }
}`;
const TIER_FIELDS = `tiers { tier { id } level { id } next { id } pointsToNext points expiresAt pointsAfterExpiration }`;

let server: TestServer;

function utcDay(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** `day` plus whole calendar months, the day of month clamped to the month's last day. */
function plusMonths(day: number, months: number): number {
  const d = new Date(day);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months + 1, 0)).getUTCDate();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, Math.min(d.getUTCDate(), last));
}

function monthDay(t: number): string {
  return new Date(t).toISOString().slice(5, 10);
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

/** Date-dependent tests must not straddle midnight UTC between their events and their read. */
async function awayFromMidnight(): Promise<void> {
  const left = utcDay(Date.now()) + DAY - Date.now();
  if (left < 30_000) await new Promise((resolve) => setTimeout(resolve, left + 1000));
}

interface Earned {
  at: number;
  points: number;
}

type Rule =
  { type: 'none' } | { type: 'rolling'; months: number } | { type: 'calendar'; dates: string[] } | { type: 'anniversary' };

/** Occurrences of yearly "MM-DD" dates (clamped) in the years around `t`. */
function yearly(dates: string[], t: number): number[] {
  const year = new Date(t).getUTCFullYear();
  return dates.flatMap((md) => {
    const [m, d] = md.split('-').map(Number);
    return [year - 1, year, year + 1].map((y) => {
      const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
      return Date.UTC(y, m - 1, Math.min(d, last));
    });
  });
}

/** Tier points at instant `t` straight from the rule. */
function tierPointsAt(rule: Rule, events: Earned[], optedIn: number, t: number): number {
  const counted = (e: Earned) => {
    switch (rule.type) {
      case 'none':
        return true;
      case 'rolling':
        return t < plusMonths(utcDay(e.at), rule.months);
      case 'calendar':
      case 'anniversary': {
        const dates = rule.type === 'calendar' ? rule.dates : [monthDay(optedIn)];
        const start = Math.max(...yearly(dates, t).filter((s) => s <= t));
        return e.at >= start;
      }
    }
  };
  return events.filter(counted).reduce((sum, e) => sum + e.points, 0);
}

/** What the server must answer: points now, and the first midnight ahead at which they drop. */
function expected(rule: Rule, events: Earned[], optedIn: number, now: number) {
  const points = tierPointsAt(rule, events, optedIn, now);
  for (let t = utcDay(now) + DAY; t < now + 800 * DAY; t += DAY) {
    const later = tierPointsAt(rule, events, optedIn, t);
    if (later < points) return { points, expiresAt: iso(t), pointsAfterExpiration: later };
  }
  return { points, expiresAt: null, pointsAfterExpiration: null };
}

async function submit(input: Record<string, unknown>): Promise<HttpResult> {
  return server.as(server.client).graphql(SUBMIT, { input });
}

async function accept(customer: string, action: string, data?: Record<string, unknown>, externalId?: string) {
  const result = await submit({ customer, action, data, externalId });
  assert.equal(result.json?.errors, undefined, result.text);
  return dataOf(result).submitEvent;
}

async function read(id: string, fields: string) {
  const result = await server.as(server.client).graphql(`query($id: ID!) { customer(id: $id) { ${fields} } }`, { id });
  assert.equal(result.json?.errors, undefined, result.text);
  return dataOf(result).customer;
}

function db() {
  return server.app.connection.db!;
}

async function snapshot() {
  return {
    customers: await db().collection('customers').find({}).sort({ _id: 1 }).toArray(),
    events: await db().collection('events').find({}).sort({ _id: 1 }).toArray(),
  };
}

function assertRefused(result: HttpResult, field: string, message?: RegExp) {
  assert.equal(result.status, 400, result.text);
  const error = firstError(result);
  assert.equal(error.extensions.code, 'BAD_USER_INPUT', result.text);
  assert.equal(error.extensions.field, field, result.text);
  if (message) assert.match(error.message, message);
}

const level = (id: string, threshold: number) => ({ id, name: { en: id }, threshold });
const tier = (id: string, account: string, rules: Record<string, unknown>, thresholds = [0, 25]) => ({
  id,
  name: id,
  rolling_months: '12',
  calendar_expirations: [],
  account,
  status: 'active',
  type: 'point_based',
  expiration_type: 'none',
  ...rules,
  tiers: thresholds.map((t, i) => level(`${id}-${i}`, t)),
});

const today = utcDay(Date.now());
const TIERS = [
  tier('w-roll', 'roll', { expiration_type: 'rolling', rolling_months: '12' }),
  tier('w-roll-3', 'roll', { expiration_type: 'rolling', rolling_months: 3 }),
  tier('w-none', 'roll', { expiration_type: 'none' }),
  tier('w-off', 'roll', { expiration_type: 'none', status: 'inactive' }),
  tier('w-cal-today', 'cal', {
    expiration_type: 'calendar',
    calendar_expirations: [monthDay(today), monthDay(today + 40 * DAY)],
  }),
  tier('w-cal-tomorrow', 'cal', { expiration_type: 'calendar', calendar_expirations: [monthDay(today + DAY)] }),
  tier('w-anniv', 'anniv', { expiration_type: 'anniversary' }),
];
const RULES: Record<string, Rule> = {
  'w-roll': { type: 'rolling', months: 12 },
  'w-roll-3': { type: 'rolling', months: 3 },
  'w-none': { type: 'none' },
  'w-cal-today': { type: 'calendar', dates: [monthDay(today), monthDay(today + 40 * DAY)] },
  'w-cal-tomorrow': { type: 'calendar', dates: [monthDay(today + DAY)] },
  'w-anniv': { type: 'anniversary' },
};

before(async () => {
  server = await startTestServer();
  const imported = await server
    .as(server.admin)
    .graphql(`mutation($documents: [JSONObject!]!) { importEntities(entity: TIER, documents: $documents) { ids } }`, {
      documents: TIERS,
    });
  assert.equal(imported.json?.errors, undefined, imported.text);
});
after(async () => {
  await server.stop();
});

/** Opts `id` in at `optedIn`, adds `events` on `account` in order, and checks every tier of the account against the oracle. */
async function checkWindows(id: string, account: string, optedIn: number, events: Earned[], tierIds: string[]) {
  await accept(id, 'opt_in', { effective_timestamp: iso(optedIn) });
  for (const e of events) await accept(id, 'point_add', { points: e.points, account, effective_timestamp: iso(e.at) });
  const customer = await read(id, `createdAt ${TIER_FIELDS}`);
  const now = Date.now();
  assert.equal(customer.createdAt, iso(optedIn));
  const standings: Record<string, unknown> = {};
  for (const t of customer.tiers) {
    standings[t.tier.id] = { points: t.points, expiresAt: t.expiresAt, pointsAfterExpiration: t.pointsAfterExpiration };
    // The level follows the tier points.
    const thresholds = [0, 25];
    const reached = thresholds.filter((x) => x <= t.points).length;
    assert.equal(t.level.id, `${t.tier.id}-${reached - 1}`);
    assert.equal(t.next?.id ?? null, reached < thresholds.length ? `${t.tier.id}-${reached}` : null);
    assert.equal(t.pointsToNext, reached < thresholds.length ? thresholds[reached] - t.points : null);
  }
  const want: Record<string, unknown> = {};
  for (const tierId of tierIds) want[tierId] = expected(RULES[tierId], events, optedIn, now);
  assert.deepEqual(Object.fromEntries(Object.entries(standings).filter(([tierId]) => tierIds.includes(tierId))), want);
  return standings as Record<string, { points: number; expiresAt: string | null; pointsAfterExpiration: number | null }>;
}

describe('tier windows at, just inside and just outside their edges', () => {
  test('rolling 12 and 3 months: a day leaving at today 00:00 is out, the next day is in and sets expiresAt; none counts all; inactive tiers are not evaluated', async () => {
    await awayFromMidnight();
    const now = Date.now();
    const todayNow = utcDay(now);
    // The latest day whose 12 months ended at or before today 00:00: it is just out.
    let out = todayNow - 400 * DAY;
    while (plusMonths(out + DAY, 12) <= todayNow) out += DAY;
    assert.ok(plusMonths(out, 12) <= todayNow && plusMonths(out + DAY, 12) > todayNow);
    const events = [
      { at: out + DAY - 1, points: 10 }, // last millisecond of the day that left at today 00:00
      { at: out + DAY, points: 20 }, // first instant of the day that leaves next
      { at: todayNow - 100 * DAY, points: 4 }, // out of the 3-month window, in the 12-month one
      { at: now - 5000, points: 1 },
    ];
    const s = await checkWindows('roll-edges', 'roll', now - 3 * 365 * DAY, events, ['w-roll', 'w-roll-3', 'w-none']);
    assert.equal(s['w-roll'].points, 25);
    assert.equal(s['w-roll'].expiresAt, iso(plusMonths(out + DAY, 12)));
    assert.equal(s['w-roll'].pointsAfterExpiration, 5);
    assert.equal(s['w-none'].points, 35);
    assert.equal(s['w-none'].expiresAt, null);
    assert.equal(s['w-none'].pointsAfterExpiration, null);
    assert.equal(s['w-roll-3'].points, 1);
    assert.equal(s['w-off'], undefined);
  });

  test('calendar: a restart at today 00:00 leaves yesterday out and counts from 00:00:00.000; a restart tomorrow keeps yesterday in', async () => {
    await awayFromMidnight();
    const now = Date.now();
    const todayNow = utcDay(now);
    const events = [
      { at: todayNow - 1, points: 10 },
      { at: todayNow, points: 20 },
      { at: now - 5000, points: 5 },
    ];
    const s = await checkWindows('cal-edges', 'cal', now - 3 * 365 * DAY, events, ['w-cal-today', 'w-cal-tomorrow']);
    assert.deepEqual(s['w-cal-today'], { points: 25, expiresAt: iso(todayNow + 40 * DAY), pointsAfterExpiration: 0 });
    assert.deepEqual(s['w-cal-tomorrow'], { points: 35, expiresAt: iso(todayNow + DAY), pointsAfterExpiration: 0 });
  });

  test('anniversary: today is the anniversary (yesterday out, today 00:00 in); tomorrow is the anniversary (yesterday in until tomorrow)', async () => {
    await awayFromMidnight();
    const now = Date.now();
    const todayNow = utcDay(now);
    const twoYears = (day: number) => {
      const d = new Date(day);
      return Date.UTC(d.getUTCFullYear() - 2, d.getUTCMonth(), d.getUTCDate(), 15);
    };
    const events = [
      { at: todayNow - 1, points: 10 },
      { at: todayNow, points: 20 },
    ];
    const a = await checkWindows('anniv-today', 'anniv', twoYears(todayNow), events, ['w-anniv']);
    assert.equal(a['w-anniv'].points, 20);
    const b = await checkWindows('anniv-tomorrow', 'anniv', twoYears(todayNow + DAY), events.slice(0, 1), ['w-anniv']);
    assert.deepEqual(b['w-anniv'], { points: 10, expiresAt: iso(todayNow + DAY), pointsAfterExpiration: 0 });
  });

  test('spends do not lower tier points', async () => {
    await accept('spender', 'opt_in');
    await accept('spender', 'point_add', { points: 30, account: 'roll' });
    await accept('spender', 'point_spend', { points: 30, account: 'roll' });
    const c = await read('spender', `accounts { account spendable } ${TIER_FIELDS}`);
    assert.equal(c.accounts.find((a: any) => a.account === 'roll').spendable, 0);
    assert.equal(c.tiers.find((t: any) => t.tier.id === 'w-roll').points, 30);
    assert.equal(c.tiers.find((t: any) => t.tier.id === 'w-roll').level.id, 'w-roll-1');
  });
});

describe('customers stored before lots and earned days', () => {
  test('keep their score as tier points and their spendable points, through later events', async () => {
    const createdAt = new Date(Date.now() - 10 * DAY);
    await db()
      .collection('customers')
      .insertOne({
        _id: 'legacy' as any,
        status: 'active',
        accounts: { standard: { score: 0, spent: 0, spendable: 0 }, roll: { score: 30, spent: 10, spendable: 20 } },
        createdAt,
        updatedAt: createdAt,
      });
    const none = async () => (await read('legacy', TIER_FIELDS)).tiers.find((t: any) => t.tier.id === 'w-none').points;
    assert.equal(await none(), 30);
    await accept('legacy', 'point_add', { points: 5, account: 'roll' });
    assert.equal(await none(), 35);
    const spent = await accept('legacy', 'point_spend', { points: 25, account: 'roll' });
    assert.equal(spent.customer.id, 'legacy');
    const roll = (await read('legacy', 'accounts { account score spent spendable expired }')).accounts.find(
      (a: any) => a.account === 'roll',
    );
    assert.deepEqual(roll, { account: 'roll', score: 35, spent: 35, spendable: 0, expired: 0 });
    assert.equal(await none(), 35);
  });
});

describe('point expiry', () => {
  test('points stop being spendable at the instant given by expires_at and are counted in expired', async () => {
    await accept('exp-1', 'opt_in');
    const expiresAt = Date.now() + 1500;
    await accept('exp-1', 'point_add', { points: 10, expires_at: iso(expiresAt) });
    await accept('exp-1', 'point_add', { points: 5 });
    const before_ = await read('exp-1', 'score spendable expired expiringPoints { points expiresAt }');
    assert.deepEqual(before_, {
      score: 15,
      spendable: 15,
      expired: 0,
      expiringPoints: [{ points: 10, expiresAt: iso(expiresAt) }],
    });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 50));
    const after_ = await read('exp-1', 'score spendable expired expiringPoints { points expiresAt }');
    assert.deepEqual(after_, { score: 15, spendable: 5, expired: 10, expiringPoints: [] });
    assertRefused(await submit({ customer: 'exp-1', action: 'point_spend', data: { points: 6 } }), 'data.points', /balance of 5/);
    const spent = await accept('exp-1', 'point_spend', { points: 5 });
    assert.deepEqual(
      { spendable: spent.customer.spendable, expired: spent.customer.expired, spent: spent.customer.spent },
      { spendable: 0, expired: 10, spent: 5 },
    );
  });

  test('a spend takes the points that expire first, across lots; never-expiring points last', async () => {
    await accept('fifo', 'opt_in');
    const now = Date.now();
    const in1 = iso(now + DAY);
    const in2 = iso(now + 2 * DAY);
    const in3 = iso(now + 3 * DAY);
    await accept('fifo', 'point_add', { points: 10, expires_at: in3 });
    await accept('fifo', 'point_add', { points: 10, expires_at: in1 });
    await accept('fifo', 'point_add', { points: 10 });
    await accept('fifo', 'point_add', { points: 10, expires_at: in2 });
    const first = await accept('fifo', 'point_spend', { points: 15 });
    assert.deepEqual(first.customer.expiringPoints, [
      { points: 5, expiresAt: in2 },
      { points: 10, expiresAt: in3 },
    ]);
    const second = await accept('fifo', 'point_spend', { points: 20 });
    assert.deepEqual(second.customer.expiringPoints, []);
    assert.equal(second.customer.spendable, 5);
  });

  test('POINTS_VALIDITY_DAYS: the default expiry counts from the effective time; a backdated add already past it is expired at once and sorts first', async () => {
    const other = await startTestServer({ env: { POINTS_VALIDITY_DAYS: '30' } });
    try {
      const call = async (input: Record<string, unknown>) => {
        const r = await other.as(other.client).graphql(SUBMIT, { input });
        assert.equal(r.json?.errors, undefined, r.text);
        return dataOf(r).submitEvent.customer;
      };
      const now = Date.now();
      await call({ customer: 'valid', action: 'opt_in', data: { effective_timestamp: iso(now - 100 * DAY) } });
      await call({ customer: 'valid', action: 'point_add', data: { points: 3, effective_timestamp: iso(now - 31 * DAY) } });
      const fresh = await call({ customer: 'valid', action: 'point_add', data: { points: 7 } });
      const freshExpiry = Date.parse(fresh.expiringPoints[0].expiresAt);
      assert.ok(Math.abs(freshExpiry - (now + 30 * DAY)) < 60_000, fresh.expiringPoints[0].expiresAt);
      const back = await call({
        customer: 'valid',
        action: 'point_add',
        data: { points: 4, effective_timestamp: iso(now - 10 * DAY) },
      });
      assert.deepEqual(back.expiringPoints, [
        { points: 4, expiresAt: iso(now - 10 * DAY + 30 * DAY) },
        { points: 7, expiresAt: fresh.expiringPoints[0].expiresAt },
      ]);
      assert.deepEqual(
        { score: back.score, spendable: back.spendable, expired: back.expired },
        { score: 14, spendable: 11, expired: 3 },
      );
      const spent = await call({ customer: 'valid', action: 'point_spend', data: { points: 5 } });
      assert.deepEqual(spent.expiringPoints, [{ points: 6, expiresAt: fresh.expiringPoints[0].expiresAt }]);
    } finally {
      await other.stop();
    }
  });
});

describe('externalId makes events idempotent', () => {
  test('a repeat changes nothing and answers duplicate; another customer may use the same id', async () => {
    const first = await accept('idem', 'opt_in', { email: 'i@example.com' }, 'shop-optin-1');
    assert.deepEqual([first.accepted, first.duplicate], [true, false]);
    const again = await accept('idem', 'opt_in', { email: 'i@example.com' }, 'shop-optin-1');
    assert.deepEqual([again.accepted, again.duplicate], [true, true]);
    await accept('idem', 'point_add', { points: 8 }, 'order-1');
    const repeat = await accept('idem', 'point_add', { points: 8 }, 'order-1');
    assert.deepEqual([repeat.duplicate, repeat.customer.score], [true, 8]);
    assert.equal(await db().collection('events').countDocuments({ customer: 'idem', externalId: 'order-1' }), 1);
    await accept('idem-2', 'opt_in', undefined, 'order-1');
    const other = await accept('idem-2', 'point_add', { points: 2 }, 'order-1');
    assert.equal(other.duplicate, true, 'the opt_in of idem-2 took order-1 for idem-2');
    assert.equal(other.customer.score, 0);
  });

  test('a refused event leaves its externalId free', async () => {
    await accept('idem-free', 'opt_in');
    assertRefused(
      await submit({ customer: 'idem-free', action: 'point_spend', data: { points: 1 }, externalId: 'x-1' }),
      'data.points',
    );
    const later = await accept('idem-free', 'point_add', { points: 3 }, 'x-1');
    assert.deepEqual([later.duplicate, later.customer.score], [false, 3]);
  });

  test('100 concurrent duplicates award exactly once', async () => {
    await accept('idem-race', 'opt_in');
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        submit({ customer: 'idem-race', action: 'point_add', data: { points: 7 }, externalId: 'race-1' }),
      ),
    );
    for (const r of results) assert.equal(r.json?.errors, undefined, r.text);
    const outcomes = results.map((r) => dataOf(r).submitEvent);
    assert.equal(outcomes.filter((o) => o.accepted).length, 100);
    assert.equal(outcomes.filter((o) => !o.duplicate).length, 1);
    assert.equal((await read('idem-race', 'score')).score, 7);
    assert.equal(await db().collection('events').countDocuments({ customer: 'idem-race', externalId: 'race-1' }), 1);
  });

  test('externalId of 128 characters is accepted; 129 or empty is refused naming externalId', async () => {
    await accept('idem-len', 'opt_in');
    await accept('idem-len', 'point_add', { points: 1 }, 'e'.repeat(128));
    for (const externalId of ['e'.repeat(129), '']) {
      const before_ = await snapshot();
      assertRefused(await submit({ customer: 'idem-len', action: 'point_add', data: { points: 1 }, externalId }), 'externalId');
      assert.deepEqual(await snapshot(), before_);
    }
  });
});

describe('submitEvents', () => {
  test('applies a batch in order, each on its own, and reports each refusal', async () => {
    const r = await server.as(server.client).graphql(SUBMIT_MANY, {
      inputs: [
        { customer: 'bulk-1', action: 'opt_in' },
        { customer: 'bulk-1', action: 'point_add', data: { points: 10 } },
        { customer: 'bulk-1', action: 'point_spend', data: { points: 100 } },
        { customer: 'bulk-ghost', action: 'point_add', data: { points: 1 } },
        { customer: 'bulk-1', action: 'point_add', data: { points: 5 }, externalId: 'b-5' },
        { customer: 'bulk-1', action: 'point_add', data: { points: 5 }, externalId: 'b-5' },
        { customer: 'bulk-1', action: 'point_add', data: { points: '3' } },
        { customer: 'not an id!', action: 'point_add', data: { points: 1 } },
        { customer: 'bulk-1', action: 'point_spend', data: { points: 15 } },
      ],
    });
    assert.equal(r.json?.errors, undefined, r.text);
    const bulk = dataOf(r).submitEvents;
    assert.deepEqual([bulk.accepted, bulk.refused], [5, 4]);
    assert.deepEqual(
      bulk.results.map((x: any) => [x.accepted, x.duplicate, x.error?.field ?? null, x.customer?.spendable ?? null]),
      [
        [true, false, null, 0],
        [true, false, null, 10],
        [false, false, 'data.points', null],
        [false, false, 'customer', null],
        [true, false, null, 15],
        [true, true, null, 15],
        [false, false, 'data.points', null],
        [false, false, 'customer', null],
        [true, false, null, 0],
      ],
    );
    for (const x of bulk.results.filter((x: any) => !x.accepted)) assert.equal(x.error.code, 'BAD_USER_INPUT');
    assert.match(bulk.results[2].error.message, /exceeds the spendable balance of 10/);
    // Five accepted, one of them a duplicate: four history entries.
    assert.equal(await db().collection('events').countDocuments({ customer: 'bulk-1' }), 4);
  });

  test('more than 50 events, or none, refuse the whole call and apply nothing', async () => {
    await accept('bulk-2', 'opt_in');
    for (const count of [51, 0]) {
      const before_ = await snapshot();
      const inputs = Array.from({ length: count }, () => ({ customer: 'bulk-2', action: 'point_add', data: { points: 1 } }));
      const r = await server.as(server.client).graphql(SUBMIT_MANY, { inputs });
      assertRefused(r, 'inputs', /1 to 50 events/);
      assert.deepEqual(await snapshot(), before_);
    }
    const fifty = Array.from({ length: 50 }, () => ({ customer: 'bulk-2', action: 'point_add', data: { points: 1 } }));
    const ok = await server.as(server.client).graphql(SUBMIT_MANY, { inputs: fifty });
    assert.equal(dataOf(ok).submitEvents.accepted, 50);
  });
});

describe('history', () => {
  test('receivedAt, occurredAt (the effective time), externalId, points, account and expiresAt', async () => {
    const now = Date.now();
    await accept('hist', 'opt_in', { effective_timestamp: iso(now - 10 * DAY) }, 'h-0');
    await accept(
      'hist',
      'point_add',
      { points: 4, account: 'roll', expires_at: iso(now + DAY), effective_timestamp: iso(now - DAY) },
      'h-1',
    );
    await accept('hist', 'profile', { first_name: 'H' });
    const r = await server
      .as(server.client)
      .graphql(
        `{ customer(id: "hist") { events(first: 10) { nodes { action occurredAt receivedAt externalId points account expiresAt } } } }`,
      );
    assert.equal(r.json?.errors, undefined, r.text);
    const nodes = dataOf(r).customer.events.nodes;
    assert.deepEqual(
      nodes.map((n: any) => [n.action, n.externalId, n.points, n.account, n.expiresAt]),
      [
        ['profile', null, null, null, null],
        ['point_add', 'h-1', 4, 'roll', iso(now + DAY)],
        ['opt_in', 'h-0', null, null, null],
      ],
    );
    assert.equal(nodes[1].occurredAt, iso(now - DAY));
    assert.equal(nodes[2].occurredAt, iso(now - 10 * DAY));
    for (const n of nodes) assert.ok(Math.abs(Date.parse(n.receivedAt) - now) < 60_000, n.receivedAt);
  });
});

describe('segments', () => {
  test('opt_in and profile set Customer.segments; empty by default; 100 of 128 characters accepted', async () => {
    await accept('seg-0', 'opt_in');
    assert.deepEqual((await read('seg-0', 'segments')).segments, []);
    await accept('seg-1', 'opt_in', { segments: ['vip', 'newsletter'] });
    assert.deepEqual((await read('seg-1', 'segments')).segments, ['vip', 'newsletter']);
    const many = Array.from({ length: 100 }, (_, i) => `${i}`.padStart(128, 's'));
    await accept('seg-1', 'profile', { segments: many });
    assert.deepEqual((await read('seg-1', 'segments')).segments, many);
    assert.deepEqual(
      (await db()
        .collection('customers')
        .findOne({ _id: 'seg-1' as any }))!.segments,
      many,
    );
  });
});

describe('every refusal names the field and leaves nothing behind', () => {
  before(async () => {
    await accept('ref', 'opt_in', { effective_timestamp: iso(Date.now() - 5 * DAY) });
    await accept('ref', 'point_add', { points: 20 });
  });
  const skewMs = 300_000;
  const cases: { name: string; input: () => Record<string, unknown>; field: string; message: RegExp }[] = [
    {
      name: 'effective_timestamp beyond the clock skew',
      input: () => ({
        customer: 'ref',
        action: 'point_add',
        data: { points: 1, effective_timestamp: iso(Date.now() + skewMs + 60_000) },
      }),
      field: 'data.effective_timestamp',
      message: /must not be in the future/,
    },
    {
      name: 'opt_in in the future',
      input: () => ({ customer: 'ref-new', action: 'opt_in', data: { effective_timestamp: iso(Date.now() + skewMs + 60_000) } }),
      field: 'data.effective_timestamp',
      message: /must not be in the future/,
    },
    {
      name: 'effective_timestamp not ISO 8601',
      input: () => ({ customer: 'ref', action: 'point_add', data: { points: 1, effective_timestamp: 'yesterday' } }),
      field: 'data.effective_timestamp',
      message: /ISO 8601/,
    },
    {
      name: 'effective_timestamp without a zone',
      input: () => ({ customer: 'ref', action: 'point_spend', data: { points: 1, effective_timestamp: '2026-01-01T00:00:00' } }),
      field: 'data.effective_timestamp',
      message: /time zone/,
    },
    {
      name: 'point_add before the opt-in',
      input: () => ({
        customer: 'ref',
        action: 'point_add',
        data: { points: 1, effective_timestamp: iso(Date.now() - 6 * DAY) },
      }),
      field: 'data.effective_timestamp',
      message: /before the customer's opt-in/,
    },
    {
      name: 'point_spend before the opt-in',
      input: () => ({
        customer: 'ref',
        action: 'point_spend',
        data: { points: 1, effective_timestamp: iso(Date.now() - 6 * DAY) },
      }),
      field: 'data.effective_timestamp',
      message: /before the customer's opt-in/,
    },
    {
      name: 'profile before the opt-in',
      input: () => ({
        customer: 'ref',
        action: 'profile',
        data: { first_name: 'X', effective_timestamp: iso(Date.now() - 6 * DAY) },
      }),
      field: 'data.effective_timestamp',
      message: /before the customer's opt-in/,
    },
    {
      name: 'expires_at equal to the event time',
      input: () => {
        const t = iso(Date.now() - DAY);
        return { customer: 'ref', action: 'point_add', data: { points: 1, effective_timestamp: t, expires_at: t } };
      },
      field: 'data.expires_at',
      message: /must be after the event's time/,
    },
    {
      name: 'expires_at in the past of a current event',
      input: () => ({ customer: 'ref', action: 'point_add', data: { points: 1, expires_at: iso(Date.now() - 1000) } }),
      field: 'data.expires_at',
      message: /must be after the event's time/,
    },
    {
      name: 'expires_at not a date',
      input: () => ({ customer: 'ref', action: 'point_add', data: { points: 1, expires_at: 12 } }),
      field: 'data.expires_at',
      message: /ISO 8601/,
    },
    {
      name: 'expires_at on a spend',
      input: () => ({ customer: 'ref', action: 'point_spend', data: { points: 1, expires_at: iso(Date.now() + DAY) } }),
      field: 'data.expires_at',
      message: /not accepted by point_spend/,
    },
    {
      name: '101 segments',
      input: () => ({ customer: 'ref', action: 'profile', data: { segments: Array.from({ length: 101 }, (_, i) => `s${i}`) } }),
      field: 'data.segments',
      message: /at most 100/,
    },
    {
      name: 'an empty segment id',
      input: () => ({ customer: 'ref', action: 'profile', data: { segments: ['a', ''] } }),
      field: 'data.segments',
      message: /1 to 128 characters/,
    },
    {
      name: 'a segment id of 129 characters',
      input: () => ({ customer: 'ref', action: 'profile', data: { segments: ['s'.repeat(129)] } }),
      field: 'data.segments',
      message: /1 to 128 characters/,
    },
    {
      name: 'a segment id that is not a string',
      input: () => ({ customer: 'ref', action: 'profile', data: { segments: [5] } }),
      field: 'data.segments',
      message: /only strings/,
    },
    {
      name: 'segments not a list',
      input: () => ({ customer: 'ref-new', action: 'opt_in', data: { segments: 'vip' } }),
      field: 'data.segments',
      message: /a list/,
    },
    {
      name: 'externalId over 128 characters with a good event',
      input: () => ({ customer: 'ref', action: 'point_add', data: { points: 1 }, externalId: 'x'.repeat(129) }),
      field: 'externalId',
      message: /at most 128|1 to 128/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const before_ = await snapshot();
      assertRefused(await submit(c.input()), c.field, c.message);
      assert.deepEqual(await snapshot(), before_);
    });
  }

  test('the accepted side: an effective time within the skew, and opt_in setting createdAt', async () => {
    const soon = Date.now() + skewMs - 60_000;
    await accept('ref-soon', 'opt_in', { effective_timestamp: iso(soon) });
    assert.equal((await read('ref-soon', 'createdAt')).createdAt, iso(soon));
  });
});

describe('tier import names the window field it refuses', () => {
  const cases: { name: string; rules: Record<string, unknown>; field: string }[] = [
    { name: 'unknown expiration_type', rules: { expiration_type: 'weekly' }, field: 'expiration_type' },
    {
      name: 'rolling without rolling_months',
      rules: { expiration_type: 'rolling', rolling_months: undefined },
      field: 'rolling_months',
    },
    { name: 'rolling with 0 months', rules: { expiration_type: 'rolling', rolling_months: '0' }, field: 'rolling_months' },
    { name: 'rolling with 1.5 months', rules: { expiration_type: 'rolling', rolling_months: 1.5 }, field: 'rolling_months' },
    {
      name: 'calendar without dates',
      rules: { expiration_type: 'calendar', calendar_expirations: [] },
      field: 'calendar_expirations',
    },
    {
      name: 'calendar with 02-30',
      rules: { expiration_type: 'calendar', calendar_expirations: ['01-01', '02-30'] },
      field: 'calendar_expirations',
    },
    {
      name: 'calendar with 1-1',
      rules: { expiration_type: 'calendar', calendar_expirations: ['1-1'] },
      field: 'calendar_expirations',
    },
    {
      name: 'calendar missing',
      rules: { expiration_type: 'calendar', calendar_expirations: undefined },
      field: 'calendar_expirations',
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const entities = await db()
        .collection('tiers')
        .countDocuments()
        .catch(() => 0);
      const r = await server
        .as(server.admin)
        .graphql(`mutation($documents: [JSONObject!]!) { importEntities(entity: TIER, documents: $documents) { ids } }`, {
          documents: [tier('bad-tier', 'x', c.rules)],
        });
      assertRefused(r, c.field);
      assert.equal(
        await db()
          .collection('tiers')
          .countDocuments()
          .catch(() => 0),
        entities,
      );
      const read_ = await server.as(server.client).graphql('{ tiers { id } }');
      assert.equal(
        dataOf(read_).tiers.some((t: any) => t.id === 'bad-tier'),
        false,
      );
    });
  }

  test('a calendar tier with 02-29 is accepted and listed with its dates', async () => {
    const r = await server
      .as(server.admin)
      .graphql(`mutation($documents: [JSONObject!]!) { importEntities(entity: TIER, documents: $documents) { ids } }`, {
        documents: [tier('leap-tier', 'leap', { expiration_type: 'calendar', calendar_expirations: ['02-29', '12-31'] })],
      });
    assert.equal(r.json?.errors, undefined, r.text);
    const t = await server.as(server.client).graphql('{ tier(id: "leap-tier") { calendarExpirations expirationType } }');
    assert.deepEqual(dataOf(t).tier, { calendarExpirations: ['02-29', '12-31'], expirationType: 'calendar' });
  });
});
