import { Long } from 'bson';
import { CloseConnection } from '../failpoints';
import { illegalOperation, invalidOptions, operationNotSupportedInTransaction, toCommandError } from '../errors';
import type { CommandContext } from '../commands/context';
import { isPlainObject, type BsonDocument } from '../values';
import { withErrorLabels, type LabelSituation } from './error-labels';
import type { ServerSession } from './sessions';

/** Runs the command's handler (fail points included) with the given context. */
export type Run = (ctx: CommandContext) => BsonDocument;

// What MongoDB accepts inside a multi-document transaction: CRUD, cursors, commit and abort.
const ALLOWED_IN_TRANSACTION = new Set([
  'find',
  'getMore',
  'killCursors',
  'aggregate',
  'distinct',
  'insert',
  'update',
  'delete',
  'findAndModify',
  'findandmodify',
  'commitTransaction',
  'abortTransaction',
]);

const PLAIN: LabelSituation = { inTransaction: false, isCommitOrAbort: false, retryableWrite: false };

/**
 * Runs one command in its session's terms, as mongod does:
 *   - `lsid` + `txnNumber` + `autocommit: false`: a statement of a multi-document
 *     transaction (`startTransaction: true` on the first), reading and writing the
 *     transaction's own view;
 *   - `lsid` + `txnNumber` alone: a retryable write, answered from the first execution's
 *     reply when the driver sends it again;
 *   - anything else: a plain command on the live data.
 * Returns the complete reply (`ok`, error labels); never throws except CloseConnection.
 */
export function runInSession(cmd: BsonDocument, name: string, ctx: CommandContext, run: Run): BsonDocument {
  const lsid = cmd.lsid;
  const txnNumber = readTxnNumber(cmd.txnNumber);
  if (!isPlainObject(lsid) || txnNumber === undefined) return attempt(() => run(ctx), PLAIN);
  if (!ctx.server.replicaSet) {
    return attempt(() => {
      throw illegalOperation('Transaction numbers are only allowed on a replica set member or mongos');
    }, PLAIN);
  }
  const session = ctx.sessions.session(lsid);
  if (cmd.autocommit === false) return inTransaction(cmd, name, ctx, run, session, txnNumber);
  if (cmd.autocommit !== undefined || cmd.startTransaction !== undefined) {
    return attempt(() => {
      throw invalidOptions('a transaction needs autocommit: false on every command, and startTransaction: true on its first');
    }, PLAIN);
  }
  return retryableWrite(name, ctx, run, session, txnNumber);
}

function inTransaction(
  cmd: BsonDocument,
  name: string,
  ctx: CommandContext,
  run: Run,
  session: ServerSession,
  txnNumber: number,
): BsonDocument {
  const isCommitOrAbort = name === 'commitTransaction' || name === 'abortTransaction';
  return attempt(
    () => {
      const txn = cmd.startTransaction === true ? session.begin(txnNumber) : session.continue(txnNumber, name);
      if (!ALLOWED_IN_TRANSACTION.has(name)) {
        txn.abort(`'${name}' is not allowed in a transaction`);
        throw operationNotSupportedInTransaction(`Cannot run '${name}' in a multi-document transaction.`);
      }
      try {
        const reply = run({ ...ctx, collections: txn.collections(ctx.dbName), transaction: txn });
        // As in mongod, a statement that fails aborts the whole transaction.
        if (Array.isArray(reply.writeErrors) && reply.writeErrors.length > 0) txn.abort('a write in it failed');
        return reply;
      } catch (err) {
        // A failed commit has settled the transaction's fate itself: a WriteConflict aborted
        // it, while an injected network-style error leaves it open for the driver's retry.
        if (!isCommitOrAbort && !(err instanceof CloseConnection)) txn.abort('a command in it failed');
        throw err;
      }
    },
    { inTransaction: true, isCommitOrAbort, retryableWrite: false },
  );
}

function retryableWrite(name: string, ctx: CommandContext, run: Run, session: ServerSession, txnNumber: number): BsonDocument {
  const situation: LabelSituation = { inTransaction: false, isCommitOrAbort: false, retryableWrite: true };
  let earlier: BsonDocument | undefined;
  const reply = attempt(() => {
    session.useForRetryableWrite(txnNumber);
    earlier = session.replyOfRetry(txnNumber, name);
    return earlier ?? run(ctx);
  }, situation);
  if (earlier) return earlier;
  if (reply.ok === 1 && reply.writeConcernError === undefined) session.rememberRetryableReply(txnNumber, name, reply);
  return reply;
}

function attempt(work: () => BsonDocument, situation: LabelSituation): BsonDocument {
  let reply: BsonDocument;
  try {
    reply = { ...work(), ok: 1 };
  } catch (err) {
    if (err instanceof CloseConnection) throw err;
    reply = toCommandError(err).toReply();
  }
  return withErrorLabels(reply, situation);
}

function readTxnNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value instanceof Long) return value.toNumber();
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}
