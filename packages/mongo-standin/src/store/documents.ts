import type { QueryEnv } from '../query';
import type { BsonDocument } from '../values';
import type { Store } from './store';

/**
 * What read and write commands use of a collection. The live Collection is one; a
 * transaction's view of a collection (its snapshot plus its own writes) is the other, so
 * the same command code runs inside and outside transactions.
 */
export interface Documents {
  readonly ns: string;
  readonly size: number;
  all(): BsonDocument[];
  /** Documents that could match `filter` (narrowed through `_id` where the filter allows). */
  candidates(filter: unknown): Iterable<BsonDocument>;
  find(filter: unknown, env?: QueryEnv, limit?: number): BsonDocument[];
  insert(doc: BsonDocument): void;
  replace(current: BsonDocument, next: BsonDocument): void;
  remove(doc: BsonDocument): void;
}

/** The collections of one database as a command sees them. */
export interface CollectionAccess {
  get(name: string): Documents | undefined;
  /** The collection, created when missing (inserts and upserts create collections). */
  ensure(name: string): Documents;
}

/** The committed data, as every command outside a transaction sees it. */
export function liveCollections(store: Store, dbName: string): CollectionAccess {
  return {
    get: (name) => store.database(dbName)?.get(name),
    ensure: (name) => store.ensureDatabase(dbName).ensure(name).collection,
  };
}
