import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { withTimeout } from '../common/with-timeout';

export type MongoProviderKind = 'uri' | 'mongod' | 'standin';

export interface MongoProvider {
  kind: MongoProviderKind;
  /** Connection string including a database name. */
  uri: string;
  stop(): Promise<void>;
  /**
   * For outage tests: make the database unreachable (listener and client sockets closed)
   * and bring it back on the same host:port with the data intact. Supported by 'standin'
   * and 'mongod'; an external 'uri' database cannot be suspended and these throw.
   */
  suspend(): Promise<void>;
  resume(): Promise<void>;
}

export interface ProvideMongoOptions {
  /** MONGODB_URI, when the caller has one: it always wins. */
  uri?: string;
  /** Database used when the URI names none. Default 'test'. */
  dbName?: string;
  logger: Logger;
}

/**
 * Picks the MongoDB the process talks to, in this order:
 *   1. `opts.uri` (MONGODB_URI) when set;
 *   2. a real `mongod`, as a single-node replica set through mongodb-memory-server, but
 *      only when a binary is already on this machine (MONGOMS_SYSTEM_BINARY, `mongod` on
 *      PATH, or mongodb-memory-server's download cache) or downloading was explicitly
 *      allowed with MONGOMS_ALLOW_DOWNLOAD=1 — an offline machine must never hang here;
 *   3. the in-process wire-protocol stand-in (packages/mongo-standin).
 * Logs one info line naming the choice and the reason.
 */
export async function provideMongo(opts: ProvideMongoOptions): Promise<MongoProvider> {
  const dbName = opts.dbName ?? 'test';
  const { logger } = opts;

  if (opts.uri) {
    const uri = withDatabaseName(opts.uri, dbName);
    logger.info({ provider: 'uri', target: redactUri(uri) }, 'MongoDB: using MONGODB_URI');
    return externalProvider(uri);
  }

  let reason = 'no mongod binary found';
  const binary = await locateMongod(logger);
  if (binary) {
    try {
      const version = await mongodVersion(binary.path);
      const provider = await startMongod(binary.path, version, dbName);
      logger.info(
        { provider: 'mongod', binary: binary.path, source: binary.source, version },
        `MongoDB: using mongod ${version} from ${binary.source} as a single-node replica set`,
      );
      return provider;
    } catch (err) {
      logger.warn({ err, binary: binary.path }, 'MongoDB: mongod failed to start');
      reason = `mongod at ${binary.path} failed to start`;
    }
  }

  const { StandInServer } = await loadDevDependency('@loyalty/mongo-standin', () => import('@loyalty/mongo-standin'));
  const server = new StandInServer({ logger: logger.child({ component: 'mongo-standin' }) });
  await server.start();
  logger.info({ provider: 'standin', reason }, `MongoDB: using in-process wire-protocol stand-in (${reason})`);
  return {
    kind: 'standin',
    uri: `${server.uri}/${encodeURIComponent(dbName)}`,
    stop: () => server.stop(),
    suspend: () => server.suspend(),
    resume: () => server.resume(),
  };
}

/**
 * The embedded database (the stand-in, and mongodb-memory-server for a local mongod) comes
 * from development dependencies, loaded only on the branch that uses it: production sets
 * MONGODB_URI (required when NODE_ENV=production) and installs with `--omit=dev`, so it
 * never has or loads them.
 */
async function loadDevDependency<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'MODULE_NOT_FOUND' && e.message.includes(`'${name}'`)) {
      throw new Error(
        `Cannot load ${name}: the embedded database needs the dev dependencies: run npm ci without --omit=dev, or set MONGODB_URI`,
        { cause: err },
      );
    }
    throw err;
  }
}

const loadMongoMemoryServer = () => loadDevDependency('mongodb-memory-server-core', () => import('mongodb-memory-server-core'));

function externalProvider(uri: string): MongoProvider {
  const refuse = (what: string) => async (): Promise<void> => {
    throw new Error(`MongoDB provider 'uri' cannot ${what}: the database behind MONGODB_URI is not managed by this process`);
  };
  return { kind: 'uri', uri, stop: async () => undefined, suspend: refuse('suspend'), resume: refuse('resume') };
}

/** Adds `/<dbName>` to a connection string that names no database; leaves others alone. */
export function withDatabaseName(uri: string, dbName: string): string {
  const match = URI_PARTS.exec(uri);
  if (!match) return uri;
  const [, scheme, authority, path, query] = match;
  if (path && path.length > 1) return uri;
  return `${scheme}${authority}/${encodeURIComponent(dbName)}${query ?? ''}`;
}

/**
 * The same server with another database name (tests and benchmarks give each server its
 * own database). Keeps credentials, several hosts and options, which `new URL` cannot parse.
 */
export function replaceDatabaseName(uri: string, dbName: string): string {
  const match = URI_PARTS.exec(uri);
  if (!match) throw new Error('not a mongodb:// connection string');
  const [, scheme, authority, , query] = match;
  return `${scheme}${authority}/${encodeURIComponent(dbName)}${query ?? ''}`;
}

const URI_PARTS = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(\/[^?]*)?(\?.*)?$/;

/** The connection string without its user name and password, for people to read and copy. */
export function publicUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/?]*@/, '$1');
}

/** The connection string with any password replaced, safe for logs. */
export function redactUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

type BinarySource = 'MONGOMS_SYSTEM_BINARY' | 'PATH' | 'mongodb-memory-server cache' | 'download';

interface LocatedBinary {
  path: string;
  source: BinarySource;
}

const DOWNLOAD_TIMEOUT_MS = Number(process.env.MONGOMS_DOWNLOAD_TIMEOUT_MS ?? 60_000);
const CACHE_LOOKUP_TIMEOUT_MS = 5_000;
const MONGOD_START_TIMEOUT_MS = 30_000;
const VERSION_CHECK_TIMEOUT_MS = 5_000;
const execFileAsync = promisify(execFile);

async function isExecutable(path: string): Promise<boolean> {
  try {
    await fs.access(path, fsConstants.X_OK);
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

async function locateMongod(logger: Logger): Promise<LocatedBinary | undefined> {
  const env = process.env;
  if (env.MONGOMS_SYSTEM_BINARY) {
    if (await isExecutable(env.MONGOMS_SYSTEM_BINARY))
      return { path: env.MONGOMS_SYSTEM_BINARY, source: 'MONGOMS_SYSTEM_BINARY' };
    logger.warn({ path: env.MONGOMS_SYSTEM_BINARY }, 'MongoDB: MONGOMS_SYSTEM_BINARY is not an executable file; ignoring it');
  }

  const exe = process.platform === 'win32' ? 'mongod.exe' : 'mongod';
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, exe);
    if (await isExecutable(candidate)) return { path: candidate, source: 'PATH' };
  }

  // Loading mongodb-memory-server costs time, so it is consulted only when one of its
  // cache directories exists at all.
  const cacheDirs = [
    env.MONGOMS_DOWNLOAD_DIR,
    join(homedir(), '.cache', 'mongodb-binaries'),
    resolve('node_modules', '.cache', 'mongodb-memory-server'),
    resolve('mongodb-binaries'),
  ].filter((d): d is string => Boolean(d));
  const anyCache = (await Promise.all(cacheDirs.map(exists))).some(Boolean);
  if (anyCache) {
    try {
      const { DryMongoBinary } = await loadMongoMemoryServer();
      const found = await withTimeout(
        DryMongoBinary.generateOptions({}).then((o) => DryMongoBinary.locateBinary(o)),
        CACHE_LOOKUP_TIMEOUT_MS,
        'looking up the mongodb-memory-server cache',
      );
      if (found) return { path: found, source: 'mongodb-memory-server cache' };
    } catch (err) {
      logger.debug({ err }, 'MongoDB: mongodb-memory-server cache lookup failed');
    }
  }

  if (env.MONGOMS_ALLOW_DOWNLOAD === '1') {
    try {
      const { MongoBinary } = await loadMongoMemoryServer();
      const path = await withTimeout(MongoBinary.getPath({}), DOWNLOAD_TIMEOUT_MS, 'downloading mongod');
      return { path, source: 'download' };
    } catch (err) {
      logger.warn({ err }, 'MongoDB: mongod download failed or timed out');
    }
  }
  return undefined;
}

/**
 * `mongod --version`, which also proves the binary runs on this machine. Passing the
 * version on spares mongodb-memory-server its own check and its version-mismatch warning.
 */
async function mongodVersion(binaryPath: string): Promise<string> {
  const { stdout } = await execFileAsync(binaryPath, ['--version'], { timeout: VERSION_CHECK_TIMEOUT_MS });
  const match = /db version v?(\d+\.\d+\.\d+)/.exec(stdout);
  if (!match) throw new Error(`could not read a version from '${binaryPath} --version'`);
  return match[1];
}

async function startMongod(binaryPath: string, version: string, dbName: string): Promise<MongoProvider> {
  const { MongoMemoryReplSet } = await loadMongoMemoryServer();
  // A replica set rather than a standalone so transactions and change streams work.
  const replSet = new MongoMemoryReplSet({
    binary: { systemBinary: binaryPath, version },
    replSet: { count: 1, storageEngine: 'wiredTiger', dbName },
  });
  try {
    await withTimeout(replSet.start(), MONGOD_START_TIMEOUT_MS, 'starting mongod');
  } catch (err) {
    await replSet.stop({ doCleanup: true, force: true }).catch(() => undefined);
    throw err;
  }
  return {
    kind: 'mongod',
    uri: replSet.getUri(dbName),
    stop: async () => {
      await replSet.stop({ doCleanup: true, force: true });
    },
    // Stopping without cleanup keeps the dbPath; start() reuses the same ports and data.
    suspend: async () => {
      await replSet.stop({ doCleanup: false, force: false });
    },
    resume: () => replSet.start(),
  };
}
