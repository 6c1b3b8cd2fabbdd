import type { IndexedCart } from './cart';
import type { DiscountRule } from './rules';
import { roundMoney } from './money';

export interface DiscountedItem {
  product: string;
  /** discounted units */
  quantity: number;
  /** money off those units, the sum of per-unit rounded amounts */
  amount: number;
}

export interface DiscountResult {
  discount: number;
  items: DiscountedItem[];
}

export const NO_DISCOUNT: DiscountResult = Object.freeze({ discount: 0, items: [] }) as DiscountResult;

/** Money off one unit at `price`, rounded; never more than the unit costs, never negative. */
export function unitAmount(rule: DiscountRule, price: number): number {
  let off: number;
  switch (rule.kind) {
    case 'percent':
      off = (price * rule.value) / 100;
      break;
    case 'fixed_discount':
      off = rule.value;
      break;
    case 'fixed_price':
      // Already cheaper than the fixed price: nothing off.
      off = price - rule.value;
      break;
  }
  return roundMoney(Math.max(0, Math.min(off, price)));
}

/**
 * The discount over the cart's reachable units, walked in the target's order. Units of one
 * item are alike, so an item is taken as a block of up to `quantity` units; a unit that
 * would get nothing is skipped and does not use up `max_quantity`.
 */
export function applyDiscount(
  rule: DiscountRule,
  cart: IndexedCart,
  reachable: ((index: number) => boolean) | null,
): DiscountResult {
  const order =
    rule.target === 'cheapest' ? cart.cheapestFirst : rule.target === 'most_expensive' ? cart.dearestFirst : cart.inCartOrder;
  let remaining = rule.maxQuantity ?? Infinity;
  const byProduct = new Map<string, { quantity: number; cents: number }>();
  let cents = 0;
  for (const i of order) {
    if (remaining <= 0) break;
    if (reachable && !reachable(i)) continue;
    const item = cart.items[i];
    const amount = unitAmount(rule, item.unitPrice);
    if (amount <= 0 || item.quantity <= 0) continue;
    const units = Math.min(item.quantity, remaining);
    remaining -= units;
    // Whole cents: the sum of rounded amounts stays exact.
    const itemCents = Math.round(amount * 100) * units;
    cents += itemCents;
    const entry = byProduct.get(item.product);
    if (entry) {
      entry.quantity += units;
      entry.cents += itemCents;
    } else byProduct.set(item.product, { quantity: units, cents: itemCents });
  }
  if (byProduct.size === 0) return NO_DISCOUNT;
  // One entry per product, in the order the products first appear in the cart.
  const items: DiscountedItem[] = [];
  for (const item of cart.items) {
    const entry = byProduct.get(item.product);
    if (!entry) continue;
    byProduct.delete(item.product);
    items.push({ product: item.product, quantity: entry.quantity, amount: entry.cents / 100 });
  }
  return { discount: cents / 100, items };
}
