import { createLogger } from '../src/logging/logger';
import { provideMongo } from '../src/db/provider';

/**
 * The benchmark's database, in its own process as in production: a write to the error log
 * or a cache reload costs the server the network round trip, not the database's own CPU.
 * Prints the connection string on stdout and runs until stdin closes.
 */
async function main() {
  const mongo = await provideMongo({ dbName: 'bench', logger: createLogger({ level: 'warn' }) });
  process.stdout.write(JSON.stringify({ uri: mongo.uri, kind: mongo.kind }) + '\n');
  process.stdin.resume();
  process.stdin.on('end', () => void mongo.stop().then(() => process.exit(0)));
}

void main();
