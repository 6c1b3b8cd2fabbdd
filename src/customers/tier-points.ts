import type { TierWindow } from '../entities/tier/tier-rules';
import { addMonths, dayOfKey, latestYearly, nextYearly, type MonthDay } from '../entities/tier/utc-days';

/**
 * Points earned on one account, per UTC day of their effective time (`YYYY-MM-DD` → points),
 * as the customer document keeps them. Spends never lower them.
 */
export type EarnedDays = Record<string, number>;

/** One day's bucket, its day as a time. */
interface Bucket {
  day: number; // 00:00 UTC, ms
  points: number;
}

export interface TierPoints {
  /** Points earned within the window at `now`. */
  points: number;
  /** The next moment they drop because earned points leave the window; null if they never will. */
  expiresAt: Date | null;
  /** Tier points just after `expiresAt`; null when `expiresAt` is. */
  pointsAfterExpiration: number | null;
}

/** The buckets of an account, oldest first; parsed once per customer read and shared by its tiers. */
export function earnedBuckets(earned: unknown): Bucket[] {
  if (earned === null || typeof earned !== 'object') return [];
  const out: Bucket[] = [];
  for (const [key, value] of Object.entries(earned as Record<string, unknown>)) {
    if (typeof value !== 'number' || !(value > 0) || !/^\d{4}-\d{2}-\d{2}$/.test(key)) continue;
    out.push({ day: dayOfKey(key).getTime(), points: value });
  }
  return out.sort((a, b) => a.day - b.day);
}

const sum = (buckets: readonly Bucket[]) => buckets.reduce((total, b) => total + b.points, 0);

/** Tier points of a window that restarts at yearly dates (calendar dates, or the opt-in's anniversaries). */
function sinceYearly(buckets: readonly Bucket[], dates: readonly MonthDay[], now: Date): TierPoints {
  const start = latestYearly(dates, now)?.getTime() ?? -Infinity;
  const points = sum(buckets.filter((b) => b.day >= start));
  const next = nextYearly(dates, now);
  // Points of days on or after the restart survive it (a day within the clock skew may lie past it).
  const after = next ? sum(buckets.filter((b) => b.day >= next.getTime())) : points;
  return next && after < points ? { points, expiresAt: next, pointsAfterExpiration: after } : noDrop(points);
}

function noDrop(points: number): TierPoints {
  return { points, expiresAt: null, pointsAfterExpiration: null };
}

/**
 * A tier's points at `now` under its window rule (CONTRACT §8):
 * - `none`: every earned point, which never leaves;
 * - `rolling`: a point earned on day D counts until D + `months` calendar months, 00:00 UTC
 *   (earned 2026-03-15, 12 months: counted through 2027-03-14, gone at 2027-03-15T00:00Z);
 * - `calendar`: points earned since the latest `MM-DD` date at or before now;
 * - `anniversary`: points earned since the latest anniversary of the opt-in day.
 * Linear in the number of days with earned points.
 */
export function tierPoints(window: TierWindow, buckets: readonly Bucket[], optedIn: Date, now: Date): TierPoints {
  switch (window.type) {
    case 'none':
      return noDrop(sum(buckets));
    case 'rolling': {
      let points = 0;
      let expiresAt = Infinity;
      let leaving = 0;
      for (const bucket of buckets) {
        const leaves = addMonths(new Date(bucket.day), window.months).getTime();
        if (leaves <= now.getTime()) continue;
        points += bucket.points;
        // Buckets are oldest first and leaving days never decrease, so the first live one
        // leaves first; later days clamped to the same month end leave with it.
        if (leaves < expiresAt) {
          expiresAt = leaves;
          leaving = bucket.points;
        } else if (leaves === expiresAt) leaving += bucket.points;
      }
      return expiresAt === Infinity
        ? noDrop(points)
        : { points, expiresAt: new Date(expiresAt), pointsAfterExpiration: points - leaving };
    }
    case 'calendar':
      return sinceYearly(buckets, window.dates, now);
    case 'anniversary':
      return sinceYearly(buckets, [{ month: optedIn.getUTCMonth() + 1, day: optedIn.getUTCDate() }], now);
  }
}
