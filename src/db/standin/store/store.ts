import { invalidNamespace, namespaceExists } from '../errors';
import type { BsonDocument } from '../values';
import { Collection } from './collection';

/** One database: named collections, created implicitly by the first write like MongoDB. */
export class Database {
  private readonly collections = new Map<string, Collection>();

  constructor(readonly name: string) {}

  get(name: string): Collection | undefined {
    return this.collections.get(name);
  }

  /** The collection, created on first use (inserts, upserts and index builds do this). */
  ensure(name: string): { collection: Collection; created: boolean } {
    const existing = this.collections.get(name);
    if (existing) return { collection: existing, created: false };
    assertCollectionName(this.name, name);
    const collection = new Collection(this.name, name);
    this.collections.set(name, collection);
    return { collection, created: true };
  }

  /** Explicit `create`: refuses an existing name the way MongoDB does. */
  create(name: string, options: BsonDocument): Collection {
    if (this.collections.has(name)) throw namespaceExists(`Collection ${this.name}.${name} already exists.`);
    assertCollectionName(this.name, name);
    const collection = new Collection(this.name, name, options);
    this.collections.set(name, collection);
    return collection;
  }

  /** Installs a fully built collection under a name, e.g. the result of `$out`. */
  replace(collection: Collection): void {
    this.collections.set(collection.name, collection);
  }

  drop(name: string): Collection | undefined {
    const existing = this.collections.get(name);
    this.collections.delete(name);
    return existing;
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
  private readonly databases = new Map<string, Database>();

  database(name: string): Database | undefined {
    return this.databases.get(name);
  }

  ensureDatabase(name: string): Database {
    assertDatabaseName(name);
    let db = this.databases.get(name);
    if (!db) {
      db = new Database(name);
      this.databases.set(name, db);
    }
    return db;
  }

  dropDatabase(name: string): void {
    this.databases.delete(name);
  }

  list(): Database[] {
    return Array.from(this.databases.values()).filter((db) => !db.isEmpty);
  }
}

function assertDatabaseName(name: string): void {
  if (name === '' || /[/\\. "$\0]/.test(name)) throw invalidNamespace(`Invalid database name: '${name}'`);
}

function assertCollectionName(db: string, name: string): void {
  if (name === '' || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw invalidNamespace(`Invalid collection name: ${db}.${name}`);
  }
}
