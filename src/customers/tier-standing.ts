import type { Tier } from '../entities/tier/tier.type';
import type { CustomerTier } from './customer.type';
import { earnedIndex, tierPoints, type EarnedIndex } from './tier-points';
import type { EarnedDays } from './tier-points';

/** What the standing of one customer is computed from: its document's earned days, read once. */
export interface StandingSource {
  /** Earned points per account and UTC day. */
  earned: Record<string, EarnedDays>;
  /** The opt-in time (anniversary windows). */
  createdAt: Date;
  /** The instant the customer was read; every figure of one response uses it. */
  readAt: Date;
}

/**
 * The customer's standing in every active tier structure, from the in-memory entity cache and
 * the customer document (no database call). Per tier: its tier points (earned on its account
 * within its window), the highest level whose threshold they reach (levels come sorted by
 * threshold), the next level and the points still missing. A tier with no levels, or whose
 * lowest threshold the customer has not reached, has no level to report and is left out.
 */
export function tierStanding(tiers: readonly Tier[], source: StandingSource): CustomerTier[] {
  const indexOf = new Map<string, EarnedIndex>();
  const out: CustomerTier[] = [];
  for (const tier of tiers) {
    if (tier.status !== 'active') continue;
    let index = indexOf.get(tier.account);
    if (!index) {
      const own = Object.prototype.hasOwnProperty.call(source.earned, tier.account) ? source.earned[tier.account] : undefined;
      index = earnedIndex(own);
      indexOf.set(tier.account, index);
    }
    const standing = tierPoints(tier.window, index, source.createdAt, source.readAt);
    const levels = tier.levels;
    const score = standing.points;
    // Last index whose threshold <= score (binary search over the sorted levels).
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (levels[mid].threshold <= score) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) continue;
    const next = levels[lo] ?? null;
    out.push({
      tier,
      level: levels[lo - 1],
      next,
      // Points are whole numbers, so a fractional threshold needs the next whole point.
      pointsToNext: next ? Math.ceil(next.threshold - score) : null,
      points: score,
      expiresAt: standing.expiresAt,
      pointsAfterExpiration: standing.pointsAfterExpiration,
    });
  }
  return out;
}
