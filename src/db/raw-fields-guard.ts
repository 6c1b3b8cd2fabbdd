import type { Connection } from 'mongoose';

/**
 * The driver passes bson a `fieldsAsRaw` object (`{}` unless configured), and bson decides
 * whether to leave an array undecoded with `fieldsAsRaw[fieldName]`, a plain property
 * read. For a field named after an Object.prototype member (`constructor`, `toString`,
 * `valueOf`, `__proto__`, ...) that read finds the inherited member, so the documents in
 * such an array came back as raw BSON buffers — with a real MongoDB as much as with the
 * stand-in. Giving the connection's object an own `false` for each of those names makes
 * the lookup answer "decode". It has to be done on the object the client already holds:
 * mongoose copies connection options without `constructor` keys. Databases and collections
 * of the connection share the client's object.
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
