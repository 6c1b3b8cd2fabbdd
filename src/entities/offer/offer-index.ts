import type { Offer } from './offer.type';

export interface OfferQuery {
  activeAt?: Date;
  segmentId?: string;
  storeId?: string;
  type?: string;
  cardEnabled?: boolean;
}

const byId = (a: Offer, b: Offer) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function push<K>(map: Map<K, Offer[]>, key: K, offer: Offer) {
  const list = map.get(key);
  if (list) list.push(offer);
  else map.set(key, [offer]);
}

/**
 * The offers of one cache generation, ordered by id (the connection's stable order), with
 * posting lists for each equality filter. A query starts from the shortest posting list
 * and checks the remaining conditions on that list only.
 */
export class OfferIndex {
  readonly all: Offer[];
  private readonly byIdMap = new Map<string, Offer>();
  private readonly bySegment = new Map<string, Offer[]>();
  private readonly byStore = new Map<string, Offer[]>();
  private readonly byType = new Map<string, Offer[]>();
  private readonly byCardEnabled = new Map<boolean, Offer[]>();

  constructor(offers: Offer[]) {
    this.all = [...offers].sort(byId);
    for (const offer of this.all) {
      this.byIdMap.set(offer.id, offer);
      for (const id of new Set(offer.segments.map((s) => s.id))) push(this.bySegment, id, offer);
      for (const id of new Set(offer.stores.map((s) => s.id))) push(this.byStore, id, offer);
      if (offer.type !== null) push(this.byType, offer.type, offer);
      if (offer.cardEnabled !== null) push(this.byCardEnabled, offer.cardEnabled, offer);
    }
  }

  get(id: string): Offer | undefined {
    return this.byIdMap.get(id);
  }

  query(q: OfferQuery): Offer[] {
    const lists: Offer[][] = [];
    if (q.segmentId !== undefined) lists.push(this.bySegment.get(q.segmentId) ?? []);
    if (q.storeId !== undefined) lists.push(this.byStore.get(q.storeId) ?? []);
    if (q.type !== undefined) lists.push(this.byType.get(q.type) ?? []);
    if (q.cardEnabled !== undefined) lists.push(this.byCardEnabled.get(q.cardEnabled) ?? []);
    if (lists.length === 0 && q.activeAt === undefined) return this.all;

    lists.sort((a, b) => a.length - b.length);
    const base = lists[0] ?? this.all;
    const rest = lists.slice(1).map((list) => new Set(list));
    const at = q.activeAt?.getTime();
    return base.filter((offer) => {
      for (const set of rest) if (!set.has(offer)) return false;
      if (at !== undefined) {
        // An offer without a start has always run; one without an end never stops.
        if (offer.startsAt && offer.startsAt.getTime() > at) return false;
        if (offer.endsAt && offer.endsAt.getTime() <= at) return false;
      }
      return true;
    });
  }
}
