import { UUID } from 'bson';
import { CommandError, indexKeySpecsConflict, indexOptionsConflict } from '../errors';
import { collectPathValues } from '../paths';
import { compileFilter, type QueryEnv } from '../query';
import { canonicalKey, formatValue, isPlainObject, type BsonDocument } from '../values';
import {
  DuplicateKeyError,
  ID_INDEX_NAME,
  Index,
  idIndexSpec,
  normaliseIndexSpec,
  sameKeyPattern,
  sameOptions,
  type IndexSpec,
} from './indexes';
import type { ChangeJournal } from './journal';

export type CreateIndexOutcome = 'created' | 'exists';

/** One document's change in an all-or-nothing batch: null stands for "absent". */
export interface DocumentChange {
  id: string;
  before: BsonDocument | null;
  after: BsonDocument | null;
}

/**
 * Documents of one collection, keyed by the canonical form of `_id` so `_id` lookups are
 * map lookups. A Map keeps insertion order, which serves as natural order. Stored
 * documents are treated as immutable: writers build a new document and swap it in, so a
 * cursor holding an older reference keeps a consistent snapshot of that document.
 */
export class Collection {
  readonly uuid = new UUID();
  /** Set while the collection is part of the store, so open snapshots hear of every change. */
  journal: ChangeJournal | undefined;
  private readonly docs = new Map<string, BsonDocument>();
  private readonly indexes = new Map<string, Index>();

  constructor(
    readonly dbName: string,
    readonly name: string,
    readonly options: BsonDocument = {},
  ) {}

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  get size(): number {
    return this.docs.size;
  }

  /** All documents in natural order; the array is new, the documents are the stored ones. */
  all(): BsonDocument[] {
    return Array.from(this.docs.values());
  }

  /** The stored document with this canonical `_id`. */
  byId(id: string): BsonDocument | undefined {
    return this.docs.get(id);
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  /** Canonical `_id` and document pairs in natural order. */
  entries(): IterableIterator<[string, BsonDocument]> {
    return this.docs.entries();
  }

  uniqueIndexes(): Index[] {
    return Array.from(this.indexes.values()).filter((i) => i.unique);
  }

  /** Documents that could match `filter`, narrowed through the `_id` map when the filter allows. */
  candidates(filter: unknown): Iterable<BsonDocument> {
    const ids = idLookupKeys(filter);
    if (!ids) return this.docs.values();
    const found: BsonDocument[] = [];
    for (const key of ids) {
      const doc = this.docs.get(key);
      if (doc) found.push(doc);
    }
    return found;
  }

  /** Stored documents matching `filter`, in natural order; stops early once `limit` are found. */
  find(filter: unknown, env?: QueryEnv, limit = Number.POSITIVE_INFINITY): BsonDocument[] {
    return findIn(this.candidates(filter), filter, env, limit);
  }

  /** Inserts a document that already has an `_id`; throws DuplicateKeyError without side effects. */
  insert(doc: BsonDocument): void {
    const id = canonicalKey(doc._id);
    if (this.docs.has(id)) {
      throw new DuplicateKeyError(this.ns, ID_INDEX_NAME, { _id: 1 }, { _id: doc._id });
    }
    this.assertUnique(doc, id);
    this.journal?.beforeChange(this.ns, id, null);
    for (const index of this.indexes.values()) index.add(doc, id);
    this.docs.set(id, doc);
  }

  /** Swaps a stored document for its updated version; `_id` must be unchanged. */
  replace(current: BsonDocument, next: BsonDocument): void {
    const id = canonicalKey(current._id);
    this.assertUnique(next, id);
    this.journal?.beforeChange(this.ns, id, current);
    for (const index of this.indexes.values()) {
      index.remove(current, id);
      index.add(next, id);
    }
    this.docs.set(id, next);
  }

  remove(doc: BsonDocument): void {
    const id = canonicalKey(doc._id);
    if (!this.docs.has(id)) return;
    this.journal?.beforeChange(this.ns, id, doc);
    for (const index of this.indexes.values()) index.remove(doc, id);
    this.docs.delete(id);
  }

  /**
   * Applies several changes as one, as a transaction commits: unique indexes are checked
   * against the final state (so documents may trade unique values), and when any change
   * breaks one, nothing at all has changed and the DuplicateKeyError is thrown. Each
   * `before` must be the stored document (or null when there is none).
   */
  applyChanges(changes: DocumentChange[]): void {
    const indexes = Array.from(this.indexes.values());
    for (const { id, before } of changes) if (before) for (const index of indexes) index.remove(before, id);
    try {
      for (const { id, after } of changes) {
        if (!after) continue;
        for (const index of indexes) {
          const conflict = index.findConflict(this.ns, after, id);
          if (conflict) throw conflict;
          index.add(after, id);
        }
      }
    } catch (err) {
      // Removing keys a document does not own is a no-op, so every change can be undone alike.
      for (const { id, after } of changes) if (after) for (const index of indexes) index.remove(after, id);
      for (const { id, before } of changes) if (before) for (const index of indexes) index.add(before, id);
      throw err;
    }
    for (const { id, before, after } of changes) {
      this.journal?.beforeChange(this.ns, id, before);
      if (after) this.docs.set(id, after);
      else this.docs.delete(id);
    }
  }

  private assertUnique(doc: BsonDocument, ownerId: string): void {
    for (const index of this.indexes.values()) {
      const conflict = index.findConflict(this.ns, doc, ownerId);
      if (conflict) throw conflict;
    }
  }

  listIndexes(): IndexSpec[] {
    return [idIndexSpec(), ...Array.from(this.indexes.values(), (i) => ({ ...i.spec }))];
  }

  get indexCount(): number {
    return this.indexes.size + 1;
  }

  /**
   * Creates an index, or confirms an identical one exists. Conflicts follow MongoDB: same
   * name with another key pattern, same name with other options, or the same key pattern
   * and options under another name are all refused.
   */
  createIndex(raw: unknown): CreateIndexOutcome {
    const spec = normaliseIndexSpec(raw);
    const all = [idIndexSpec(), ...Array.from(this.indexes.values(), (i) => i.spec)];
    for (const existing of all) {
      if (existing.name === spec.name) {
        if (!sameKeyPattern(existing, spec)) {
          throw indexKeySpecsConflict(
            `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${formatValue(spec)}, existing index: ${formatValue(existing)}`,
          );
        }
        if (existing.name === ID_INDEX_NAME || sameOptions(existing, spec)) return 'exists';
        throw indexOptionsConflict(
          `An equivalent index already exists with the same name but different options. Requested index: ${formatValue(spec)}, existing index: ${formatValue(existing)}`,
        );
      }
      if (sameKeyPattern(existing, spec) && sameOptions(existing, spec)) {
        throw indexOptionsConflict(`Index already exists with a different name: ${existing.name}`);
      }
    }
    if (isPlainObject(spec.key) && '_id' in spec.key && Object.keys(spec.key).length === 1 && spec.unique === true) {
      throw new CommandError(
        197,
        'InvalidIndexSpecificationOption',
        "The field 'unique' is not valid for an _id index specification",
      );
    }
    const index = new Index(spec);
    // The index is registered only once fully built, so a duplicate leaves nothing behind.
    for (const doc of this.docs.values()) {
      const id = canonicalKey(doc._id);
      const conflict = index.findConflict(this.ns, doc, id);
      if (conflict) {
        throw new DuplicateKeyError(
          this.ns,
          spec.name,
          spec.key,
          conflict.extra.keyValue as BsonDocument,
          `Index build failed: ${this.uuid.toHexString()}: Collection ${this.ns} ( ${this.uuid.toHexString()} ) :: caused by :: `,
        );
      }
      index.add(doc, id);
    }
    this.indexes.set(spec.name, index);
    return 'created';
  }

  /** Finds an index by name or by key pattern, as `dropIndexes` accepts either. */
  findIndex(nameOrKey: unknown): IndexSpec | undefined {
    if (typeof nameOrKey === 'string') {
      return nameOrKey === ID_INDEX_NAME ? idIndexSpec() : this.indexes.get(nameOrKey)?.spec;
    }
    if (isPlainObject(nameOrKey)) {
      const wanted = canonicalKey(nameOrKey);
      if (wanted === canonicalKey({ _id: 1 })) return idIndexSpec();
      for (const index of this.indexes.values()) if (canonicalKey(index.spec.key) === wanted) return index.spec;
    }
    return undefined;
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
  }

  dropAllIndexes(): void {
    this.indexes.clear();
  }

  /** Removes documents whose TTL date has passed; returns how many were removed. */
  expire(now: number): number {
    let removed = 0;
    for (const index of this.indexes.values()) {
      const secs = index.expireAfterSeconds;
      if (secs === undefined) continue;
      const field = index.fields[0];
      for (const doc of this.all()) {
        // MongoDB expires a document when the earliest date in the indexed field has passed.
        const dates = collectPathValues(doc, field).filter((v): v is Date => v instanceof Date);
        if (dates.length === 0) continue;
        const earliest = Math.min(...dates.map((d) => d.getTime()));
        if (earliest + secs * 1000 <= now) {
          this.remove(doc);
          removed++;
        }
      }
    }
    return removed;
  }
}

/** The documents among `candidates` matching `filter`, stopping once `limit` are found. */
export function findIn(
  candidates: Iterable<BsonDocument>,
  filter: unknown,
  env?: QueryEnv,
  limit = Number.POSITIVE_INFINITY,
): BsonDocument[] {
  const matches = compileFilter(filter, env);
  const found: BsonDocument[] = [];
  for (const doc of candidates) {
    if (found.length >= limit) break;
    if (matches(doc)) found.push(doc);
  }
  return found;
}

/**
 * `_id` values the filter pins down by equality or `$in`, as canonical keys; undefined when
 * the filter needs a scan. Regular expressions and other operators fall back to the scan.
 */
export function idLookupKeys(filter: unknown): string[] | undefined {
  if (!isPlainObject(filter) || !('_id' in filter)) return undefined;
  const cond = filter._id;
  if (cond instanceof RegExp) return undefined;
  if (!isPlainObject(cond)) return [canonicalKey(cond)];
  const ops = Object.keys(cond);
  if (ops.length === 0 || !ops.every((k) => k.startsWith('$'))) {
    return ops.some((k) => k.startsWith('$')) ? undefined : [canonicalKey(cond)];
  }
  if (ops.length !== 1) return undefined;
  if (ops[0] === '$eq' && !(cond.$eq instanceof RegExp) && !isPlainObject(cond.$eq)) return [canonicalKey(cond.$eq)];
  if (ops[0] === '$in' && Array.isArray(cond.$in) && cond.$in.every((v) => !(v instanceof RegExp) && !Array.isArray(v))) {
    return Array.from(new Set(cond.$in.map(canonicalKey)));
  }
  return undefined;
}
