import type { BsonDocument } from '../values';

export interface LabelSituation {
  /** The command ran as part of a transaction (commitTransaction and abortTransaction included). */
  inTransaction: boolean;
  isCommitOrAbort: boolean;
  /** A retryable write: `txnNumber` without `autocommit`. */
  retryableWrite: boolean;
}

// mongod's isTransientTransactionError: retrying the whole transaction may succeed.
const TRANSIENT = new Set([
  24, // LockTimeout
  112, // WriteConflict
  239, // SnapshotTooOld
  246, // SnapshotUnavailable
]);
const NO_SUCH_TRANSACTION = 251;

// mongod's isRetriableError codes: the node went away or stepped down before answering.
const RETRYABLE = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/**
 * Adds the error labels mongod (4.4+) puts on a failed reply, which drivers act on:
 * `TransientTransactionError` makes `withTransaction` run the transaction again and
 * `RetryableWriteError` makes a retryable write (or a commit) be sent again. A reply that
 * already names its labels (a failCommand fail point's `errorLabels`) keeps them.
 */
export function withErrorLabels(reply: BsonDocument, situation: LabelSituation): BsonDocument {
  if (Array.isArray(reply.errorLabels)) return reply;
  const code = typeof reply.code === 'number' ? reply.code : undefined;
  const wce = reply.writeConcernError as BsonDocument | undefined;
  const labels: string[] = [];
  if (situation.inTransaction && code !== undefined) {
    const transient = TRANSIENT.has(code) || (code === NO_SUCH_TRANSACTION && !(situation.isCommitOrAbort && wce));
    if (transient) labels.push('TransientTransactionError');
  }
  if (situation.retryableWrite || situation.isCommitOrAbort) {
    const wceCode = typeof wce?.code === 'number' ? wce.code : undefined;
    if ((code !== undefined && RETRYABLE.has(code)) || (wceCode !== undefined && RETRYABLE.has(wceCode))) {
      labels.push('RetryableWriteError');
    }
  }
  return labels.length > 0 ? { ...reply, errorLabels: labels } : reply;
}
