import { CommandError, failedToParse } from '../errors';
import type { QueryEnv } from '../query';
import { cloneValue, isPlainObject, type BsonDocument } from '../values';
import type { CommandContext } from './context';

/** The collection a command targets, i.e. the value of its first field. */
export function collectionName(cmd: BsonDocument, command: string): string {
  const name = cmd[command];
  if (typeof name !== 'string') {
    throw new CommandError(73, 'InvalidNamespace', `collection name has invalid type ${typeLabel(name)}`);
  }
  return name;
}

export function optionalDocument(cmd: BsonDocument, field: string): BsonDocument | undefined {
  const value = cmd[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw typeError(field, value, 'object');
  return value;
}

export function optionalArray(cmd: BsonDocument, field: string): unknown[] | undefined {
  const value = cmd[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw typeError(field, value, 'array');
  return value;
}

export function requiredArray(cmd: BsonDocument, field: string): unknown[] {
  const value = optionalArray(cmd, field);
  if (value === undefined) throw failedToParse(`BSON field '${field}' is missing but a required field`);
  return value;
}

/** A non-negative integer option (skip, limit, batchSize); Long arrives as a JS number. */
export function optionalCount(cmd: BsonDocument, field: string): number | undefined {
  const value = cmd[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw typeError(field, value, 'number');
  return Math.trunc(value);
}

export function nonNegative(field: string, value: number | undefined): number | undefined {
  if (value !== undefined && value < 0) {
    throw new CommandError(51024, 'Location51024', `BSON field '${field}' value must be >= 0, actual value '${value}'`);
  }
  return value;
}

/** Query settings of a command: collation, `let` variables and same-database lookups. */
export function queryEnv(ctx: CommandContext, cmd: BsonDocument, collation?: unknown): QueryEnv {
  return {
    collation: isPlainObject(collation ?? cmd.collation) ? ((collation ?? cmd.collation) as BsonDocument) : undefined,
    variables: optionalDocument(cmd, 'let'),
    // Clones, because mingo's $lookup embeds foreign documents into its output.
    resolveCollection: (name) => (ctx.collections.get(name)?.all() ?? []).map((d) => cloneValue(d)),
  };
}

function typeLabel(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function typeError(field: string, value: unknown, expected: string): CommandError {
  return new CommandError(
    14,
    'TypeMismatch',
    `BSON field '${field}' is the wrong type '${typeLabel(value)}', expected type '${expected}'`,
  );
}
