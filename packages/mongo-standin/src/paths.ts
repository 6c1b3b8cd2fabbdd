import { hasOwn, ownField, setField } from './own';
import { isPlainObject, type BsonDocument } from './values';

const isDigits = (s: string): boolean => /^\d+$/.test(s);

const PLAIN_PATH = /^[^$.\d][^$.]*(\.[^$.\d][^$.]*)*$/;

/** A dotted field path with no operators, positional parts or numeric (array index) segments. */
export const isPlainPath = (path: string): boolean => PLAIN_PATH.test(path);

/**
 * All values a dotted path reaches in a document, descending through arrays of
 * sub-documents and unwinding an array found at the end of the path. This is how MongoDB
 * derives multikey index keys, sort keys and `distinct` values: `{tags: ['a', 'b']}` has
 * the keys 'a' and 'b' for the path `tags`. Missing paths contribute nothing.
 */
export function collectPathValues(doc: unknown, path: string | string[]): unknown[] {
  const out: unknown[] = [];
  visitPath(doc, typeof path === 'string' ? path.split('.') : path, 0, false, (v) => {
    out.push(v);
    return false;
  });
  return out;
}

/**
 * True when `predicate` holds for any value `collectPathValues` would return; stops at the
 * first hit and allocates nothing, for the hot path of equality matching.
 */
export function someValueAtPath(doc: unknown, segments: string[], predicate: (value: unknown) => boolean): boolean {
  return visitPath(doc, segments, 0, false, predicate);
}

function visitPath(value: unknown, segments: string[], i: number, inArray: boolean, visit: (v: unknown) => boolean): boolean {
  if (i === segments.length) {
    if (!Array.isArray(value)) return visit(value);
    for (const element of value) if (visit(element)) return true;
    return false;
  }
  const segment = segments[i];
  if (Array.isArray(value)) {
    // A numeric segment may address an element position; sub-documents inside the array
    // are searched for the field as well, so both readings are followed.
    if (!inArray && isDigits(segment)) {
      const idx = Number(segment);
      if (idx < value.length && visitPath(value[idx], segments, i + 1, false, visit)) return true;
    }
    for (const element of value) {
      if (isPlainObject(element) && visitPath(element, segments, i, true, visit)) return true;
    }
    return false;
  }
  if (isPlainObject(value) && hasOwn(value, segment)) {
    return visitPath(value[segment], segments, i + 1, false, visit);
  }
  return false;
}

/** The value at a dotted path without array fan-out, or undefined when any step is missing. */
export function getPath(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && isDigits(segment)) current = current[Number(segment)];
    else if (isPlainObject(current)) current = ownField(current, segment);
    else return undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

/** Sets a dotted path, creating intermediate sub-documents; used to seed upserted documents. */
export function setPath(doc: BsonDocument, path: string, value: unknown): void {
  const segments = path.split('.');
  let current: BsonDocument = doc;
  for (let i = 0; i < segments.length - 1; i++) {
    let next = ownField(current, segments[i]);
    if (!isPlainObject(next)) {
      next = {};
      setField(current, segments[i], next);
    }
    current = next as BsonDocument;
  }
  setField(current, segments[segments.length - 1], value);
}

/** True when one dotted path equals the other or is a prefix of it on a segment boundary. */
export function pathsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const [shorter, longer] = a.length < b.length ? [a, b] : [b, a];
  return longer.startsWith(shorter) && longer[shorter.length] === '.';
}
