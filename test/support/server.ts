import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { loadConfig, type Config } from '../../src/config/config';
import { createLogger } from '../../src/logging/logger';
import { provideMongo, replaceDatabaseName, type MongoProvider } from '../../src/db/provider';
import { createApp, type App } from '../../src/app/create-app';
import { httpCall, type HttpResult } from './http';
import { signWithEscher } from './signers/escher-signer';
import { StandInServer } from '@loyalty/mongo-standin';

export interface TestCredential {
  name: string;
  key: string;
  secret: string;
  role: 'ADMIN' | 'CLIENT';
}

export interface CallOptions {
  /** Send as a signed request (escher-auth, Antavo settings) instead of a plain X-Api-Key. */
  signed?: boolean;
  /** Send the key as the api_key query parameter instead of the header. */
  queryKey?: boolean;
  /** Extra or overriding headers (e.g. X-Forwarded-For). */
  headers?: OutgoingHttpHeaders;
  /** Send no credential at all. */
  anonymous?: boolean;
}

export interface ApiCaller {
  graphql(query: string, variables?: Record<string, unknown>, options?: CallOptions): Promise<HttpResult>;
  get(path: string, options?: CallOptions): Promise<HttpResult>;
  request(method: string, path: string, body: string | undefined, options?: CallOptions): Promise<HttpResult>;
}

export interface TestServer {
  url: string;
  app: App;
  config: Config;
  admin: TestCredential;
  client: TestCredential;
  /** Every request goes out as a named credential (admin or client, or one made by a test). */
  as(credential: TestCredential): ApiCaller;
  stop(): Promise<void>;
}

let shared: Promise<MongoProvider> | undefined;
let liveServers = 0;

/** One database server per test file (process); each test server gets its own database. */
export function testMongo(): Promise<MongoProvider> {
  shared ??= provideMongo({
    uri: process.env.MONGODB_URI,
    dbName: 'test',
    // Info level: each test file's output says which database provider it ran on.
    logger: createLogger({ level: process.env.LOG_LEVEL ?? 'info' }),
  });
  return shared;
}

export const databaseUri = replaceDatabaseName;

export function uniqueDbName(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export const ADMIN_KEY = 'test-admin-key-0001';
export const ADMIN_SECRET = 'test-admin-secret-0123456789abcdef';

export async function startTestServer(
  options: {
    env?: Record<string, string>;
    dbName?: string;
    seed?: boolean;
    /** Where the server's log lines go (e.g. to assert what a request logged). */
    logDestination?: { write(line: string): void };
    /** Settings no environment variable reaches (e.g. a short rate-limit window). */
    configure?: (config: Config) => void;
  } = {},
): Promise<TestServer> {
  const mongo = await testMongo();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_API_KEY: ADMIN_KEY,
    ADMIN_API_SECRET: ADMIN_SECRET,
    SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    CACHE_POLL_MS: '100',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...options.env,
  });
  options.configure?.(config);
  const logger = createLogger({ level: config.logLevel, destination: options.logDestination });
  const app = await createApp({ config, logger, mongoUri: databaseUri(mongo.uri, options.dbName ?? uniqueDbName()) });
  const url = await app.listen();
  const admin: TestCredential = { name: 'admin', key: ADMIN_KEY, secret: ADMIN_SECRET, role: 'ADMIN' };

  const as = (credential: TestCredential): ApiCaller => {
    const request = async (method: string, path: string, body: string | undefined, call: CallOptions = {}) => {
      let target = path;
      let headers: OutgoingHttpHeaders = { ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
      if (!call.anonymous) {
        if (call.signed) {
          const host = new URL(url).host;
          headers = signWithEscher({
            method,
            url: path,
            headers: { ...headers, host },
            body: body ?? '',
            key: credential.key,
            secret: credential.secret,
            apiStack: config.apiStack,
          });
        } else if (call.queryKey) {
          target += `${path.includes('?') ? '&' : '?'}api_key=${encodeURIComponent(credential.key)}`;
        } else {
          headers['x-api-key'] = credential.key;
        }
      }
      return httpCall(url, method, target, { headers: { ...headers, ...call.headers }, body });
    };
    return {
      request,
      get: (path, call) => request('GET', path, undefined, call),
      graphql: (query, variables, call) => request('POST', '/graphql', JSON.stringify({ query, variables }), call),
    };
  };

  const created = await as(admin).graphql(
    `mutation { createApiCredential(input: { name: "test client", role: CLIENT }) { credential { key } secret } }`,
  );
  if (created.status !== 200 || !created.json?.data) {
    throw new Error(`could not create the test client credential: ${created.status} ${created.text}`);
  }
  const client: TestCredential = {
    name: 'client',
    key: created.json.data.createApiCredential.credential.key,
    secret: created.json.data.createApiCredential.secret,
    role: 'CLIENT',
  };

  liveServers += 1;
  const stop = async () => {
    await app.stop();
    liveServers -= 1;
    // The last server of the file takes the database with it, so the test process can exit.
    if (liveServers === 0 && shared) {
      const provider = await shared;
      shared = undefined;
      await provider.stop();
    }
  };
  return { url, app, config, admin, client, as, stop };
}

/** Asserts a GraphQL call succeeded and returns its data (throws with the body otherwise). */
export function dataOf(result: HttpResult): any {
  if (result.status !== 200 || result.json?.errors) {
    throw new Error(`expected success, got ${result.status}: ${result.text.slice(0, 2000)}`);
  }
  return result.json.data;
}

export function firstError(result: HttpResult): { message: string; code?: string; extensions: Record<string, any> } {
  const error = result.json?.errors?.[0] ?? result.json?.error;
  if (!error) throw new Error(`expected an error, got ${result.status}: ${result.text.slice(0, 2000)}`);
  return error;
}

/**
 * An app (no HTTP listener) on a stand-in posing as a standalone mongod: no transactions, so the
 * code paths that must hold without them are exercised. `stop` closes both.
 */
export async function startStandaloneApp(dbName: string): Promise<{ app: App; stop: () => Promise<void> }> {
  const standalone = new StandInServer({ replicaSet: false });
  await standalone.start();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'error',
  });
  const app = await createApp({ config, logger: createLogger({ level: 'error' }), mongoUri: `${standalone.uri}/${dbName}` });
  return {
    app,
    stop: async () => {
      await app.stop();
      await standalone.stop();
    },
  };
}
