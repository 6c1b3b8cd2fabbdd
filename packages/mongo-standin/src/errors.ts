import type { BsonDocument } from './values';

/**
 * A command failure shaped like a MongoDB server error. The dispatcher turns it into
 * `{ ok: 0, errmsg, code, codeName, ...extra }`, which the driver surfaces as a
 * MongoServerError, so callers can branch on the same `code` they would see in production.
 */
export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: BsonDocument = {},
  ) {
    super(message);
    this.name = 'CommandError';
  }

  toReply(): BsonDocument {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The shape of one entry in a write command's `writeErrors` array. */
  toWriteError(index: number): BsonDocument {
    return { index, code: this.code, codeName: this.codeName, errmsg: this.message, ...this.extra };
  }
}

// Codes and names are MongoDB's own (src/mongo/base/error_codes.yml), so application code
// that checks `err.code` behaves the same against the stand-in and a real server.
export const badValue = (msg: string): CommandError => new CommandError(2, 'BadValue', msg);
export const failedToParse = (msg: string): CommandError => new CommandError(9, 'FailedToParse', msg);
export const unauthorized = (msg: string): CommandError => new CommandError(13, 'Unauthorized', msg);
export const typeMismatch = (msg: string): CommandError => new CommandError(14, 'TypeMismatch', msg);
export const illegalOperation = (msg: string): CommandError => new CommandError(20, 'IllegalOperation', msg);
export const namespaceNotFound = (msg: string): CommandError => new CommandError(26, 'NamespaceNotFound', msg);
export const indexNotFound = (msg: string): CommandError => new CommandError(27, 'IndexNotFound', msg);
export const pathNotViable = (msg: string): CommandError => new CommandError(28, 'PathNotViable', msg);
export const conflictingUpdateOperators = (msg: string): CommandError => new CommandError(40, 'ConflictingUpdateOperators', msg);
export const cursorNotFound = (msg: string): CommandError => new CommandError(43, 'CursorNotFound', msg);
export const namespaceExists = (msg: string): CommandError => new CommandError(48, 'NamespaceExists', msg);
export const commandNotFound = (name: string): CommandError =>
  new CommandError(59, 'CommandNotFound', `no such command: '${name}'`);
export const immutableField = (msg: string): CommandError => new CommandError(66, 'ImmutableField', msg);
export const invalidOptions = (msg: string): CommandError => new CommandError(72, 'InvalidOptions', msg);
export const invalidNamespace = (msg: string): CommandError => new CommandError(73, 'InvalidNamespace', msg);
export const indexOptionsConflict = (msg: string): CommandError => new CommandError(85, 'IndexOptionsConflict', msg);
export const indexKeySpecsConflict = (msg: string): CommandError => new CommandError(86, 'IndexKeySpecsConflict', msg);
export const notImplemented = (msg: string): CommandError => new CommandError(238, 'NotImplemented', msg);
export const unrecognizedStage = (name: string): CommandError =>
  new CommandError(40324, 'Location40324', `Unrecognized pipeline stage name: '${name}'`);
export const internalError = (msg: string): CommandError => new CommandError(1, 'InternalError', msg);

// Transactions and sessions.
export const writeConflict = (): CommandError =>
  new CommandError(
    112,
    'WriteConflict',
    'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
  );
export const conflictingOperationInProgress = (msg: string): CommandError =>
  new CommandError(117, 'ConflictingOperationInProgress', msg);
export const transactionTooOld = (msg: string): CommandError => new CommandError(225, 'TransactionTooOld', msg);
export const noSuchTransaction = (msg: string): CommandError => new CommandError(251, 'NoSuchTransaction', msg);
export const transactionCommitted = (msg: string): CommandError => new CommandError(256, 'TransactionCommitted', msg);
export const operationNotSupportedInTransaction = (msg: string): CommandError =>
  new CommandError(263, 'OperationNotSupportedInTransaction', msg);

/**
 * Wraps a failure raised while mingo evaluated user-supplied queries, expressions,
 * pipelines or update operators. Malformed input (say `{$in: 5}`) surfaces there as a plain
 * TypeError; mongod calls all of these BadValue, so they are reported as such rather than
 * as internal errors.
 */
export function fromMingo(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  return badValue(err instanceof Error ? err.message : String(err));
}

/**
 * mingo reports malformed queries, projections and expressions with its own error class;
 * MongoDB answers those with BadValue-style errors, so they are mapped rather than leaked
 * as internal failures.
 */
export function toCommandError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  if (err instanceof Error && err.constructor.name === 'MingoError') return badValue(err.message);
  const message = err instanceof Error ? err.message : String(err);
  return internalError(message);
}
