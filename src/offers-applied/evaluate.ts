import type { Offer } from '../entities/offer/offer.type';
import { OfferIneligibility as R } from './ineligibility.enum';
import type { IndexedCart } from './cart';
import { applyDiscount, NO_DISCOUNT, type DiscountedItem } from './discount';
import { limitReasons, type Usage } from './limits';
import type { CompiledOffer } from './rules';
import { windowReasons } from './windows';

export interface Shopper {
  store: string | null;
  /** null: no customer given */
  segments: ReadonlySet<string> | null;
}

export interface Evaluation {
  offer: Offer;
  eligible: boolean;
  reasons: R[];
  discount: number;
  discountedItems: DiscountedItem[];
  /** kept for the exclusivity pass and the counters lookup */
  compiled: CompiledOffer;
}

/**
 * Every rule that needs no stored counter: windows, store, segments, totals, items, the
 * discount. With `allReasons` false (eligibleOnly: an ineligible offer is not answered at
 * all) it stops at the first failed rule, before the item rules, the costly part.
 */
export function evaluateRules(
  offer: CompiledOffer,
  cart: IndexedCart,
  shopper: Shopper,
  at: number,
  allReasons = true,
): Evaluation {
  const rules = offer.rules;
  if (!rules) {
    return { offer: offer.offer, eligible: false, reasons: [R.INVALID_RULES], discount: 0, discountedItems: [], compiled: offer };
  }
  const reasons: R[] = [];
  const failed = (): Evaluation => ({
    offer: offer.offer,
    eligible: false,
    reasons,
    discount: 0,
    discountedItems: [],
    compiled: offer,
  });
  windowReasons(at, rules.run, rules.issuance, reasons);
  if (rules.stores !== null && (shopper.store === null || !rules.stores.has(shopper.store))) reasons.push(R.STORE);
  if (rules.segments !== null && !intersects(rules.segments, shopper.segments)) reasons.push(R.SEGMENT);
  const total = cart.total;
  if (rules.minTotal !== null && total < rules.minTotal) reasons.push(R.MIN_TOTAL);
  if (rules.maxTotal !== null && total > rules.maxTotal) reasons.push(R.MAX_TOTAL);
  if (!allReasons && reasons.length > 0) return failed();
  if (!cart.meets(rules.required)) {
    reasons.push(R.REQUIRED_ITEMS);
    if (!allReasons) return failed();
  }
  if (!cart.meets(rules.eligible)) reasons.push(R.NO_ELIGIBLE_ITEMS);
  const eligible = reasons.length === 0;
  const result =
    eligible && rules.discount !== null ? applyDiscount(rules.discount, cart, cart.discountable(rules.eligible)) : NO_DISCOUNT;
  return { offer: offer.offer, eligible, reasons, discount: result.discount, discountedItems: result.items, compiled: offer };
}

function intersects(wanted: ReadonlySet<string>, had: ReadonlySet<string> | null): boolean {
  if (had === null) return false;
  for (const s of had) if (wanted.has(s)) return true;
  return false;
}

/** Adds the counter-based reasons (they come after every rule reason in enum order). */
export function applyLimits(evaluation: Evaluation, usage: Usage, hasCustomer: boolean): void {
  const rules = evaluation.compiled.rules;
  if (!rules) return;
  limitReasons(rules.limits, usage, hasCustomer, evaluation.reasons);
  if (evaluation.reasons.length > 0 && evaluation.eligible) {
    evaluation.eligible = false;
    evaluation.discount = 0;
    evaluation.discountedItems = [];
  }
}

/**
 * When an eligible offer is exclusive, the first eligible exclusive one in rank order keeps
 * its discount and every other eligible offer stays eligible with 0 and reason EXCLUSIVE.
 * `ranked` must be in rank order.
 */
export function applyExclusivity(ranked: Evaluation[]): void {
  const winner = ranked.find((e) => e.eligible && e.compiled.rules?.exclusive === true);
  if (!winner) return;
  for (const e of ranked) {
    if (e === winner || !e.eligible) continue;
    e.reasons = [R.EXCLUSIVE];
    e.discount = 0;
    e.discountedItems = [];
  }
}
