import type { Index } from '../store/indexes';
import type { BsonDocument } from '../values';

/**
 * A transaction's own changes to one collection, not yet visible to anyone else: the new
 * version of each document it wrote (null for a delete), keyed by canonical `_id`, plus
 * which unique index keys those versions hold, so checking a transaction's thousandth
 * insert against its first 999 is a map lookup rather than a scan.
 */
export class PendingWrites {
  readonly docs = new Map<string, BsonDocument | null>();
  // unique index -> index key -> canonical _id of the pending document holding it
  private readonly keysByIndex = new Map<Index, Map<string, string>>();

  constructor(
    readonly dbName: string,
    readonly name: string,
  ) {}

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  /** The pending version: a document, null when deleted, undefined when never written. */
  get(id: string): BsonDocument | null | undefined {
    return this.docs.get(id);
  }

  set(id: string, doc: BsonDocument | null, uniqueIndexes: Index[]): void {
    const previous = this.docs.get(id);
    for (const index of uniqueIndexes) {
      const keys = this.keysOf(index);
      if (previous) for (const { key } of index.keys(previous)) if (keys.get(key) === id) keys.delete(key);
      if (doc) for (const { key } of index.keys(doc)) keys.set(key, id);
    }
    this.docs.set(id, doc);
  }

  /** Which pending document holds `key` of a unique index. */
  ownerOf(index: Index, key: string): string | undefined {
    return this.keysOf(index).get(key);
  }

  // Built on first use, which also covers a unique index created after earlier writes.
  private keysOf(index: Index): Map<string, string> {
    let keys = this.keysByIndex.get(index);
    if (!keys) {
      keys = new Map();
      for (const [id, doc] of this.docs) if (doc) for (const { key } of index.keys(doc)) keys.set(key, id);
      this.keysByIndex.set(index, keys);
    }
    return keys;
  }
}
