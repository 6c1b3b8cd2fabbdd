import { ObjectId } from 'bson';
import { badValue, CommandError, failedToParse, toCommandError } from '../errors';
import type { Documents } from '../store/documents';
import { applyUpdate, buildUpsertDocument, parseUpdate } from '../update';
import { cloneValue, isPlainObject, valuesEqual, type BsonDocument } from '../values';
import { collectionName, optionalArray, queryEnv, requiredArray } from './args';
import type { CommandHandler } from './context';

const MAX_WRITE_BATCH = 100_000;
const WRITE_CONFLICT = 112;

/**
 * Runs each statement of a write batch, collecting per-statement errors into
 * `writeErrors` like mongod: an ordered batch stops at the first error, an unordered one
 * carries on. Anything that is not a CommandError is still reported, never thrown.
 */
function runBatch(statements: unknown[], ordered: boolean, run: (stmt: unknown, index: number) => void): BsonDocument[] {
  if (statements.length === 0 || statements.length > MAX_WRITE_BATCH) {
    throw new CommandError(
      16,
      'InvalidLength',
      `Write batch sizes must be between 1 and ${MAX_WRITE_BATCH}. Got ${statements.length} operations.`,
    );
  }
  const writeErrors: BsonDocument[] = [];
  for (let index = 0; index < statements.length; index++) {
    try {
      run(statements[index], index);
    } catch (err) {
      const error = toCommandError(err);
      // A write conflict fails the whole command (and its transaction), as in mongod.
      if (error.code === WRITE_CONFLICT) throw error;
      writeErrors.push(error.toWriteError(index));
      if (ordered) break;
    }
  }
  return writeErrors;
}

const withErrors = (reply: BsonDocument, writeErrors: BsonDocument[]): BsonDocument =>
  writeErrors.length > 0 ? { ...reply, writeErrors } : reply;

/** A document ready to store: a private copy with `_id` first, generated when absent. */
export function prepareForInsert(raw: unknown): BsonDocument {
  if (!isPlainObject(raw)) throw badValue('document to insert must be an object');
  const doc = cloneValue(raw);
  if (Array.isArray(doc._id)) throw badValue("can't use an array for _id");
  if (doc._id instanceof RegExp) throw badValue("can't use a regex for _id");
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

const insert: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'insert');
  const documents = requiredArray(cmd, 'documents');
  const collection = ctx.collections.ensure(name);
  let n = 0;
  const writeErrors = runBatch(documents, cmd.ordered !== false, (raw) => {
    collection.insert(prepareForInsert(raw));
    n++;
  });
  return withErrors({ n }, writeErrors);
};

interface UpdateStatement {
  q: BsonDocument;
  u: unknown;
  multi: boolean;
  upsert: boolean;
  arrayFilters?: BsonDocument[];
  collation?: unknown;
}

function parseUpdateStatement(raw: unknown): UpdateStatement {
  if (!isPlainObject(raw)) throw failedToParse('update statement must be an object');
  const q = raw.q ?? {};
  if (!isPlainObject(q)) throw failedToParse("BSON field 'update.updates.q' is the wrong type, expected type 'object'");
  if (raw.u === undefined) throw failedToParse("BSON field 'update.updates.u' is missing but a required field");
  const arrayFilters = optionalArray(raw, 'arrayFilters');
  if (arrayFilters && !arrayFilters.every(isPlainObject)) throw failedToParse('arrayFilters must be objects');
  return {
    q,
    u: raw.u,
    multi: raw.multi === true,
    upsert: raw.upsert === true,
    arrayFilters: arrayFilters as BsonDocument[] | undefined,
    collation: raw.collation,
  };
}

const update: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'update');
  const statements = requiredArray(cmd, 'updates');
  let n = 0;
  let nModified = 0;
  const upserted: BsonDocument[] = [];
  const writeErrors = runBatch(statements, cmd.ordered !== false, (raw, index) => {
    const stmt = parseUpdateStatement(raw);
    const parsed = parseUpdate(stmt.u);
    if (stmt.multi && parsed.kind === 'replacement') {
      throw failedToParse('multi update is not supported for replacement-style update');
    }
    const env = queryEnv(ctx, cmd, stmt.collation);
    const applyCtx = { filter: stmt.q, arrayFilters: stmt.arrayFilters, env };
    const collection = ctx.collections.get(name);
    const matches = collection?.find(stmt.q, env, stmt.multi ? undefined : 1) ?? [];
    if (matches.length === 0) {
      if (!stmt.upsert) return;
      const doc = buildUpsertDocument(stmt.q, parsed, applyCtx);
      ctx.collections.ensure(name).insert(doc);
      n++;
      upserted.push({ index, _id: doc._id });
      return;
    }
    for (const current of matches) {
      const next = applyUpdate(current, parsed, applyCtx);
      n++;
      if (!valuesEqual(current, next)) {
        (collection as Documents).replace(current, next);
        nModified++;
      }
    }
  });
  const reply: BsonDocument = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  return withErrors(reply, writeErrors);
};

const remove: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'delete');
  const statements = requiredArray(cmd, 'deletes');
  let n = 0;
  const writeErrors = runBatch(statements, cmd.ordered !== false, (raw) => {
    if (!isPlainObject(raw)) throw failedToParse('delete statement must be an object');
    const q = raw.q ?? {};
    if (!isPlainObject(q)) throw failedToParse("BSON field 'delete.deletes.q' is the wrong type, expected type 'object'");
    const limit = raw.limit;
    if (limit !== 0 && limit !== 1) throw failedToParse(`The limit field in delete objects must be 0 or 1. Got ${String(limit)}`);
    const collection = ctx.collections.get(name);
    if (!collection) return;
    for (const doc of collection.find(q, queryEnv(ctx, cmd, raw.collation), limit === 1 ? 1 : undefined)) {
      collection.remove(doc);
      n++;
    }
  });
  return withErrors({ n }, writeErrors);
};

export const writeCommands: Record<string, CommandHandler> = { insert, update, delete: remove };
