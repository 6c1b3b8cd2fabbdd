import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { entityModels, toSourceDocument, type EntityDoc, type EntityModels } from './entity.model';
import { EntityKind } from './entity-kind.enum';
import { tierView } from './tier/tier.view';
import { offerView } from './offer/offer.view';
import type { Tier } from './tier/tier.type';
import { OfferIndex } from './offer/offer-index';
import { PolledCache } from '../common/polled-cache';

/** One immutable generation of the cache; a reload swaps the whole object. */
interface Snapshot {
  tiers: Tier[];
  tierById: Map<string, Tier>;
  offers: OfferIndex;
  /** Pre-serialised `{"data":[...]}` bodies of the Entities API list paths. */
  tierListJson: string;
  offerListJson: string;
}

/**
 * Tier and offer entities change rarely and are read on every request, so reads are served
 * from memory and never wait on MongoDB (see PolledCache for the freshness rule).
 */
export class EntityStore extends PolledCache {
  readonly models: EntityModels;
  private snapshot: Snapshot = {
    tiers: [],
    tierById: new Map(),
    offers: new OfferIndex([]),
    tierListJson: '{"data":[]}',
    offerListJson: '{"data":[]}',
  };

  constructor(connection: Connection, logger: Logger) {
    super(connection, 'entities', logger);
    this.models = entityModels(connection);
  }

  override async start(): Promise<void> {
    await Promise.all([this.models.tier.init(), this.models.offer.init()]);
    await super.start();
  }

  protected async load(revision: number): Promise<void> {
    const [tierDocs, offerDocs] = await Promise.all([
      this.models.tier.find().sort({ _id: 1 }).lean<EntityDoc[]>(),
      this.models.offer.find().sort({ _id: 1 }).lean<EntityDoc[]>(),
    ]);
    const tierSources = tierDocs.map(toSourceDocument);
    const offerSources = offerDocs.map(toSourceDocument);
    const tiers = tierSources.map(tierView);
    this.snapshot = {
      tiers,
      tierById: new Map(tiers.map((t) => [t.id, t])),
      offers: new OfferIndex(offerSources.map(offerView)),
      tierListJson: JSON.stringify({ data: tierSources }),
      offerListJson: JSON.stringify({ data: offerSources }),
    };
    this.logger.debug({ revision, tiers: tiers.length, offers: offerSources.length }, 'entity cache loaded');
  }

  /**
   * Identifies the data every read is served from: a new object whenever a reload installs
   * a new generation. Whatever was computed from the entities is stale once it changes.
   */
  get generation(): object {
    return this.snapshot;
  }

  tiers(): Tier[] {
    return this.snapshot.tiers;
  }

  tier(id: string): Tier | undefined {
    return this.snapshot.tierById.get(id);
  }

  offers(): OfferIndex {
    return this.snapshot.offers;
  }

  listJson(kind: EntityKind): string {
    return kind === EntityKind.TIER ? this.snapshot.tierListJson : this.snapshot.offerListJson;
  }

  source(kind: EntityKind, id: string): Record<string, unknown> | undefined {
    const view = kind === EntityKind.TIER ? this.snapshot.tierById.get(id) : this.snapshot.offers.get(id);
    return view?.document;
  }
}
