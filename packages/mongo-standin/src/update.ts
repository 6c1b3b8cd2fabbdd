import { ObjectId } from 'bson';
import { update as mingoUpdate, updateOne as mingoUpdateOne } from 'mingo';
import {
  badValue,
  CommandError,
  conflictingUpdateOperators,
  failedToParse,
  fromMingo,
  immutableField,
  notImplemented,
  pathNotViable,
  typeMismatch,
} from './errors';
import { namesInheritedField, ownField } from './own';
import { getPath, pathsOverlap, setPath } from './paths';
import { applySimpleUpdate } from './simple-update';
import { assertNoInheritedNames, type QueryEnv } from './query';
import { cloneValue, formatValue, isNumeric, isPlainObject, valuesEqual, type BsonDocument } from './values';

/** An update as classified by MongoDB: operator document, replacement document or pipeline. */
export type ParsedUpdate =
  | { kind: 'operators'; ops: BsonDocument; setOnInsert: BsonDocument | undefined }
  | { kind: 'replacement'; doc: BsonDocument }
  | { kind: 'pipeline'; stages: BsonDocument[] };

// mingo implements all of these except $setOnInsert, which only applies when an upsert inserts.
const UPDATE_OPERATORS = new Set([
  '$addToSet',
  '$bit',
  '$currentDate',
  '$inc',
  '$max',
  '$min',
  '$mul',
  '$pop',
  '$pull',
  '$pullAll',
  '$push',
  '$rename',
  '$set',
  '$setOnInsert',
  '$unset',
]);
const PIPELINE_UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);
const NUMERIC_OPERATORS = new Set(['$inc', '$mul']);
const ARRAY_OPERATORS = new Set(['$push', '$addToSet', '$pull', '$pullAll', '$pop']);
// Operators that create missing fields; removing ones ($unset, $pull, ...) are no-ops instead.
const PATH_CREATING_OPERATORS = new Set(['$set', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate']);

export function parseUpdate(spec: unknown): ParsedUpdate {
  if (Array.isArray(spec)) {
    for (const stage of spec) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !PIPELINE_UPDATE_STAGES.has(name)) {
        throw new CommandError(72, 'InvalidOptions', `${name ?? 'stage'} is not allowed to be used within an update`);
      }
    }
    return { kind: 'pipeline', stages: spec as BsonDocument[] };
  }
  if (!isPlainObject(spec)) throw failedToParse('Update argument must be either an object or an array');
  const keys = Object.keys(spec);
  if (keys.length === 0 || !keys[0].startsWith('$')) {
    const dollar = keys.find((k) => k.startsWith('$'));
    if (dollar) {
      throw new CommandError(
        52,
        'DollarPrefixedFieldName',
        `The dollar ($) prefixed field '${dollar}' in '${dollar}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
    return { kind: 'replacement', doc: spec };
  }
  const ops: BsonDocument = {};
  let setOnInsert: BsonDocument | undefined;
  for (const op of keys) {
    if (!UPDATE_OPERATORS.has(op)) {
      throw failedToParse(
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    const arg = spec[op];
    if (!isPlainObject(arg)) {
      throw failedToParse(
        `Modifiers operate on fields but we found type ${Array.isArray(arg) ? 'array' : typeof arg} instead. For example: {$mod: {<field>: ...}} not {${op}: ${formatValue(arg)}}`,
      );
    }
    if (op === '$setOnInsert') setOnInsert = arg;
    else ops[op] = arg;
  }
  assertNoConflicts(spec);
  return { kind: 'operators', ops, setOnInsert };
}

/** MongoDB refuses one update that touches a path and its parent or child through two operators. */
function assertNoConflicts(spec: BsonDocument): void {
  const seen: string[] = [];
  for (const [op, arg] of Object.entries(spec)) {
    const paths = Object.keys(arg as BsonDocument);
    if (op === '$rename') paths.push(...Object.values(arg as BsonDocument).map(String));
    for (const path of paths) {
      const clash = seen.find((p) => pathsOverlap(p, path));
      if (clash !== undefined)
        throw conflictingUpdateOperators(`Updating the path '${path}' would create a conflict at '${clash}'`);
      seen.push(path);
    }
  }
}

export interface ApplyContext {
  /** The query that selected the document; resolves the positional `$` operator. */
  filter: BsonDocument;
  arrayFilters?: BsonDocument[];
  env: QueryEnv;
}

/**
 * Returns the updated copy of `existing`. The stored document is never touched, so a
 * failed update (type error, duplicate key) leaves nothing half-applied.
 */
export function applyUpdate(existing: BsonDocument, update: ParsedUpdate, ctx: ApplyContext): BsonDocument {
  const next = transform(existing, update, ctx, false);
  if (!valuesEqual(existing._id, next._id)) {
    throw immutableField(`Performing an update on the path '_id' would modify the immutable field '_id'`);
  }
  return next;
}

/**
 * Builds the document an upsert inserts: equality conditions of the filter, then the update
 * (including $setOnInsert), then a generated ObjectId `_id` if neither supplied one.
 */
export function buildUpsertDocument(filter: BsonDocument, update: ParsedUpdate, ctx: ApplyContext): BsonDocument {
  const seed = seedFromFilter(filter);
  let doc: BsonDocument;
  if (update.kind === 'replacement') {
    doc = { ...cloneValue(update.doc) };
    if (!('_id' in doc) && '_id' in seed) doc = { _id: seed._id, ...doc };
  } else {
    doc = transform(seed, update, { ...ctx, filter: {} }, true);
  }
  return withIdFirst(doc);
}

function transform(existing: BsonDocument, update: ParsedUpdate, ctx: ApplyContext, inserting: boolean): BsonDocument {
  switch (update.kind) {
    case 'replacement': {
      const replacement = cloneValue(update.doc);
      if ('_id' in replacement && !valuesEqual(replacement._id, existing._id)) {
        throw immutableField(
          `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(replacement._id)}`,
        );
      }
      const { _id: _ignored, ...rest } = replacement;
      return '_id' in existing ? { _id: existing._id, ...rest } : rest;
    }
    case 'pipeline': {
      assertNoInheritedNames(update.stages, 'an update pipeline');
      const docs = [cloneValue(existing)];
      try {
        mingoUpdateOne(docs, {}, update.stages as Parameters<typeof mingoUpdateOne>[2], { cloneMode: 'copy' });
      } catch (err) {
        throw fromMingo(err);
      }
      return docs[0];
    }
    case 'operators': {
      const ops =
        inserting && update.setOnInsert
          ? { ...update.ops, $set: { ...(update.ops.$set as BsonDocument | undefined), ...update.setOnInsert } }
          : update.ops;
      preflight(existing, ops);
      const simple = cloneValue(existing);
      if (applySimpleUpdate(simple, ops)) return simple;
      assertSafeForMingo(ops);
      const doc = cloneValue(existing);
      try {
        mingoUpdate(doc, ops, ctx.arrayFilters, inserting ? {} : ctx.filter, {
          cloneMode: 'copy',
          queryOptions: { scriptEnabled: false },
        });
      } catch (err) {
        if (err instanceof Error && /immutable field '_id'/.test(err.message)) {
          throw immutableField(`Performing an update on the path '_id' would modify the immutable field '_id'`);
        }
        throw fromMingo(err);
      }
      return doc;
    }
  }
}

/**
 * mingo silently skips some updates that MongoDB rejects ($inc on a string, $push on a
 * scalar, $set through a scalar); checked here so callers get MongoDB's error codes.
 * Positional paths are left to mingo.
 */
function preflight(doc: BsonDocument, ops: BsonDocument): void {
  for (const [op, arg] of Object.entries(ops)) {
    for (const path of Object.keys(arg as BsonDocument)) {
      if (path.includes('$')) continue;
      if (PATH_CREATING_OPERATORS.has(op)) assertPathViable(doc, path);
      const current = getPath(doc, path);
      if (current === undefined || current === null) continue;
      if (NUMERIC_OPERATORS.has(op) && !isNumeric(current)) {
        throw typeMismatch(
          `Cannot apply ${op} to a value of non-numeric type. {_id: ${formatValue(doc._id)}} has the field '${path}' of non-numeric type ${typeName(current)}`,
        );
      }
      if (ARRAY_OPERATORS.has(op) && !Array.isArray(current)) {
        throw badValue(
          `The field '${path}' must be an array but is of type ${typeName(current)} in document {_id: ${formatValue(doc._id)}}`,
        );
      }
    }
  }
}

/**
 * mingo walks update paths with plain property reads, so `constructor` would lead it to the
 * Object function and `__proto__` to Object.prototype. Such paths are applied by
 * ./simple-update or not at all: refusing is better than a silent no-op or a change to
 * every object in the process.
 */
function assertSafeForMingo(ops: BsonDocument): void {
  for (const [op, arg] of Object.entries(ops)) {
    const paths = Object.keys(arg as BsonDocument);
    if (op === '$rename') paths.push(...Object.values(arg as BsonDocument).map(String));
    const path = paths.find(namesInheritedField);
    if (path !== undefined) {
      throw notImplemented(
        `the stand-in applies ${op} on '${path}' only in its plain form (no positional or array index segments, no arrays on the way, ` +
          `no $push modifiers other than $each): one of its field names is also a JavaScript Object property`,
      );
    }
  }
}

function assertPathViable(doc: BsonDocument, path: string): void {
  const segments = path.split('.');
  let current: unknown = doc;
  for (let i = 0; i < segments.length - 1; i++) {
    if (Array.isArray(current)) current = /^\d+$/.test(segments[i]) ? current[Number(segments[i])] : undefined;
    else if (isPlainObject(current)) current = ownField(current, segments[i]);
    else current = undefined;
    if (current === undefined) return;
    if (!isPlainObject(current) && !Array.isArray(current)) {
      throw pathNotViable(`Cannot create field '${segments[i + 1]}' in element {${segments[i]}: ${formatValue(current)}}`);
    }
  }
}

function typeName(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof ObjectId) return 'objectId';
  return 'object';
}

/** Equality conditions of a filter become fields of the upserted document, as in MongoDB. */
export function seedFromFilter(filter: BsonDocument): BsonDocument {
  const seed: BsonDocument = {};
  collectEqualities(filter, seed);
  return seed;
}

function collectEqualities(filter: BsonDocument, seed: BsonDocument): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) if (isPlainObject(clause)) collectEqualities(clause, seed);
      continue;
    }
    if (key.startsWith('$')) continue;
    if (isPlainObject(value)) {
      const operators = Object.keys(value).filter((k) => k.startsWith('$'));
      if (operators.length > 0) {
        if ('$eq' in value) setPath(seed, key, cloneValue(value.$eq));
        continue;
      }
    }
    if (value instanceof RegExp) continue;
    setPath(seed, key, cloneValue(value));
  }
}

function withIdFirst(doc: BsonDocument): BsonDocument {
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}
