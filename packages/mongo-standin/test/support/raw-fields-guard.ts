import type { Connection } from 'mongoose';

/**
 * The same guard the server applies to its connections (src/db/raw-fields-guard.ts in the
 * server project, which this package cannot depend on). Without it the driver, not the
 * stand-in, leaves arrays in fields named after Object.prototype members (`constructor`,
 * `toString`, ...) as raw BSON: bson looks such names up in the driver's `fieldsAsRaw`
 * object with a plain property read and finds the inherited member. An own `false` for
 * each of those names makes the lookup answer "decode", so the tests here see what the
 * stand-in actually stored.
 */
export function guardRawFieldLookup(connection: Connection): void {
  const fieldsAsRaw = (connection.getClient().bsonOptions as { fieldsAsRaw?: Record<string, boolean> }).fieldsAsRaw;
  if (!fieldsAsRaw) return;
  for (const name of Object.getOwnPropertyNames(Object.prototype)) {
    if (!Object.prototype.hasOwnProperty.call(fieldsAsRaw, name)) {
      Object.defineProperty(fieldsAsRaw, name, { value: false, enumerable: true, writable: true, configurable: true });
    }
  }
}
