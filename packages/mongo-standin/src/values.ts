import { Binary, Decimal128, Long, ObjectId, Timestamp } from 'bson';
import { setField } from './own';

/** A deserialized BSON document. Keys keep their wire order, which MongoDB treats as significant. */
export type BsonDocument = Record<string, unknown>;

/** The `_bsontype` tag every class in the `bson` package carries; plain JS values have none. */
export function bsonTypeOf(value: object): string | undefined {
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** A sub-document as opposed to an array, Date, RegExp, buffer or a BSON value class. */
export function isPlainObject(value: unknown): value is BsonDocument {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function isNumeric(value: unknown): boolean {
  if (typeof value === 'number' || typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object') return false;
  const tag = bsonTypeOf(value);
  return tag === 'Long' || tag === 'Decimal128' || tag === 'Int32' || tag === 'Double';
}

/**
 * Deep copy of a stored document. Plain objects, arrays, Dates and byte buffers are copied;
 * BSON value classes (ObjectId, Long, Decimal128, ...) are shared because nothing in the
 * stand-in mutates them. Stored documents are never modified in place, so cursors may
 * hold on to them while later writes replace them.
 */
export function cloneValue<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => cloneValue(v) as unknown) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof Uint8Array) return Uint8Array.prototype.slice.call(value) as T;
  if (!isPlainObject(value)) return value;
  const out: BsonDocument = {};
  for (const key of Object.keys(value)) setField(out, key, cloneValue(value[key]));
  return out as T;
}

// MongoDB's cross-type sort order (docs: "Comparison/Sort Order").
const enum Rank {
  MinKey = 1,
  Null = 2,
  Number = 3,
  String = 4,
  Object = 5,
  Array = 6,
  BinData = 7,
  ObjectId = 8,
  Boolean = 9,
  Date = 10,
  Timestamp = 11,
  RegExp = 12,
  Other = 13,
  MaxKey = 14,
}

/** MongoDB's type bracket of a value: comparison operators only match values of their operand's bracket. */
export function rankOf(value: unknown): number {
  if (value === null || value === undefined) return Rank.Null;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return Rank.Number;
    case 'string':
      return Rank.String;
    case 'boolean':
      return Rank.Boolean;
    case 'object':
      break;
    default:
      return Rank.Other;
  }
  if (Array.isArray(value)) return Rank.Array;
  if (value instanceof Date) return Rank.Date;
  if (value instanceof RegExp) return Rank.RegExp;
  if (value instanceof Uint8Array) return Rank.BinData;
  switch (bsonTypeOf(value as object)) {
    case undefined:
      return Rank.Object;
    case 'Long':
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return Rank.Number;
    case 'BSONSymbol':
      return Rank.String;
    case 'ObjectId':
      return Rank.ObjectId;
    case 'Binary':
      return Rank.BinData;
    case 'Timestamp':
      return Rank.Timestamp;
    case 'BSONRegExp':
      return Rank.RegExp;
    case 'MinKey':
      return Rank.MinKey;
    case 'MaxKey':
      return Rank.MaxKey;
    default:
      return Rank.Other;
  }
}

/** Numeric value for ordering. Decimal128 and huge Longs lose precision; see README gaps. */
function toDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Decimal128) return Number(value.toString());
  return Number((value as { valueOf(): unknown }).valueOf());
}

function compareNumbers(a: unknown, b: unknown): number {
  if (a instanceof Long && b instanceof Long) return a.compare(b);
  const x = toDouble(a);
  const y = toDouble(b);
  // MongoDB sorts NaN below every other number.
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function bytesOf(value: unknown): Uint8Array {
  return value instanceof Binary ? value.buffer.subarray(0, value.position) : (value as Uint8Array);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

const cmp = (a: string | number | boolean, b: string | number | boolean): number => (a < b ? -1 : a > b ? 1 : 0);

/** Total order over BSON values following MongoDB's comparison rules. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case Rank.Null:
    case Rank.MinKey:
    case Rank.MaxKey:
      return 0;
    case Rank.Number:
      return compareNumbers(a, b);
    case Rank.String:
      return cmp(String(a), String(b));
    case Rank.Boolean:
      return cmp(a as boolean, b as boolean);
    case Rank.Date:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case Rank.ObjectId:
      return cmp((a as ObjectId).toHexString(), (b as ObjectId).toHexString());
    case Rank.Timestamp:
      return (a as Timestamp).compare(b as Timestamp);
    case Rank.BinData: {
      const subA = a instanceof Binary ? a.sub_type : 0;
      const subB = b instanceof Binary ? b.sub_type : 0;
      const byLength = compareBytes(bytesOf(a), bytesOf(b));
      if (bytesOf(a).length !== bytesOf(b).length) return byLength;
      return subA !== subB ? cmp(subA, subB) : byLength;
    }
    case Rank.RegExp: {
      const x = a as { source: string; flags?: string; pattern?: string; options?: string };
      const y = b as typeof x;
      return (
        cmp(x.source ?? x.pattern ?? '', y.source ?? y.pattern ?? '') ||
        cmp(x.flags ?? x.options ?? '', y.flags ?? y.options ?? '')
      );
    }
    case Rank.Array: {
      const xs = a as unknown[];
      const ys = b as unknown[];
      for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
        const c = compareValues(xs[i], ys[i]);
        if (c !== 0) return c;
      }
      return cmp(xs.length, ys.length);
    }
    case Rank.Object: {
      // Embedded documents compare field by field in stored order: value type, then name, then value.
      const ea = Object.entries(a as BsonDocument);
      const eb = Object.entries(b as BsonDocument);
      for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
        const byRank = cmp(rankOf(ea[i][1]), rankOf(eb[i][1]));
        if (byRank !== 0) return byRank;
        const byName = cmp(ea[i][0], eb[i][0]);
        if (byName !== 0) return byName;
        const byValue = compareValues(ea[i][1], eb[i][1]);
        if (byValue !== 0) return byValue;
      }
      return cmp(ea.length, eb.length);
    }
    default:
      return cmp(String(a), String(b));
  }
}

/**
 * A string that is equal for two values exactly when MongoDB would consider them the same
 * index key: numbers of different BSON types compare by value (1, 1.0 and NumberLong(1) are
 * one key), embedded documents compare by field order. Used as a Map key for `_id` and
 * unique indexes so lookups are hash lookups rather than scans.
 */
export function canonicalKey(value: unknown): string {
  if (value === null || value === undefined) return 'z';
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? 'n0' : `n${value}`;
    case 'bigint':
      return `n${value}`;
    case 'string':
      return `s${JSON.stringify(value)}`;
    case 'boolean':
      return value ? 'b1' : 'b0';
    case 'object':
      break;
    default:
      return `u${JSON.stringify(String(value))}`;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalKey).join(',')}]`;
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof RegExp) return `r${JSON.stringify([value.source, value.flags])}`;
  if (value instanceof Uint8Array) return `x0:${Buffer.from(value).toString('base64')}`;
  switch (bsonTypeOf(value)) {
    case undefined: {
      const parts = Object.keys(value).map((k) => `${JSON.stringify(k)}:${canonicalKey((value as BsonDocument)[k])}`);
      return `{${parts.join(',')}}`;
    }
    case 'ObjectId':
      return `o${(value as ObjectId).toHexString()}`;
    case 'Long': {
      const long = value as Long;
      const asNumber = long.toNumber();
      return Number.isSafeInteger(asNumber) ? `n${asNumber}` : `n${long.toString()}`;
    }
    case 'Int32':
    case 'Double':
    case 'Decimal128': {
      const n = toDouble(value);
      return Object.is(n, -0) ? 'n0' : `n${n}`;
    }
    case 'Binary': {
      const bin = value as Binary;
      return `x${bin.sub_type}:${Buffer.from(bytesOf(bin)).toString('base64')}`;
    }
    case 'Timestamp':
      return `t${(value as Timestamp).toString()}`;
    case 'MinKey':
      return 'm';
    case 'MaxKey':
      return 'M';
    default:
      return `u${JSON.stringify(String(value))}`;
  }
}

/** Order-sensitive structural equality, matching how MongoDB compares whole documents. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return a === b || compareValues(a, b) === 0;
}

/**
 * Renders a value the way mongod prints it in E11000 messages, e.g. `{ email: "a@b.c" }`
 * or `{ _id: ObjectId('...') }`, so logs look familiar.
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (isPlainObject(value)) {
    const entries = Object.keys(value).map((k) => `${k}: ${formatValue(value[k])}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  switch (bsonTypeOf(value)) {
    case 'ObjectId':
      return `ObjectId('${(value as ObjectId).toHexString()}')`;
    case 'Decimal128':
      return `Decimal128("${String(value)}")`;
    case 'Long':
      return String(value);
    default:
      return String(value);
  }
}
