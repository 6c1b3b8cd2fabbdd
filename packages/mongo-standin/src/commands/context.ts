import type { CursorManager } from '../cursors';
import type { FailPoints } from '../failpoints';
import type { CollectionAccess } from '../store/documents';
import type { Store } from '../store/store';
import type { SessionRegistry } from '../transactions/sessions';
import type { Transaction } from '../transactions/transaction';
import type { BsonDocument } from '../values';

/** What a command handler may see of the server and the connection it arrived on. */
export interface CommandContext {
  readonly store: Store;
  /**
   * The collections of `dbName` as this command sees them: the live data, or inside a
   * transaction its snapshot plus its own writes. Reads and writes of documents go through
   * here; only DDL (never allowed in a transaction) uses `store` directly.
   */
  readonly collections: CollectionAccess;
  readonly cursors: CursorManager;
  readonly sessions: SessionRegistry;
  readonly failPoints: FailPoints;
  /** The transaction this command belongs to, if any. */
  readonly transaction?: Transaction;
  /** The command's `$db` (OP_MSG) or the database part of `db.$cmd` (OP_QUERY). */
  readonly dbName: string;
  readonly connection: ConnectionInfo;
  readonly server: ServerStats;
}

export interface ConnectionInfo {
  readonly id: number;
  readonly remote: string;
  /** The application name the client gave in its handshake, which fail points can match. */
  appName?: string;
}

export interface ServerStats {
  /** False when the stand-in poses as a standalone mongod (no transactions, no retryable writes). */
  readonly replicaSet: boolean;
  readonly host: string;
  readonly port: number;
  readonly startedAt: number;
  readonly currentConnections: number;
  readonly totalConnections: number;
}

/**
 * A command handler. Handlers are synchronous on purpose: with no `await` between reading
 * a document and writing its replacement, every single-document write is atomic in the
 * single-threaded event loop.
 */
export type CommandHandler = (cmd: BsonDocument, ctx: CommandContext) => BsonDocument;
