import type { CursorManager } from '../cursors';
import type { Store } from '../store/store';
import type { BsonDocument } from '../values';

/** What a command handler may see of the server and the connection it arrived on. */
export interface CommandContext {
  readonly store: Store;
  readonly cursors: CursorManager;
  /** The command's `$db` (OP_MSG) or the database part of `db.$cmd` (OP_QUERY). */
  readonly dbName: string;
  readonly connection: { readonly id: number; readonly remote: string };
  readonly server: ServerStats;
}

export interface ServerStats {
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
