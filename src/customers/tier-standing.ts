import type { Tier } from '../entities/tier/tier.type';
import type { CustomerTier, PointAccount } from './customer.type';

/**
 * The customer's standing in every tier structure, from the in-memory entity cache (no
 * database call). Per tier: the highest level whose threshold is at most the customer's
 * score on the tier's account (levels come sorted by threshold), the next level and the
 * points still missing. A tier with no levels, or whose lowest threshold the customer has
 * not reached yet, has no level to report and is left out (`level` is non-null).
 */
export function tierStanding(tiers: readonly Tier[], accounts: readonly PointAccount[]): CustomerTier[] {
  const scoreOf = new Map(accounts.map((a) => [a.account, a.score]));
  const out: CustomerTier[] = [];
  for (const tier of tiers) {
    const levels = tier.levels;
    const score = scoreOf.get(tier.account) ?? 0;
    // Last index whose threshold <= score (binary search over the sorted levels).
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (levels[mid].threshold <= score) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) continue;
    const level = levels[lo - 1];
    const next = levels[lo] ?? null;
    out.push({
      tier,
      level,
      next,
      // Points are whole numbers, so a fractional threshold needs the next whole point.
      pointsToNext: next ? Math.ceil(next.threshold - score) : null,
    });
  }
  return out;
}
