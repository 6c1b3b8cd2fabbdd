import type { OfferIndex } from '../entities/offer/offer-index';
import { byRank, compileOffer, type CompiledOffer } from './rules';

/**
 * The compiled offers of one entity-cache generation, ranked (weight descending, then id),
 * with posting lists for the two rules a request names directly: the store and the
 * customer's segments. `candidates` answers "which offers could apply here" from them
 * without looking at the other offers at all.
 */
export class OfferCatalog {
  readonly ranked: readonly CompiledOffer[];
  private readonly byId = new Map<string, CompiledOffer>();
  private readonly anyStore: number[] = [];
  private readonly byStore = new Map<string, number[]>();
  private readonly anySegment: number[] = [];
  private readonly bySegment = new Map<string, number[]>();

  constructor(index: OfferIndex) {
    this.ranked = index.all.map(compileOffer).sort(byRank);
    this.ranked.forEach((offer, position) => {
      this.byId.set(offer.id, offer);
      const rules = offer.rules;
      if (!rules) return; // invalid: never a candidate
      if (rules.stores === null) this.anyStore.push(position);
      else for (const store of rules.stores) push(this.byStore, store, position);
      if (rules.segments === null) this.anySegment.push(position);
      else for (const segment of rules.segments) push(this.bySegment, segment, position);
    });
  }

  get(id: string): CompiledOffer | undefined {
    return this.byId.get(id);
  }

  /** Positions in rank order of the valid offers whose store and segment rules hold. */
  candidates(store: string | null, segments: readonly string[]): number[] {
    const n = this.ranked.length;
    const marks = new Uint8Array(n);
    const mark = (positions: readonly number[] | undefined, bit: number) => {
      if (positions) for (const p of positions) marks[p] |= bit;
    };
    mark(this.anyStore, 1);
    if (store !== null) mark(this.byStore.get(store), 1);
    mark(this.anySegment, 2);
    for (const segment of segments) mark(this.bySegment.get(segment), 2);
    const out: number[] = [];
    for (let p = 0; p < n; p++) if (marks[p] === 3) out.push(p);
    return out;
  }
}

function push(map: Map<string, number[]>, key: string, position: number) {
  const list = map.get(key);
  if (!list) map.set(key, [position]);
  else if (list[list.length - 1] !== position) list.push(position);
}

const compiled = new WeakMap<OfferIndex, OfferCatalog>();

/**
 * The catalog of a cache generation, compiled on first use. The entity cache swaps its
 * OfferIndex on every reload, so each revision is compiled once and an old one is dropped
 * with its index.
 */
export function catalogOf(index: OfferIndex): OfferCatalog {
  let catalog = compiled.get(index);
  if (!catalog) {
    catalog = new OfferCatalog(index);
    compiled.set(index, catalog);
  }
  return catalog;
}
