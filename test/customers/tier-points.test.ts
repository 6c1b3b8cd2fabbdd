import { test } from 'node:test';
import assert from 'node:assert/strict';
import { earnedIndex, tierPoints } from '../../src/customers/tier-points';
import { addLot, foldExpired, liveAt, spendFifo } from '../../src/customers/point-lots';
import { addMonths, latestYearly, parseMonthDay } from '../../src/entities/tier/utc-days';

// The pure rules at instants an HTTP test cannot hit (the exact edge, month ends, leap days).
const at = (iso: string) => new Date(iso);

test('rolling: the issue example, earned 2026-03-15 on a 12-month tier, counts through 2027-03-14 and leaves at 2027-03-15T00:00Z', () => {
  const buckets = earnedIndex({ 'd2026-03-15': 7 });
  const window = { type: 'rolling' as const, months: 12 };
  const optedIn = at('2020-01-01T00:00:00Z');
  assert.deepEqual(tierPoints(window, buckets, optedIn, at('2027-03-14T23:59:59.999Z')), {
    points: 7,
    expiresAt: at('2027-03-15T00:00:00Z'),
    pointsAfterExpiration: 0,
  });
  assert.deepEqual(tierPoints(window, buckets, optedIn, at('2027-03-15T00:00:00Z')), {
    points: 0,
    expiresAt: null,
    pointsAfterExpiration: null,
  });
});

test('rolling: days clamped to the same month end leave together', () => {
  // 1 month after Jan 29, 30 and 31 of 2026 is Feb 28 for all three.
  assert.equal(addMonths(at('2026-01-31T10:00:00Z'), 1).toISOString(), '2026-02-28T00:00:00.000Z');
  const buckets = earnedIndex({ 'd2026-01-29': 1, 'd2026-01-30': 2, 'd2026-01-31': 4, 'd2026-02-01': 8 });
  assert.deepEqual(tierPoints({ type: 'rolling', months: 1 }, buckets, at('2025-01-01T00:00:00Z'), at('2026-02-27T12:00:00Z')), {
    points: 15,
    expiresAt: at('2026-02-28T00:00:00Z'),
    pointsAfterExpiration: 8,
  });
});

test('calendar: the window restarts at 00:00 UTC of the latest MM-DD; at that instant the earlier points are out', () => {
  const dates = ['01-01', '07-01'].map((d) => parseMonthDay(d)!);
  const buckets = earnedIndex({ 'd2026-06-30': 3, 'd2026-07-01': 5 });
  const window = { type: 'calendar' as const, dates };
  const optedIn = at('2020-01-01T00:00:00Z');
  // A day past the restart (an effective time within the clock skew) survives it.
  assert.deepEqual(tierPoints(window, buckets, optedIn, at('2026-06-30T23:59:59.999Z')), {
    points: 8,
    expiresAt: at('2026-07-01T00:00:00Z'),
    pointsAfterExpiration: 5,
  });
  assert.deepEqual(tierPoints(window, buckets, optedIn, at('2026-07-01T00:00:00Z')), {
    points: 5,
    expiresAt: at('2027-01-01T00:00:00Z'),
    pointsAfterExpiration: 0,
  });
});

test('anniversary of a 29 February opt-in falls on 28 February in other years', () => {
  const leap = parseMonthDay('02-29')!;
  assert.equal(latestYearly([leap], at('2027-03-01T00:00:00Z'))!.toISOString(), '2027-02-28T00:00:00.000Z');
  const buckets = earnedIndex({ 'd2027-02-27': 2, 'd2027-02-28': 3 });
  assert.deepEqual(tierPoints({ type: 'anniversary' }, buckets, at('2024-02-29T18:00:00Z'), at('2027-02-28T00:00:00Z')), {
    points: 3,
    expiresAt: at('2028-02-29T00:00:00Z'),
    pointsAfterExpiration: 0,
  });
});

test('MM-DD parsing refuses what no year has', () => {
  assert.deepEqual(parseMonthDay('02-29'), { month: 2, day: 29 });
  for (const bad of ['02-30', '13-01', '00-10', '1-1', '01-1', '2026-01-01', 101, null])
    assert.equal(parseMonthDay(bad), undefined);
});

test('lots: at the exact instant of its expiry a lot is expired; spends take the soonest expiry first', () => {
  const t = at('2026-05-01T12:00:00.000Z');
  assert.equal(liveAt({ points: 1, expiresAt: t }, new Date(t.getTime() - 1)), true);
  assert.equal(liveAt({ points: 1, expiresAt: t }, t), false);
  let lots = addLot([], 10, at('2026-05-03T00:00:00Z'));
  lots = addLot(lots, 10, null);
  lots = addLot(lots, 10, at('2026-05-02T00:00:00Z'));
  lots = addLot(lots, 5, at('2026-05-02T00:00:00Z'));
  assert.deepEqual(lots, [
    { points: 15, expiresAt: at('2026-05-02T00:00:00Z') },
    { points: 10, expiresAt: at('2026-05-03T00:00:00Z') },
    { points: 10, expiresAt: null },
  ]);
  assert.deepEqual(spendFifo(lots, 20, t), [
    { points: 5, expiresAt: at('2026-05-03T00:00:00Z') },
    { points: 10, expiresAt: null },
  ]);
  assert.equal(spendFifo(lots, 36, t), undefined);
  assert.deepEqual(foldExpired(lots, at('2026-05-02T00:00:00Z')), {
    live: [
      { points: 10, expiresAt: at('2026-05-03T00:00:00Z') },
      { points: 10, expiresAt: null },
    ],
    expired: 15,
  });
});
