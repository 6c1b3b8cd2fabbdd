import { OfferIneligibility as R } from './ineligibility.enum';
import type { Limits } from './rules';

/** What the counters say about one offer, for one customer (0 where nothing is counted yet). */
export interface Usage {
  /** redemptions of the offer, all customers together */
  global: number;
  /** redemptions of the offer by this customer, ever */
  customer: number;
  /** redemptions of the offer by this customer in the current frequency period */
  period: number;
}

export const NO_USAGE: Usage = Object.freeze({ global: 0, customer: 0, period: 0 });

/**
 * The limit reasons, in enum order. The same function decides for evaluateOffers (from the
 * counters it read) and for redeemOffer (from the counters read in its transaction), so
 * the two never disagree. Per-customer limits need a customer: without one they are not
 * known and not reported.
 */
export function limitReasons(limits: Limits, usage: Usage, hasCustomer: boolean, out: R[]): void {
  if (hasCustomer && limits.applications !== null && usage.customer >= limits.applications) out.push(R.APPLICATIONS_USED);
  if (hasCustomer && limits.frequency !== null && usage.period >= limits.frequency.threshold) out.push(R.FREQUENCY);
  const inventory = limits.inventory;
  if (inventory !== null) {
    if (inventory.scope === 'global' && usage.global >= inventory.size) out.push(R.OUT_OF_STOCK);
    if (inventory.scope === 'customer' && hasCustomer && usage.customer >= inventory.size) out.push(R.OUT_OF_STOCK);
  }
}

export function hasLimits(limits: Limits): boolean {
  return limits.applications !== null || limits.frequency !== null || limits.inventory !== null;
}

/** Uses per customer count against applications and a per-customer inventory alike: the tighter one. */
export function customerCap(limits: Limits): number | null {
  const caps: number[] = [];
  if (limits.applications !== null) caps.push(limits.applications);
  if (limits.inventory?.scope === 'customer') caps.push(limits.inventory.size);
  return caps.length === 0 ? null : Math.min(...caps);
}
