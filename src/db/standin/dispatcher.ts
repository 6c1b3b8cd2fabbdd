import { adminCommands, TRANSACTIONS_UNSUPPORTED } from './commands/admin';
import { aggregateCommands } from './commands/aggregate';
import type { CommandContext, CommandHandler } from './commands/context';
import { ddlCommands } from './commands/ddl';
import { findAndModifyCommands } from './commands/find-and-modify';
import { readCommands } from './commands/read';
import { writeCommands } from './commands/write';
import { commandNotFound, illegalOperation, toCommandError } from './errors';
import type { BsonDocument } from './values';

const HANDLERS = new Map<string, CommandHandler>(
  Object.entries({
    ...adminCommands,
    ...readCommands,
    ...writeCommands,
    ...findAndModifyCommands,
    ...aggregateCommands,
    ...ddlCommands,
  }),
);

/**
 * Runs one command document and always returns a reply document: `{..., ok: 1}` on
 * success, MongoDB's `{ok: 0, errmsg, code, codeName}` on any failure, including bugs in
 * the stand-in itself. Nothing thrown here can reach the socket layer.
 */
export function runCommand(cmd: BsonDocument, ctx: CommandContext): BsonDocument {
  const name = Object.keys(cmd)[0] ?? '';
  try {
    // Session ids, cluster time, write concern and retryable-write txnNumbers are accepted
    // and ignored; only a real multi-document transaction is refused, as a standalone does.
    if (cmd.startTransaction === true || cmd.autocommit === false) throw illegalOperation(TRANSACTIONS_UNSUPPORTED);
    const handler = HANDLERS.get(name);
    if (!handler) throw commandNotFound(name);
    const reply = handler(cmd, ctx);
    return { ...reply, ok: 1 };
  } catch (err) {
    return toCommandError(err).toReply();
  }
}
