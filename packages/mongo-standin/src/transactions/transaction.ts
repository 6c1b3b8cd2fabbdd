import type { CollectionAccess } from '../store/documents';
import type { Snapshot } from '../store/journal';
import { assertCollectionName, assertDatabaseName, type Store } from '../store/store';
import { writeConflict } from '../errors';
import { commitPendingWrites } from './commit';
import { PendingWrites } from './pending-writes';
import { TransactionView } from './transaction-view';

export type TransactionState = 'in progress' | 'committed' | 'aborted';

/** Which in-progress transaction has written a document: `<ns>\u0000<canonical _id>`. */
export type WriteLocks = Map<string, Transaction>;

/**
 * One multi-document transaction. It reads the snapshot taken when it started plus its own
 * writes, which stay private (PendingWrites) until commit applies them all at once. Like
 * MongoDB, the first writer of a document wins: writing a document that another
 * transaction has written, or that anyone changed after this transaction's snapshot, fails
 * at once with WriteConflict and aborts this transaction.
 */
export class Transaction {
  private currentState: TransactionState = 'in progress';
  private why = '';
  readonly snapshot: Snapshot;
  /** Per namespace, in order of first write, which is the order commit applies them in. */
  readonly pending = new Map<string, PendingWrites>();
  private readonly held = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly txnNumber: number,
    readonly store: Store,
    private readonly locks: WriteLocks,
    lifetimeLimitSeconds: number,
  ) {
    this.snapshot = store.journal.begin();
    // mongod aborts transactions older than transactionLifetimeLimitSeconds in the background.
    this.timer = setTimeout(
      () => this.abort(`it ran longer than transactionLifetimeLimitSeconds (${lifetimeLimitSeconds})`),
      lifetimeLimitSeconds * 1000,
    );
    this.timer.unref();
  }

  get state(): TransactionState {
    return this.currentState;
  }

  /** Why the transaction was aborted, for error messages. */
  get abortReason(): string {
    return this.why;
  }

  /** The collections of one database as this transaction sees them. */
  collections(dbName: string): CollectionAccess {
    return {
      get: (name) => {
        const view = new TransactionView(this, dbName, name);
        return view.exists ? view : undefined;
      },
      // Checked now, as an insert outside a transaction would be, not first at commit.
      ensure: (name) => {
        assertDatabaseName(dbName);
        assertCollectionName(dbName, name);
        return new TransactionView(this, dbName, name);
      },
    };
  }

  pendingFor(dbName: string, name: string): PendingWrites {
    const ns = `${dbName}.${name}`;
    let writes = this.pending.get(ns);
    if (!writes) {
      writes = new PendingWrites(dbName, name);
      this.pending.set(ns, writes);
    }
    return writes;
  }

  /**
   * Takes the write lock on a document before the transaction writes it, or fails with
   * WriteConflict (and aborts) when another transaction holds it or the document changed
   * after the snapshot.
   */
  claim(ns: string, id: string): void {
    const lock = `${ns}\u0000${id}`;
    const holder = this.locks.get(lock);
    if ((holder && holder !== this) || this.snapshot.changed(ns, id)) {
      this.abort('of a write conflict');
      throw writeConflict();
    }
    this.locks.set(lock, this);
    this.held.add(lock);
  }

  /** Applies every pending write at once, or none and throws (WriteConflict). */
  commit(): void {
    this.snapshot.release();
    try {
      commitPendingWrites(this.store, this.pending.values(), this.snapshot);
    } catch (err) {
      this.finish('aborted', 'its commit failed');
      throw err;
    }
    this.finish('committed', '');
  }

  abort(reason: string): void {
    if (this.currentState === 'in progress') this.finish('aborted', reason);
  }

  private finish(state: TransactionState, reason: string): void {
    this.currentState = state;
    this.why = reason;
    clearTimeout(this.timer);
    this.snapshot.release();
    for (const lock of this.held) if (this.locks.get(lock) === this) this.locks.delete(lock);
    this.held.clear();
    this.pending.clear();
  }
}
