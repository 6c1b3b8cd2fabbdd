import { UUID } from 'bson';
import { CommandError } from '../errors';
import { LOGICAL_SESSION_TIMEOUT_MINUTES } from '../transactions/sessions';
import type { CommandContext, CommandHandler } from './context';

const startSession: CommandHandler = () => ({
  id: { id: new UUID() },
  timeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES,
});

/** endSessions / killSessions: each listed session's transaction is aborted. */
const endListed =
  (field: string): CommandHandler =>
  (cmd, ctx) => {
    const listed = cmd[field];
    if (Array.isArray(listed)) for (const lsid of listed) ctx.sessions.end(lsid);
    return {};
  };

const endAll: CommandHandler = (_cmd, ctx) => {
  ctx.sessions.endAll();
  return {};
};

function transactionOf(ctx: CommandContext, command: string) {
  if (!ctx.transaction) {
    throw new CommandError(
      72,
      'InvalidOptions',
      `${command} must be run within a transaction: send it with the transaction's lsid, txnNumber and autocommit: false`,
    );
  }
  return ctx.transaction;
}

const commitTransaction: CommandHandler = (_cmd, ctx) => {
  const txn = transactionOf(ctx, 'commitTransaction');
  // Committing again answers ok: the driver retries a commit whose reply it never got.
  if (txn.state !== 'committed') txn.commit();
  return {};
};

const abortTransaction: CommandHandler = (_cmd, ctx) => {
  transactionOf(ctx, 'abortTransaction').abort('the client aborted it');
  return {};
};

export const sessionCommands: Record<string, CommandHandler> = {
  startSession,
  refreshSessions: () => ({}),
  endSessions: endListed('endSessions'),
  killSessions: endListed('killSessions'),
  killAllSessions: endAll,
  killAllSessionsByPattern: endAll,
  commitTransaction,
  abortTransaction,
};
