import type { ClientSession, MongoClient, TransactionOptions } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { OneAtATime } from '../common/one-at-a-time';

/**
 * Work whose writes must all be stored or none. `session` is set when they run in a
 * transaction and must then be passed to every operation; it is undefined on a server
 * without transactions, where each write stands on its own.
 */
export type AtomicWork<T> = (session: ClientSession | undefined) => Promise<T>;

export interface AtomicOptions {
  /**
   * The document the work contends for (e.g. one customer). Transactions of this process
   * with the same key run one after another: a transaction that writes a document another
   * one has written fails with a write conflict and starts over, so hundreds of concurrent
   * transactions on one document would mostly retry each other (and back off) instead of
   * progressing. Instances still conflict with each other and then retry.
   */
  contendedKey?: string;
}

export interface AtomicWrites {
  /** Whether the deployment runs multi-document transactions (decided once at start). */
  readonly transactional: boolean;
  /**
   * Runs `work` in a transaction where there are transactions: committed when it resolves,
   * rolled back when it throws, and run again from the start on a TransientTransactionError
   * (a write conflict) or UnknownTransactionCommitResult, like the driver's
   * `withTransaction`, so `work` must not have effects outside the database.
   */
  run<T>(work: AtomicWork<T>, options?: AtomicOptions): Promise<T>;
}

export const STANDALONE_WARNING =
  "MongoDB is a standalone server without transactions: an import that fails mid-way may leave part of it stored, and an event's history entry may be missing";

// Snapshot reads and majority commits: what a transaction read is what it commits against,
// and a committed transaction survives a failover.
const TRANSACTION_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

/**
 * Asks the server once (`hello`) whether it runs transactions: a replica set member or a
 * mongos does, a standalone mongod does not. On a standalone the server keeps working with
 * one write at a time and says once, as a warning, what that risks.
 */
export async function detectAtomicWrites(connection: Connection, logger: Logger): Promise<AtomicWrites> {
  if (!connection.db) throw new Error('detectAtomicWrites needs an open connection');
  const hello = await connection.db.admin().command({ hello: 1 });
  // Typed as the `mongodb` package, like the raw collections the sessions are passed to.
  if (supportsTransactions(hello)) return inTransactions(connection.getClient() as unknown as MongoClient);
  logger.warn({ transactions: false }, STANDALONE_WARNING);
  return oneWriteAtATime;
}

/** Whether a server with this `hello` reply runs transactions: a replica set member or a mongos with sessions. */
export function supportsTransactions(hello: Record<string, unknown>): boolean {
  const replicaSetOrMongos = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
  const sessions = hello.logicalSessionTimeoutMinutes !== undefined && hello.logicalSessionTimeoutMinutes !== null;
  return replicaSetOrMongos && sessions;
}

function inTransactions(client: MongoClient): AtomicWrites {
  const queues = new OneAtATime();
  const transaction = async <T>(work: AtomicWork<T>): Promise<T> => {
    const session = client.startSession();
    try {
      return await session.withTransaction(() => work(session), TRANSACTION_OPTIONS);
    } finally {
      await session.endSession();
    }
  };
  return {
    transactional: true,
    run: (work, options) =>
      options?.contendedKey === undefined ? transaction(work) : queues.run(options.contendedKey, () => transaction(work)),
  };
}

export const oneWriteAtATime: AtomicWrites = {
  transactional: false,
  run: (work) => work(undefined),
};
