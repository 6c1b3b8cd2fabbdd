import { CommandError, badValue, notImplemented } from './errors';
import { isPlainObject, type BsonDocument } from './values';

/** What an activated `failCommand` fail point does to the command it catches. */
export interface FailCommandAction {
  errorCode?: number;
  errorLabels?: string[];
  closeConnection?: boolean;
  writeConcernError?: BsonDocument;
}

interface Armed extends FailCommandAction {
  commands: Set<string>;
  appName?: string;
  /** Activations left; Infinity for alwaysOn. */
  remaining: number;
  /** Matching commands to let through before activating. */
  skip: number;
}

// codeName of codes tests commonly inject; others get mongod's generic Location<code>.
const CODE_NAMES: Record<number, string> = {
  2: 'BadValue',
  6: 'HostUnreachable',
  11: 'UserNotFound',
  24: 'LockTimeout',
  50: 'MaxTimeMSExpired',
  89: 'NetworkTimeout',
  91: 'ShutdownInProgress',
  112: 'WriteConflict',
  121: 'DocumentValidationFailure',
  189: 'PrimarySteppedDown',
  251: 'NoSuchTransaction',
  262: 'ExceededTimeLimit',
  10107: 'NotWritablePrimary',
  11000: 'DuplicateKey',
  11600: 'InterruptedAtShutdown',
  11602: 'InterruptedDueToReplStateChange',
  13435: 'NotPrimaryNoSecondaryOk',
};

export const codeNameOf = (code: number): string => CODE_NAMES[code] ?? `Location${code}`;

/**
 * mongod's `failCommand` test fail point (available with enableTestCommands), set with
 * `configureFailPoint`: makes the next matching commands fail with a chosen error, close
 * the connection, or report a write concern error, so tests can make the database refuse
 * a write exactly where they want.
 */
export class FailPoints {
  private armed: Armed | undefined;
  private activations = 0;

  /** Applies a `configureFailPoint` command; answers with how often the fail point has fired so far. */
  configure(cmd: BsonDocument): BsonDocument {
    if (cmd.configureFailPoint !== 'failCommand') {
      throw badValue(`the MongoDB stand-in supports only the failCommand fail point, not ${String(cmd.configureFailPoint)}`);
    }
    const count = this.activations;
    const mode = cmd.mode;
    if (mode === 'off') {
      this.armed = undefined;
      return { count };
    }
    const data = cmd.data;
    if (!isPlainObject(data) || !Array.isArray(data.failCommands) || !data.failCommands.every((c) => typeof c === 'string')) {
      throw badValue('failCommand needs data.failCommands: an array of command names');
    }
    if (data.blockConnection === true)
      throw notImplemented('failCommand blockConnection is not supported by the MongoDB stand-in');
    let remaining = Number.POSITIVE_INFINITY;
    let skip = 0;
    if (isPlainObject(mode) && typeof mode.times === 'number') remaining = mode.times;
    else if (isPlainObject(mode) && typeof mode.skip === 'number') skip = mode.skip;
    else if (mode !== 'alwaysOn') throw badValue("fail point mode must be 'off', 'alwaysOn', {times: n} or {skip: n}");
    this.armed = {
      commands: new Set(data.failCommands as string[]),
      appName: typeof data.appName === 'string' ? data.appName : undefined,
      errorCode: typeof data.errorCode === 'number' ? data.errorCode : undefined,
      errorLabels: Array.isArray(data.errorLabels) ? (data.errorLabels as string[]) : undefined,
      closeConnection: data.closeConnection === true,
      writeConcernError: isPlainObject(data.writeConcernError) ? data.writeConcernError : undefined,
      remaining,
      skip,
    };
    return { count };
  }

  /** The action for this command if the fail point catches it; each catch uses one activation. */
  trigger(commandName: string, appName: string | undefined): FailCommandAction | undefined {
    const armed = this.armed;
    if (!armed || !armed.commands.has(commandName)) return undefined;
    if (armed.appName !== undefined && armed.appName !== appName) return undefined;
    if (armed.skip > 0) {
      armed.skip--;
      return undefined;
    }
    armed.remaining--;
    if (armed.remaining <= 0) this.armed = undefined;
    this.activations++;
    return armed;
  }
}

/** The error a fail point with `errorCode` injects. */
export function injectedError(action: FailCommandAction): CommandError {
  const code = action.errorCode as number;
  const extra: BsonDocument = action.errorLabels ? { errorLabels: action.errorLabels } : {};
  return new CommandError(code, codeNameOf(code), "Failing command via 'failCommand' failpoint", extra);
}

/** Thrown to make the connection close without a reply, as `closeConnection: true` asks. */
export class CloseConnection extends Error {
  constructor() {
    super('connection closed by the failCommand fail point');
  }
}
