import { conflictingOperationInProgress, noSuchTransaction, transactionCommitted, transactionTooOld } from '../errors';
import type { Store } from '../store/store';
import { canonicalKey, type BsonDocument } from '../values';
import { Transaction, type WriteLocks } from './transaction';

/** mongod's default; drivers read it from `hello` as logicalSessionTimeoutMinutes. */
export const LOGICAL_SESSION_TIMEOUT_MINUTES = 30;
const DEFAULT_TRANSACTION_LIFETIME_SECONDS = 60;

/**
 * The server side of one logical session (`lsid`): the highest transaction number it has
 * used, its transaction if the number belongs to one, and the reply of its last retryable
 * write, so a retried write is answered rather than applied twice.
 */
export class ServerSession {
  txnNumber = -1;
  transaction: Transaction | undefined;
  lastUsed = Date.now();
  private retryable: { txnNumber: number; name: string; reply: BsonDocument } | undefined;

  constructor(private readonly registry: SessionRegistry) {}

  /** Starts transaction `txnNumber`, implicitly aborting an older one still in progress. */
  begin(txnNumber: number): Transaction {
    if (txnNumber < this.txnNumber) throw this.tooOld(txnNumber);
    if (txnNumber === this.txnNumber) {
      throw conflictingOperationInProgress(
        `Cannot start a transaction at given transaction number ${txnNumber}: that number was already used on this session`,
      );
    }
    this.advance(txnNumber);
    this.transaction = this.registry.newTransaction(txnNumber);
    return this.transaction;
  }

  /** Transaction `txnNumber`, for a command that continues, commits or aborts it. */
  continue(txnNumber: number, commandName: string): Transaction {
    if (txnNumber < this.txnNumber) throw this.tooOld(txnNumber);
    const txn = this.transaction;
    if (!txn || txn.txnNumber !== txnNumber) {
      throw noSuchTransaction(
        `Given transaction number ${txnNumber} does not match any in-progress transactions. The active transaction number is ${this.txnNumber}`,
      );
    }
    if (txn.state === 'aborted') {
      throw noSuchTransaction(`Transaction with { txnNumber: ${txnNumber} } has been aborted because ${txn.abortReason}.`);
    }
    if (txn.state === 'committed' && commandName !== 'commitTransaction') {
      throw transactionCommitted(`Transaction with { txnNumber: ${txnNumber} } has been committed.`);
    }
    return txn;
  }

  /** Moves to the number of a retryable write; a retry of the last one is allowed. */
  useForRetryableWrite(txnNumber: number): void {
    if (txnNumber < this.txnNumber) throw this.tooOld(txnNumber);
    if (txnNumber === this.txnNumber && this.transaction?.txnNumber === txnNumber) {
      throw conflictingOperationInProgress(
        `Transaction number ${txnNumber} belongs to a multi-document transaction; send autocommit: false with it`,
      );
    }
    if (txnNumber > this.txnNumber) this.advance(txnNumber);
  }

  /** The reply to an earlier execution of this very retryable write, if there was one. */
  replyOfRetry(txnNumber: number, name: string): BsonDocument | undefined {
    const last = this.retryable;
    return last && last.txnNumber === txnNumber && last.name === name ? last.reply : undefined;
  }

  rememberRetryableReply(txnNumber: number, name: string, reply: BsonDocument): void {
    this.retryable = { txnNumber, name, reply };
  }

  end(): void {
    this.transaction?.abort('its session ended');
  }

  private advance(txnNumber: number): void {
    this.transaction?.abort(`transaction ${txnNumber} started on the same session`);
    this.transaction = undefined;
    this.retryable = undefined;
    this.txnNumber = txnNumber;
  }

  private tooOld(txnNumber: number) {
    return transactionTooOld(
      `Cannot start transaction ${txnNumber} on session because a newer transaction ${this.txnNumber} has already started`,
    );
  }
}

/** All logical sessions the server has seen, the write locks of their transactions, and the lifetime limit. */
export class SessionRegistry {
  private readonly sessions = new Map<string, ServerSession>();
  private readonly locks: WriteLocks = new Map();
  /** mongod's transactionLifetimeLimitSeconds; `setParameter` changes it for new transactions. */
  transactionLifetimeLimitSeconds = DEFAULT_TRANSACTION_LIFETIME_SECONDS;

  constructor(private readonly store: Store) {}

  session(lsid: BsonDocument): ServerSession {
    const key = canonicalKey(lsid.id);
    let session = this.sessions.get(key);
    if (!session) {
      session = new ServerSession(this);
      this.sessions.set(key, session);
    }
    session.lastUsed = Date.now();
    return session;
  }

  newTransaction(txnNumber: number): Transaction {
    return new Transaction(txnNumber, this.store, this.locks, this.transactionLifetimeLimitSeconds);
  }

  /** endSessions / killSessions: aborts their transactions and forgets them. */
  end(lsid: unknown): void {
    if (typeof lsid !== 'object' || lsid === null) return;
    const key = canonicalKey((lsid as BsonDocument).id);
    this.sessions.get(key)?.end();
    this.sessions.delete(key);
  }

  endAll(): void {
    for (const session of this.sessions.values()) session.end();
    this.sessions.clear();
  }

  /** Forgets sessions idle longer than the logical session timeout, as mongod does. */
  sweep(now: number): void {
    const idleMs = LOGICAL_SESSION_TIMEOUT_MINUTES * 60_000;
    for (const [key, session] of this.sessions) {
      if (now - session.lastUsed > idleMs && session.transaction?.state !== 'in progress') this.sessions.delete(key);
    }
  }

  get openTransactions(): number {
    let n = 0;
    for (const session of this.sessions.values()) if (session.transaction?.state === 'in progress') n++;
    return n;
  }
}
