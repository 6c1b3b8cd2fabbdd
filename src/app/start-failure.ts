import { ConfigError } from '../config/config';
import { publicUri } from '../db/provider';

/** What main.ts knows when starting fails: enough to name the setting that fixes it. */
export interface StartContext {
  port?: number;
  host?: string;
  mongodbUri?: string;
  dataDir?: string;
}

interface SystemError extends Error {
  code?: string;
  syscall?: string;
  path?: string;
  port?: number;
  address?: string;
}

const DATABASE_UNREACHABLE = new Set(['MongooseServerSelectionError', 'MongoServerSelectionError', 'MongoNetworkError']);

/**
 * The one sentence a person reads when the server cannot start: the cause, and the setting
 * or command that fixes it. Undefined for a failure it does not recognise (then the caller
 * prints the error's own message).
 */
export function describeStartFailure(err: unknown, ctx: StartContext): string | undefined {
  if (err instanceof ConfigError) {
    return `The configuration is not valid: ${err.message}. Fix ${err.variable} and start again.`;
  }
  const e = err as SystemError;
  const where = `${ctx.host ?? e.address ?? '127.0.0.1'}:${e.port ?? ctx.port ?? '?'}`;
  if (e.code === 'EADDRINUSE') {
    return `Port ${e.port ?? ctx.port} is already in use on ${ctx.host ?? e.address} (another server, or this one started twice): stop the other process, or choose another port with PORT=<port>.`;
  }
  if (e.code === 'EADDRNOTAVAIL') {
    return `Cannot listen on ${where}: this machine has no address ${ctx.host ?? e.address}. Set HOST to one of its addresses (127.0.0.1, or 0.0.0.0 for all).`;
  }
  if ((e.code === 'EACCES' || e.code === 'EPERM') && e.syscall === 'listen') {
    return `Not allowed to listen on ${where}: ports below 1024 need extra privileges. Use PORT=4000 (or another port of 1024 or above) behind a proxy.`;
  }
  if ((e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS' || e.code === 'ENOTDIR') && e.path !== undefined) {
    return `Cannot write ${e.path} (${e.code === 'ENOTDIR' ? 'a part of the path is a file' : 'permission denied'}): set DATA_DIR to a folder this user can write, or set SECRETS_ENCRYPTION_KEY so no key file is needed.`;
  }
  if (DATABASE_UNREACHABLE.has(e.name)) {
    const target = ctx.mongodbUri ? publicUri(ctx.mongodbUri) : 'the embedded database';
    return `Cannot reach MongoDB at ${target}: check that it is running and that MONGODB_URI names the right host and port (or unset MONGODB_URI to use the embedded database).`;
  }
  if (e.name === 'MongoServerError' && /auth/i.test(e.message)) {
    return `MongoDB refused the user name or password in MONGODB_URI: check them (and authSource) and start again.`;
  }
  return undefined;
}
