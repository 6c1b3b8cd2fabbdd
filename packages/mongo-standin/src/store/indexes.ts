import { CommandError, badValue } from '../errors';
import { collectPathValues } from '../paths';
import { compileFilter, type Matcher } from '../query';
import { canonicalKey, formatValue, isPlainObject, valuesEqual, type BsonDocument } from '../values';
import { setField } from '../own';

/** An index as listed by `listIndexes`: MongoDB's own field names and layout. */
export interface IndexSpec extends BsonDocument {
  v: number;
  key: BsonDocument;
  name: string;
}

export const ID_INDEX_NAME = '_id_';
export const idIndexSpec = (): IndexSpec => ({ v: 2, key: { _id: 1 }, name: ID_INDEX_NAME });

const INDEX_TYPES = new Set(['text', '2d', '2dsphere', 'hashed', 'geoHaystack']);
// Options that make two indexes on the same key pattern different indexes.
const IDENTITY_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'collation', 'expireAfterSeconds', 'hidden'];
// Guards against a document with several large arrays in one compound key exploding.
const MAX_KEYS_PER_DOCUMENT = 10_000;
// `\u0001` never appears in canonical keys (JSON.stringify escapes control characters).
const KEY_SEPARATOR = '\u0001';

export class DuplicateKeyError extends CommandError {
  constructor(ns: string, indexName: string, keyPattern: BsonDocument, keyValue: BsonDocument, prefix = '') {
    super(
      11000,
      'DuplicateKey',
      `${prefix}E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: ${formatValue(keyValue)}`,
      { keyPattern, keyValue },
    );
  }
}

/** Validates and normalises a `createIndexes` entry into the stored spec. */
export function normaliseIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw)) throw badValue('index specification must be an object');
  const { key, name } = raw;
  if (!isPlainObject(key) || Object.keys(key).length === 0) {
    throw new CommandError(67, 'CannotCreateIndex', "Error in specification: the 'key' field must be a non-empty object");
  }
  for (const [field, dir] of Object.entries(key)) {
    const valid =
      (typeof dir === 'number' && dir !== 0 && Number.isFinite(dir)) || (typeof dir === 'string' && INDEX_TYPES.has(dir));
    if (!valid || field === '') {
      throw new CommandError(
        67,
        'CannotCreateIndex',
        `Error in specification ${formatValue(raw)} :: caused by :: Values in the index key pattern can contain only non-zero numbers or index type strings`,
      );
    }
  }
  if (typeof name !== 'string' || name === '') {
    throw new CommandError(
      9,
      'FailedToParse',
      "Error in specification: the 'name' field is a required property of an index specification",
    );
  }
  const { v: _v, ns: _ns, ...options } = raw;
  return { v: 2, key, name, ...options } as IndexSpec;
}

export function sameKeyPattern(a: IndexSpec, b: IndexSpec): boolean {
  return valuesEqual(a.key, b.key);
}

export function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return IDENTITY_OPTIONS.every((opt) => valuesEqual(normaliseOption(a[opt]), normaliseOption(b[opt])));
}

// `unique: false` and an absent `unique` describe the same index.
const normaliseOption = (value: unknown): unknown => (value === false ? undefined : value);

/**
 * One secondary index. Only unique indexes keep entries: they are what must be enforced,
 * and a hash map from index key to owning `_id` makes each check O(keys of the document)
 * instead of a collection scan. Non-unique indexes are metadata for `listIndexes`.
 */
export class Index {
  readonly fields: string[];
  private readonly entries: Map<string, string> | undefined;
  private readonly partial: Matcher | undefined;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.entries = spec.unique === true ? new Map() : undefined;
    this.partial = isPlainObject(spec.partialFilterExpression) ? compileFilter(spec.partialFilterExpression) : undefined;
  }

  get name(): string {
    return this.spec.name;
  }

  get unique(): boolean {
    return this.entries !== undefined;
  }

  /** Seconds after the indexed date a document expires, when this is a TTL index. */
  get expireAfterSeconds(): number | undefined {
    const secs = this.spec.expireAfterSeconds;
    return typeof secs === 'number' && this.fields.length === 1 ? secs : undefined;
  }

  /** The first key of `doc` already owned by another document, reported as MongoDB does. */
  findConflict(ns: string, doc: BsonDocument, ownerId: string): DuplicateKeyError | undefined {
    if (!this.entries) return undefined;
    for (const { key, values } of this.keys(doc)) {
      const owner = this.entries.get(key);
      if (owner !== undefined && owner !== ownerId) return this.duplicate(ns, values);
    }
    return undefined;
  }

  /** The error for a second document with the given key values. */
  duplicate(ns: string, values: unknown[]): DuplicateKeyError {
    const keyValue: BsonDocument = {};
    this.fields.forEach((f, i) => setField(keyValue, f, values[i] ?? null));
    return new DuplicateKeyError(ns, this.name, this.spec.key, keyValue);
  }

  /** The canonical `_id` of the stored document holding `key`, for unique indexes. */
  ownerOf(key: string): string | undefined {
    return this.entries?.get(key);
  }

  hasKey(doc: BsonDocument, key: string): boolean {
    return this.keys(doc).some((k) => k.key === key);
  }

  add(doc: BsonDocument, ownerId: string): void {
    if (!this.entries) return;
    for (const { key } of this.keys(doc)) this.entries.set(key, ownerId);
  }

  remove(doc: BsonDocument, ownerId: string): void {
    if (!this.entries) return;
    for (const { key } of this.keys(doc)) if (this.entries.get(key) === ownerId) this.entries.delete(key);
  }

  /**
   * Index keys of a document. Arrays produce one key per element (multikey), missing fields
   * index as null, sparse indexes skip documents missing every indexed field, and partial
   * indexes skip documents outside their filter.
   */
  keys(doc: BsonDocument): Array<{ key: string; values: unknown[] }> {
    if (this.partial && !this.partial(doc)) return [];
    const perField = this.fields.map((f) => collectPathValues(doc, f));
    if (this.spec.sparse === true && perField.every((vals) => vals.length === 0)) return [];
    let combos: unknown[][] = [[]];
    for (const values of perField) {
      const options = values.length === 0 ? [null] : values;
      const next: unknown[][] = [];
      for (const combo of combos) for (const v of options) next.push([...combo, v]);
      if (next.length > MAX_KEYS_PER_DOCUMENT) throw badValue(`too many index keys for index ${this.name}`);
      combos = next;
    }
    return combos.map((values) => ({ key: values.map(canonicalKey).join(KEY_SEPARATOR), values }));
  }
}
