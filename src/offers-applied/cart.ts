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
  private readonly byKind: Record<ItemKind, Map<string, number[]>> = { product: new Map(), category: new Map(), list: new Map() };
  /** Item positions by unit price ascending / descending; ties keep cart order. */
  readonly cheapestFirst: readonly number[];
  readonly dearestFirst: readonly number[];
  readonly inCartOrder: readonly number[];
  // Marks items already counted for the entry at hand (an item listed under two of its
  // ids counts once) without allocating a set per entry: 1,000 offers × a few entries each.
  private readonly seen: Uint32Array;
  private generation = 0;

  constructor(readonly items: readonly CartItem[]) {
    let total = 0;
    items.forEach((item, i) => {
      total += item.quantity * item.unitPrice;
      add(this.byKind.product, item.product, i);
      for (const c of item.categories) add(this.byKind.category, c, i);
      for (const l of item.lists) add(this.byKind.list, l, i);
    });
    // Σ quantity × unitPrice in doubles carries noise (3 × 19.99 = 59.970000000000006): cut
    // to 12 significant digits, once per cart, so a total of exactly min_total compares equal.
    this.total = Number(total.toPrecision(12));
    this.seen = new Uint32Array(items.length);
    this.inCartOrder = items.map((_, i) => i);
    // Array.prototype.sort is stable, so equal prices stay in cart order both ways.
    this.cheapestFirst = [...this.inCartOrder].sort((a, b) => items[a].unitPrice - items[b].unitPrice);
    this.dearestFirst = [...this.inCartOrder].sort((a, b) => items[b].unitPrice - items[a].unitPrice);
  }

  /** Calls `visit` once for each item an entry matches. */
  private forEachMatch(entry: ItemEntry, visit: (index: number) => void): void {
    const index = this.byKind[entry.kind];
    if (entry.ids.length === 1) {
      const list = index.get(entry.ids[0]);
      if (list) for (const i of list) visit(i);
      return;
    }
    const generation = ++this.generation;
    for (const id of entry.ids) {
      const list = index.get(id);
      if (!list) continue;
      for (const i of list) {
        if (this.seen[i] === generation) continue;
        this.seen[i] = generation;
        visit(i);
      }
    }
  }

  private quantityOf(entry: ItemEntry): number {
    let quantity = 0;
    this.forEachMatch(entry, (i) => {
      quantity += this.items[i].quantity;
    });
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
    const reachable = new Uint8Array(this.items.length);
    for (const e of rule.entries) this.forEachMatch(e, (i) => (reachable[i] = 1));
    return (i) => reachable[i] === 1;
  }
}

function add(map: Map<string, number[]>, key: string, index: number) {
  const list = map.get(key);
  if (!list) map.set(key, [index]);
  else if (list[list.length - 1] !== index) list.push(index);
}
