import { antavoEscherConfig, type EscherConfig } from '../escher';
import { parseTrustProxy, type IpMatcher } from '../ip';

/**
 * The only module that reads `process.env`. Every variable of CONTRACT §1 (and the few the
 * project adds) is parsed and checked here once, at start: a bad value stops the process
 * with a message naming the variable instead of failing later on a request. Values come out
 * in the form their users need (a matcher, the signature dialect), so nothing re-parses them.
 */
export type NodeEnv = 'production' | 'development' | 'test';

export interface Config {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  mongodbUri: string | undefined;
  apiStack: string;
  /** The signature dialect for this API stack (credential scope `<apiStack>/api/antavo_request`). */
  escher: EscherConfig;
  signatureClockSkewSeconds: number;
  /** The proxies whose X-Forwarded-For is believed; empty: the socket address is the client. */
  trustProxy: IpMatcher;
  adminApiKey: string | undefined;
  adminApiSecret: string | undefined;
  /** 32-byte AES-256-GCM key for credential secrets at rest (base64 or hex in the env). */
  secretsKey: Buffer | undefined;
  /** Where embedded mode keeps its generated secrets key. */
  dataDir: string;
  logLevel: string;
  /** LOG_FORMAT: json, pretty, or undefined for the default (pretty only when stdout is a terminal). */
  logFormat: 'json' | 'pretty' | undefined;
  /** GET /metrics answers at all (METRICS_ENABLED). */
  metricsEnabled: boolean;
  /** A bearer token that may read /metrics besides ADMIN keys (METRICS_TOKEN). */
  metricsToken: string | undefined;
  bodyLimitBytes: number;
  errorLogEnabled: boolean;
  errorLogRetentionDays: number;
  errorLogMaxRecordBytes: number;
  /** How often each instance polls the shared revision counters (cross-instance freshness). */
  cachePollMs: number;
  /** Load the bundled tier/offer fixtures into an empty embedded database. */
  seedFixtures: boolean;
  /** On SIGTERM, how long requests in flight may take to finish before they are cut. */
  shutdownGraceMs: number;
  /** Limits every GraphQL operation is measured against before it runs (CONTRACT §4). */
  operationLimits: OperationLimits;
  /** Bound of the per-instance cache of whole tier/offer responses, in bytes; 0 = off. */
  responseCacheMaxBytes: number;
  /** How long added points stay spendable when the event gives no `expires_at`; undefined: forever. */
  pointsValidityDays: number | undefined;
  /** Per-key and per-address call limits (CONTRACT §4 "Rate limits"). */
  rateLimits: RateLimitSettings;
}

export interface RateLimitSettings {
  /** Calls per window for a key without an override; 0 = no limit. */
  perKey: number;
  /** Failed authentications per window from one client address; 0 = no limit. */
  authFailuresPerAddress: number;
  /** How often each instance adds its counts to the shared ones and reads the fleet's totals. */
  syncMs: number;
  /**
   * The window the limits count in: a minute. Not an environment variable (the public limits
   * are per minute); tests shorten it to see a window end.
   */
  windowMs: number;
}

export interface OperationLimits {
  /** Nesting of fields, leaves included, fragments flattened (standard introspection: 15). */
  depth: number;
  aliases: number;
  /** Distinct response keys at the root of one operation. */
  rootFields: number;
  /** Lexical tokens of the whole document, counted by the parser, which stops at max + 1. */
  tokens: number;
  directives: number;
  /** Fields times the list sizes they are repeated by (see operation-limits/cost-rule.ts). */
  cost: number;
}

/**
 * Loose enough for every query in the README, the tests, the benchmark, a full page of 200
 * offers with every field and the introspection query of Sandbox and GraphiQL (figures in the
 * README, "Operation limits"); tight enough that an alias bomb is refused at parse time.
 */
export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  depth: 20,
  aliases: 30,
  rootFields: 20,
  tokens: 10_000,
  directives: 50,
  cost: 100_000,
};

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/** A value parsed by the module that uses it; its error, written for the admin, names the variable. */
function parsed<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new ConfigError(name, (err as Error).message);
  }
}

function secretsKey(env: Env): Buffer | undefined {
  const raw = str(env, 'SECRETS_ENCRYPTION_KEY');
  if (raw === undefined) return undefined;
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(
      'SECRETS_ENCRYPTION_KEY',
      'must be 32 bytes, as 64 hex characters or base64 (e.g. `openssl rand -base64 32`)',
    );
  }
  return key;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnvRaw = str(env, 'NODE_ENV') ?? 'development';
  if (!['production', 'development', 'test'].includes(nodeEnvRaw)) {
    throw new ConfigError('NODE_ENV', `must be production, development or test, got "${nodeEnvRaw}"`);
  }
  const nodeEnv = nodeEnvRaw as NodeEnv;

  const mongodbUri = str(env, 'MONGODB_URI');
  if (mongodbUri !== undefined && !/^mongodb(\+srv)?:\/\//.test(mongodbUri)) {
    throw new ConfigError('MONGODB_URI', 'must start with mongodb:// or mongodb+srv://');
  }

  const apiStack = str(env, 'API_STACK') ?? 'local';
  const escher = parsed('API_STACK', () => antavoEscherConfig(apiStack));

  const adminApiKey = str(env, 'ADMIN_API_KEY');
  const adminApiSecret = str(env, 'ADMIN_API_SECRET');
  if ((adminApiKey === undefined) !== (adminApiSecret === undefined)) {
    throw new ConfigError(
      adminApiKey === undefined ? 'ADMIN_API_KEY' : 'ADMIN_API_SECRET',
      'ADMIN_API_KEY and ADMIN_API_SECRET must be set together',
    );
  }
  if (adminApiKey !== undefined && !/^[A-Za-z0-9._~-]{8,128}$/.test(adminApiKey)) {
    throw new ConfigError('ADMIN_API_KEY', 'must be 8-128 characters of letters, digits, ".", "_", "~" or "-"');
  }
  if (adminApiSecret !== undefined && adminApiSecret.length < 16) {
    throw new ConfigError('ADMIN_API_SECRET', 'must be at least 16 characters');
  }

  const key = secretsKey(env);
  if (nodeEnv === 'production') {
    if (mongodbUri === undefined) throw new ConfigError('MONGODB_URI', 'is required when NODE_ENV=production');
    if (key === undefined) {
      throw new ConfigError('SECRETS_ENCRYPTION_KEY', 'is required when NODE_ENV=production');
    }
    if (adminApiKey === undefined) {
      throw new ConfigError('ADMIN_API_KEY', 'is required when NODE_ENV=production');
    }
  }

  const trustProxy = parsed('TRUST_PROXY', () => parseTrustProxy(str(env, 'TRUST_PROXY')));

  const logLevel = str(env, 'LOG_LEVEL') ?? (nodeEnv === 'test' ? 'warn' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent`);
  }

  const host = str(env, 'HOST') ?? '127.0.0.1';

  const logFormat = str(env, 'LOG_FORMAT');
  if (logFormat !== undefined && logFormat !== 'json' && logFormat !== 'pretty') {
    throw new ConfigError('LOG_FORMAT', `must be json or pretty (or unset: pretty on a terminal, else json), got "${logFormat}"`);
  }

  const metricsToken = str(env, 'METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters (e.g. `openssl rand -hex 16`)');
  }

  return {
    nodeEnv,
    port: int(env, 'PORT', 4000, 0, 65535),
    host,
    mongodbUri,
    apiStack,
    escher,
    // At least 1: the accepted window is date - skew <= now < date + skew, empty for 0, which
    // would refuse every signed request.
    signatureClockSkewSeconds: int(env, 'SIGNATURE_CLOCK_SKEW_SECONDS', 300, 1, 86400),
    trustProxy,
    adminApiKey,
    adminApiSecret,
    secretsKey: key,
    dataDir: str(env, 'DATA_DIR') ?? '.data',
    logLevel,
    logFormat,
    metricsEnabled: bool(env, 'METRICS_ENABLED', true),
    metricsToken,
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    errorLogEnabled: bool(env, 'ERROR_LOG_ENABLED', true),
    errorLogRetentionDays: int(env, 'ERROR_LOG_RETENTION_DAYS', 30, 1, 3650),
    errorLogMaxRecordBytes: int(env, 'ERROR_LOG_MAX_RECORD_BYTES', 64 * 1024, 1024, 8 * 1024 * 1024),
    cachePollMs: int(env, 'CACHE_POLL_MS', 250, 20, 60000),
    seedFixtures: bool(env, 'SEED_FIXTURES', mongodbUri === undefined),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 5000, 0, 120_000),
    responseCacheMaxBytes: int(env, 'RESPONSE_CACHE_MAX_BYTES', 32 * 1024 * 1024, 0, 64 * 1024 * 1024 * 1024),
    pointsValidityDays:
      str(env, 'POINTS_VALIDITY_DAYS') === undefined ? undefined : int(env, 'POINTS_VALIDITY_DAYS', 0, 1, 36_500),
    operationLimits: {
      depth: int(env, 'OPERATION_MAX_DEPTH', DEFAULT_OPERATION_LIMITS.depth, 1, 1000),
      aliases: int(env, 'OPERATION_MAX_ALIASES', DEFAULT_OPERATION_LIMITS.aliases, 0, 100_000),
      rootFields: int(env, 'OPERATION_MAX_ROOT_FIELDS', DEFAULT_OPERATION_LIMITS.rootFields, 1, 100_000),
      tokens: int(env, 'OPERATION_MAX_TOKENS', DEFAULT_OPERATION_LIMITS.tokens, 1, 10_000_000),
      directives: int(env, 'OPERATION_MAX_DIRECTIVES', DEFAULT_OPERATION_LIMITS.directives, 0, 100_000),
      cost: int(env, 'OPERATION_MAX_COST', DEFAULT_OPERATION_LIMITS.cost, 1, Number.MAX_SAFE_INTEGER),
    },
    rateLimits: {
      perKey: int(env, 'RATE_LIMIT_PER_MINUTE', 1500, 0, 1_000_000_000),
      authFailuresPerAddress: int(env, 'AUTH_FAILURES_PER_MINUTE', 60, 0, 1_000_000_000),
      syncMs: int(env, 'RATE_LIMIT_SYNC_MS', 250, 20, 10_000),
      windowMs: 60_000,
    },
  };
}
