import {
  CommandError,
  failedToParse,
  notImplemented,
  operationNotSupportedInTransaction,
  typeMismatch,
  unrecognizedStage,
} from '../errors';
import { runPipeline } from '../query';
import { Collection } from '../store/collection';
import { isPlainObject, type BsonDocument } from '../values';
import { nonNegative, optionalCount, optionalDocument, queryEnv } from './args';
import type { CommandContext, CommandHandler } from './context';
import { prepareForInsert } from './write';

// mingo's stage table, loaded through its package export (TypeScript's node10 resolution
// cannot see subpath exports, hence the untyped require).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const MINGO_STAGES = new Set(Object.keys(require('mingo/operators/pipeline') as Record<string, unknown>));

/** Stages the stand-in cannot honour. */
function assertStageSupported(name: string): void {
  if (name === '$changeStream') throw notImplemented('change streams are not supported by the MongoDB stand-in');
  if (name === '$merge') throw notImplemented('$merge is not supported by the MongoDB stand-in; use $out');
  if (!MINGO_STAGES.has(name)) throw unrecognizedStage(name);
}

function validatePipeline(raw: unknown): BsonDocument[] {
  if (!Array.isArray(raw)) throw typeMismatch("'pipeline' option must be specified as an array");
  raw.forEach((stage, i) => {
    const keys = isPlainObject(stage) ? Object.keys(stage) : [];
    if (keys.length !== 1) {
      throw new CommandError(40323, 'Location40323', 'A pipeline stage specification object must contain exactly one field.');
    }
    assertStageSupported(keys[0]);
    if (keys[0] === '$out' && i !== raw.length - 1) {
      throw new CommandError(40601, 'Location40601', '$out can only be the final stage in the pipeline');
    }
  });
  return raw as BsonDocument[];
}

const aggregate: CommandHandler = (cmd, ctx) => {
  const target = cmd.aggregate;
  if (typeof target !== 'string' && target !== 1) {
    throw failedToParse("Invalid command format: the 'aggregate' field must specify a collection name or 1");
  }
  if (cmd.explain === true) throw notImplemented('explain is not supported by the MongoDB stand-in');
  const cursorOpts = optionalDocument(cmd, 'cursor');
  if (!cursorOpts) throw failedToParse("The 'cursor' option is required, except for aggregate with the explain argument");
  const batchSize = nonNegative('batchSize', optionalCount(cursorOpts, 'batchSize'));
  const pipeline = validatePipeline(cmd.pipeline);

  const out = pipeline.length > 0 && '$out' in pipeline[pipeline.length - 1] ? pipeline[pipeline.length - 1].$out : undefined;
  const stages = out === undefined ? pipeline : pipeline.slice(0, -1);
  const collection = typeof target === 'string' ? ctx.collections.get(target) : undefined;
  // A leading $match on _id narrows the input through the _id map; mingo still applies it.
  const first = stages[0];
  const source = collection
    ? Array.from(collection.candidates(first && isPlainObject(first.$match) ? first.$match : undefined))
    : [];
  const results = runPipeline(source, stages, queryEnv(ctx, cmd));

  const ns = `${ctx.dbName}.${typeof target === 'string' ? target : '$cmd.aggregate'}`;
  if (out !== undefined) {
    if (ctx.transaction) throw operationNotSupportedInTransaction('$out cannot be used in a transaction');
    writeOut(ctx, out, results);
    return ctx.cursors.open(ns, [], batchSize, true);
  }
  return ctx.cursors.open(ns, results, batchSize);
};

/**
 * `$out` replaces the target collection atomically: the new contents are built in a fresh
 * collection carrying the target's indexes and swapped in only if every insert succeeded.
 */
function writeOut(ctx: CommandContext, out: unknown, results: BsonDocument[]): void {
  const spec = typeof out === 'string' ? { db: ctx.dbName, coll: out } : isPlainObject(out) ? out : undefined;
  if (!spec || typeof spec.coll !== 'string' || typeof spec.db !== 'string') {
    throw failedToParse('$out stage requires a collection name or {db, coll}');
  }
  const db = ctx.store.ensureDatabase(spec.db);
  const previous = db.get(spec.coll);
  const replacement = new Collection(spec.db, spec.coll, previous?.options ?? {});
  for (const index of previous?.listIndexes().slice(1) ?? []) replacement.createIndex(index);
  for (const doc of results) replacement.insert(prepareForInsert(doc));
  db.replace(replacement);
}

export const aggregateCommands: Record<string, CommandHandler> = { aggregate };
