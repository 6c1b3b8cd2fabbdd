import { invalidNamespace, namespaceExists } from '../errors';
import type { BsonDocument } from '../values';
import { Collection } from './collection';
import { ChangeJournal } from './journal';

/** One database: named collections, created implicitly by the first write like MongoDB. */
export class Database {
  private readonly collections = new Map<string, Collection>();

  constructor(
    readonly name: string,
    private readonly journal: ChangeJournal,
  ) {}

  get(name: string): Collection | undefined {
    return this.collections.get(name);
  }

  /** The collection, created on first use (inserts, upserts and index builds do this). */
  ensure(name: string): { collection: Collection; created: boolean } {
    const existing = this.collections.get(name);
    if (existing) return { collection: existing, created: false };
    assertCollectionName(this.name, name);
    const collection = new Collection(this.name, name);
    this.register(collection);
    return { collection, created: true };
  }

  /** Explicit `create`: refuses an existing name the way MongoDB does. */
  create(name: string, options: BsonDocument): Collection {
    if (this.collections.has(name)) throw namespaceExists(`Collection ${this.name}.${name} already exists.`);
    assertCollectionName(this.name, name);
    const collection = new Collection(this.name, name, options);
    this.register(collection);
    return collection;
  }

  /** Installs a fully built collection under a name, e.g. the result of `$out`. */
  replace(collection: Collection): void {
    const previous = this.collections.get(collection.name);
    if (previous) this.forget(previous);
    // Documents only in the new collection did not exist for open snapshots.
    if (this.journal.active) for (const [id] of collection.entries()) this.journal.beforeChange(collection.ns, id, null);
    this.register(collection);
  }

  drop(name: string): Collection | undefined {
    const existing = this.collections.get(name);
    if (existing) this.forget(existing);
    this.collections.delete(name);
    return existing;
  }

  private register(collection: Collection): void {
    collection.journal = this.journal;
    this.collections.set(collection.name, collection);
  }

  /** Open snapshots keep seeing the documents of a collection that goes away. */
  private forget(collection: Collection): void {
    if (this.journal.active) for (const [id, doc] of collection.entries()) this.journal.beforeChange(collection.ns, id, doc);
    collection.journal = undefined;
  }

  list(): Collection[] {
    return Array.from(this.collections.values());
  }

  get isEmpty(): boolean {
    return this.collections.size === 0;
  }
}

/** All databases of the stand-in. Nothing is persisted: the data lives as long as the process. */
export class Store {
  /** Told of every change to stored documents, for the snapshots transactions read at. */
  readonly journal = new ChangeJournal();
  private readonly databases = new Map<string, Database>();

  database(name: string): Database | undefined {
    return this.databases.get(name);
  }

  ensureDatabase(name: string): Database {
    assertDatabaseName(name);
    let db = this.databases.get(name);
    if (!db) {
      db = new Database(name, this.journal);
      this.databases.set(name, db);
    }
    return db;
  }

  dropDatabase(name: string): void {
    const db = this.databases.get(name);
    if (!db) return;
    for (const collection of db.list()) db.drop(collection.name);
    this.databases.delete(name);
  }

  list(): Database[] {
    return Array.from(this.databases.values()).filter((db) => !db.isEmpty);
  }
}

export function assertDatabaseName(name: string): void {
  if (name === '' || /[/\\. "$\0]/.test(name)) throw invalidNamespace(`Invalid database name: '${name}'`);
}

export function assertCollectionName(db: string, name: string): void {
  if (name === '' || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw invalidNamespace(`Invalid collection name: ${db}.${name}`);
  }
}
