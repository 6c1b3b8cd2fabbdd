import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from './config/config';
import { createLogger, defaultLogFormat } from './logging/logger';
import { provideMongo, publicUri } from './db/provider';
import { createApp } from './app/create-app';
import { describeStartFailure, type StartContext } from './app/start-failure';
import { seedFixturesIfEmpty } from './entities/fixtures/seed';
import { generateApiKey } from './credentials/credential.store';

/** What a start failure message can name; filled in as start-up learns it. */
const startContext: StartContext & { showStack?: boolean } = {};

/**
 * For people, not log collectors: on stderr, apart from the log stream, so `npm start | jq`
 * and log shippers never see the generated secret.
 */
function printBanner(lines: string[]): void {
  process.stderr.write(`\n${lines.join('\n')}\n\n`);
}

async function main() {
  const config: Config = loadConfig();
  Object.assign(startContext, {
    port: config.port,
    host: config.host,
    mongodbUri: config.mongodbUri,
    dataDir: config.dataDir,
    showStack: config.logLevel === 'debug' || config.logLevel === 'trace',
  });
  const logger = createLogger({ level: config.logLevel, format: config.logFormat ?? defaultLogFormat(process.stdout.isTTY) });
  const mongo = await provideMongo({ uri: config.mongodbUri, dbName: 'loyalty', logger });

  let generatedAdmin: { key: string; secret: string } | undefined;
  if (!config.adminApiKey && mongo.kind !== 'uri') {
    // CONTRACT §1: in embedded mode a bootstrap admin is generated and printed once. It goes
    // to the terminal directly, never through the structured log.
    generatedAdmin = { key: generateApiKey(), secret: randomBytes(32).toString('base64url') };
    config.adminApiKey = generatedAdmin.key;
    config.adminApiSecret = generatedAdmin.secret;
  }

  const app = await createApp({ config, logger, mongoUri: mongo.uri });
  if (config.seedFixtures) await seedFixturesIfEmpty(app.services.imports, app.services.entities, logger);
  const url = await app.listen();
  // The database's address, without credentials: `npm run import` and mongosh can reach the embedded one through it.
  const databaseUri = publicUri(mongo.uri);
  logger.info({ url: `${url}/graphql`, database: mongo.kind, databaseUri }, 'loyalty API listening');
  if (mongo.kind !== 'uri') {
    printBanner([
      `Embedded MongoDB (${mongo.kind}) at ${databaseUri}; it lives as long as this process. To import into it:`,
      `  MONGODB_URI='${databaseUri}' npm run import -- <export.json>`,
    ]);
  }
  if (generatedAdmin) {
    printBanner([
      `Embedded mode: a bootstrap ADMIN credential was generated for this run (shown once):`,
      `  API key:    ${generatedAdmin.key}`,
      `  API secret: ${generatedAdmin.secret}`,
      `Open ${url}/graphql in a browser and set the header X-Api-Key: ${generatedAdmin.key}`,
    ]);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    // app.stop() bounds every step itself (grace period, error-log flush, database close);
    // this is only the last resort if one of them hangs.
    const forceAfterMs = config.shutdownGraceMs + 10_000;
    const force = setTimeout(() => {
      logger.error({ forceAfterMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, forceAfterMs);
    force.unref();
    try {
      await app.stop();
      await mongo.stop();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error while shutting down');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // One sentence naming the cause and the fix; a stack only for what is not recognised, and
  // only when asked for (LOG_LEVEL=debug), since it helps the developer, not the operator.
  const sentence = describeStartFailure(err, startContext);
  if (sentence) {
    process.stderr.write(`Cannot start: ${sentence}\n`);
  } else {
    const detail = startContext.showStack ? (err as Error).stack : undefined;
    process.stderr.write(
      `Cannot start: ${(err as Error).message ?? String(err)}${detail ? `\n${detail}` : ' (LOG_LEVEL=debug shows where it failed)'}\n`,
    );
  }
  process.exit(1);
});
