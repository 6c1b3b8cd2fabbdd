import { Schema, type Connection, type Model } from 'mongoose';
import type { Collection } from 'mongodb';

/**
 * Tier and offer documents are stored as they arrive: `_id` is the entity id, every key of
 * the source document is kept (`strict: false`), nothing is added (`versionKey: false`,
 * no timestamps) and empty objects survive (`minimize: false`). Validation happens before,
 * in the import service, against the source's shapes; the schema only names `_id` and the
 * indexed paths so mongoose never casts a value into a different representation.
 */
export interface EntityDoc {
  _id: string;
  [key: string]: unknown;
}

function entitySchema(collection: string): Schema<EntityDoc> {
  return new Schema<EntityDoc>(
    { _id: { type: String, required: true } },
    {
      collection,
      strict: false,
      versionKey: false,
      minimize: false,
      id: false,
      _id: false,
      timestamps: false,
      autoIndex: true,
    },
  );
}

const tierSchema = entitySchema('tiers');

const offerSchema = entitySchema('offers');
// The filters of the `offers` query; also what a direct MongoDB query by an operator uses.
offerSchema.index({ starts_at: 1, ends_at: 1 });
offerSchema.index({ 'segments.id': 1 });
offerSchema.index({ 'stores.id': 1 });
offerSchema.index({ type: 1 });
offerSchema.index({ card_enabled: 1 });

export interface EntityModels {
  tier: Model<EntityDoc>;
  offer: Model<EntityDoc>;
}

export function entityModels(connection: Connection): EntityModels {
  return {
    tier: connection.models.Tier ?? connection.model<EntityDoc>('Tier', tierSchema),
    offer: connection.models.Offer ?? connection.model<EntityDoc>('Offer', offerSchema),
  };
}

/** The stored document without `_id`: what the Entities API returns. */
export function toSourceDocument(stored: EntityDoc): Record<string, unknown> {
  const { _id, ...rest } = stored;
  if (!('id' in rest)) return { id: _id, ...rest };
  return rest;
}

/**
 * The driver collection with string `_id`s. Writes go here, past mongoose's casting, so a
 * document is stored byte-for-byte as validated (no defaults, no type coercion).
 */
export function rawCollection(model: Model<EntityDoc>): Collection<EntityDoc> {
  return model.collection as unknown as Collection<EntityDoc>;
}
