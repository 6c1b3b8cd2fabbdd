import type { ItemEntry, ItemKind, ItemRule } from './rules';

export interface CartItem {
  product: string;
  categories: readonly string[];
  lists: readonly string[];
  quantity: number;
  unitPrice: number;
}

/**
 * One cart, indexed once per call: which items carry each product, category and list id,
 * and the item orders the discount targets walk. Every offer's item rules are then answered
 * by looking their ids up here, never by scanning the cart per offer.
 */
export class IndexedCart {
  readonly total: number;
  private readonly byKey = new Map<string, number[]>();
  /** Item positions by unit price ascending / descending; ties keep cart order. */
  readonly cheapestFirst: readonly number[];
  readonly dearestFirst: readonly number[];
  readonly inCartOrder: readonly number[];

  constructor(readonly items: readonly CartItem[]) {
    let total = 0;
    items.forEach((item, i) => {
      total += item.quantity * item.unitPrice;
      this.add(`product:${item.product}`, i);
      for (const c of new Set(item.categories)) this.add(`category:${c}`, i);
      for (const l of new Set(item.lists)) this.add(`list:${l}`, i);
    });
    this.total = total;
    this.inCartOrder = items.map((_, i) => i);
    // Array.prototype.sort is stable, so equal prices stay in cart order both ways.
    this.cheapestFirst = [...this.inCartOrder].sort((a, b) => items[a].unitPrice - items[b].unitPrice);
    this.dearestFirst = [...this.inCartOrder].sort((a, b) => items[b].unitPrice - items[a].unitPrice);
  }

  private add(key: string, index: number) {
    const list = this.byKey.get(key);
    if (!list) this.byKey.set(key, [index]);
    else if (list[list.length - 1] !== index) list.push(index);
  }

  /** Positions of the items an entry matches (each once), in no particular order. */
  matching(kind: ItemKind, ids: readonly string[]): number[] {
    if (ids.length === 1) return this.byKey.get(`${kind}:${ids[0]}`) ?? [];
    const found = new Set<number>();
    for (const id of ids) for (const i of this.byKey.get(`${kind}:${id}`) ?? []) found.add(i);
    return [...found];
  }

  private quantityOf(entry: ItemEntry): number {
    let quantity = 0;
    for (const i of this.matching(entry.kind, entry.ids)) quantity += this.items[i].quantity;
    return quantity;
  }

  /** `all`: every entry met; `any`: at least one; an empty rule is met. */
  meets(rule: ItemRule): boolean {
    if (rule.entries.length === 0) return true;
    if (rule.mode === 'all') return rule.entries.every((e) => this.quantityOf(e) >= e.minQuantity);
    return rule.entries.some((e) => this.quantityOf(e) >= e.minQuantity);
  }

  /** Which items the discount may reach: those matching any entry, or every item when there are none. */
  discountable(rule: ItemRule): ((index: number) => boolean) | null {
    if (rule.entries.length === 0) return null;
    const reachable = new Set<number>();
    for (const e of rule.entries) for (const i of this.matching(e.kind, e.ids)) reachable.add(i);
    return (i) => reachable.has(i);
  }
}
