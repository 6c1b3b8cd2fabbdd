import { UUID } from 'bson';
import { CommandError, illegalOperation } from '../errors';
import { isPlainObject, type BsonDocument } from '../values';
import type { CommandContext, CommandHandler } from './context';

/** The server version the stand-in reports: MongoDB 7.0, wire version 21. */
export const REPORTED_VERSION = '7.0.0';
export const MAX_WIRE_VERSION = 21;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
const LOGICAL_SESSION_TIMEOUT_MINUTES = 30;

export const TRANSACTIONS_UNSUPPORTED = 'Transaction numbers are only allowed on a replica set member or mongos';

/**
 * The handshake reply of a standalone mongod. No `setName`/`hosts`, so drivers treat the
 * server as standalone and never attempt replica-set features; no `topologyVersion`, so
 * they poll with plain heartbeats instead of streaming awaitable hellos; no compression.
 * `logicalSessionTimeoutMinutes` is present because drivers only use sessions when it is,
 * and mongoose's `startSession()` expects them to work.
 */
function handshake(legacyName: boolean): CommandHandler {
  return (cmd, ctx) => {
    const reply: BsonDocument = {};
    if (cmd.helloOk === true) reply.helloOk = true;
    reply[legacyName ? 'ismaster' : 'isWritablePrimary'] = true;
    Object.assign(reply, {
      maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
      maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES,
      connectionId: ctx.connection.id,
      minWireVersion: 0,
      maxWireVersion: MAX_WIRE_VERSION,
      readOnly: false,
    });
    return reply;
  };
}

const buildInfo: CommandHandler = () => ({
  version: REPORTED_VERSION,
  gitVersion: 'standin',
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ['standin'],
  javascriptEngine: 'none',
  modules: [],
});

const serverStatus: CommandHandler = (_cmd, ctx) => {
  const uptimeMillis = Date.now() - ctx.server.startedAt;
  return {
    host: `${ctx.server.host}:${ctx.server.port}`,
    version: REPORTED_VERSION,
    process: 'mongod-standin',
    pid: process.pid,
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis,
    localTime: new Date(),
    connections: {
      current: ctx.server.currentConnections,
      available: 1_000_000,
      totalCreated: ctx.server.totalConnections,
    },
    metrics: { cursor: { open: { total: ctx.cursors.openCount } } },
  };
};

const PARAMETERS: Record<string, unknown> = {
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: [],
  logLevel: 0,
  transactionLifetimeLimitSeconds: 60,
};

const getParameter: CommandHandler = (cmd) => {
  const reply: BsonDocument = {};
  const all = cmd.getParameter === '*' || (isPlainObject(cmd.getParameter) && cmd.getParameter.allParameters === true);
  for (const [name, value] of Object.entries(PARAMETERS)) {
    if (all || name in cmd) reply[name] = value;
  }
  const unknown = Object.keys(cmd).filter((k) => k !== 'getParameter' && !k.startsWith('$') && k !== 'lsid' && !(k in PARAMETERS));
  if (!all && Object.keys(reply).length === 0 && unknown.length > 0) {
    throw new CommandError(72, 'InvalidOptions', 'no option found to get');
  }
  return reply;
};

const ok: CommandHandler = () => ({});

const startSession: CommandHandler = () => ({
  id: { id: new UUID() },
  timeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES,
});

const noTransactions: CommandHandler = () => {
  throw illegalOperation(TRANSACTIONS_UNSUPPORTED);
};

const noAuth: CommandHandler = () => {
  throw new CommandError(18, 'AuthenticationFailed', 'Authentication is not supported by the MongoDB stand-in; connect without credentials');
};

const whatsmyuri: CommandHandler = (_cmd, ctx: CommandContext) => ({ you: ctx.connection.remote });

const connectionStatus: CommandHandler = () => ({
  authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] },
});

export const adminCommands: Record<string, CommandHandler> = {
  hello: handshake(false),
  isMaster: handshake(true),
  ismaster: handshake(true),
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  serverStatus,
  getParameter,
  endSessions: ok,
  killSessions: ok,
  killAllSessions: ok,
  killAllSessionsByPattern: ok,
  refreshSessions: ok,
  startSession,
  commitTransaction: noTransactions,
  abortTransaction: noTransactions,
  saslStart: noAuth,
  saslContinue: noAuth,
  authenticate: noAuth,
  logout: ok,
  whatsmyuri,
  connectionStatus,
};
