import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import mongoose from 'mongoose';
import { loadConfig } from '../config/config';
import { createLogger } from '../logging/logger';
import { EntityStore } from '../entities/entity.store';
import { ImportService, ImportValidationError } from '../entities/import/import.service';
import { EntityKind } from '../entities/entity-kind.enum';
import { describeProblems } from '../entities/import/validate-documents';
import { detectAtomicWrites } from '../db/transactions';

/**
 * `npm run import -- <file> [--entity tier|offer]`: loads an Entities API export
 * (`{"data":[...]}`) into MONGODB_URI with the same validation as `importEntities`. The kind
 * is taken from the flag, else guessed from the documents (tiers have `tiers` and `account`).
 */
function usage(message: string): never {
  process.stderr.write(`${message}\nUsage: npm run import -- <export.json> [--entity tier|offer]\n`);
  process.exit(2);
}

function kindOf(documents: Record<string, unknown>[], flag: string | undefined): EntityKind {
  if (flag === 'tier') return EntityKind.TIER;
  if (flag === 'offer') return EntityKind.OFFER;
  if (flag !== undefined) usage(`--entity must be tier or offer, got "${flag}"`);
  const looksLikeTier = (d: Record<string, unknown>) => Array.isArray(d.tiers) && 'account' in d;
  if (documents.length > 0 && documents.every(looksLikeTier)) return EntityKind.TIER;
  return EntityKind.OFFER;
}

async function main() {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const flagIndex = args.indexOf('--entity');
  const flag = flagIndex >= 0 ? args[flagIndex + 1] : undefined;
  if (!file) usage('No file given.');

  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    usage(`Cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  const data = (parsed as { data?: unknown })?.data;
  if (!Array.isArray(data)) usage(`${file} is not an Entities API export: expected {"data": [...]}`);

  const config = loadConfig();
  if (!config.mongodbUri) usage('Set MONGODB_URI to the database to import into.');
  const logger = createLogger({ level: config.logLevel });
  const connection = await mongoose.createConnection(config.mongodbUri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    const store = new EntityStore(connection, logger);
    const kind = kindOf(data as Record<string, unknown>[], flag);
    const imports = new ImportService(store, await detectAtomicWrites(connection, logger));
    const outcome = await imports.import(kind, data as Record<string, unknown>[], describeProblems);
    process.stdout.write(
      `Imported ${outcome.received} ${kind.toLowerCase()} documents: ${outcome.created} new, ${outcome.updated} replaced.\n`,
    );
  } catch (err) {
    if (err instanceof ImportValidationError) {
      process.stderr.write(`Nothing imported. ${err.message}\n`);
      for (const p of err.problems.slice(0, 20)) process.stderr.write(`  documents[${p.index}] ${p.field}: ${p.message}\n`);
      process.exitCode = 1;
    } else throw err;
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  process.stderr.write(`Import failed: ${(err as Error).message}\n`);
  process.exit(1);
});
