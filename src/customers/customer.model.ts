import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { Collection } from 'mongodb';

/**
 * One points account as stored. `spendable` is the sum of `lots` as of the last write (some
 * may have expired since: reads recompute it from the lots); `expired` counts the points of
 * lots that had expired by the last write. `earned` holds the points added per UTC day of
 * their effective time (`d2026-03-15`), which tier windows are summed from (spends do not lower them).
 * Accounts written before lots existed have only `score`, `spent` and `spendable`.
 */
export interface AccountCounters {
  score: number;
  spent: number;
  spendable: number;
  expired: number;
  lots: { points: number; expiresAt: Date | null }[];
  earned: Record<string, number>;
}

/**
 * A customer as stored in `customers`. `_id` is the customer id the client chose at opt-in
 * (a value, never a key). Per-account counters live under `accounts.<name>` so a point
 * event is ONE atomic update of field paths (`$inc` on `accounts.<name>.score` ...); the
 * client chooses `<name>`, so it is checked against ACCOUNT_NAME and every read of
 * `accounts` goes through `accountCounters` (own fields only).
 */
export interface CustomerDoc {
  _id: string;
  status: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  /** `scrypt$N$r$p$salt$hash` (see ./password); never projected into API responses. */
  passwordHash?: string;
  accounts: Record<string, Partial<AccountCounters>>;
  /** Segment ids from opt_in/profile `data.segments` (offers read them). */
  segments?: string[];
  /** Incremented by every point event, whose update is conditional on the value it read. */
  rev?: number;
  /** The opt-in time: the opt_in event's effective time. */
  createdAt: Date;
  updatedAt: Date;
}

/** One accepted event, kept for the customer's history. Never holds a password. */
export interface CustomerEventDoc {
  _id: Types.ObjectId;
  customer: string;
  action: string;
  data: Record<string, unknown>;
  /** The effective time (`data.effective_timestamp`, else `receivedAt`). */
  occurredAt: Date;
  /** When the server received the event (absent on entries written before it was kept). */
  receivedAt?: Date;
  /** The shop's id; unique per customer (a partial unique index), which makes retries idempotent. */
  externalId?: string;
  /** Point events: the points, the account and, for point_add, when they expire (null: never). */
  points?: number;
  account?: string;
  expiresAt?: Date | null;
  /** `***` + the last four characters of the API key that sent the event. */
  apiKeyHint: string | null;
}

/**
 * Account names become MongoDB field names (`accounts.<name>.score`) and JavaScript keys.
 * Letters, digits, `_` and `-` keep `.` (a path separator), `$` (an operator), NUL and empty
 * names out; a leading `_` is refused so `__proto__` (which JavaScript reads as the
 * prototype) and `_id`-like names never become accounts. Names such as `constructor`,
 * `prototype` or `toString` are ordinary accounts and round-trip exactly.
 */
export const ACCOUNT_NAME = /^[A-Za-z0-9-][A-Za-z0-9_-]{0,63}$/;
export const ACCOUNT_NAME_RULE = 'data.account must be 1 to 64 letters, digits, _ or -, not starting with _';
export const DEFAULT_ACCOUNT = 'standard';

/**
 * The counters stored under `accounts[name]`, only when `name` is an own field: a name
 * such as `constructor` must not find Object's members on an account that does not exist.
 */
export function accountCounters(accounts: unknown, name: string): Partial<AccountCounters> | undefined {
  if (accounts === null || typeof accounts !== 'object' || !Object.prototype.hasOwnProperty.call(accounts, name))
    return undefined;
  const counters = (accounts as Record<string, unknown>)[name];
  return counters !== null && typeof counters === 'object' ? (counters as Partial<AccountCounters>) : undefined;
}

/** Projection for every read that feeds the API: the password hash never leaves the database. */
export const PUBLIC_PROJECTION = { passwordHash: 0 } as const;

function customerSchema(): Schema<CustomerDoc> {
  return new Schema<CustomerDoc>(
    {
      _id: { type: String, required: true },
      status: String,
      email: String,
      firstName: String,
      lastName: String,
      passwordHash: String,
      accounts: { type: Schema.Types.Mixed },
      segments: [String],
      rev: Number,
      createdAt: Date,
      updatedAt: Date,
    },
    { collection: 'customers', versionKey: false, minimize: false, _id: false, id: false, autoIndex: true },
  );
}

function eventSchema(): Schema<CustomerEventDoc> {
  const schema = new Schema<CustomerEventDoc>(
    {
      customer: { type: String, required: true },
      action: { type: String, required: true },
      data: { type: Schema.Types.Mixed },
      occurredAt: { type: Date, required: true },
      receivedAt: Date,
      externalId: String,
      points: Number,
      account: String,
      expiresAt: Date,
      apiKeyHint: String,
    },
    { collection: 'events', versionKey: false, minimize: false, id: false, autoIndex: true },
  );
  // A customer's history, newest first, keyset-paged on (occurredAt, _id).
  schema.index({ customer: 1, occurredAt: -1, _id: -1 });
  // One accepted event per (customer, externalId): a concurrent retry's insert fails here, in
  // the same transaction as its customer change, so it can never be applied twice.
  schema.index(
    { customer: 1, externalId: 1 },
    { unique: true, name: 'customer_externalId_unique', partialFilterExpression: { externalId: { $type: 'string' } } },
  );
  return schema;
}

export interface CustomerModels {
  customer: Model<CustomerDoc>;
  event: Model<CustomerEventDoc>;
}

export function customerModels(connection: Connection): CustomerModels {
  return {
    customer: (connection.models.Customer as Model<CustomerDoc>) ?? connection.model<CustomerDoc>('Customer', customerSchema()),
    event:
      (connection.models.CustomerEvent as Model<CustomerEventDoc>) ??
      connection.model<CustomerEventDoc>('CustomerEvent', eventSchema()),
  };
}

/**
 * The driver collection: writes go past mongoose's casting so each event is exactly the one
 * update built here (mongoose would otherwise rewrite Mixed paths or add defaults).
 */
export function rawCustomers(model: Model<CustomerDoc>): Collection<CustomerDoc> {
  return model.collection as unknown as Collection<CustomerDoc>;
}

export function rawEvents(model: Model<CustomerEventDoc>): Collection<CustomerEventDoc> {
  return model.collection as unknown as Collection<CustomerEventDoc>;
}
