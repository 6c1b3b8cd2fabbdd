import { ObjectId } from 'bson';
import { CommandError, unauthorized } from '../errors';
import { LOGICAL_SESSION_TIMEOUT_MINUTES } from '../transactions/sessions';
import { isPlainObject, type BsonDocument } from '../values';
import type { CommandContext, CommandHandler } from './context';

/** The server version the stand-in reports: MongoDB 7.0, wire version 21. */
export const REPORTED_VERSION = '7.0.0';
export const MAX_WIRE_VERSION = 21;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
/** The replica set the stand-in is the only member (and primary) of. */
export const REPLICA_SET_NAME = 'standin';
// A primary's term never changes here: there is no election.
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');

/**
 * The handshake reply of the primary of a single-node replica set (or, when configured so,
 * of a standalone mongod). `setName`, `hosts` and `primary` make drivers use replica-set
 * features (transactions, retryable writes); `hosts`/`me` name the address clients connect
 * to, so a driver discovering the set keeps using it. No `topologyVersion`, so drivers poll
 * with plain heartbeats instead of streaming awaitable hellos; no compression.
 * `logicalSessionTimeoutMinutes` is present because drivers only use sessions when it is.
 */
function handshake(legacyName: boolean): CommandHandler {
  return (cmd, ctx) => {
    const client = cmd.client as { application?: { name?: unknown } } | undefined;
    if (typeof client?.application?.name === 'string') ctx.connection.appName = client.application.name;
    const me = hostAndPort(ctx.server.host, ctx.server.port);
    const reply: BsonDocument = {};
    if (cmd.helloOk === true) reply.helloOk = true;
    reply[legacyName ? 'ismaster' : 'isWritablePrimary'] = true;
    if (ctx.server.replicaSet) {
      Object.assign(reply, {
        secondary: false,
        setName: REPLICA_SET_NAME,
        setVersion: 1,
        hosts: [me],
        primary: me,
        me,
        electionId: ELECTION_ID,
      });
    }
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

function hostAndPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
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

const parameters = (ctx: CommandContext): Record<string, unknown> => ({
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: [],
  logLevel: 0,
  transactionLifetimeLimitSeconds: ctx.sessions.transactionLifetimeLimitSeconds,
});

const getParameter: CommandHandler = (cmd, ctx) => {
  const known = parameters(ctx);
  const reply: BsonDocument = {};
  const all = cmd.getParameter === '*' || (isPlainObject(cmd.getParameter) && cmd.getParameter.allParameters === true);
  for (const [name, value] of Object.entries(known)) {
    if (all || name in cmd) reply[name] = value;
  }
  const unknown = Object.keys(cmd).filter((k) => k !== 'getParameter' && !k.startsWith('$') && k !== 'lsid' && !(k in known));
  if (!all && Object.keys(reply).length === 0 && unknown.length > 0) {
    throw new CommandError(72, 'InvalidOptions', 'no option found to get');
  }
  return reply;
};

/** Only transactionLifetimeLimitSeconds can be changed, as on mongod at runtime. */
const setParameter: CommandHandler = (cmd, ctx) => {
  requireAdmin(ctx, 'setParameter');
  const value = cmd.transactionLifetimeLimitSeconds;
  if (value === undefined) {
    throw new CommandError(72, 'InvalidOptions', 'the MongoDB stand-in can only set transactionLifetimeLimitSeconds');
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new CommandError(2, 'BadValue', 'transactionLifetimeLimitSeconds must be a positive integer');
  }
  const was = ctx.sessions.transactionLifetimeLimitSeconds;
  ctx.sessions.transactionLifetimeLimitSeconds = value;
  return { was };
};

const configureFailPoint: CommandHandler = (cmd, ctx) => {
  requireAdmin(ctx, 'configureFailPoint');
  return ctx.failPoints.configure(cmd);
};

function requireAdmin(ctx: CommandContext, command: string): void {
  if (ctx.dbName !== 'admin') throw unauthorized(`${command} may only be run against the admin database.`);
}

const ok: CommandHandler = () => ({});

const noAuth: CommandHandler = () => {
  throw new CommandError(
    18,
    'AuthenticationFailed',
    'Authentication is not supported by the MongoDB stand-in; connect without credentials',
  );
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
  setParameter,
  configureFailPoint,
  saslStart: noAuth,
  saslContinue: noAuth,
  authenticate: noAuth,
  logout: ok,
  whatsmyuri,
  connectionStatus,
};
