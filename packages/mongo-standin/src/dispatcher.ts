import { adminCommands } from './commands/admin';
import { aggregateCommands } from './commands/aggregate';
import type { CommandContext, CommandHandler } from './commands/context';
import { ddlCommands } from './commands/ddl';
import { findAndModifyCommands } from './commands/find-and-modify';
import { readCommands } from './commands/read';
import { sessionCommands } from './commands/sessions';
import { writeCommands } from './commands/write';
import { commandNotFound, toCommandError } from './errors';
import { CloseConnection, injectedError } from './failpoints';
import { runInSession } from './transactions/in-session';
import type { BsonDocument } from './values';

const HANDLERS = new Map<string, CommandHandler>(
  Object.entries({
    ...adminCommands,
    ...sessionCommands,
    ...readCommands,
    ...writeCommands,
    ...findAndModifyCommands,
    ...aggregateCommands,
    ...ddlCommands,
  }),
);

// Never caught by a fail point, so a test can always switch one off again.
const NEVER_FAILED = new Set(['configureFailPoint']);

/**
 * Runs one command document and returns its reply: `{..., ok: 1}` on success, MongoDB's
 * `{ok: 0, errmsg, code, codeName, errorLabels?}` on any failure, including bugs in the
 * stand-in itself. Null means "close the connection without a reply" (a fail point asked
 * for it). Nothing thrown here can reach the socket layer.
 */
export function runCommand(cmd: BsonDocument, ctx: CommandContext): BsonDocument | null {
  const name = Object.keys(cmd)[0] ?? '';
  const run = (scoped: CommandContext): BsonDocument => {
    const handler = HANDLERS.get(name);
    if (!handler) throw commandNotFound(name);
    const failure = NEVER_FAILED.has(name) ? undefined : scoped.failPoints.trigger(name, scoped.connection.appName);
    if (failure?.closeConnection) throw new CloseConnection();
    if (failure?.errorCode !== undefined) throw injectedError(failure);
    const reply = handler(cmd, scoped);
    return failure?.writeConcernError ? { ...reply, writeConcernError: failure.writeConcernError } : reply;
  };
  try {
    return runInSession(cmd, name, ctx, run);
  } catch (err) {
    if (err instanceof CloseConnection) return null;
    return toCommandError(err).toReply();
  }
}
