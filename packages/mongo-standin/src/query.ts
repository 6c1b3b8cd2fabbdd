import { ObjectId } from 'bson';
import { Aggregator, Query } from 'mingo';
import { badValue, fromMingo, notImplemented } from './errors';
import { collectPathValues, isPlainPath, someValueAtPath } from './paths';
import { hasOwn, namesInheritedField, setField } from './own';
import { compileSimpleProjection } from './projection';
import { canonicalKey, cloneValue, compareValues, isNumeric, isPlainObject, rankOf, type BsonDocument } from './values';

type MingoOptions = NonNullable<ConstructorParameters<typeof Query>[1]>;
type MingoCollation = NonNullable<MingoOptions['collation']>;

/** Per-command settings that change how mingo evaluates queries and expressions. */
export interface QueryEnv {
  collation?: BsonDocument;
  variables?: BsonDocument;
  /** Resolves a collection of the same database for `$lookup`, `$graphLookup` and `$unionWith`. */
  resolveCollection?: (name: string) => BsonDocument[];
}

function mingoOptions(env: QueryEnv): Partial<MingoOptions> {
  return {
    idKey: '_id',
    // Server-side JavaScript ($where, $function, $accumulator) is not offered: it would run
    // arbitrary code inside the application process.
    scriptEnabled: false,
    collation:
      isPlainObject(env.collation) && typeof env.collation.locale === 'string'
        ? (env.collation as unknown as MingoCollation)
        : undefined,
    variables: env.variables,
    collectionResolver: env.resolveCollection,
  };
}

export type Matcher = (doc: BsonDocument) => boolean;

const matchAll: Matcher = () => true;

/** Compiles a query filter once so it can be tested against many documents. */
export function compileFilter(filter: unknown, env: QueryEnv = {}): Matcher {
  if (filter === undefined || filter === null) return matchAll;
  if (!isPlainObject(filter)) throw badValue('query filter must be an object');
  if (Object.keys(filter).length === 0) return matchAll;
  const fast = env.collation ? undefined : equalityMatcher(filter);
  if (fast) return fast;
  let query: Query;
  try {
    query = new Query(filter, mingoOptions(env));
  } catch (err) {
    throw fromMingo(err);
  }
  // Some malformed operands only fail once a document is tested.
  return (doc) => {
    try {
      return query.test(doc);
    } catch (err) {
      throw fromMingo(err);
    }
  };
}

/**
 * Filters made only of `field: scalar` equalities and comparisons with a scalar
 * (`$eq $gt $gte $lt $lte`) — findById, lookups by email, compound keys, balance checks —
 * are matched without mingo, whose per-query setup dominates such cheap queries. Semantics
 * are MongoDB's: the value matches the field or any element of an array there, numbers
 * match across BSON numeric types, and a comparison only matches values of the operand's
 * type bracket. Fields are read as own properties only (see ./own), so a field named
 * `__proto__` or `constructor` is matched like any other. null, arrays, sub-documents,
 * regular expressions and other operators all go to mingo.
 */
function equalityMatcher(filter: BsonDocument): Matcher | undefined {
  const conditions: Array<{ segments: string[]; test: (v: unknown) => boolean }> = [];
  for (const [path, value] of Object.entries(filter)) {
    if (!isPlainPath(path)) return undefined;
    const segments = path.split('.');
    if (isPlainObject(value)) {
      const operators = Object.entries(value);
      if (operators.length === 0) return undefined;
      for (const [operator, operand] of operators) {
        const test = comparison(operator, operand);
        if (!test) return undefined;
        conditions.push({ segments, test });
      }
      continue;
    }
    const test = scalarEquality(value);
    if (!test) return undefined;
    conditions.push({ segments, test });
  }
  return (doc) => conditions.every((c) => someValueAtPath(doc, c.segments, c.test));
}

const COMPARISONS: Record<string, (c: number) => boolean> = {
  $gt: (c) => c > 0,
  $gte: (c) => c >= 0,
  $lt: (c) => c < 0,
  $lte: (c) => c <= 0,
};

function comparison(operator: string, operand: unknown): ((v: unknown) => boolean) | undefined {
  if (operator === '$eq') return scalarEquality(operand);
  const holds = hasOwn(COMPARISONS, operator) ? COMPARISONS[operator] : undefined;
  if (!holds || scalarEquality(operand) === undefined) return undefined;
  const bracket = rankOf(operand);
  return (v) => rankOf(v) === bracket && holds(compareValues(v, operand));
}

function scalarEquality(wanted: unknown): ((v: unknown) => boolean) | undefined {
  if (typeof wanted === 'string' || typeof wanted === 'boolean') return (v) => v === wanted;
  if (typeof wanted === 'number') {
    if (Number.isNaN(wanted)) return undefined;
    const key = canonicalKey(wanted);
    return (v) => v === wanted || (typeof v === 'object' && isNumeric(v) && canonicalKey(v) === key);
  }
  if (wanted instanceof Date) return (v) => v instanceof Date && v.getTime() === wanted.getTime();
  if (wanted instanceof ObjectId) return (v) => v instanceof ObjectId && v.equals(wanted);
  return undefined;
}

/**
 * Sorts documents by a MongoDB sort specification. Implemented here rather than with mingo
 * so that arrays sort by their smallest (ascending) or largest (descending) element and
 * values of different BSON types follow MongoDB's cross-type order. The sort is stable,
 * so ties keep insertion order.
 */
export function sortDocuments<T extends BsonDocument>(docs: T[], sort: unknown): T[] {
  if (sort === undefined || sort === null) return docs;
  if (!isPlainObject(sort)) throw badValue('sort must be an object');
  const fields = Object.entries(sort).map(([path, dir]) => {
    if (isPlainObject(dir)) throw notImplemented(`sort by ${JSON.stringify(dir)} is not supported by the stand-in`);
    const n = Number(dir);
    if (n !== 1 && n !== -1) throw badValue(`$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    return { path, dir: n };
  });
  if (fields.length === 0) return docs;
  const keyed = docs.map((doc) => ({ doc, keys: fields.map((f) => sortKey(doc, f.path, f.dir)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < fields.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i]);
      if (c !== 0) return c * fields[i].dir;
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}

function sortKey(doc: BsonDocument, path: string, dir: number): unknown {
  const values = collectPathValues(doc, path);
  if (values.length === 0) return null;
  let best = values[0];
  for (const v of values) {
    const c = compareValues(v, best);
    if ((dir === 1 && c < 0) || (dir === -1 && c > 0)) best = v;
  }
  return best;
}

/**
 * Applies a find projection. Plain inclusions or exclusions of field paths are done here
 * (./projection); mingo does the rest. Positional `field.$` projections need the original
 * filter, everything else is projected against an empty filter to avoid re-testing every
 * document. Top-level fields are put back into stored order, as MongoDB returns them.
 */
export function projectDocuments(docs: BsonDocument[], projection: unknown, filter: unknown, env: QueryEnv = {}): BsonDocument[] {
  if (projection === undefined || projection === null) return docs;
  if (!isPlainObject(projection)) throw badValue('projection must be an object');
  if (Object.keys(projection).length === 0) return docs;
  const simple = compileSimpleProjection(projection);
  if (simple) return docs.map(simple);
  const positional = Object.keys(projection).some((k) => k.endsWith('.$'));
  const condition = positional && isPlainObject(filter) ? filter : {};
  let projected: BsonDocument[];
  try {
    projected = new Query(condition, mingoOptions(env)).find<BsonDocument>(docs, projection).all();
  } catch (err) {
    throw fromMingo(err);
  }
  if (projected.length !== docs.length) return projected;
  return projected.map((out, i) => restoreFieldOrder(docs[i], out));
}

function restoreFieldOrder(source: BsonDocument, projected: BsonDocument): BsonDocument {
  const ordered: BsonDocument = {};
  for (const key of Object.keys(source)) if (hasOwn(projected, key)) setField(ordered, key, projected[key]);
  for (const key of Object.keys(projected)) if (!hasOwn(ordered, key)) setField(ordered, key, projected[key]);
  return ordered;
}

/** Runs an aggregation pipeline. Input documents are cloned because some stages write to them. */
export function runPipeline(docs: BsonDocument[], pipeline: BsonDocument[], env: QueryEnv = {}): BsonDocument[] {
  assertNoInheritedNames(pipeline, 'an aggregation pipeline');
  try {
    const aggregator = new Aggregator(pipeline, mingoOptions(env));
    return aggregator.run<BsonDocument>(docs.map((d) => cloneValue(d)));
  } catch (err) {
    throw fromMingo(err);
  }
}

/**
 * mingo's pipeline stages read and write fields with plain property access, so a stage
 * naming `constructor` or `__proto__` would read Object's members or drop the field.
 * Such pipelines are refused by name rather than answered wrongly.
 */
export function assertNoInheritedNames(spec: unknown, what: string): void {
  if (Array.isArray(spec)) {
    for (const element of spec) assertNoInheritedNames(element, what);
    return;
  }
  if (!isPlainObject(spec)) return;
  for (const key of Object.keys(spec)) {
    if (namesInheritedField(key)) {
      throw notImplemented(
        `the stand-in does not run ${what} naming the field '${key}': it is also a JavaScript Object property`,
      );
    }
    assertNoInheritedNames(spec[key], what);
  }
}
