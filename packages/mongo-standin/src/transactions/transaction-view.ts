import { DuplicateKeyError, ID_INDEX_NAME, type Index } from '../store/indexes';
import { findIn, idLookupKeys, type Collection } from '../store/collection';
import type { Documents } from '../store/documents';
import type { QueryEnv } from '../query';
import { writeConflict } from '../errors';
import { canonicalKey, type BsonDocument } from '../values';
import type { Transaction } from './transaction';

/**
 * One collection as a transaction sees it: the live documents, except that a document
 * changed since the snapshot shows its before-image, and the transaction's own pending
 * writes override both. Unique indexes are enforced against that same view, the way
 * MongoDB checks them within a transaction's snapshot.
 */
export class TransactionView implements Documents {
  readonly ns: string;

  constructor(
    private readonly txn: Transaction,
    private readonly dbName: string,
    private readonly name: string,
  ) {
    this.ns = `${dbName}.${name}`;
  }

  private get live(): Collection | undefined {
    return this.txn.store.database(this.dbName)?.get(this.name);
  }

  private get images(): ReadonlyMap<string, BsonDocument | null> | undefined {
    return this.txn.snapshot.imagesOf(this.ns);
  }

  private get pending() {
    return this.txn.pending.get(this.ns);
  }

  /** Whether the collection exists for this transaction (live, dropped since, or written by it). */
  get exists(): boolean {
    return this.live !== undefined || (this.images?.size ?? 0) > 0 || (this.pending?.docs.size ?? 0) > 0;
  }

  /** The document with this canonical `_id` as the transaction sees it. */
  private visible(id: string): BsonDocument | undefined {
    const pending = this.pending?.get(id);
    if (pending !== undefined) return pending ?? undefined;
    const images = this.images;
    if (images?.has(id)) return images.get(id) ?? undefined;
    return this.live?.byId(id);
  }

  /** Every visible document, in natural order: live ones first, then ones deleted since, then new ones. */
  private *scan(): Generator<BsonDocument> {
    const live = this.live;
    const images = this.images;
    const pending = this.pending;
    for (const [id, doc] of live?.entries() ?? []) {
      const seen = pending?.has(id) ? pending.get(id) : images?.has(id) ? images.get(id) : doc;
      if (seen) yield seen;
    }
    for (const [id, image] of images ?? []) {
      if (live?.has(id)) continue;
      const seen = pending?.has(id) ? pending.get(id) : image;
      if (seen) yield seen;
    }
    for (const [id, doc] of pending?.docs ?? []) {
      if (doc && !live?.has(id) && !images?.has(id)) yield doc;
    }
  }

  get size(): number {
    let n = 0;
    for (const _ of this.scan()) n++;
    return n;
  }

  all(): BsonDocument[] {
    return Array.from(this.scan());
  }

  candidates(filter: unknown): Iterable<BsonDocument> {
    const ids = idLookupKeys(filter);
    if (!ids) return this.scan();
    const found: BsonDocument[] = [];
    for (const id of ids) {
      const doc = this.visible(id);
      if (doc) found.push(doc);
    }
    return found;
  }

  find(filter: unknown, env?: QueryEnv, limit?: number): BsonDocument[] {
    return findIn(this.candidates(filter), filter, env, limit);
  }

  insert(doc: BsonDocument): void {
    const id = canonicalKey(doc._id);
    if (this.visible(id)) throw new DuplicateKeyError(this.ns, ID_INDEX_NAME, { _id: 1 }, { _id: doc._id });
    this.write(id, doc);
  }

  replace(current: BsonDocument, next: BsonDocument): void {
    this.write(canonicalKey(current._id), next);
  }

  remove(doc: BsonDocument): void {
    this.write(canonicalKey(doc._id), null);
  }

  private write(id: string, doc: BsonDocument | null): void {
    const unique = this.live?.uniqueIndexes() ?? [];
    if (doc) this.assertUnique(unique, doc, id);
    this.txn.claim(this.ns, id);
    this.txn.pendingFor(this.dbName, this.name).set(id, doc, unique);
  }

  private assertUnique(indexes: Index[], doc: BsonDocument, id: string): void {
    for (const index of indexes) {
      for (const { key, values } of index.keys(doc)) {
        const owner = this.holderOf(index, key);
        if (owner !== undefined && owner !== id) throw index.duplicate(this.ns, values);
      }
    }
  }

  /**
   * The document holding a unique key in this view. A key that only a change after the
   * snapshot holds is a write conflict: MongoDB cannot order this transaction before it.
   */
  private holderOf(index: Index, key: string): string | undefined {
    const pending = this.pending;
    const mine = pending?.ownerOf(index, key);
    if (mine !== undefined) return mine;
    const images = this.images;
    const liveOwner = index.ownerOf(key);
    if (liveOwner !== undefined && !pending?.has(liveOwner)) {
      if (!images?.has(liveOwner)) return liveOwner;
      const image = images.get(liveOwner);
      if (image && index.hasKey(image, key)) return liveOwner;
      this.txn.abort('of a write conflict');
      throw writeConflict();
    }
    for (const [id, image] of images ?? []) {
      if (image && !pending?.has(id) && index.hasKey(image, key)) return id;
    }
    return undefined;
  }
}
