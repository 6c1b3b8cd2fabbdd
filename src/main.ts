import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig, type Config } from './config/config';
import { createLogger } from './logging/logger';
import { provideMongo } from './db/provider';
import { createApp } from './app/create-app';
import { seedFixturesIfEmpty } from './entities/fixtures/seed';
import { generateApiKey } from './credentials/credential.store';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

async function main() {
  const config = configOrExit();
  const logger = createLogger({ level: config.logLevel });
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
  logger.info({ url: `${url}/graphql`, database: mongo.kind }, 'loyalty API listening');
  if (generatedAdmin) {
    process.stdout.write(
      `\nEmbedded mode: a bootstrap ADMIN credential was generated for this run (shown once):\n` +
        `  API key:    ${generatedAdmin.key}\n  API secret: ${generatedAdmin.secret}\n` +
        `Open ${url}/graphql in a browser and set the header X-Api-Key: ${generatedAdmin.key}\n\n`,
    );
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

main().catch((err) => {
  process.stderr.write(`Failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
