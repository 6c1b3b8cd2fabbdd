import type { TierWindow } from '../entities/tier/tier-rules';
import { DAY_MS, addMonths, dayKey, dayOfKey, latestYearly, nextYearly, type MonthDay } from '../entities/tier/utc-days';

/**
 * Points earned on one account, per UTC day of their effective time (`dYYYY-MM-DD` → points),
 * as the customer document keeps them. Spends never lower them.
 */
export type EarnedDays = Record<string, number>;

/**
 * The earned days of one account, oldest first, with running totals: the points of any
 * suffix of days are one subtraction, so each tier costs a binary search, not a pass.
 * Built once per customer read and shared by the tiers on that account.
 */
export interface EarnedIndex {
  /** The keys (`earnedKey`) of the days with earned points, ascending (as strings, as in time). */
  days: string[];
  /** before[i]: points earned on days[0..i-1]; before[days.length] is the total. */
  before: number[];
}

export interface TierPoints {
  /** Points earned within the window at `now`. */
  points: number;
  /** The next moment they drop because earned points leave the window; null if they never will. */
  expiresAt: Date | null;
  /** Tier points just after `expiresAt`; null when `expiresAt` is. */
  pointsAfterExpiration: number | null;
}

const DAY_KEY = /^d\d{4}-\d{2}-\d{2}$/;

/**
 * The field name of a day's earned points: `d` + `YYYY-MM-DD`. The letter keeps the update
 * path free of segments starting with a digit, which look like array positions.
 */
export function earnedKey(at: Date): string {
  return `d${dayKey(at)}`;
}

export function earnedIndex(earned: unknown): EarnedIndex {
  const days: string[] = [];
  if (earned !== null && typeof earned === 'object') {
    const stored = earned as Record<string, unknown>;
    for (const key of Object.keys(stored)) {
      const value = stored[key];
      if (typeof value === 'number' && value > 0 && DAY_KEY.test(key)) days.push(key);
    }
  }
  // Keys come in the order they were first written, which is by day unless events were backdated.
  let ordered = true;
  for (let i = 1; i < days.length && ordered; i++) ordered = days[i - 1] < days[i];
  if (!ordered) days.sort();
  const before = new Array<number>(days.length + 1);
  before[0] = 0;
  for (let i = 0; i < days.length; i++) before[i + 1] = before[i] + (earned as Record<string, number>)[days[i]];
  return { days, before };
}

/** Index of the first day at or after `day` (days.length when none). */
function firstFrom(index: EarnedIndex, day: number): number {
  if (day === -Infinity) return 0;
  const key = earnedKey(new Date(day));
  let lo = 0;
  let hi = index.days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index.days[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Points earned on days at or after `day`. */
function since(index: EarnedIndex, day: number): number {
  return index.before[index.days.length] - index.before[firstFrom(index, day)];
}

function noDrop(points: number): TierPoints {
  return { points, expiresAt: null, pointsAfterExpiration: null };
}

/** Tier points of a window that restarts at yearly dates (calendar dates, or the opt-in's anniversaries). */
function sinceYearly(index: EarnedIndex, dates: readonly MonthDay[], now: Date): TierPoints {
  const start = latestYearly(dates, now)?.getTime() ?? -Infinity;
  const points = since(index, start);
  const next = nextYearly(dates, now);
  // Points of days on or after the restart survive it (a day within the clock skew may lie past it).
  const after = next ? since(index, next.getTime()) : points;
  return next && after < points ? { points, expiresAt: next, pointsAfterExpiration: after } : noDrop(points);
}

const leaves = (day: number, months: number) => addMonths(new Date(day), months).getTime();

/**
 * The first day still in a rolling window at `now`: a day D counts while now is before
 * D + `months` months (00:00 UTC), and that end never decreases with D, so the days in the
 * window are a suffix. Found from the unclamped date `months` back and a step or two.
 */
function rollingStart(months: number, now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const t = new Date(today);
  let day = Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - months, t.getUTCDate());
  while (leaves(day - DAY_MS, months) > now.getTime()) day -= DAY_MS;
  while (leaves(day, months) <= now.getTime()) day += DAY_MS;
  return day;
}

/**
 * A tier's points at `now` under its window rule (CONTRACT §8):
 * - `none`: every earned point, which never leaves;
 * - `rolling`: a point earned on day D counts until D + `months` calendar months, 00:00 UTC
 *   (earned 2026-03-15, 12 months: counted through 2027-03-14, gone at 2027-03-15T00:00Z);
 * - `calendar`: points earned since the latest `MM-DD` date at or before now;
 * - `anniversary`: points earned since the latest anniversary of the opt-in day.
 * Logarithmic in the number of days with earned points.
 */
export function tierPoints(window: TierWindow, index: EarnedIndex, optedIn: Date, now: Date): TierPoints {
  switch (window.type) {
    case 'none':
      return noDrop(index.before[index.days.length]);
    case 'rolling': {
      const first = firstFrom(index, rollingStart(window.months, now));
      const total = index.before[index.days.length];
      const points = total - index.before[first];
      if (first === index.days.length) return noDrop(points);
      // The oldest day in the window leaves first; the days clamped to the same month end leave with it.
      const expiresAt = leaves(dayOfKey(index.days[first].slice(1)).getTime(), window.months);
      let last = first;
      while (
        last + 1 < index.days.length &&
        leaves(dayOfKey(index.days[last + 1].slice(1)).getTime(), window.months) === expiresAt
      )
        last++;
      return { points, expiresAt: new Date(expiresAt), pointsAfterExpiration: total - index.before[last + 1] };
    }
    case 'calendar':
      return sinceYearly(index, window.dates, now);
    case 'anniversary':
      return sinceYearly(index, [{ month: optedIn.getUTCMonth() + 1, day: optedIn.getUTCDate() }], now);
  }
}
