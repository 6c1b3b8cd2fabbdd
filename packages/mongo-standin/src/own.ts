import type { BsonDocument } from './values';

/**
 * Field names are data, not JavaScript property names. A document may hold `__proto__`,
 * `constructor` or `toString` as ordinary fields (MongoDB gives them no meaning), so the
 * stand-in reads a field by name only when it is the object's own, and writes `__proto__`
 * by defining a property: a plain assignment would call Object.prototype's `__proto__`
 * setter, replace the object's prototype and lose the field (or, on an object reached
 * through an inherited name, change Object.prototype for the whole process).
 */
export const hasOwn = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/** The document's own field `key`, or undefined; never a value inherited from a prototype. */
export function ownField(obj: BsonDocument, key: string): unknown {
  return hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets field `key` as an own, enumerable property, whatever its name. */
export function setField(obj: BsonDocument, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

// Every plain object inherits these names. mingo reads some fields with a plain `obj[name]`,
// which finds the inherited function (`constructor` is Object) or the prototype itself
// (`__proto__`), so paths naming them are never handed to mingo's update operators.
const INHERITED_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** True when a dotted path has a segment that every plain object inherits (`constructor`, `__proto__`, ...). */
export function namesInheritedField(path: string): boolean {
  for (const segment of path.split('.')) if (INHERITED_NAMES.has(segment)) return true;
  return false;
}
