import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { Collection } from 'mongodb';

/** One recorded use of an offer. (offer, transactionId) is unique: a repeat is found, never stored twice. */
export interface RedemptionDoc {
  _id: Types.ObjectId;
  offer: string;
  customer: string;
  transactionId: string;
  /** the `at` of the redemption; named for the shared newest-first paging */
  occurredAt: Date;
  recordedAt: Date;
}

/**
 * The counters the limits are held to, one document per offer (`global`) and per offer and
 * customer (`customer`). Each use is one conditional `$inc` whose filter is the limit, so a
 * counter can never pass its limit, whatever runs concurrently.
 */
export interface CounterDoc {
  /** JSON of ["g", offer] or ["c", offer, customer]: unambiguous whatever the ids contain */
  _id: string;
  offer: string;
  customer?: string;
  uses: number;
  /** uses per calendar period key (see windows.ts periodKey); customer counters only */
  periods?: Record<string, number>;
}

export const globalCounterId = (offer: string) => JSON.stringify(['g', offer]);
export const customerCounterId = (offer: string, customer: string) => JSON.stringify(['c', offer, customer]);

function redemptionSchema(): Schema<RedemptionDoc> {
  const schema = new Schema<RedemptionDoc>(
    {
      offer: { type: String, required: true },
      customer: { type: String, required: true },
      transactionId: { type: String, required: true },
      occurredAt: { type: Date, required: true },
      recordedAt: { type: Date, required: true },
    },
    { collection: 'offer_redemptions', versionKey: false, id: false, autoIndex: true },
  );
  schema.index({ offer: 1, transactionId: 1 }, { unique: true });
  // A customer's redemptions newest first, keyset-paged on (occurredAt, _id).
  schema.index({ customer: 1, occurredAt: -1, _id: -1 });
  return schema;
}

function counterSchema(): Schema<CounterDoc> {
  const schema = new Schema<CounterDoc>(
    {
      _id: { type: String, required: true },
      offer: { type: String, required: true },
      customer: String,
      uses: Number,
      periods: { type: Schema.Types.Mixed },
    },
    { collection: 'offer_counters', versionKey: false, minimize: false, _id: false, id: false, autoIndex: true },
  );
  // evaluateOffers reads all of one customer's counters at once.
  schema.index({ customer: 1 });
  return schema;
}

export interface RedemptionModels {
  redemption: Model<RedemptionDoc>;
  counter: Model<CounterDoc>;
}

export function redemptionModels(connection: Connection): RedemptionModels {
  return {
    redemption:
      (connection.models.OfferRedemption as Model<RedemptionDoc>) ??
      connection.model<RedemptionDoc>('OfferRedemption', redemptionSchema()),
    counter:
      (connection.models.OfferCounter as Model<CounterDoc>) ?? connection.model<CounterDoc>('OfferCounter', counterSchema()),
  };
}

/** Driver collections: each write is exactly the conditional update built in the service. */
export function rawRedemptions(model: Model<RedemptionDoc>): Collection<RedemptionDoc> {
  return model.collection as unknown as Collection<RedemptionDoc>;
}

export function rawCounters(model: Model<CounterDoc>): Collection<CounterDoc> {
  return model.collection as unknown as Collection<CounterDoc>;
}
