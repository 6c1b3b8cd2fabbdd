import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose, { type Connection } from 'mongoose';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Services } from '../graphql/context';
import type { RequestContext } from '../graphql/context';
import { buildApiSchema } from '../graphql/schema';
import { CompiledExecutor } from '../graphql/compiled-executor';
import { ResponseCache } from '../graphql/response-cache';
import { responseCachePlugin } from '../graphql/plugins/response-cache';
import { createFormatError } from '../graphql/format-error';
import { authorizationPlugin } from '../graphql/plugins/authorization';
import { errorStatusPlugin } from '../graphql/plugins/error-status';
import { requestIdPlugin } from '../graphql/plugins/request-id';
import { operationLimits } from '../graphql/plugins/operation-limits';
import { EntityStore } from '../entities/entity.store';
import { ImportService } from '../entities/import/import.service';
import { SecurityStore } from '../security/security.store';
import { CredentialStore } from '../credentials/credential.store';
import { RevisionPoller } from '../common/revisions';
import { loadOrCreateSecretsKey } from '../credentials/secrets-key-file';
import { Authenticator } from '../auth/authenticate';
import { createHttpServer } from '../http/server';
import { ConnectionTracker } from '../http/connections';
import { ErrorLogService } from '../errorlog/errorlog.service';
import { CustomerService } from '../customers/customer.service';
import { OffersAppliedService } from '../offers-applied/offers-applied.service';
import { guardRawFieldLookup } from '../db/raw-fields-guard';
import { detectAtomicWrites } from '../db/transactions';
import { withTimeout } from '../common/with-timeout';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { Metrics } from '../metrics/metrics';
import { observed } from '../http/metrics-route';

export interface App {
  readonly services: Services;
  readonly connection: Connection;
  readonly server: Server;
  /** Runs every operation (graphql-jit, graphql-js where it must); its counters are for tests. */
  readonly executor: CompiledExecutor;
  readonly rateLimiter: RateLimiter;
  /** Prometheus metrics of this instance; caches count hits and misses into metrics.cacheHits/cacheMisses. */
  readonly metrics: Metrics;
  /** Listens on config.port/host (0 = random); resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops accepting, lets requests in flight finish, then closes the database connection. */
  stop(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  mongoUri: string;
}

export async function createApp({ config, logger, mongoUri }: AppOptions): Promise<App> {
  const connection = await mongoose
    .createConnection(mongoUri, {
      serverSelectionTimeoutMS: 5000,
      heartbeatFrequencyMS: 1000,
      // Fail fast while the database is away instead of queueing writes in memory.
      bufferCommands: false,
    })
    .asPromise();
  guardRawFieldLookup(connection);

  const atomic = await detectAtomicWrites(connection, logger);
  const secretsKey = config.secretsKey ?? loadOrCreateSecretsKey(config.dataDir);
  const entities = new EntityStore(connection, logger);
  const security = new SecurityStore(connection, logger);
  const credentials = new CredentialStore(connection, secretsKey, logger);
  const revisions = new RevisionPoller(connection, [entities, security, credentials], logger, config.cachePollMs);
  const errorLog = new ErrorLogService(connection, logger, {
    enabled: config.errorLogEnabled,
    retentionDays: config.errorLogRetentionDays,
    maxRecordBytes: config.errorLogMaxRecordBytes,
    knownKeys: credentials,
  });
  const customers = new CustomerService(connection, logger, atomic, {
    clockSkewSeconds: config.signatureClockSkewSeconds,
    pointsValidityDays: config.pointsValidityDays,
  });
  const rateLimiter = new RateLimiter(connection, config.rateLimits, logger);
  const offersApplied = new OffersAppliedService(connection, entities, atomic, {
    clockSkewSeconds: config.signatureClockSkewSeconds,
  });
  await Promise.all([
    entities.start(),
    security.start(),
    credentials.start(),
    errorLog.start(),
    customers.start(),
    rateLimiter.start(),
    offersApplied.start(),
  ]);
  revisions.start();
  if (config.adminApiKey && config.adminApiSecret) {
    await credentials.ensure(config.adminApiKey, config.adminApiSecret, 'Bootstrap admin', 'ADMIN');
  }

  const services: Services = {
    entities,
    imports: new ImportService(entities, atomic),
    security,
    credentials,
    authenticator: new Authenticator({
      credentials,
      escher: config.escher,
      clockSkewSeconds: config.signatureClockSkewSeconds,
      trustedProxies: config.trustProxy,
    }),
    errorLog,
    customers,
    responseCache: new ResponseCache(config.responseCacheMaxBytes, () => entities.generation),
    offersApplied,
  };

  const limits = operationLimits(config.operationLimits);
  const executor = new CompiledExecutor();
  const apollo = new ApolloServer<RequestContext>({
    // graphql-jit instead of graphql-js for execution; everything around it is Apollo's as before.
    gateway: executor.gateway(buildApiSchema()),
    // Measured before anything runs: tokens while parsing, the rest while validating.
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    // Introspection is on for Sandbox; it still needs a valid credential like any operation.
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM: Apollo's own handler would stop it behind our back and re-raise.
    stopOnTerminationSignals: false,
    formatError: createFormatError(false),
    plugins: [
      // Sandbox also in production: admins run the security mutations there.
      ApolloServerPluginLandingPageLocalDefault({
        embed: { initialState: { sharedHeaders: { 'X-Api-Key': '' } } },
        includeCookies: false,
      }),
      // The schema sets no cache hints and every answer depends on the credential, so the
      // default cache-control plugin would only add a hook to every field resolution (it
      // more than doubled the cost of the nested offers query; see npm run bench).
      ApolloServerPluginCacheControlDisabled(),
      authorizationPlugin(),
      responseCachePlugin(),
      requestIdPlugin(logger),
      errorStatusPlugin(),
    ],
  });
  await apollo.start();

  const isReady = async () => {
    try {
      await withTimeout(connection.db!.admin().ping(), 1000);
      return true;
    } catch {
      return false;
    }
  };

  const metrics = new Metrics({ pending: () => errorLog.recorder.pending, dropped: () => errorLog.recorder.dropped });
  metrics.watchCache('response', services.responseCache.stats);
  const server = createHttpServer({
    apollo,
    services,
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    isReady,
    onCallDone: (call) => errorLog.callDone(call),
    rateLimiter,
    onRequestFinished: (finished) => metrics.observeRequest(observed(finished)),
    metrics: config.metricsEnabled
      ? { metrics, token: config.metricsToken, authenticator: services.authenticator, security: services.security }
      : undefined,
  });
  server.keepAliveTimeout = 5000;
  // A client that trickles its headers or body must not hold a socket (and shutdown) for
  // Node's defaults of 60 s and 5 min.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const connections = new ConnectionTracker(server);

  return {
    services,
    connection,
    server,
    executor,
    rateLimiter,
    metrics,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          resolve(`http://${host}:${port}`);
        });
      }),
    async stop() {
      revisions.stop();
      // Idle keep-alive and half-sent connections go at once; requests in flight get the
      // grace period, then their sockets are cut. The error log is flushed and the
      // database closed either way, so the last failed calls are not lost.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      connections.closeIdle();
      const drained = await connections.drain(config.shutdownGraceMs);
      if (!drained) {
        logger.warn(
          { inFlight: connections.inFlight, graceMs: config.shutdownGraceMs },
          'requests still running at shutdown were cut',
        );
        connections.destroyAll();
      }
      await closed;
      logger.debug('http server closed');
      await apollo.stop();
      await rateLimiter.stop();
      await errorLog.stop();
      logger.debug('error log flushed');
      await connection.close();
      logger.debug('database connection closed');
    },
  };
}
